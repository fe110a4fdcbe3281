//! Reading texts through a lexicon: each word's token with its lexeme (ids, stem, stop word,
//! signal, cue), as the engine works with it, or as [`analyse`] returns it.

use crate::reading::{Analysed, Lookup, ReadToken, Shape, Token, WordKey, read};
use crate::vocabulary::stems::{Lexeme, Lexicon, StemId, Stems, WordId};
use crate::vocabulary::wordlists::Signal;

/// A token as the engine works with it: a [`Token`](crate::reading::Token) whose word and stem are borrowed from the
/// lexicon, with their ids.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LexedToken<'a> {
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

impl ReadToken for LexedToken<'_> {
    fn start(&self) -> usize {
        self.start
    }

    fn set_sentence(&mut self, sentence: usize) {
        self.sentence = sentence;
    }

    fn known(&self) -> bool {
        self.known
    }
}

/// An analysed text as the engine works with it.
pub(crate) type Parsed<'a> = Analysed<'a, LexedToken<'a>>;

impl<'v> Lookup for Lexicon<'v> {
    type Token = LexedToken<'v>;

    #[inline]
    fn token<'f>(
        &mut self,
        start: usize,
        len: usize,
        shape: Shape,
        key: WordKey<'_>,
        fold: impl FnOnce() -> &'f str,
    ) -> LexedToken<'v> {
        let (lexeme, texts) = match self.find_borrowed(key) {
            Some(found) => found,
            None => (self.add(key, fold()), None),
        };
        token(start, len, shape, lexeme, texts)
    }

    fn knows(&self, folded: &str) -> bool {
        self.find_borrowed(WordKey::of(folded))
            .is_some_and(|(_, texts)| texts.is_some())
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
) -> LexedToken<'a> {
    let (word, stem) = texts.unwrap_or_default();
    LexedToken {
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

/// A text whose tokens may still lack the words and stems its lexicon worked out while
/// reading it: [`Scanned::resolve`] fills them in.
pub(crate) struct Scanned<'a>(Parsed<'a>);

impl<'a> Scanned<'a> {
    /// The analysed text, its tokens' words and stems borrowed from `lexicon` (the one that
    /// read it).
    pub(crate) fn resolve<'b>(self, lexicon: &'b Lexicon<'_>) -> Parsed<'b>
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
pub(crate) fn analyse<'a>(text: &'a str, stems: &Stems) -> Analysed<'a> {
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
    Scanned(read(text, lexicon))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reading::{MAX_SENTENCE_TOKENS, ParagraphKind};

    fn a(text: &str) -> Analysed<'_> {
        analyse(text, &Stems::default())
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
