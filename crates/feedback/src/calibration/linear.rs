//! Ridge regression, solved exactly: the normal equations with a penalty on every weight but
//! the intercept, by Cholesky decomposition. Deterministic: the same rows give the same
//! weights, bit for bit.

/// Fitted weights and intercept.
pub(crate) struct Fit {
    pub intercept: f64,
    pub weights: Vec<f64>,
}

/// Fits `y ≈ intercept + Σ w·x` over `rows` (each `dims` long), penalising `λ·Σ w²`.
/// Features are centred, so the intercept is the mean left over and is not shrunk.
pub(crate) fn ridge(rows: &[Vec<f64>], y: &[f64], dims: usize, lambda: f64) -> Fit {
    let n = rows.len();
    if n == 0 {
        return Fit {
            intercept: 0.0,
            weights: vec![0.0; dims],
        };
    }
    let mean: Vec<f64> = (0..dims)
        .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n as f64)
        .collect();
    let y_mean = y.iter().sum::<f64>() / n as f64;
    // A = XcᵀXc + λI (lower triangle), b = Xcᵀyc.
    let mut a = vec![0.0; dims * dims];
    let mut b = vec![0.0; dims];
    let mut centred = vec![0.0; dims];
    for (r, &yi) in rows.iter().zip(y) {
        for j in 0..dims {
            centred[j] = r[j] - mean[j];
        }
        let yc = yi - y_mean;
        for i in 0..dims {
            let xi = centred[i];
            if xi == 0.0 {
                continue;
            }
            b[i] += xi * yc;
            let row = &mut a[i * dims..i * dims + i + 1];
            for (cell, &xj) in row.iter_mut().zip(&centred[..=i]) {
                *cell += xi * xj;
            }
        }
    }
    for i in 0..dims {
        a[i * dims + i] += lambda;
    }
    let weights = solve_cholesky(&mut a, &b, dims);
    let intercept = y_mean - weights.iter().zip(&mean).map(|(w, m)| w * m).sum::<f64>();
    Fit { intercept, weights }
}

/// Solves `A·w = b` for symmetric positive definite `A` given by its lower triangle
/// (overwritten by its Cholesky factor). A pivot that is not positive (which `λ > 0` rules
/// out) gives that weight 0.
fn solve_cholesky(a: &mut [f64], b: &[f64], n: usize) -> Vec<f64> {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        let d = if d > 1e-12 { d.sqrt() } else { f64::INFINITY };
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    // L·z = b, then Lᵀ·w = z.
    let mut z = vec![0.0; n];
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i * n + k] * z[k];
        }
        z[i] = s / a[i * n + i];
    }
    let mut w = vec![0.0; n];
    for i in (0..n).rev() {
        let mut s = z[i];
        for k in i + 1..n {
            s -= a[k * n + i] * w[k];
        }
        w[i] = s / a[i * n + i];
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_line_and_shrinks_with_the_penalty() {
        let rows: Vec<Vec<f64>> = (0..20).map(|i| vec![i as f64, (i % 3) as f64]).collect();
        let y: Vec<f64> = rows.iter().map(|r| 1.0 + 2.0 * r[0] - 0.5 * r[1]).collect();
        let fit = ridge(&rows, &y, 2, 1e-9);
        assert!((fit.intercept - 1.0).abs() < 1e-6, "{}", fit.intercept);
        assert!((fit.weights[0] - 2.0).abs() < 1e-6);
        assert!((fit.weights[1] + 0.5).abs() < 1e-6);
        let shrunk = ridge(&rows, &y, 2, 1e4);
        assert!(shrunk.weights[1].abs() < 0.5 && shrunk.weights[0] < 2.0);
    }

    #[test]
    fn a_constant_feature_gets_no_weight() {
        let rows: Vec<Vec<f64>> = (0..10).map(|i| vec![1.0, i as f64]).collect();
        let y: Vec<f64> = (0..10).map(|i| i as f64).collect();
        let fit = ridge(&rows, &y, 2, 0.1);
        assert_eq!(fit.weights[0], 0.0);
        assert!(fit.weights.iter().all(|w| w.is_finite()));
    }
}
