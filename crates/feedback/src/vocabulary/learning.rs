//! Learning the library's vocabulary and IDF weights from its texts, and changing them as the
//! library changes.

use crate::vocabulary::stems::{Count, Idf, Lexicon, Stems};
use crate::vocabulary::tokens::scan;

impl Stems {
    /// Adds the words of `texts` to the vocabulary and counts each text as one document for
    /// IDF. Every stem the returned weights know is then in the vocabulary, marked known.
    pub(crate) fn learn<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) -> Idf {
        let mut learning = Learning::default();
        learning.read(self, texts);
        learning.finish(self)
    }

    /// Takes the texts `removed` out of the statistics `idf` and counts the texts `added` in:
    /// the statistics, and what the vocabulary marks known, are then those that learning the
    /// changed library again would give. `removed` must be texts that were counted.
    pub(crate) fn relearn<'a>(
        &mut self,
        idf: &mut Idf,
        removed: impl IntoIterator<Item = &'a str>,
        added: impl IntoIterator<Item = &'a str>,
    ) {
        for text in removed {
            self.count(text, idf, Count::Remove, None);
        }
        for text in added {
            self.count(text, idf, Count::Add, None);
        }
        self.refresh_known(idf);
    }

    /// Counts one text in or out of `idf`; the words of a text counted in join the vocabulary.
    fn count(&mut self, text: &str, idf: &mut Idf, count: Count, mut uses: Option<&mut Vec<u32>>) {
        let mut lexicon = Lexicon::new(self);
        let an = scan(text, &mut lexicon).resolve(&lexicon);
        for t in &an.tokens {
            if let Some(uses) = uses.as_deref_mut() {
                let id = t.word_id as usize;
                if uses.len() <= id {
                    uses.resize(id + 1, 0);
                }
                uses[id] += 1;
            }
            if !t.capital && !t.all_caps && !t.numeric {
                idf.saw_lower(t.word, count);
            }
        }
        let mut seen: Vec<&str> = an
            .tokens
            .iter()
            .filter(|t| !t.stop)
            .map(|t| t.stem)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        idf.document(&seen, count);
        let new = lexicon.into_layer();
        if count == Count::Add && !new.is_empty() {
            self.absorb(new);
        }
    }
}

/// Statistics being learned from texts read a batch at a time.
#[derive(Default)]
pub(crate) struct Learning {
    idf: Idf,
    /// Uses of each word id, to choose the hot words.
    uses: Vec<u32>,
}

impl Learning {
    /// Counts each of `texts` as one document, adding its words to the vocabulary of `stems`.
    pub(crate) fn read<'a>(&mut self, stems: &mut Stems, texts: impl IntoIterator<Item = &'a str>) {
        for text in texts {
            stems.count(text, &mut self.idf, Count::Add, Some(&mut self.uses));
        }
    }

    /// The statistics learned, once every text is read; marks known in `stems` what they know.
    pub(crate) fn finish(self, stems: &mut Stems) -> Idf {
        stems.mark_known(&self.idf, &self.uses);
        self.idf
    }
}
