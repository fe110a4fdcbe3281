//! Learning the library's vocabulary and IDF weights from its texts.

use crate::vocabulary::stems::{Idf, Lexicon, Stems};
use crate::vocabulary::tokens::scan;

impl Stems {
    /// Adds the words of `texts` to the vocabulary and counts each text as one document for
    /// IDF. Every stem the returned weights know is then in the vocabulary, marked known.
    pub(crate) fn learn<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) -> Idf {
        let mut idf = Idf::default();
        // Uses of each word id, to choose the hot words.
        let mut uses: Vec<u32> = Vec::new();
        for text in texts {
            let mut lexicon = Lexicon::new(self);
            let an = scan(text, &mut lexicon).resolve(&lexicon);
            for t in &an.tokens {
                let id = t.word_id as usize;
                if uses.len() <= id {
                    uses.resize(id + 1, 0);
                }
                uses[id] += 1;
                if !t.capital && !t.all_caps && !t.numeric {
                    idf.saw_lower(t.word);
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
            idf.add_document(&seen);
            let new = lexicon.into_layer();
            self.absorb(new);
        }
        self.mark_known(&idf, &uses);
        idf
    }
}
