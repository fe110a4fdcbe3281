//! English stemming with the Snowball stemmer the search index uses (frostem), and the
//! library's vocabulary: every word and stem the library uses, with integer ids, so that common
//! words are looked up, not stemmed, and stems are compared as integers.

use std::cell::RefCell;
use std::sync::Arc;

use crate::fx::FxHashMap;
use crate::reading::{Word, WordKey};
use crate::vocabulary::wordlists::Signal;

use frostem::{Algorithm, Stemmer};

/// Document frequencies of stems across the library, for IDF weights. Every figure is a count,
/// so that a text can be taken away again as cheaply as it was added.
#[derive(Debug, Clone, Default)]
pub(crate) struct Idf {
    df: FxHashMap<String, u32>,
    docs: u32,
    /// Words the library writes in lower case somewhere, with how often: common words, even
    /// where a title capitalises them ("the Treaty of …", "First Secretary").
    lower: FxHashMap<String, u32>,
}

/// Whether a text is counted into the statistics or taken out of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Count {
    Add,
    Remove,
}

impl Count {
    fn apply(self, n: &mut u32) {
        match self {
            Count::Add => *n += 1,
            Count::Remove => *n = n.saturating_sub(1),
        }
    }
}

impl Idf {
    /// Inverse document frequency: rarer stems weigh more. Unknown stems weigh as the rarest.
    pub(crate) fn weight(&self, stem: &str) -> f32 {
        if self.docs == 0 {
            return 1.0;
        }
        let df = self.df.get(stem).copied().unwrap_or(0) as f32;
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }
    /// Whether the library writes `word` (folded) in lower case somewhere.
    pub(crate) fn written_lower(&self, word: &str) -> bool {
        self.lower.contains_key(word)
    }
    /// Counts one lower-case use of `word` (folded) in or out.
    pub(crate) fn saw_lower(&mut self, word: &str, count: Count) {
        bump(&mut self.lower, word, count);
    }
    pub(crate) fn knows(&self, stem: &str) -> bool {
        self.df.contains_key(stem)
    }

    /// Counts one document, whose distinct content stems are `stems`, in or out.
    pub(crate) fn document(&mut self, stems: &[&str], count: Count) {
        for &s in stems {
            bump(&mut self.df, s, count);
        }
        count.apply(&mut self.docs);
    }

    /// How many documents the statistics count.
    pub(crate) fn documents(&self) -> u32 {
        self.docs
    }
}

/// Counts `key` in or out of `map`; a count that reaches nought leaves the map, so that the
/// map knows only what the library still has.
fn bump(map: &mut FxHashMap<String, u32>, key: &str, count: Count) {
    match count {
        Count::Add => match map.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                map.insert(key.to_string(), 1);
            }
        },
        Count::Remove => {
            if let Some(n) = map.get_mut(key) {
                count.apply(n);
                if *n == 0 {
                    map.remove(key);
                }
            }
        }
    }
}

/// Identifies a normalised word within a [`Lexicon`]'s layers.
pub(crate) type WordId = u32;
/// Identifies a stem within a [`Lexicon`]'s layers: equal stems have equal ids, so terms,
/// glossary phrases and question words are compared as integers.
pub(crate) type StemId = u32;

/// What a folded word normalises to.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Lexeme {
    pub word: WordId,
    pub stem: StemId,
    pub stop: bool,
    /// The word is all digits.
    pub numeric: bool,
    pub signal: Option<Signal>,
    /// The word is the first of a judgement cue.
    pub starts_cue: bool,
    /// The stem is known: see [`StemEntry::known`].
    pub known: bool,
}

/// A map from folded words, by [`WordKey`].
#[derive(Debug, Clone)]
struct ByWord<V> {
    short: FxHashMap<u128, V>,
    long: FxHashMap<Box<str>, V>,
}

impl<V> Default for ByWord<V> {
    fn default() -> Self {
        ByWord {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
        }
    }
}

impl<V> ByWord<V> {
    fn get(&self, key: WordKey) -> Option<&V> {
        match key {
            WordKey::Short(key) => self.short.get(&key),
            WordKey::Long(text) => self.long.get(text),
        }
    }

    fn insert(&mut self, key: WordKey, value: V) {
        match key {
            WordKey::Short(key) => self.short.insert(key, value),
            WordKey::Long(text) => self.long.insert(text.into(), value),
        };
    }

    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }

    fn extend(&mut self, other: ByWord<V>) {
        self.short.extend(other.short);
        self.long.extend(other.long);
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.short.values_mut().chain(self.long.values_mut())
    }
}

