//! Coverage of the scheme (points and bullets, by side) and the balance between the sides.

use studypack_domain::Side;

use crate::fx::FxHashSet;
use crate::matching::PreparedScheme;
use crate::report::{Balance, Coverage, PointResult, PointStatus, SideCoverage, round2};

pub(crate) fn coverage(points: &[PointResult], scheme: &PreparedScheme) -> Coverage {
    let mut c = Coverage {
        total: points.len(),
        bullets_total: scheme.bullets,
        ..Default::default()
    };
    let mut bullets_covered = FxHashSet::default();
    for p in points {
        let side = match p.side {
            Side::Supporting => &mut c.supporting,
            Side::Challenging => &mut c.challenging,
            Side::Neutral => &mut c.neutral,
        };
        side.total += 1;
        match p.status {
            PointStatus::Covered => {
                c.covered += 1;
                side.covered += 1;
                bullets_covered.insert(p.bullet);
            }
            PointStatus::Partial => {
                c.partial += 1;
                side.partial += 1;
            }
            PointStatus::Missing => {
                c.missing += 1;
                side.missing += 1;
            }
        }
    }
    c.bullets_covered = bullets_covered.len();
    c
}

pub(crate) fn side_share(s: &SideCoverage) -> f32 {
    if s.total == 0 {
        0.0
    } else {
        (s.covered as f32 + 0.5 * s.partial as f32) / s.total as f32
    }
}

pub(crate) fn balance(c: &Coverage) -> Balance {
    let (sup, cha) = (side_share(&c.supporting), side_share(&c.challenging));
    if c.supporting.total == 0 || c.challenging.total == 0 {
        return Balance {
            supporting: round2(sup),
            challenging: round2(cha),
            ratio: 1.0,
            verdict: "not-applicable",
        };
    }
    let (lo, hi) = if sup < cha { (sup, cha) } else { (cha, sup) };
    let ratio = if hi == 0.0 { 1.0 } else { lo / hi };
    let earned = |s: &SideCoverage| s.covered as f32 + 0.5 * s.partial as f32;
    let verdict = if hi == 0.0 {
        "none-earned"
    } else if (earned(&c.supporting) < 1.0 || earned(&c.challenging) < 1.0) && hi >= 0.15 {
        "one-sided"
    } else if ratio >= 0.5 {
        "balanced"
    } else if sup > cha {
        "leans-supporting"
    } else {
        "leans-challenging"
    };
    Balance {
        supporting: round2(sup),
        challenging: round2(cha),
        ratio: round2(ratio),
        verdict,
    }
}
