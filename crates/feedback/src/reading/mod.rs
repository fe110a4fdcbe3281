//! Reading a text: paragraphs (prose, headings, bullets), sentences and words, with byte
//! offsets into the original text. Every step is linear in the input. Each word is handed to
//! a [`Lookup`] (the vocabulary's lexicon) as it is read, which gives its token.

mod layout;
mod words;

use layout::{is_bullet, is_heading, is_plain_heading, paragraph_spans, sentence_ends};
use words::tokenise;
pub(crate) use words::{Shape, WordKey};

/// A word or stem: shared text, cheap to clone.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Word(std::sync::Arc<str>);

impl Word {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Word {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Word {
    fn from(s: String) -> Word {
        Word(s.into())
    }
}

impl From<&str> for Word {
    fn from(s: &str) -> Word {
        Word(s.into())
    }
}

impl PartialEq<str> for Word {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Word {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Word {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl std::borrow::Borrow<str> for Word {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", &*self.0)
    }
}

impl std::fmt::Display for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

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

/// A text split into paragraphs, sentences and tokens: [`Token`]s as the engine's `analyse`
/// returns them, or the engine's own form of them.
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

/// Where the reader looks up each word it reads, for the word's token.
pub(crate) trait Lookup {
    type Token: ReadToken;

    /// The token of the word of `len` bytes at byte `start`, written as `shape`, whose folded
    /// form has the key `key`. `fold` gives the folded form; it is called only if needed.
    fn token<'f>(
        &mut self,
        start: usize,
        len: usize,
        shape: Shape,
        key: WordKey<'_>,
        fold: impl FnOnce() -> &'f str,
    ) -> Self::Token;

    /// Whether a folded word is one the vocabulary or the question knows (to split words run
    /// together, `concentrationActive`, only where both halves are known words).
    fn knows(&self, folded: &str) -> bool;
}

/// What the reader needs of a token: where it starts, and to be told its sentence.
pub(crate) trait ReadToken {
    fn start(&self) -> usize;
    fn set_sentence(&mut self, sentence: usize);
    /// Whether the word is one the library knows (or a stop word).
    fn known(&self) -> bool;
}

/// Longest run of tokens kept as one sentence; longer unpunctuated runs are cut into windows.
pub(crate) const MAX_SENTENCE_TOKENS: usize = 60;
const WINDOW_TOKENS: usize = 40;

/// Splits a text into paragraphs, sentences and tokens, each word's token given by `lookup`.
pub(crate) fn read<'a, L: Lookup>(text: &'a str, lookup: &mut L) -> Analysed<'a, L::Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let mut sentences: Vec<Sentence> = Vec::new();
    let mut paragraphs = Vec::new();
    let mut folded = String::new();
    let spans = paragraph_spans(text);
    for (n, &(ps, pe)) in spans.iter().enumerate() {
        let line = &text[ps..pe];
        let next = spans.get(n + 1).map(|&(a, b)| &text[a..b]);
        let kind = if (is_heading(line) && !line.contains('\n'))
            || next.is_some_and(|next| is_plain_heading(line, next))
        {
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
            tokenise(text, (s_start, s_end), lookup, &mut folded, &mut tokens);
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
                    let start = if a == t0 { s_start } else { tokens[a].start() };
                    let end = if b == t1 { s_end } else { tokens[b].start() };
                    let si = sentences.len();
                    for t in &mut tokens[a..b] {
                        t.set_sentence(si);
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
    Analysed {
        text,
        tokens,
        sentences,
        paragraphs,
    }
}