/// A folded word's lexeme in a layer, with the texts its ids stand for.
#[derive(Debug, Clone, Default)]
struct Entry {
    lexeme: Lexeme,
    word: Word,
    stem: Word,
}

/// A stem and what the engine needs to know about it.
#[derive(Debug, Clone)]
pub(crate) struct StemEntry {
    pub text: Word,
    /// Whether the library uses the stem or it is a stop word: only unknown stems may be
    /// misspellings of scheme terms.
    pub known: bool,
}

/// Words and stems with ids: the library's vocabulary, the words a prepared question adds to
/// it, or the words first seen in one text. Ids continue from the layer below, so a word keeps
/// its id when a layer is merged into the one below it.
#[derive(Clone, Default)]
pub(crate) struct Layer {
    first_word: WordId,
    first_stem: StemId,
    /// Folded word → what it normalises to, with the texts of its word and stem (kept beside
    /// the lexeme so that reading a known word touches one entry).
    lexemes: ByWord<Entry>,
    words: Vec<Word>,
    stems: Vec<StemEntry>,
    stem_ids: FxHashMap<Word, StemId>,
    /// The library's most used short words again, in a small table (32 KB) that stays in the
    /// processor's caches where the full map does not (only the vocabulary has one).
    hot: HotWords,
}

/// A direct-mapped table of short words: each key has one slot, which holds the most used of
/// the words that map to it. A word found here has the same entry as in the full map, which
/// is larger and slower to reach.
#[derive(Clone, Default)]
struct HotWords {
    /// Key and entry; key 0 (the empty word, never looked up) marks an empty slot.
    slots: Vec<(u128, Entry)>,
}

impl HotWords {
    const BITS: u32 = 9;

    fn slot(key: u128) -> usize {
        let mixed = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::BITS)) as usize
    }

    /// The table for `entries`, the most used first: `uses` counts the uses of each word id.
    fn build(entries: &FxHashMap<u128, Entry>, uses: &[u32]) -> HotWords {
        let mut ranked: Vec<(&u128, &Entry)> = entries.iter().collect();
        let used = |e: &Entry| uses.get(e.lexeme.word as usize).copied().unwrap_or(0);
        ranked.sort_unstable_by(|a, b| used(b.1).cmp(&used(a.1)).then(a.0.cmp(b.0)));
        let mut slots = vec![(0u128, Entry::default()); 1 << Self::BITS];
        for (&key, entry) in ranked {
            let slot = &mut slots[Self::slot(key)];
            if slot.0 == 0 && used(entry) > 0 {
                *slot = (key, entry.clone());
            }
        }
        HotWords { slots }
    }

    fn get(&self, key: WordKey) -> Option<&Entry> {
        let WordKey::Short(key) = key else {
            return None;
        };
        let (k, entry) = self.slots.get(Self::slot(key))?;
        (*k == key).then_some(entry)
    }
}

impl std::fmt::Debug for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Layer({} words from id {}, {} stems from id {})",
            self.words.len(),
            self.first_word,
            self.stems.len(),
            self.first_stem
        )
    }
}

impl Layer {
    /// An empty layer whose ids follow those of `below`.
    fn above(below: &Layer) -> Layer {
        Layer {
            first_word: below.end_word(),
            first_stem: below.end_stem(),
            ..Layer::default()
        }
    }

    fn end_word(&self) -> WordId {
        self.first_word + self.words.len() as WordId
    }

    fn end_stem(&self) -> StemId {
        self.first_stem + self.stems.len() as StemId
    }

    fn word(&self, id: WordId) -> Option<&Word> {
        self.words.get(id.checked_sub(self.first_word)? as usize)
    }

    fn stem(&self, id: StemId) -> Option<&StemEntry> {
        self.stems.get(id.checked_sub(self.first_stem)? as usize)
    }

    /// Adds the words of the layer directly above this one.
    /// Whether the layer holds no word.
    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty() && self.stems.is_empty()
    }

    fn absorb(&mut self, above: Layer) {
        debug_assert_eq!(above.first_word, self.end_word());
        debug_assert_eq!(above.first_stem, self.end_stem());
        self.lexemes.extend(above.lexemes);
        self.words.extend(above.words);
        self.stems.extend(above.stems);
        self.stem_ids.extend(above.stem_ids);
    }
}

