//! Words: where each ends, how it is folded (lowercased, accents and apostrophes dropped, a
//! possessive cut), how it is written, and its key; and the tokeniser that reads them.

use super::{Lookup, ReadToken};

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Characters that word processors and web pages leave inside words and that show nothing:
/// soft hyphens, zero-width spaces and joiners, word joiners, byte-order marks. A word reads
/// across them, as if they were not there.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Lowercases and folds a raw word: accents dropped for Latin letters, apostrophes removed,
/// a possessive 's cut. (British spellings are mapped after this, with the stem.)
fn fold_word(raw: &str, w: &mut String) {
    w.clear();
    if raw.is_ascii() {
        w.push_str(raw);
        if raw.bytes().any(|b| b == b'\'') {
            w.retain(|c| c != '\'');
        }
        w.make_ascii_lowercase();
        if (raw.ends_with("'s") || raw.ends_with("'S")) && w.len() > 2 {
            w.pop();
        }
        return;
    }
    for c in raw.chars() {
        if is_apostrophe(c) || is_invisible(c) {
            continue;
        }
        for l in c.to_lowercase() {
            w.push(fold_accent(l));
        }
    }
    let possessive = ["'s", "'S", "\u{2019}s", "\u{2019}S"]
        .iter()
        .any(|e| raw.ends_with(e));
    if possessive && w.len() > 2 {
        w.pop();
    }
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        c => c,
    }
}

/// The character at byte `i` of `s`, which must be a character boundary, and its length.
fn char_at(s: &str, i: usize) -> (char, usize) {
    match s.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => (b as char, 1),
        _ => s[i..]
            .chars()
            .next()
            .map_or((' ', 1), |c| (c, c.len_utf8())),
    }
}

/// Whether a word is written in capitals (at least two letters, all upper case).
fn is_all_caps(raw: &str) -> bool {
    if raw.is_ascii() {
        let mut capitals = 0;
        for b in raw.bytes() {
            if b.is_ascii_lowercase() {
                return false;
            }
            capitals += usize::from(b.is_ascii_uppercase());
        }
        return capitals >= 2;
    }
    raw.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && raw
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
}

/// Whether the character at byte `i` of `s` (a character boundary, or the end) is a word
/// character.
fn word_char_at(s: &str, i: usize) -> bool {
    match s.as_bytes().get(i) {
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => is_word_char(char_at(s, i).0),
        None => false,
    }
}

/// The end of the word starting at byte `i` of `s`. An apostrophe inside a word (Stalin's,
/// don't) belongs to it, and so does an invisible character (a soft hyphen) between letters.
fn word_end(s: &str, mut i: usize) -> usize {
    let bytes = s.as_bytes();
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        if b.is_ascii() && b != b'\'' {
            break;
        }
        let (c, n) = char_at(s, i);
        let inside_word =
            is_word_char(c) || ((is_apostrophe(c) || is_invisible(c)) && word_char_at(s, i + n));
        if !inside_word {
            break;
        }
        i += n;
    }
    i
}

/// Byte-parallel tests on eight bytes in a `u64` ("SIMD within a register"). Each test sets the
/// top bit of every byte that passes; bytes from 0x80 up never pass, and may disturb the
/// bytes after them (which the callers do not look at).
mod swar {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const TOPS: u64 = u64::from_le_bytes([0x80; 8]);

    /// Bytes in `lo..=hi` (both ASCII).
    fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
        let ascii = !w & TOPS;
        let at_least_lo = w.wrapping_add(ONES * u64::from(0x80 - lo));
        let above_hi = w.wrapping_add(ONES * u64::from(0x7f - hi));
        at_least_lo & !above_hi & ascii
    }

    pub(super) fn upper(w: u64) -> u64 {
        in_range(w, b'A', b'Z')
    }

    pub(super) fn lower(w: u64) -> u64 {
        in_range(w, b'a', b'z')
    }

    /// Letters and digits. Setting bit 5 turns a capital into its small letter and no other
    /// byte into a letter, so one range finds both cases.
    pub(super) fn alphanumeric(w: u64) -> u64 {
        let ascii = !w & TOPS;
        lower(w | (ONES * 0x20)) & ascii | in_range(w, b'0', b'9')
    }

    /// Whether the two masks (from the tests above) have at least two bits set between them.
    pub(super) fn two_or_more(a: u64, b: u64) -> bool {
        a & a.wrapping_sub(1) != 0 || b & b.wrapping_sub(1) != 0 || (a != 0 && b != 0)
    }

    /// The bytes with the capitals `upper` (from [`upper`]) lowercased.
    pub(super) fn to_lower(w: u64, upper: u64) -> u64 {
        w | (upper >> 2)
    }

    /// The top bits of the eight bytes as eight bits, the first byte lowest.
    pub(super) fn byte_mask(tops: u64) -> u8 {
        (((tops >> 7) & ONES).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
    }
}

