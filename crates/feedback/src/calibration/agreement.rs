//! How far two markings agree: quadratic weighted kappa, exact agreement, mean absolute
//! error and the confusion matrix; and the deterministic splits agreement is measured on.

use serde::{Deserialize, Serialize};

/// Agreement of predicted marks with a teacher's, over the marks `scale[0]..=scale[1]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub answers: usize,
    /// Quadratic weighted kappa: 1 is perfect agreement, 0 what chance gives.
    pub qwk: f64,
    /// The share of answers given exactly the teacher's mark.
    pub exact: f64,
    /// Mean absolute difference from the teacher's mark, in marks.
    pub mae: f64,
    /// `confusion[g][p]`: answers the teacher gave `scale[0] + g` and the engine `scale[0] + p`.
    pub confusion: Vec<Vec<usize>>,
}

impl Agreement {
    pub fn of(gold: &[u32], predicted: &[u32], scale: [u32; 2]) -> Agreement {
        let levels = (scale[1] - scale[0] + 1) as usize;
        let mut confusion = vec![vec![0usize; levels]; levels];
        let at = |m: u32| (m.clamp(scale[0], scale[1]) - scale[0]) as usize;
        let mut exact = 0usize;
        let mut abs = 0u64;
        for (&g, &p) in gold.iter().zip(predicted) {
            confusion[at(g)][at(p)] += 1;
            exact += usize::from(g == p);
            abs += u64::from(g.abs_diff(p));
        }
        let n = gold.len().min(predicted.len());
        let share = |x: f64| if n == 0 { 0.0 } else { x / n as f64 };
        Agreement {
            answers: n,
            qwk: qwk(&confusion),
            exact: share(exact as f64),
            mae: share(abs as f64),
            confusion,
        }
    }
}

/// QWK from a confusion matrix. When chance would disagree nowhere (every mark the same on
/// one side), it is 1 for full agreement and 0 otherwise.
pub(crate) fn qwk(confusion: &[Vec<usize>]) -> f64 {
    let k = confusion.len();
    let total: usize = confusion.iter().flatten().sum();
    if total == 0 {
        return 0.0;
    }
    let rows: Vec<f64> = confusion
        .iter()
        .map(|r| r.iter().sum::<usize>() as f64)
        .collect();
    let cols: Vec<f64> = (0..k)
        .map(|j| confusion.iter().map(|r| r[j]).sum::<usize>() as f64)
        .collect();
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            let w = ((i as f64) - (j as f64)).powi(2);
            num += w * confusion[i][j] as f64;
            den += w * rows[i] * cols[j] / total as f64;
        }
    }
    if den > 0.0 {
        1.0 - num / den
    } else if num == 0.0 {
        1.0
    } else {
        0.0
    }
}

/// QWK of two lists of marks on `scale`.
pub(crate) fn qwk_of(gold: &[u32], predicted: &[u32], scale: [u32; 2]) -> f64 {
    let levels = (scale[1] - scale[0] + 1) as usize;
    let mut confusion = vec![vec![0usize; levels]; levels];
    for (&g, &p) in gold.iter().zip(predicted) {
        confusion[(g.clamp(scale[0], scale[1]) - scale[0]) as usize]
            [(p.clamp(scale[0], scale[1]) - scale[0]) as usize] += 1;
    }
    qwk(&confusion)
}

/// SplitMix64: a small, fixed pseudo-random sequence, so that folds and draws are the same on
/// every run and machine.
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `items` in an order drawn from the sequence (Fisher–Yates).
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Fold `f` of `k` for each of `n` answers: the answers shuffled by `seed`, then dealt out in
/// turn, so the folds differ in size by at most one.
pub(crate) fn folds(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    SplitMix::new(seed).shuffle(&mut order);
    let mut fold = vec![0; n];
    for (turn, &i) in order.iter().enumerate() {
        fold[i] = turn % k.max(1);
    }
    fold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_is_one_for_agreement_and_falls_with_distance() {
        let gold = [0, 1, 2, 3, 0, 1];
        assert_eq!(qwk_of(&gold, &gold, [0, 3]), 1.0);
        let near = [0, 1, 2, 2, 0, 1];
        let far = [3, 1, 2, 0, 0, 1];
        assert!(qwk_of(&gold, &near, [0, 3]) > qwk_of(&gold, &far, [0, 3]));
        let a = Agreement::of(&gold, &near, [0, 3]);
        assert_eq!(a.confusion[3][2], 1);
        assert!((a.exact - 5.0 / 6.0).abs() < 1e-9);
        assert!((a.mae - 1.0 / 6.0).abs() < 1e-9);
    }

    #[test]
    fn kappa_matches_the_evaluation_script_on_a_worked_case() {
        // Worked by hand with qwk.py's formula: 1 − Σw·O / Σw·E.
        let gold = [0, 0, 1, 1, 2];
        let pred = [0, 1, 1, 2, 2];
        let k = qwk_of(&gold, &pred, [0, 2]);
        // O off-diagonal: (0,1), (1,2): num = 2. Rows [2,2,1], cols [1,2,2], total 5.
        // den = Σ (i−j)² r_i c_j / 5 = (1·(2·2+2·1+2·2+1·2) + 4·(2·2+1·1)) / 5 = (12 + 20)/5.
        assert!((k - (1.0 - 2.0 / 6.4)).abs() < 1e-9, "{k}");
    }

    #[test]
    fn folds_are_balanced_and_fixed() {
        let f = folds(23, 5, 7);
        assert_eq!(f, folds(23, 5, 7));
        for k in 0..5 {
            let size = f.iter().filter(|&&x| x == k).count();
            assert!((4..=5).contains(&size));
        }
        assert_ne!(f, folds(23, 5, 8));
    }
}