/// The stemmer and the library's vocabulary: folded words with their normalised forms and
/// stems, so that common words are looked up, not stemmed.
#[derive(Clone)]
pub(crate) struct Stems {
    stemmer: Stemmer,
    /// Shared with every question prepared from it, whose ids refer to it.
    vocabulary: Arc<Layer>,
}

impl Default for Stems {
    fn default() -> Self {
        Stems {
            stemmer: Stemmer::new(Algorithm::English),
            vocabulary: Arc::default(),
        }
    }
}

impl std::fmt::Debug for Stems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Stems({} cached)", self.vocabulary.lexemes.len())
    }
}

/// A folded word's normalised form (British spelling mapped to American), its stem, and
/// whether it is a stop word.
fn work_out(stemmer: &Stemmer, folded: &str) -> (String, String, bool) {
    let word =
        crate::vocabulary::wordlists::americanise(folded).unwrap_or_else(|| folded.to_string());
    let stop = crate::vocabulary::wordlists::is_stop(&word);
    let numeric = word.bytes().all(|b| b.is_ascii_digit());
    let stem = if stop || numeric {
        word.clone()
    } else {
        stemmer.stem(&word).into_owned()
    };
    (word, stem, stop)
}

/// What [`work_out`] gives for a word, ready to add to a layer.
#[derive(Clone)]
struct WorkedOut {
    word: Word,
    stem: Word,
    stop: bool,
}

/// How many worked-out words a thread remembers before it starts afresh (a few megabytes).
const WORKED_OUT_LIMIT: usize = 20_000;

thread_local! {
    /// Words worked out on this thread. What a word normalises to depends on nothing but the
    /// word (the stemmer is always the English one), so a word the library does not know is
    /// stemmed once per thread rather than once per essay.
    static WORKED_OUT: RefCell<ByWord<WorkedOut>> = RefCell::default();
}

/// [`work_out`], remembered on this thread. `key` is the key of `folded`.
fn work_out_remembered(stemmer: &Stemmer, key: WordKey, folded: &str) -> WorkedOut {
    WORKED_OUT.with_borrow_mut(|remembered| {
        if let Some(w) = remembered.get(key) {
            return w.clone();
        }
        let (word, stem, stop) = work_out(stemmer, folded);
        let w = WorkedOut {
            word: Word::from(word),
            stem: Word::from(stem),
            stop,
        };
        if remembered.len() >= WORKED_OUT_LIMIT {
            remembered.clear();
        }
        remembered.insert(key, w.clone());
        w
    })
}

impl Stems {
    /// The vocabulary learned so far.
    pub(crate) fn vocabulary(&self) -> &Arc<Layer> {
        &self.vocabulary
    }

    /// Adds to the vocabulary the words a lexicon over it worked out.
    pub(crate) fn absorb(&mut self, words: Layer) {
        Arc::make_mut(&mut self.vocabulary).absorb(words);
    }

    /// Once the library is read: marks known the stems `idf` knows and the stop words, and
    /// chooses the hot words (`uses` counts the uses of each word id).
    pub(crate) fn mark_known(&mut self, idf: &Idf, uses: &[u32]) {
        self.refresh_known(idf);
        let vocabulary = Arc::make_mut(&mut self.vocabulary);
        vocabulary.hot = HotWords::build(&vocabulary.lexemes.short, uses);
    }

    /// Marks known the stems `idf` knows and the stop words, everywhere the vocabulary keeps a
    /// stem's or a word's entry (the hot words are kept as they are, with their marks renewed).
    pub(crate) fn refresh_known(&mut self, idf: &Idf) {
        let known_now =
            |e: &StemEntry| idf.knows(&e.text) || crate::vocabulary::wordlists::is_stop(&e.text);
        // A vocabulary shared with prepared questions is copied only when a mark changes.
        if self
            .vocabulary
            .stems
            .iter()
            .all(|e| e.known == known_now(e))
        {
            return;
        }
        let vocabulary = Arc::make_mut(&mut self.vocabulary);
        for entry in &mut vocabulary.stems {
            entry.known = known_now(entry);
        }
        let stems = &vocabulary.stems;
        let known = |stem: StemId| stems.get(stem as usize).is_some_and(|s| s.known);
        for entry in vocabulary.lexemes.values_mut() {
            entry.lexeme.known = known(entry.lexeme.stem);
        }
        for (key, entry) in &mut vocabulary.hot.slots {
            if *key != 0 {
                entry.lexeme.known = known(entry.lexeme.stem);
            }
        }
    }
}