/// Tokenises `text[start..end]`, appending to `out` the token `lookup` gives each word.
/// `folded` is scratch space.
#[inline(never)]
pub(super) fn tokenise<L: Lookup>(
    text: &str,
    (start, end): (usize, usize),
    lookup: &mut L,
    folded: &mut String,
    out: &mut Vec<L::Token>,
) {
    let slice = &text[start..end];
    let bytes = slice.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() && !b.is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        // Most words are short, ASCII and known: they are read in one pass and looked up
        // without being folded.
        if b.is_ascii()
            && let Some(word) = AsciiWord::read(bytes, i)
        {
            let (raw, scratch) = (&slice[i..word.end], &mut *folded);
            let fold = move || {
                let scratch = scratch;
                fold_word(raw, scratch);
                scratch.as_str()
            };
            let token = lookup.token(start + i, word.end - i, word.shape, word.key, fold);
            if !token.known()
                && let Some(cut) = run_together(raw, lookup, folded)
            {
                split_run_together(raw, cut, start + i, lookup, folded, out);
            } else {
                out.push(token);
            }
            i = word.end;
            continue;
        }
        let (c, n) = char_at(slice, i);
        if !is_word_char(c) {
            i += n;
            continue;
        }
        let begin = i;
        i = word_end(slice, i + n);
        let raw = &slice[begin..i];
        fold_word(raw, folded);
        if folded.is_empty() {
            continue;
        }
        let key = WordKey::of(folded);
        let token = lookup.token(start + begin, raw.len(), Shape::of(raw), key, || {
            folded.as_str()
        });
        if !token.known()
            && raw.is_ascii()
            && let Some(cut) = run_together(raw, lookup, folded)
        {
            split_run_together(raw, cut, start + begin, lookup, folded, out);
        } else {
            out.push(token);
        }
    }
}

/// Pushes the tokens of the two halves of a word run together, cut at byte `cut`.
fn split_run_together<L: Lookup>(
    raw: &str,
    cut: usize,
    start: usize,
    lookup: &mut L,
    folded: &mut String,
    out: &mut Vec<L::Token>,
) {
    for (a, b) in [(0, cut), (cut, raw.len())] {
        let half = &raw[a..b];
        fold_word(half, folded);
        let key = WordKey::of(folded);
        out.push(lookup.token(start + a, b - a, Shape::of(half), key, || folded.as_str()));
    }
}

/// Where an ASCII word of two words run together splits (`concentrationActive` →
/// `concentration` + `Active`): at a capital after a lower-case letter, when both halves, of
/// at least two letters, are words `lookup` knows.
fn run_together<L: Lookup>(raw: &str, lookup: &L, folded: &mut String) -> Option<usize> {
    let b = raw.as_bytes();
    let cut = (2..b.len().saturating_sub(1))
        .find(|&k| b[k].is_ascii_uppercase() && b[k - 1].is_ascii_lowercase())?;
    let known = |half: &str, folded: &mut String| {
        fold_word(half, folded);
        !folded.is_empty() && lookup.knows(folded)
    };
    (known(&raw[..cut], folded) && known(&raw[cut..], folded)).then_some(cut)
}

/// How a word is written: whether it starts with a capital, and whether it is all capitals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    pub capital: bool,
    pub all_caps: bool,
}

impl Shape {
    fn of(raw: &str) -> Shape {
        Shape {
            capital: raw.chars().next().is_some_and(char::is_uppercase),
            all_caps: is_all_caps(raw),
        }
    }
}

/// An ASCII word read in one pass: where it ends, the key of its folded form, and its shape.
struct AsciiWord {
    end: usize,
    key: WordKey<'static>,
    shape: Shape,
}

impl AsciiWord {
    /// Reads the word starting at byte `i` (an ASCII letter or digit) as [`word_end`],
    /// [`fold_word`] with [`WordKey::of`], and [`Shape::of`] would. `None` if the word goes on with a
    /// character that is not ASCII, or its folded form is too long for a short key: those
    /// words take the general path.
    fn read(bytes: &[u8], i: usize) -> Option<AsciiWord> {
        match bytes.get(i..i + 16) {
            Some(ahead) => Self::read_ahead(bytes, i, ahead),
            None => Self::read_bytewise(bytes, i),
        }
    }

