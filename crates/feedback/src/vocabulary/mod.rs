//! The vocabulary: the word lists, the stemmer, and the library's words and stems with ids
//! and IDF weights; and reading texts through it, so that each token has its lexeme.

pub(crate) mod learning;
pub(crate) mod stems;
pub(crate) mod tokens;
pub(crate) mod wordlists;

pub(crate) use tokens::analyse;