/// Resolves folded words to lexemes with ids: first in the library's vocabulary, then in
/// a prepared question's words, then among the words this lexicon has worked out itself.
pub(crate) struct Lexicon<'v> {
    stemmer: Stemmer,
    vocabulary: &'v Layer,
    question: Option<&'v Layer>,
    own: Layer,
}

impl<'v> Lexicon<'v> {
    /// A lexicon over the vocabulary of `stems`.
    pub(crate) fn new(stems: &'v Stems) -> Lexicon<'v> {
        Lexicon {
            stemmer: stems.stemmer,
            vocabulary: &stems.vocabulary,
            question: None,
            own: Layer::above(&stems.vocabulary),
        }
    }

    /// A lexicon over a prepared question's vocabulary and words.
    pub(crate) fn for_question(
        stems: &Stems,
        vocabulary: &'v Layer,
        question: &'v Layer,
    ) -> Lexicon<'v> {
        Lexicon {
            stemmer: stems.stemmer,
            vocabulary,
            question: Some(question),
            own: Layer::above(question),
        }
    }

    fn layers(&self) -> impl Iterator<Item = &Layer> {
        std::iter::once(self.vocabulary)
            .chain(self.question)
            .chain(std::iter::once(&self.own))
    }

    /// The lexeme of the folded word with this key, if a layer has it, with the texts of its
    /// word and stem if it comes from a layer this lexicon borrows (the vocabulary or the
    /// question); those it worked out itself can only be borrowed once it is no longer added
    /// to (see [`Lexicon::is_own_word`]).
    pub(crate) fn find_borrowed(
        &self,
        key: WordKey,
    ) -> Option<(Lexeme, Option<(&'v str, &'v str)>)> {
        let vocabulary: &'v Layer = self.vocabulary;
        if let Some(e) = vocabulary.hot.get(key) {
            return Some((e.lexeme, Some((&*e.word, &*e.stem))));
        }
        let borrowed = std::iter::once(vocabulary).chain(self.question);
        for layer in borrowed {
            if let Some(e) = layer.lexemes.get(key) {
                return Some((e.lexeme, Some((&*e.word, &*e.stem))));
            }
        }
        self.own.lexemes.get(key).map(|e| (e.lexeme, None))
    }

    /// Works out the lexeme of a folded word no layer has, whose key is `key`, and remembers it.
    pub(crate) fn add(&mut self, key: WordKey, folded: &str) -> Lexeme {
        debug_assert_eq!(key, WordKey::of(folded));
        let WorkedOut { word, stem, stop } = work_out_remembered(&self.stemmer, key, folded);
        let known_stem = self
            .layers()
            .find_map(|layer| layer.stem_ids.get(&*stem))
            .copied();
        let (stem_id, known) = match known_stem {
            Some(id) => (id, self.stem(id).known),
            None => {
                let id = self.own.end_stem();
                let known = crate::vocabulary::wordlists::is_stop(&stem);
                self.own.stems.push(StemEntry {
                    known,
                    text: stem.clone(),
                });
                self.own.stem_ids.insert(stem.clone(), id);
                (id, known)
            }
        };
        let lexeme = Lexeme {
            word: self.own.end_word(),
            stem: stem_id,
            stop,
            numeric: word.bytes().all(|b| b.is_ascii_digit()),
            signal: crate::vocabulary::wordlists::signal(&word),
            starts_cue: crate::vocabulary::wordlists::starts_cue(&word),
            known,
        };
        self.own.words.push(word.clone());
        self.own.lexemes.insert(key, Entry { lexeme, word, stem });
        lexeme
    }

    /// The normalised word with this id.
    pub(crate) fn word(&self, id: WordId) -> &Word {
        self.layers()
            .find_map(|layer| layer.word(id))
            .expect("word ids come from this lexicon")
    }

    /// The stem with this id.
    pub(crate) fn stem(&self, id: StemId) -> &StemEntry {
        self.layers()
            .find_map(|layer| layer.stem(id))
            .expect("stem ids come from this lexicon")
    }

    /// Whether a word id was given out by this lexicon's own layer.
    pub(crate) fn is_own_word(&self, id: WordId) -> bool {
        id >= self.own.first_word
    }

    /// The words this lexicon worked out, as a layer above its vocabulary (and question).
    pub(crate) fn into_layer(self) -> Layer {
        self.own
    }
}
