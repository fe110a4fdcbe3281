//! Accounts and the Study Pack, over the storage trait.
//!
//! - passwords: argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes), hashed on a
//!   blocking thread so the server keeps answering;
//! - sessions: 256-bit random tokens in the cookie, their SHA-256 in the database, a fresh
//!   token at every sign-in, a CSRF token per session;
//! - licence codes: 100 random bits in the form `XXXXX-XXXXX-XXXXX-XXXXX` (Crockford base 32,
//!   no I/L/O/U), stored hashed, redeemable once;
//! - the premium rule: editors and admins read every model essay; students read those their
//!   active packs cover.
//!
//! Messages never say whether an email address is registered.

mod classes;
pub use classes::{MAX_CLASS_NAME, show_class_code};
mod secret;

use std::sync::Arc;

use studypack_domain::{PackScope, Role, Topic};
use studypack_store::{
    Entitlement, RateHit, Redemption, Session, Store, StoreError, TEACHER_CODE_SCOPE, User,
};

pub use secret::{hash_token, random_token};

/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;
/// How long the first-start setup link lasts.
pub const SETUP_SECONDS: i64 = 24 * 3600;
/// The shortest password accepted, in characters.
pub const MIN_PASSWORD: usize = 10;
/// The longest password accepted, in bytes (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// What the user typed does not do; the message says how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// Wrong email or password (deliberately not saying which).
    #[error("That email and password do not match an account.")]
    BadCredentials,
    /// Too many attempts; try again after this many seconds.
    #[error("Too many attempts. Try again in {0} seconds.")]
    RateLimited(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

pub type AccountResult<T> = Result<T, AccountError>;

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A checked, normalised email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> AccountResult<Email> {
        let e = s.trim().to_lowercase();
        let ok = e.len() <= 254
            && !e.chars().any(|c| c.is_whitespace() || c.is_control())
            && e.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        if ok {
            Ok(Email(e))
        } else {
            Err(AccountError::Invalid(
                "Enter an email address such as name@example.com.".into(),
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the rules (length only: long passphrases beat composition rules).
pub fn check_new_password(p: &str) -> AccountResult<()> {
    if p.chars().count() < MIN_PASSWORD {
        return Err(AccountError::Invalid(format!(
            "Choose a password of at least {MIN_PASSWORD} characters."
        )));
    }
    if p.len() > MAX_PASSWORD {
        return Err(AccountError::Invalid(format!(
            "Choose a password of at most {MAX_PASSWORD} bytes."
        )));
    }
    Ok(())
}

/// Argon2 runs at most this many hashes at once (each takes 19 MiB): one per core.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    })
}

/// An argon2id hash of `password` in PHC form, computed off the async threads.
pub async fn hash_password(password: &str) -> AccountResult<String> {
    let _permit = hashing_permits()
        .acquire()
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))?;
    let p = password.to_owned();
    tokio::task::spawn_blocking(move || secret::hash_password(&p))
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))?
}

/// Whether `password` matches the PHC `hash`, computed off the async threads.
pub async fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(_permit) = hashing_permits().acquire().await else {
        return false;
    };
    let (p, h) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || secret::verify_password(&p, &h))
        .await
        .unwrap_or(false)
}

/// Limits on repeated attempts: `max` events per `window` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: i64,
}

/// The rate limits the service applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Failed sign-ins per account from one address.
    pub sign_in_per_account: Limit,
    /// Failed sign-ins per account from all addresses together (set high: anyone can spend
    /// it, and spending it locks the account's owner out).
    pub sign_in_per_account_anywhere: Limit,
    /// Failed sign-ins per address.
    pub sign_in_per_address: Limit,
    /// New accounts per address.
    pub sign_up_per_address: Limit,
    /// Failed licence-code redemptions per user (guessing codes).
    pub redeem_per_user: Limit,
    /// Feedback reports per address or user.
    pub feedback: Limit,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            sign_in_per_account: Limit {
                max: 5,
                window: 15 * 60,
            },
            sign_in_per_account_anywhere: Limit {
                max: 100,
                window: 15 * 60,
            },
            sign_in_per_address: Limit {
                max: 30,
                window: 15 * 60,
            },
            sign_up_per_address: Limit {
                max: 10,
                window: 3600,
            },
            redeem_per_user: Limit {
                max: 10,
                window: 3600,
            },
            feedback: Limit {
                max: 60,
                window: 60,
            },
        }
    }
}

