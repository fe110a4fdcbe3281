//! Random tokens, licence codes, token hashes and password hashes.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use crate::{AccountError, AccountResult};

/// Crockford's base 32: no I, L, O or U, so codes read aloud and typed survive.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a licence code, without its dashes (20 × 5 = 100 random bits).
pub const CODE_CHARS: usize = 20;

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // The operating system's generator failing is not something to carry on from.
    getrandom::fill(&mut b).expect("the operating system's random number generator");
    b
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 256 random bits as 64 hex digits: session ids, CSRF and setup tokens.
pub fn random_token() -> String {
    hex(&random_bytes::<32>())
}

/// SHA-256 of a token in hex: what the database keeps instead of the token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new licence code: `XXXXX-XXXXX-XXXXX-XXXXX`.
pub fn licence_code() -> String {
    let bytes = random_bytes::<CODE_CHARS>();
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| CODE_ALPHABET[(b & 31) as usize] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Characters in a class code (8 × 5 = 40 random bits; joining is rate-limited).
pub const CLASS_CODE_CHARS: usize = 8;

/// A new class code, `XXXX-XXXX`, stored in canonical form (see [`normalise_code`]).
pub fn class_code() -> String {
    random_bytes::<CLASS_CODE_CHARS>()
        .iter()
        .map(|b| CODE_ALPHABET[(b & 31) as usize] as char)
        .collect()
}

/// A typed code in canonical form: upper case, no dashes or spaces, and the letters people
/// confuse with digits read as those digits (O→0, I/L→1).
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .take(64)
        .collect()
}

pub fn hash_password(password: &str) -> AccountResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Internal(format!("hashing a password: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "a stored password hash does not parse");
            false
        }
    }
}

/// A valid hash of a random password, checked against when the account does not exist.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}
