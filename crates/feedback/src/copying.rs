//! Copy detection: how much of an essay's runs of content stems are the model essay's or the
//! mark scheme's.

use crate::fx::FxHashSet;
use crate::vocabulary::tokens::Parsed;

/// The stem id of each content token, in order, for the overlap checks. A prepared question
/// and the essays reported against it read their texts through the same vocabulary, so the
/// same stem has the same id in all of them.
pub(crate) fn content_stems(an: &Parsed) -> Vec<u64> {
    an.tokens
        .iter()
        .filter(|t| !t.stop)
        .map(|t| u64::from(t.stem_id))
        .collect()
}

/// The hash of a run of consecutive content stems.
fn shingle(run: &[u64]) -> u64 {
    run.iter().fold(0u64, |acc, &x| {
        (acc.rotate_left(17) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    })
}

/// Hashes of each run of `n` consecutive content stems (from [`content_stems`]).
pub(crate) fn shingles(stems: &[u64], n: usize) -> FxHashSet<u64> {
    let mut set = FxHashSet::with_capacity_and_hasher(stems.len(), Default::default());
    set.extend(stems.windows(n).map(shingle));
    set
}

/// The share of a text's distinct shingles of `n` stems that are in `set`.
pub(crate) fn overlap(stems: &[u64], set: &FxHashSet<u64>, n: usize) -> f32 {
    if set.is_empty() {
        return 0.0;
    }
    let (distinct, shared) = distinct_shingles(stems, n, set);
    if distinct < 8 {
        return 0.0;
    }
    shared as f32 / distinct as f32
}

/// The number of distinct shingles of `n` stems in a text, and how many of them are in `set`.
/// They are counted in an open-addressed table of their own hashes (already well mixed), which
/// is quicker than a general set.
fn distinct_shingles(stems: &[u64], n: usize, set: &FxHashSet<u64>) -> (usize, usize) {
    let runs = stems.len().saturating_sub(n - 1);
    let bits = (2 * runs).max(16).next_power_of_two().trailing_zeros();
    let mask = (1usize << bits) - 1;
    // Zero marks an empty slot; a shingle whose hash is zero is counted on its own.
    let mut table = vec![0u64; mask + 1];
    let (mut distinct, mut shared, mut zero) = (0, 0, false);
    for h in stems.windows(n).map(shingle) {
        if h == 0 {
            if !zero {
                zero = true;
                distinct += 1;
                shared += usize::from(set.contains(&h));
            }
            continue;
        }
        let mut slot = (h >> (64 - bits)) as usize;
        loop {
            match table[slot] {
                0 => {
                    table[slot] = h;
                    distinct += 1;
                    shared += usize::from(set.contains(&h));
                    break;
                }
                seen if seen == h => break,
                _ => slot = (slot + 1) & mask,
            }
        }
    }
    (distinct, shared)
}

/// Share of overlap with the model essay above which an essay is flagged as copied.
pub const COPY_THRESHOLD: f32 = 0.4;