/// A new session: the cookie token (shown once) and the session it opens.
pub struct NewSession {
    pub token: String,
    pub session: Session,
}

/// The account service.
#[derive(Clone)]
pub struct Accounts {
    store: Arc<dyn Store>,
    pub limits: Limits,
}

impl Accounts {
    pub fn new(store: Arc<dyn Store>) -> Accounts {
        Accounts {
            store,
            limits: Limits::default(),
        }
    }

    pub fn with_limits(mut self, limits: Limits) -> Accounts {
        self.limits = limits;
        self
    }

    /// Counts one use of `limit` by `key`, or fails with `RateLimited` (then it is not
    /// counted). Returns the event, which [`Accounts::forget`] can take back.
    pub async fn spend_rate(&self, key: &str, limit: Limit) -> AccountResult<i64> {
        match self
            .store
            .hit_rate(key, limit.window, limit.max, now())
            .await?
        {
            RateHit::Allowed(id) => Ok(id),
            RateHit::Limited(wait) => Err(AccountError::RateLimited(wait)),
        }
    }

    /// Takes back a counted event (a sign-in that succeeded is not a failure).
    async fn forget(&self, event: i64) -> AccountResult<()> {
        Ok(self.store.forget_rate_event(event).await?)
    }

    /// Creates an account (from the command line or the setup page: no rate limit).
    pub async fn add_user(&self, email: &str, password: &str, role: Role) -> AccountResult<User> {
        let email = Email::parse(email)?;
        check_new_password(password)?;
        let hash = hash_password(password).await?;
        match self
            .store
            .create_user(email.as_str(), &hash, role, now())
            .await
        {
            Ok(u) => Ok(u),
            Err(StoreError::Conflict(_)) => Err(AccountError::Invalid(format!(
                "{} already has an account.",
                email.as_str()
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Signs up a student from `address`. A taken address is refused with a message that
    /// does not confirm an account (but a new address succeeds, so sign-up does tell whether an
    /// address is registered: without email confirmation that cannot be hidden; the limit on
    /// sign-ups per address is the defence).
    pub async fn sign_up(
        &self,
        email: &str,
        password: &str,
        address: &str,
    ) -> AccountResult<NewSession> {
        let email = Email::parse(email)?;
        check_new_password(password)?;
        self.spend_rate(
            &format!("signup:{address}"),
            self.limits.sign_up_per_address,
        )
        .await?;
        let hash = hash_password(password).await?;
        match self
            .store
            .create_user(email.as_str(), &hash, Role::Student, now())
            .await
        {
            Ok(user) => self.open_session(user).await,
            Err(StoreError::Conflict(_)) => Err(AccountError::Invalid(
                "We could not create that account. If you already have one, sign in instead."
                    .into(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Checks a password. Every attempt is counted before the check (so parallel guesses
    /// cannot slip past the limits) and a successful one is taken back: the limits count
    /// failures per account from one address, per account from anywhere, and per address.
    pub async fn authenticate(
        &self,
        email: &str,
        password: &str,
        address: &str,
    ) -> AccountResult<User> {
        // A fixed-size key, however long the typed address.
        let account = hash_token(&email.trim().to_lowercase());
        let mut events = Vec::with_capacity(3);
        for (key, limit) in [
            (
                format!("signin:address:{address}"),
                self.limits.sign_in_per_address,
            ),
            (
                format!("signin:account:{account}"),
                self.limits.sign_in_per_account_anywhere,
            ),
            (
                format!("signin:account:{account}:{address}"),
                self.limits.sign_in_per_account,
            ),
        ] {
            match self.spend_rate(&key, limit).await {
                Ok(id) => events.push(id),
                Err(e) => {
                    for id in events {
                        self.forget(id).await?;
                    }
                    return Err(e);
                }
            }
        }
        let found = match Email::parse(email) {
            Ok(e) => self.store.user_by_email(e.as_str()).await?,
            Err(_) => None,
        };
        let ok = match &found {
            Some((_, hash)) => verify_password(password, hash).await,
            None => {
                // Spend the same time as a real check, so timing does not tell either.
                verify_password(password, secret::dummy_hash()).await;
                false
            }
        };
        match found {
            Some((user, _)) if ok => {
                for id in events {
                    self.forget(id).await?;
                }
                Ok(user)
            }
            _ => Err(AccountError::BadCredentials),
        }
    }

    /// Signs in: checks the password and opens a new session (never reusing an old id).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        address: &str,
    ) -> AccountResult<NewSession> {
        let user = self.authenticate(email, password, address).await?;
        self.open_session(user).await
    }

    pub async fn open_session(&self, user: User) -> AccountResult<NewSession> {
        let token = random_token();
        let csrf = random_token();
        let at = now();
        let expires_at = at + SESSION_SECONDS;
        self.store
            .create_session(&hash_token(&token), user.id, &csrf, expires_at, at)
            .await?;
        Ok(NewSession {
            token,
            session: Session {
                user,
                csrf,
                expires_at,
            },
        })
    }

    /// The live session for a cookie token.
    pub async fn session(&self, token: &str) -> AccountResult<Option<Session>> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        Ok(self.store.session(&hash_token(token), now()).await?)
    }

    pub async fn sign_out(&self, token: &str) -> AccountResult<()> {
        Ok(self.store.delete_session(&hash_token(token)).await?)
    }

    /// Changes a password after checking the current one; ends the user's other sessions.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        keep_token: &str,
        address: &str,
    ) -> AccountResult<()> {
        self.authenticate(&user.email, current, address).await?;
        check_new_password(new)?;
        let hash = hash_password(new).await?;
        self.store.set_password(user.id, &hash).await?;
        self.store
            .delete_sessions_of(user.id, Some(&hash_token(keep_token)))
            .await?;
        self.store
            .audit(Some(user.id), "password.change", Some(user.id), "", now())
            .await?;
        Ok(())
    }

    /// On a first start (no admin yet): a one-time setup token to create the admin account.
    pub async fn setup_token_if_needed(&self) -> AccountResult<Option<String>> {
        if self.store.count_admins().await? > 0 {
            return Ok(None);
        }
        let token = random_token();
        self.store
            .create_setup_token(&hash_token(&token), now() + SETUP_SECONDS)
            .await?;
        Ok(Some(token))
    }

    /// Creates the first admin with a setup token, once.
    pub async fn complete_setup(
        &self,
        token: &str,
        email: &str,
        password: &str,
    ) -> AccountResult<NewSession> {
        let parsed = Email::parse(email)?;
        check_new_password(password)?;
        if self.store.user_by_email(parsed.as_str()).await?.is_some() {
            return Err(AccountError::Invalid(format!(
                "{} already has an account; choose another address for the admin.",
                parsed.as_str()
            )));
        }
        if self.store.count_admins().await? > 0
            || !self
                .store
                .take_setup_token(&hash_token(token), now())
                .await?
        {
            return Err(AccountError::Invalid(
                "This setup link has been used or has expired. Restart the server for a new one if no admin exists.".into(),
            ));
        }
        let user = self.add_user(email, password, Role::Admin).await?;
        self.store
            .audit(
                Some(user.id),
                "setup",
                Some(user.id),
                "first admin created",
                now(),
            )
            .await?;
        self.open_session(user).await
    }

    /// Makes `n` licence codes for a pack lasting `days` from redemption; returns them (the
    /// database keeps only their hashes).
    pub async fn create_codes(
        &self,
        scope: &PackScope,
        n: usize,
        days: Option<i64>,
        actor: Option<i64>,
    ) -> AccountResult<Vec<String>> {
        self.store_codes(&scope.to_string(), n, days, actor).await
    }

    /// Makes `n` teacher's codes: redeeming one makes the account a teacher.
    pub async fn create_teacher_codes(
        &self,
        n: usize,
        actor: Option<i64>,
    ) -> AccountResult<Vec<String>> {
        self.store_codes(TEACHER_CODE_SCOPE, n, None, actor).await
    }

    async fn store_codes(
        &self,
        scope: &str,
        n: usize,
        days: Option<i64>,
        actor: Option<i64>,
    ) -> AccountResult<Vec<String>> {
        if n == 0 || n > 100_000 {
            return Err(AccountError::Invalid(
                "--count must be from 1 to 100000".into(),
            ));
        }
        if days.is_some_and(|d| !(1..=36_500).contains(&d)) {
            return Err(AccountError::Invalid(
                "--days must be from 1 to 36500".into(),
            ));
        }
        let codes: Vec<String> = (0..n).map(|_| secret::licence_code()).collect();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| hash_token(&secret::normalise_code(c)))
            .collect();
        self.store
            .create_codes(&hashes, scope, days, actor, now())
            .await?;
        Ok(codes)
    }

    /// Redeems a licence code for `user`, within the limit on failed attempts.
    pub async fn redeem(&self, user: &User, code: &str) -> AccountResult<Redeemed> {
        let event = self
            .spend_rate(&format!("redeem:{}", user.id), self.limits.redeem_per_user)
            .await?;
        let norm = secret::normalise_code(code);
        let outcome = if norm.len() == secret::CODE_CHARS {
            self.store
                .redeem(&hash_token(&norm), user.id, now())
                .await?
        } else {
            Redemption::Unknown
        };
        let redeemed = match outcome {
            Redemption::Granted(e) => Redeemed::Pack(e),
            Redemption::Teacher => Redeemed::Teacher,
            Redemption::Unknown => return Err(AccountError::Invalid(
                "That code is not valid. Check it against the one you were given (XXXXX-XXXXX-XXXXX-XXXXX).".into(),
            )),
            Redemption::AlreadyUsed => return Err(AccountError::Invalid("That code has already been used.".into())),
        };
        self.forget(event).await?;
        Ok(redeemed)
    }

    /// Gives a user a pack by email (admin or command line); audited.
    pub async fn grant(
        &self,
        email: &str,
        scope: &PackScope,
        expires_at: Option<i64>,
        actor: Option<i64>,
    ) -> AccountResult<Entitlement> {
        let user = self.user(email).await?;
        Ok(self
            .store
            .grant(user.id, &scope.to_string(), expires_at, actor, now())
            .await?)
    }

    /// Revokes an entitlement; audited.
    pub async fn revoke(&self, entitlement_id: i64, actor: Option<i64>) -> AccountResult<bool> {
        Ok(self.store.revoke(entitlement_id, actor, now()).await?)
    }

    /// A user by email, or a clear error.
    pub async fn user(&self, email: &str) -> AccountResult<User> {
        let e = Email::parse(email)?;
        self.store
            .user_by_email(e.as_str())
            .await?
            .map(|(u, _)| u)
            .ok_or_else(|| AccountError::Invalid(format!("there is no account for {}", e.as_str())))
    }

    /// A reader's access: what `can_read` needs, loaded once per request.
    pub async fn access(&self, user: Option<&User>) -> AccountResult<Access> {
        let Some(user) = user else {
            return Ok(Access::default());
        };
        let at = now();
        let scopes = if user.role.edits() {
            Vec::new()
        } else {
            // The reader's own packs, and the school licences of the classes they are in.
            let own = self.store.entitlements(user.id).await?;
            let of_classes = self.store.member_class_packs(user.id).await?;
            own.into_iter()
                .filter(|e| e.active_at(at))
                .map(|e| e.scope)
                .chain(
                    of_classes
                        .into_iter()
                        .filter(|p| p.active_at(at))
                        .map(|p| p.scope),
                )
                .filter_map(|s| s.parse().ok())
                .collect()
        };
        Ok(Access {
            role: Some(user.role),
            scopes,
        })
    }

    pub async fn entitlements(&self, user: &User) -> AccountResult<Vec<Entitlement>> {
        Ok(self.store.entitlements(user.id).await?)
    }
}

/// What redeeming a licence code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// The account now holds this pack.
    Pack(Entitlement),
    /// The account is now a teacher's.
    Teacher,
}

/// What one reader may open: their role and the scopes of their active packs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    pub role: Option<Role>,
    pub scopes: Vec<PackScope>,
}

impl Access {
    /// The premium rule: whether this reader sees complete model essays on `topic`.
    pub fn can_read(&self, topic: &Topic) -> bool {
        self.role.is_some_and(Role::edits) || self.scopes.iter().any(|s| s.covers(topic))
    }

    /// Whether the reader holds any active pack (or edits).
    pub fn has_any(&self) -> bool {
        self.role.is_some_and(Role::edits) || !self.scopes.is_empty()
    }
}

#[cfg(test)]
mod tests;
