//! How text becomes index terms, the same way for what is indexed and what is searched for.
//!
//! Words are runs of letters and digits. A hyphenated compound is indexed as its parts and as
//! the joined word ("de-Stalinisation" → `de`, `stalinisation`, `destalinisation`), so the
//! hyphenated, joined and part spellings all meet. Words are lowercased and accents folded;
//! British `-ise`/`-isation` (and `-yse`) spellings are written as American `-ize`/`-ization`
//! before stemming, because the Snowball English stemmer strips `-ization` but not `-isation`.
//! Stop words are dropped; the searched fields are then stemmed.
//!
//! The vocabulary field (the words "did you mean" suggestions are drawn from) keeps words as
//! written: no spelling fold, no stemming, and no words with digits in them.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, RemoveLongFilter, Stemmer, StopWordFilter, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};

/// The analyzer of the searched fields.
pub(crate) const TOKENIZER: &str = "studypack_en";
/// The analyzer of the vocabulary field.
pub(crate) const WORDS_TOKENIZER: &str = "studypack_words";

/// Function words that match almost every question and carry no meaning for search.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for", "from", "had",
    "has", "have", "how", "in", "into", "is", "it", "its", "of", "on", "or", "that", "the",
    "their", "this", "to", "was", "were", "what", "which", "with", "why",
];

/// Characters that join the parts of a compound: hyphen-minus, hyphen, non-breaking hyphen.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// The searched fields' analyzer: words, spelling folded, stop words out, stemmed. (The word
/// tokenizer lowercases as it reads, so no separate lowercasing pass runs.)
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::new(true))
        .filter(RemoveLongFilter::limit(40))
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| w.to_string()),
        ))
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The vocabulary field's analyzer: words as written (lowercased, accents folded).
pub(crate) fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::new(false))
        .filter(RemoveLongFilter::limit(40))
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| w.to_string()),
        ))
        .filter(AsciiFoldingFilter)
        .build()
}

/// Removes the hyphens inside compounds ("de-Stalinisation" → "deStalinisation"), as the
/// index holds every compound joined as well as in parts. Hyphens elsewhere ("-word", which
/// excludes a word, and "1917-21") are kept.
pub(crate) fn join_compounds(q: &str) -> String {
    let chars: Vec<char> = q.chars().collect();
    let mut out = String::with_capacity(q.len());
    for (i, &c) in chars.iter().enumerate() {
        let inner = is_hyphen(c)
            && i > 0
            && chars[i - 1].is_alphabetic()
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if !inner {
            out.push(c);
        }
    }
    out
}

/// British `-ise`, `-isation`, `-yse` endings written the American way. Only after three or
/// more letters, so short words ("rise", "wise", "raise") keep theirs; as both what is indexed
/// and what is searched for are folded alike, a fold of a word that has no `-ize` form
/// ("promise" → "promize") changes nothing a reader sees.
pub(crate) fn fold_spelling(word: &mut String) {
    const ENDINGS: &[&str] = &[
        "isations", "isation", "isers", "iser", "ising", "ised", "ises", "ise", "ysing", "ysed",
        "yses", "yse",
    ];
    for e in ENDINGS {
        if word.ends_with(e) && word.len() - e.len() >= 3 {
            // The `s` after the `i`/`y` of the ending; the ending is ASCII, so this is a char
            // boundary.
            let at = word.len() - e.len() + 1;
            word.replace_range(at..at + 1, "z");
            return;
        }
    }
}

/// Splits text into words, lowercases them, and adds each hyphenated compound joined.
#[derive(Clone)]
pub(crate) struct WordTokenizer {
    /// Fold British spellings (the searched fields) or keep them (the vocabulary).
    fold: bool,
    token: Token,
}

impl WordTokenizer {
    fn new(fold: bool) -> WordTokenizer {
        WordTokenizer {
            fold,
            token: Token::default(),
        }
    }
}

pub(crate) struct WordStream<'a> {
    text: &'a str,
    /// Byte offset of the next unread character.
    at: usize,
    fold: bool,
    /// The position the next word takes.
    next_position: usize,
    /// Start of the compound being read, and how many parts it has so far.
    compound: Option<(usize, usize)>,
    /// A joined compound to emit next: (from, to).
    pending: Option<(usize, usize)>,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            at: 0,
            fold: self.fold,
            next_position: 0,
            compound: None,
            pending: None,
            token: &mut self.token,
        }
    }
}

impl WordStream<'_> {
    fn set(&mut self, from: usize, to: usize, position: usize) {
        let raw = &self.text[from..to];
        self.token.text.clear();
        if raw.is_ascii() {
            // Most words: lowercased byte by byte, without Unicode case tables.
            self.token.text.extend(
                raw.bytes()
                    .filter(|&b| b != b'-')
                    .map(|b| char::from(b.to_ascii_lowercase())),
            );
        } else {
            for c in raw.chars().filter(|c| !is_hyphen(*c)) {
                self.token.text.extend(c.to_lowercase());
            }
        }
        if self.fold {
            fold_spelling(&mut self.token.text);
        }
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = position;
        self.token.position_length = 1;
    }
}

impl WordStream<'_> {
    /// Reads the next word or joined compound into the token.
    fn read(&mut self) -> bool {
        // The joined compound takes the position of its last part, so phrases written either
        // way line up ("anti-party group": anti, party+antiparty, group).
        if let Some((from, to)) = self.pending.take() {
            let position = self.next_position - 1;
            self.set(from, to, position);
            return true;
        }
        let rest = &self.text[self.at..];
        let Some(skip) = rest.find(|c: char| c.is_alphanumeric()) else {
            self.at = self.text.len();
            return false;
        };
        let from = self.at + skip;
        let len = self.text[from..]
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(self.text.len() - from);
        let to = from + len;
        self.at = to;
        let word = &self.text[from..to];
        // A hyphen between letters continues the compound.
        let mut after = self.text[to..].chars();
        let continues = word.chars().last().is_some_and(char::is_alphabetic)
            && after.next().is_some_and(is_hyphen)
            && after.next().is_some_and(char::is_alphabetic);
        let (start, parts) = match self.compound {
            Some((start, parts)) => (start, parts + 1),
            None => (from, 1),
        };
        if continues {
            self.compound = Some((start, parts));
        } else {
            self.compound = None;
            if parts >= 2 {
                self.pending = Some((start, to));
            }
        }
        let position = self.next_position;
        self.next_position += 1;
        self.set(from, to, position);
        true
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        while self.read() {
            // The vocabulary holds words, not numbers.
            if self.fold || !self.token.text.chars().any(|c| c.is_ascii_digit()) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}
