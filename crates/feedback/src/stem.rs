//! English stemming with the Snowball stemmer the search index uses (frostem), and a
//! cache of stems for the library's vocabulary so that common words are looked up, not stemmed.

use std::collections::HashMap;

use frostem::{Algorithm, Stemmer};

/// Document frequencies of stems across the library, for IDF weights.
#[derive(Debug, Clone, Default)]
pub struct Idf {
    df: HashMap<String, u32>,
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

pub struct Stems {
    stemmer: Stemmer,
    cache: HashMap<String, String>,
}

impl Default for Stems {
    fn default() -> Self {
        Stems {
            stemmer: Stemmer::new(Algorithm::English),
            cache: HashMap::new(),
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
        if let Some(s) = self.cache.get(word) {
            return s.clone();
        }
        self.stemmer.stem(word).into_owned()
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
            let new: Vec<(String, String)> = an
                .tokens
                .iter()
                .filter(|t| !t.stop && !t.numeric && !self.cache.contains_key(&t.word))
                .map(|t| (t.word.clone(), t.stem.clone()))
                .collect();
            self.cache.extend(new);
            idf.docs += 1;
        }
        idf
    }
}
