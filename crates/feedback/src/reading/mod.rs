//! Splitting an essay into paragraphs, sentences and tokens, with byte offsets into the
//! original text. Every step is linear in the input.

use crate::vocabulary::wordlists::Signal;
use crate::vocabulary::stems::{Lexeme, Lexicon, StemId, Stems, Word, WordId, WordKey};

#[derive(Debug, Clone)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Lowercased, ASCII-folded, British spelling mapped to American.
    pub word: Word,
    pub stem: Word,
    pub stop: bool,
    pub capital: bool,
    pub all_caps: bool,
    pub numeric: bool,
    pub sentence: usize,
}

/// A token as the engine works with it: a [`Token`] whose word and stem are borrowed from the
/// lexicon, with their ids.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok<'a> {
    pub start: usize,
    pub end: usize,
    /// Lowercased, ASCII-folded, British spelling mapped to American.
    pub word: &'a str,
    pub stem: &'a str,
    pub word_id: WordId,
    pub stem_id: StemId,
    pub stop: bool,
    pub capital: bool,
    pub all_caps: bool,
    pub numeric: bool,
    pub signal: Option<Signal>,
    /// The word is the first of a judgement cue.
    pub starts_cue: bool,
    /// The stem is known to the library or a stop word: only unknown stems may be misspellings
    /// of scheme terms.
    pub known: bool,
    pub sentence: usize,
}

/// An analysed text as the engine works with it.
pub(crate) type Parsed<'a> = Analysed<'a, Tok<'a>>;

#[derive(Debug, Clone)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
    /// Token index range.
    pub tokens: std::ops::Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParagraphKind {
    Prose,
    Heading,
    Bullet,
}

#[derive(Debug, Clone)]
pub struct Paragraph {
    pub start: usize,
    pub end: usize,
    pub kind: ParagraphKind,
    pub sentences: std::ops::Range<usize>,
}

/// A text split into paragraphs, sentences and tokens: [`Token`]s as [`analyse`] returns
/// them, or the engine's own borrowed form.
#[derive(Debug, Clone)]
pub struct Analysed<'a, T = Token> {
    pub text: &'a str,
    pub tokens: Vec<T>,
    pub sentences: Vec<Sentence>,
    pub paragraphs: Vec<Paragraph>,
}

impl<T> Analysed<'_, T> {
    pub fn words(&self) -> usize {
        self.tokens.len()
    }
    pub fn sentence_text(&self, s: usize) -> &str {
        let s = &self.sentences[s];
        self.text[s.start..s.end].trim()
    }
    pub fn sentence_tokens(&self, s: usize) -> &[T] {
        &self.tokens[self.sentences[s].tokens.clone()]
    }
    pub fn prose_paragraphs(&self) -> impl Iterator<Item = (usize, &Paragraph)> {
        self.paragraphs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind != ParagraphKind::Heading)
    }
}

/// Longest run of tokens kept as one sentence; longer unpunctuated runs are cut into windows.
const MAX_SENTENCE_TOKENS: usize = 60;
const WINDOW_TOKENS: usize = 40;

const ABBREVIATIONS: &[&str] = &[
    "eg", "ie", "mr", "mrs", "ms", "dr", "st", "vs", "cf", "ca", "etc", "no", "gen", "col", "lt",
    "capt", "sgt", "rev", "jr", "sr", "vol", "pp", "approx", "fig",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
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
        if is_apostrophe(c) {
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
/// don't) belongs to it.
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
        let inside_word = is_word_char(c) || (is_apostrophe(c) && word_char_at(s, i + n));
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

    pub fn upper(w: u64) -> u64 {
        in_range(w, b'A', b'Z')
    }

    pub fn lower(w: u64) -> u64 {
        in_range(w, b'a', b'z')
    }

    /// Letters and digits. Setting bit 5 turns a capital into its small letter and no other
    /// byte into a letter, so one range finds both cases.
    pub fn alphanumeric(w: u64) -> u64 {
        let ascii = !w & TOPS;
        lower(w | (ONES * 0x20)) & ascii | in_range(w, b'0', b'9')
    }

    /// Whether the two masks (from the tests above) have at least two bits set between them.
    pub fn two_or_more(a: u64, b: u64) -> bool {
        a & a.wrapping_sub(1) != 0 || b & b.wrapping_sub(1) != 0 || (a != 0 && b != 0)
    }

    /// The bytes with the capitals `upper` (from [`upper`]) lowercased.
    pub fn to_lower(w: u64, upper: u64) -> u64 {
        w | (upper >> 2)
    }

    /// The top bits of the eight bytes as eight bits, the first byte lowest.
    pub fn byte_mask(tops: u64) -> u8 {
        (((tops >> 7) & ONES).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
    }
}

/// Tokenises `text[start..end]`, appending to `out`. `folded` is scratch space.
#[inline(never)]
fn tokenise<'a, 'v: 'a>(
    text: &str,
    (start, end): (usize, usize),
    lexicon: &mut Lexicon<'v>,
    folded: &mut String,
    out: &mut Vec<Tok<'a>>,
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
            let (lexeme, texts) = match lexicon.find_borrowed(word.key) {
                Some(found) => found,
                None => {
                    fold_word(&slice[i..word.end], folded);
                    (lexicon.add(word.key, folded), None)
                }
            };
            out.push(token(start + i, word.end - i, word.shape, lexeme, texts));
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
        let (lexeme, texts) = lexicon
            .find_borrowed(key)
            .unwrap_or_else(|| (lexicon.add(key, folded), None));
        out.push(token(
            start + begin,
            raw.len(),
            Shape::of(raw),
            lexeme,
            texts,
        ));
    }
}

