//! From a predicted figure to a mark: cut points, one per mark above the lowest, placed where
//! they agree best (by QWK) with the teacher's marks on the answers learned from.

use super::agreement::qwk;

/// At most this many candidate places are tried for each cut (quantiles of the predicted
/// figures), so fitting stays linear in the answers on long mark scales. Chosen before looking
/// at data; see docs/calibration.md for its sensitivity.
pub const CUT_CANDIDATES: usize = 64;
/// Passes of coordinate ascent over the cuts. Each pass can only raise the agreement.
pub const CUT_PASSES: usize = 4;

/// The mark for predicted figure `z`: the lowest mark, plus one for each cut at or below `z`.
pub(crate) fn mark(z: f64, cuts: &[f32], lowest: u32) -> u32 {
    lowest + cuts.iter().filter(|&&c| z >= f64::from(c)).count() as u32
}

/// Cuts for the marks `scale`, starting from rounding (mark `m` from `m − ½`) and moved one at
/// a time to the candidate place that most raises QWK on `(z, gold)`, each kept between its
/// neighbours. Ties keep the cut where it is, so the result is deterministic. The confusion
/// matrix is kept up to date as a cut moves, so a pass costs O(answers + candidates × marks²).
pub(crate) fn fit_cuts(z: &[f64], gold: &[u32], scale: [u32; 2], most: usize) -> Vec<f32> {
    let steps = (scale[1] - scale[0]) as usize;
    let mut cuts: Vec<f32> = (0..steps)
        .map(|k| (f64::from(scale[0]) + k as f64 + 0.5) as f32)
        .collect();
    if z.is_empty() || steps == 0 {
        return cuts;
    }
    let candidates = candidates(z, most);
    let levels = steps + 1;
    // The answers in order of their figures (a figure that is not a number earns the lowest
    // mark, as `mark` gives it), with their marks as indexes from the lowest.
    let figure = |x: f64| if x.is_nan() { f64::NEG_INFINITY } else { x };
    let mut order: Vec<usize> = (0..z.len().min(gold.len())).collect();
    order.sort_by(|&a, &b| figure(z[a]).total_cmp(&figure(z[b])));
    let zs: Vec<f64> = order.iter().map(|&i| figure(z[i])).collect();
    let gs: Vec<usize> = order
        .iter()
        .map(|&i| (gold[i].clamp(scale[0], scale[1]) - scale[0]) as usize)
        .collect();
    let mut confusion = vec![vec![0usize; levels]; levels];
    for (&zi, &g) in zs.iter().zip(&gs) {
        confusion[g][(mark(zi, &cuts, scale[0]) - scale[0]) as usize] += 1;
    }
    // The first answer whose figure reaches `x`.
    let at = |x: f32| zs.partition_point(|&v| v < f64::from(x));
    // Moves the boundary between marks k and k + 1 from answer `from` to answer `to`.
    let shift = |confusion: &mut Vec<Vec<usize>>, k: usize, from: usize, to: usize| {
        for &g in &gs[from.min(to)..from.max(to)] {
            let (out, into) = if to > from { (k + 1, k) } else { (k, k + 1) };
            confusion[g][out] -= 1;
            confusion[g][into] += 1;
        }
    };
    let mut best = qwk(&confusion);
    for _ in 0..CUT_PASSES {
        let before = best;
        for k in 0..steps {
            let low = if k == 0 {
                f32::NEG_INFINITY
            } else {
                cuts[k - 1]
            };
            let high = if k + 1 == steps {
                f32::INFINITY
            } else {
                cuts[k + 1]
            };
            // Answers with figures between the neighbouring cuts earn mark k or k + 1, as cut
            // k falls: sweeping the candidates upwards moves each of them once.
            let (mut here, mut here_at) = (cuts[k], at(cuts[k]));
            let mut now = here_at;
            for &c in candidates.iter().filter(|&&c| c >= low && c <= high) {
                let to = at(c);
                shift(&mut confusion, k, now, to);
                now = to;
                let q = qwk(&confusion);
                if q > best + 1e-12 {
                    best = q;
                    here = c;
                    here_at = to;
                }
            }
            shift(&mut confusion, k, now, here_at);
            cuts[k] = here;
        }
        if best <= before + 1e-12 {
            break;
        }
    }
    cuts
}

