//! English stemming with the Snowball stemmer the search index uses (frostem), and a
//! cache of stems for the library's vocabulary so that common words are looked up, not stemmed.

use crate::fx::FxHashMap;

use frostem::{Algorithm, Stemmer};

/// Document frequencies of stems across the library, for IDF weights.
#[derive(Debug, Clone, Default)]
pub struct Idf {
    df: FxHashMap<String, u32>,
    docs: u32,
}

impl Idf {
    /// Inverse document frequency: rarer stems weigh more. Unknown stems weigh as the rarest.
    pub fn weight(&self, stem: &str) -> f32 {
        if self.docs == 0 {
            return 1.0;
        }
        let df = self.df.get(stem).copied().unwrap_or(0) as f32;
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }
    pub fn docs(&self) -> u32 {
        self.docs
    }
    pub fn knows(&self, stem: &str) -> bool {
        self.df.contains_key(stem)
    }
}

/// A word or stem: shared text, cheap to clone.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

pub struct Stems {
    stemmer: Stemmer,
    /// Folded word → (normalised word, stem, stop word).
    cache: FxHashMap<Box<str>, (Word, Word, bool)>,
}

impl Default for Stems {
    fn default() -> Self {
        Stems {
            stemmer: Stemmer::new(Algorithm::English),
            cache: FxHashMap::default(),
        }
    }
}

impl std::fmt::Debug for Stems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Stems({} cached)", self.cache.len())
    }
}

impl Stems {
    /// The stem of a lowercased, normalised word.
    pub fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }

    /// A folded word's normalised form (British spelling mapped to American), its stem, and
    /// whether it is a stop word. Known words are looked up; others are worked out.
    pub fn normalise(&self, folded: &str) -> (Word, Word, bool) {
        if let Some((w, s, stop)) = self.cache.get(folded) {
            return (w.clone(), s.clone(), *stop);
        }
        let word = crate::lexicon::americanise(folded).unwrap_or_else(|| folded.to_string());
        let stop = crate::lexicon::is_stop(&word);
        let numeric = word.bytes().all(|b| b.is_ascii_digit());
        let word = Word::from(word);
        let stem = if stop || numeric {
            word.clone()
        } else {
            Word::from(self.stem(&word))
        };
        (word, stem, stop)
    }

    /// Adds the words of `texts` to the cache and counts each text as one document for IDF.
    pub fn learn<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) -> Idf {
        let mut idf = Idf::default();
        for text in texts {
            let an = crate::analysis::analyse(text, self);
            let mut seen: Vec<&str> = an
                .tokens
                .iter()
                .filter(|t| !t.stop)
                .map(|t| t.stem.as_str())
                .collect();
            seen.sort_unstable();
            seen.dedup();
            for s in seen {
                *idf.df.entry(s.to_string()).or_insert(0) += 1;
            }
            let new: Vec<(Box<str>, (Word, Word, bool))> = an
                .tokens
                .iter()
                .filter(|t| !t.numeric)
                .map(|t| {
                    let mut key = String::new();
                    crate::analysis::fold_word(&text[t.start..t.end], &mut key);
                    (
                        key.into_boxed_str(),
                        (t.word.clone(), t.stem.clone(), t.stop),
                    )
                })
                .filter(|(k, _)| !self.cache.contains_key(&**k))
                .collect();
            self.cache.extend(new);
            idf.docs += 1;
        }
        idf
    }
}