    /// [`read`](Self::read) with the sixteen bytes from `i` at hand, eight at a time: most
    /// words are shorter and end with a space or a mark, and need no loop over their bytes.
    fn read_ahead(bytes: &[u8], i: usize, ahead: &[u8]) -> Option<AsciiWord> {
        let (a, b) = ahead.split_at(8);
        let words = [
            u64::from_le_bytes(a.try_into().ok()?),
            u64::from_le_bytes(b.try_into().ok()?),
        ];
        let [alnum_a, alnum_b] = words.map(swar::alphanumeric);
        let alnum = u32::from(swar::byte_mask(alnum_a)) | u32::from(swar::byte_mask(alnum_b)) << 8;
        let len = (!alnum).trailing_zeros() as usize;
        if len >= 16 {
            // Too long for a short key.
            return None;
        }
        match bytes[i + len] {
            // An apostrophe may go on with the word, or be a possessive.
            b'\'' => return Self::read_bytewise(bytes, i),
            next if !next.is_ascii() => return None,
            _ => {}
        }
        let keep = |n: usize| {
            if n >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            }
        };
        let (keep_a, keep_b) = (keep(len), keep(len.saturating_sub(8)));
        let (low, high) = (
            words[0] & keep_a,
            if len > 8 { words[1] & keep_b } else { 0 },
        );
        let (upper_a, upper_b) = (swar::upper(low), swar::upper(high));
        let lower = (swar::lower(low) | swar::lower(high)) != 0;
        let key = Packed::from_parts(
            swar::to_lower(low, upper_a),
            swar::to_lower(high, upper_b),
            len,
        );
        Some(AsciiWord {
            end: i + len,
            key: key.key(),
            shape: Shape {
                capital: bytes[i].is_ascii_uppercase(),
                all_caps: !lower && swar::two_or_more(upper_a, upper_b),
            },
        })
    }

    fn read_bytewise(bytes: &[u8], i: usize) -> Option<AsciiWord> {
        let mut key = Packed::default();
        let mut j = i;
        let mut upper = 0usize;
        let mut lower = false;
        while let Some(&b) = bytes.get(j) {
            if b.is_ascii_alphanumeric() {
                if key.full() {
                    return None;
                }
                upper += usize::from(b.is_ascii_uppercase());
                lower |= b.is_ascii_lowercase();
                key.push(b.to_ascii_lowercase());
                j += 1;
            } else if b == b'\'' {
                // An apostrophe belongs to the word if a word character follows it.
                match bytes.get(j + 1) {
                    Some(n) if n.is_ascii_alphanumeric() => j += 1,
                    Some(n) if !n.is_ascii() => return None,
                    _ => break,
                }
            } else if b.is_ascii() {
                break;
            } else {
                return None;
            }
        }
        let raw = &bytes[i..j];
        if (raw.ends_with(b"'s") || raw.ends_with(b"'S")) && key.len() > 2 {
            key.pop();
        }
        Some(AsciiWord {
            end: j,
            key: key.key(),
            shape: Shape {
                capital: bytes[i].is_ascii_uppercase(),
                all_caps: !lower && upper >= 2,
            },
        })
    }
}

/// Folded words of up to this many bytes are keys packed into an integer.
const SHORT_WORD: usize = 15;

/// A folded word as a key of the vocabulary: a short word's bytes packed into an integer with
/// its length in the top byte (made without allocating, compared without following a
/// pointer), or a longer word's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordKey<'a> {
    Short(u128),
    Long(&'a str),
}

impl WordKey<'_> {
    /// The key of a folded word.
    pub(crate) fn of(folded: &str) -> WordKey<'_> {
        if folded.len() > SHORT_WORD {
            return WordKey::Long(folded);
        }
        let mut packed = Packed::default();
        for b in folded.bytes() {
            packed.push(b);
        }
        packed.key()
    }
}

/// The bytes of a short word, packed into two integers as they are added (kept in registers:
/// a byte array here would be read back just after being written, which stalls).
#[derive(Default)]
pub(crate) struct Packed {
    low: u64,
    high: u64,
    len: usize,
}

impl Packed {
    /// The bytes of a short word already packed: the first eight in `low`, the rest in `high`.
    pub(super) fn from_parts(low: u64, high: u64, len: usize) -> Packed {
        debug_assert!(len <= SHORT_WORD);
        Packed { low, high, len }
    }

    /// Whether it holds [`SHORT_WORD`] bytes, as many as a short key can.
    pub(super) fn full(&self) -> bool {
        self.len == SHORT_WORD
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Adds a byte; there must be fewer than [`SHORT_WORD`].
    pub(super) fn push(&mut self, b: u8) {
        let b = u64::from(b);
        if self.len < 8 {
            self.low |= b << (8 * self.len);
        } else {
            self.high |= b << (8 * (self.len - 8));
        }
        self.len += 1;
    }

    /// Removes the last byte.
    pub(super) fn pop(&mut self) {
        self.len -= 1;
        if self.len < 8 {
            self.low &= !(0xff << (8 * self.len));
        } else {
            self.high &= !(0xff << (8 * (self.len - 8)));
        }
    }

    /// The key: the bytes, with the length in the top byte.
    pub(super) fn key(self) -> WordKey<'static> {
        let high = self.high | (self.len as u64) << 56;
        WordKey::Short(u128::from(self.low) | u128::from(high) << 64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// The one-pass reading of ASCII words (eight bytes at a time, or byte by byte near
        /// the end) agrees with the general path: the same end, key and shape.
        #[test]
        fn ascii_words_read_as_the_general_path(text in "[a-zA-Z0-9 '’.,é-]{0,40}") {
            let bytes = text.as_bytes();
            let mut folded = String::new();
            for i in 0..bytes.len() {
                if !bytes[i].is_ascii_alphanumeric() {
                    continue;
                }
                if let Some(w) = AsciiWord::read(bytes, i) {
                    let end = word_end(&text, i + 1);
                    proptest::prop_assert_eq!(w.end, end);
                    fold_word(&text[i..end], &mut folded);
                    proptest::prop_assert_eq!(w.key, WordKey::of(&folded));
                    proptest::prop_assert_eq!(w.shape, Shape::of(&text[i..end]));
                }
            }
        }
    }
}