/// How a word is written: whether it starts with a capital, and whether it is all capitals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    capital: bool,
    all_caps: bool,
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
        let key = crate::vocabulary::stems::Packed::from_parts(
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
        let mut key = crate::vocabulary::stems::Packed::default();
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

/// A token of `len` bytes at byte `start`, with the texts of its word and stem if they are
/// borrowed from the vocabulary or question; words and stems the lexicon has just worked out
/// are left empty until [`Scanned::resolve`].
fn token<'a>(
    start: usize,
    len: usize,
    shape: Shape,
    lexeme: Lexeme,
    texts: Option<(&'a str, &'a str)>,
) -> Tok<'a> {
    let (word, stem) = texts.unwrap_or_default();
    Tok {
        start,
        end: start + len,
        word,
        stem,
        word_id: lexeme.word,
        stem_id: lexeme.stem,
        stop: lexeme.stop,
        capital: shape.capital,
        all_caps: shape.all_caps,
        numeric: lexeme.numeric,
        signal: lexeme.signal,
        starts_cue: lexeme.starts_cue,
        known: lexeme.known,
        sentence: 0,
    }
}

fn paragraph_spans(text: &str) -> Vec<(usize, usize)> {
    // Blank lines separate paragraphs; if there are none but several lines, each line is one.
    let mut spans = Vec::new();
    let mut para_start: Option<usize> = None;
    let mut last_end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content_end = offset + line.trim_end().len();
        if line.trim().is_empty() {
            if let Some(s) = para_start.take() {
                spans.push((s, last_end));
            }
        } else {
            if para_start.is_none() {
                para_start = Some(offset + (line.len() - line.trim_start().len()));
            }
            last_end = content_end;
        }
        offset += line.len();
    }
    if let Some(s) = para_start {
        spans.push((s, last_end));
    }
    if spans.len() == 1 {
        let (s, e) = spans[0];
        let lines: Vec<(usize, usize)> = line_spans(text, s, e);
        if lines.len() >= 3 {
            return lines;
        }
    }
    // Split out bullet and heading lines inside a paragraph.
    let mut out = Vec::new();
    for (s, e) in spans {
        let lines = line_spans(text, s, e);
        if lines.len() > 1
            && lines
                .iter()
                .any(|&(a, b)| is_bullet(&text[a..b]) || is_heading(&text[a..b]))
        {
            let mut cur: Option<(usize, usize)> = None;
            for (a, b) in lines {
                let l = &text[a..b];
                if is_bullet(l) || is_heading(l) {
                    if let Some(c) = cur.take() {
                        out.push(c);
                    }
                    out.push((a, b));
                } else {
                    cur = Some(match cur {
                        Some((cs, _)) => (cs, b),
                        None => (a, b),
                    });
                }
            }
            if let Some(c) = cur {
                out.push(c);
            }
        } else {
            out.push((s, e));
        }
    }
    out
}

fn line_spans(text: &str, s: usize, e: usize) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut off = s;
    for line in text[s..e].split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() {
            let lead = line.len() - line.trim_start().len();
            v.push((off + lead, off + lead + t.len()));
        }
        off += line.len();
    }
    v
}

fn is_bullet(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") || {
        let d = t.bytes().take_while(u8::is_ascii_digit).count();
        (1..=2).contains(&d) && (t[d..].starts_with(". ") || t[d..].starts_with(") "))
    }
}

