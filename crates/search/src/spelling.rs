//! Forgiving spelling: how many typing mistakes a word may have, and how far apart two words
//! are. Used for typo-tolerant names and for "did you mean" suggestions.

/// Words shorter than this are taken as typed: too many short words lie one edit apart.
pub const ONE_EDIT_FROM: usize = 5;
/// From this length a word may have two mistakes ("Kruschev" for "Khrushchev").
///
/// The principle: about one mistake per four letters, at most two (the most tantivy's
/// Levenshtein automata allow). Five to seven letters: one edit; eight or more: two.
pub const TWO_EDITS_FROM: usize = 8;

/// The edits allowed in a word of `letters` letters.
pub fn edits_allowed(letters: usize) -> u8 {
    if letters >= TWO_EDITS_FROM {
        2
    } else if letters >= ONE_EDIT_FROM {
        1
    } else {
        0
    }
}

/// The optimal-string-alignment distance between `a` and `b` (insertions, deletions,
/// substitutions and swaps of neighbouring letters, each one edit), if it is at most `max`.
pub fn distance_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let n = b.len();
    // Three rows: two back (for swaps), one back, and the current one.
    let mut before: Vec<usize> = vec![0; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur: Vec<usize> = vec![0; n + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[n]).filter(|d| *d <= max)
}
