//! The vocabulary: word lists, stemming, the library's words and stems with ids, and IDF.

pub mod stems;
pub mod wordlists;