fn is_heading(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Whether the word before a full stop (`e.g`, `Mr`, `J`) makes the stop part of an
/// abbreviation or an initial rather than the end of a sentence.
fn is_abbreviation(before: &str) -> bool {
    let word = before.trim_end_matches('.');
    if !word.is_ascii() {
        let lower = word.to_lowercase();
        let plain: String = lower.chars().filter(|c| *c != '.').collect();
        return ABBREVIATIONS.contains(&plain.as_str())
            || (lower.chars().count() == 1 && lower.chars().all(char::is_alphabetic));
    }
    if word.len() == 1 && word.as_bytes()[0].is_ascii_alphabetic() {
        return true;
    }
    // The word without its inner full stops, lowercased; every abbreviation fits.
    let mut plain = [0u8; 8];
    let mut n = 0;
    for b in word.bytes().filter(|&b| b != b'.') {
        if n == plain.len() {
            return false;
        }
        plain[n] = b.to_ascii_lowercase();
        n += 1;
    }
    ABBREVIATIONS.iter().any(|a| a.as_bytes() == &plain[..n])
}

/// Byte offsets where sentences end inside a paragraph.
fn sentence_ends(text: &str, start: usize, end: usize) -> Vec<usize> {
    let s = &text[start..end];
    let bytes = s.as_bytes();
    let mut ends = Vec::new();
    let mut from = 0;
    // The marks are ASCII, so a byte search finds them (and only at character boundaries).
    while let Some(at) = memchr::memchr3(b'.', b'!', b'?', &bytes[from..]) {
        let i = from + at;
        let c = bytes[i] as char;
        from = i + 1;
        let mut j = i + 1;
        // closing quotes and brackets stay with the sentence
        while j < s.len() {
            let nc = s[j..].chars().next().unwrap_or(' ');
            if matches!(
                nc,
                '"' | '\'' | '\u{2019}' | '\u{201D}' | ')' | ']' | '.' | '!' | '?'
            ) {
                j += nc.len_utf8();
            } else {
                break;
            }
        }
        if j >= s.len() {
            break;
        }
        let next = s[j..].chars().next().unwrap_or(' ');
        let boundary = if next.is_whitespace() {
            s[j..].trim_start().chars().next().is_some_and(|n| {
                n.is_uppercase()
                    || n.is_ascii_digit()
                    || matches!(
                        n,
                        '"' | '\u{2018}' | '\u{201C}' | '(' | '\'' | '-' | '•' | '*'
                    )
            })
        } else {
            // "ribosome.The": no space, but a capital after a real word.
            c == '.'
                && next.is_uppercase()
                && i >= 3
                && bytes[i - 1].is_ascii_lowercase()
                && bytes[i - 2].is_ascii_lowercase()
        };
        if !boundary {
            continue;
        }
        // Abbreviations and initials do not end sentences.
        if c == '.' {
            let word_start = s[..i]
                .char_indices()
                .rev()
                .find(|&(_, ch)| !ch.is_alphanumeric() && ch != '.')
                .map(|(p, ch)| p + ch.len_utf8())
                .unwrap_or(0);
            if is_abbreviation(&s[word_start..i]) {
                continue;
            }
        }
        ends.push(start + j);
        from = j;
    }
    ends.push(end);
    ends
}

/// A text whose tokens may still lack the words and stems its lexicon worked out while
/// reading it: [`Scanned::resolve`] fills them in.
pub(crate) struct Scanned<'a>(Parsed<'a>);

impl<'a> Scanned<'a> {
    /// The analysed text, its tokens' words and stems borrowed from `lexicon` (the one that
    /// read it).
    pub fn resolve<'b>(self, lexicon: &'b Lexicon<'_>) -> Parsed<'b>
    where
        'a: 'b,
    {
        let mut an: Parsed<'b> = self.0;
        // A word of the vocabulary or question came with its texts; a word the lexicon worked
        // out (whose stem may be its own or one it already knew) gets both now.
        for t in &mut an.tokens {
            if lexicon.is_own_word(t.word_id) {
                t.word = lexicon.word(t.word_id);
                t.stem = &lexicon.stem(t.stem_id).text;
            }
        }
        an
    }
}

/// Splits a text into paragraphs, sentences and tokens, as the engine reads it.
pub fn analyse<'a>(text: &'a str, stems: &Stems) -> Analysed<'a> {
    let mut lexicon = Lexicon::new(stems);
    let Scanned(an) = scan(text, &mut lexicon);
    let tokens = an
        .tokens
        .iter()
        .map(|t| Token {
            start: t.start,
            end: t.end,
            word: lexicon.word(t.word_id).clone(),
            stem: lexicon.stem(t.stem_id).text.clone(),
            stop: t.stop,
            capital: t.capital,
            all_caps: t.all_caps,
            numeric: t.numeric,
            sentence: t.sentence,
        })
        .collect();
    Analysed {
        text,
        tokens,
        sentences: an.sentences,
        paragraphs: an.paragraphs,
    }
}