/// Places between consecutive distinct figures (and one past each end), thinned to at most
/// `most` evenly spaced ones.
fn candidates(z: &[f64], most: usize) -> Vec<f32> {
    let mut sorted: Vec<f64> = z.iter().copied().filter(|x| x.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    let mut places: Vec<f32> = Vec::with_capacity(sorted.len() + 1);
    if let (Some(&first), Some(&last)) = (sorted.first(), sorted.last()) {
        places.push((first - 0.5) as f32);
        places.extend(sorted.windows(2).map(|w| ((w[0] + w[1]) / 2.0) as f32));
        places.push((last + 0.5) as f32);
    }
    if places.len() <= most {
        return places;
    }
    let step = (places.len() - 1) as f64 / (most.max(2) - 1) as f64;
    let mut thinned: Vec<f32> = (0..most.max(2))
        .map(|i| places[((i as f64 * step).round() as usize).min(places.len() - 1)])
        .collect();
    thinned.dedup();
    thinned
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prop_assert_eq;

    #[test]
    fn cuts_move_to_where_the_marks_change() {
        // The teacher gives 1 from a figure of 2 up, 2 from 4 up: rounding would not.
        let z: Vec<f64> = (0..60).map(|i| f64::from(i % 6)).collect();
        let gold: Vec<u32> = z
            .iter()
            .map(|&x| {
                if x >= 4.0 {
                    2
                } else if x >= 2.0 {
                    1
                } else {
                    0
                }
            })
            .collect();
        let cuts = fit_cuts(&z, &gold, [0, 2], CUT_CANDIDATES);
        let marks: Vec<u32> = z.iter().map(|&x| mark(x, &cuts, 0)).collect();
        assert_eq!(marks, gold, "{cuts:?}");
        assert!(cuts.windows(2).all(|w| w[0] <= w[1]));
    }

    /// The cuts as the plain search finds them: every candidate scored from scratch.
    fn fit_cuts_plainly(z: &[f64], gold: &[u32], scale: [u32; 2], most: usize) -> Vec<f32> {
        let steps = (scale[1] - scale[0]) as usize;
        let mut cuts: Vec<f32> = (0..steps)
            .map(|k| (f64::from(scale[0]) + k as f64 + 0.5) as f32)
            .collect();
        if z.is_empty() || steps == 0 {
            return cuts;
        }
        let candidates = candidates(z, most);
        let levels = steps + 1;
        let agreement = |cuts: &[f32]| {
            let mut confusion = vec![vec![0usize; levels]; levels];
            for (&zi, &g) in z.iter().zip(gold) {
                let p = (mark(zi, cuts, scale[0]) - scale[0]) as usize;
                confusion[(g.clamp(scale[0], scale[1]) - scale[0]) as usize][p] += 1;
            }
            qwk(&confusion)
        };
        let mut best = agreement(&cuts);
        for _ in 0..CUT_PASSES {
            let before = best;
            for k in 0..steps {
                let low = if k == 0 {
                    f32::NEG_INFINITY
                } else {
                    cuts[k - 1]
                };
                let high = if k + 1 == steps {
                    f32::INFINITY
                } else {
                    cuts[k + 1]
                };
                let mut here = cuts[k];
                for &c in candidates.iter().filter(|&&c| c >= low && c <= high) {
                    cuts[k] = c;
                    let q = agreement(&cuts);
                    if q > best + 1e-12 {
                        best = q;
                        here = c;
                    }
                }
                cuts[k] = here;
            }
            if best <= before + 1e-12 {
                break;
            }
        }
        cuts
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        #[test]
        fn the_sweep_finds_the_cuts_the_plain_search_finds(
            rows in proptest::collection::vec((-3.0f64..8.0, 0u32..6), 0..120),
            top in 0u32..6,
            most in 2usize..80,
        ) {
            let z: Vec<f64> = rows.iter().map(|r| (r.0 * 4.0).round() / 4.0).collect();
            let gold: Vec<u32> = rows.iter().map(|r| r.1.min(top)).collect();
            prop_assert_eq!(fit_cuts(&z, &gold, [0, top], most), fit_cuts_plainly(&z, &gold, [0, top], most));
            let shifted: Vec<u32> = gold.iter().map(|g| g + 2).collect();
            prop_assert_eq!(fit_cuts(&z, &shifted, [2, top + 2], most), fit_cuts_plainly(&z, &shifted, [2, top + 2], most));
        }
    }

    #[test]
    fn the_same_figures_give_the_same_cuts() {
        let z: Vec<f64> = (0..200).map(|i| ((i * 37) % 101) as f64 / 25.0).collect();
        let gold: Vec<u32> = z.iter().map(|&x| (x as u32).min(3)).collect();
        assert_eq!(
            fit_cuts(&z, &gold, [0, 3], CUT_CANDIDATES),
            fit_cuts(&z, &gold, [0, 3], CUT_CANDIDATES)
        );
    }
}