/// Splits a text into paragraphs, sentences and tokens, resolving its words with `lexicon`.
pub(crate) fn scan<'a, 'v: 'a>(text: &'a str, lexicon: &mut Lexicon<'v>) -> Scanned<'a> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let mut sentences: Vec<Sentence> = Vec::new();
    let mut paragraphs = Vec::new();
    let mut folded = String::new();
    for (ps, pe) in paragraph_spans(text) {
        let line = &text[ps..pe];
        let kind = if is_heading(line) && !line.contains('\n') {
            ParagraphKind::Heading
        } else if is_bullet(line) && !line.contains('\n') {
            ParagraphKind::Bullet
        } else {
            ParagraphKind::Prose
        };
        let pi = paragraphs.len();
        let first_sentence = sentences.len();
        let mut s_start = ps;
        for s_end in sentence_ends(text, ps, pe) {
            if s_end <= s_start {
                continue;
            }
            let t0 = tokens.len();
            tokenise(text, (s_start, s_end), lexicon, &mut folded, &mut tokens);
            let t1 = tokens.len();
            if t1 > t0 {
                // Cut very long unpunctuated runs into windows.
                let mut a = t0;
                while a < t1 {
                    let b = if t1 - a > MAX_SENTENCE_TOKENS {
                        a + WINDOW_TOKENS
                    } else {
                        t1
                    };
                    let start = if a == t0 { s_start } else { tokens[a].start };
                    let end = if b == t1 { s_end } else { tokens[b].start };
                    let si = sentences.len();
                    for t in &mut tokens[a..b] {
                        t.sentence = si;
                    }
                    sentences.push(Sentence {
                        start,
                        end,
                        paragraph: pi,
                        tokens: a..b,
                    });
                    a = b;
                }
            }
            s_start = s_end;
        }
        if sentences.len() > first_sentence {
            paragraphs.push(Paragraph {
                start: ps,
                end: pe,
                kind,
                sentences: first_sentence..sentences.len(),
            });
        }
    }
    Scanned(Analysed {
        text,
        tokens,
        sentences,
        paragraphs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(text: &str) -> Analysed<'_> {
        analyse(text, &Stems::default())
    }

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

    #[test]
    fn sentences_and_offsets() {
        let text = "Stalin died in 1953. Khrushchev, e.g. in 1956, spoke. J. Stalin was gone!\n\nA new paragraph?";
        let an = a(text);
        let sents: Vec<&str> = (0..an.sentences.len())
            .map(|i| an.sentence_text(i))
            .collect();
        assert_eq!(
            sents,
            [
                "Stalin died in 1953.",
                "Khrushchev, e.g. in 1956, spoke.",
                "J. Stalin was gone!",
                "A new paragraph?"
            ]
        );
        assert_eq!(an.paragraphs.len(), 2);
        for t in &an.tokens {
            assert!(text[t.start..t.end].to_lowercase().contains(&t.word[..1]));
        }
    }

    #[test]
    fn possessives_british_spelling_and_stems() {
        let an = a("Stalin’s labour camps centralised the organisation.");
        let words: Vec<&str> = an.tokens.iter().map(|t| t.word.as_str()).collect();
        assert_eq!(
            words,
            [
                "stalin",
                "labor",
                "camps",
                "centralized",
                "the",
                "organization"
            ]
        );
        assert_eq!(an.tokens[2].stem, "camp");
    }

    #[test]
    fn long_unpunctuated_text_is_windowed() {
        let text = "word ".repeat(500);
        let an = a(&text);
        assert!(an.sentences.len() >= 12);
        assert!(
            an.sentences
                .iter()
                .all(|s| s.tokens.len() <= MAX_SENTENCE_TOKENS)
        );
    }

    #[test]
    fn lines_without_blank_lines_are_paragraphs() {
        let an = a("Intro line here.\nBody one here.\nBody two here.\nConclusion here.");
        assert_eq!(an.paragraphs.len(), 4);
    }

    #[test]
    fn bullets_and_headings() {
        let an = a("## Heading\nSome prose. More prose.\n- a bullet point\n- another");
        let kinds: Vec<ParagraphKind> = an.paragraphs.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                ParagraphKind::Heading,
                ParagraphKind::Prose,
                ParagraphKind::Bullet,
                ParagraphKind::Bullet
            ]
        );
    }
}
