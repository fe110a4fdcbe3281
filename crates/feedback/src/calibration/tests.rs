//! Calibration against the engine's real reports on a small scheme whose teacher is stricter
//! than a mark a point: two points for each mark.

use proptest::prelude::*;
use studypack_domain::{MarkScheme, SchemeBullet, Side};

use super::*;
use crate::{Engine, QuestionInput};

/// Six points on unrelated matters, so that an answer covers exactly the ones it states.
const POINTS: [&str; 6] = [
    "reparations imposed by the treaty crippled the economy",
    "hyperinflation destroyed middle class savings",
    "the depression brought mass unemployment",
    "propaganda spread through newspapers and radio",
    "paramilitary violence intimidated opponents",
    "backstairs intrigue among conservative elites",
];

fn scheme() -> MarkScheme {
    MarkScheme {
        bullets: POINTS
            .iter()
            .map(|p| SchemeBullet {
                side: Side::Neutral,
                text: (*p).into(),
            })
            .collect(),
    }
}

/// Answer `i` states the first `i % 7` points (in its own order), and the teacher gives a mark
/// for every two, on 0–3.
fn answers(engine: &Engine, n: usize) -> (Vec<Marked>, Vec<String>) {
    let sch = scheme();
    let q = QuestionInput::bare("Why did the republic fall?", &sch);
    let p = engine.prepare(&q);
    let names: Vec<String> = p.point_texts();
    let marked = (0..n)
        .map(|i| {
            let k = i % 7;
            let mut text = String::from("The republic fell for several reasons. ");
            for point in POINTS.iter().take(k) {
                text.push_str(&format!("Above all, {point}. "));
            }
            if i % 3 == 0 {
                text.push_str("This mattered to many people at the time.");
            }
            Marked {
                id: format!("a{i}"),
                score: (k / 2) as u32,
                observation: engine.observe(&p, &text).1,
            }
        })
        .collect();
    (marked, names)
}

fn engine() -> Engine {
    Engine::with_library(POINTS)
}

#[test]
fn a_stricter_teacher_is_learned_and_measured_on_unseen_answers() {
    let engine = engine();
    let (marked, scheme) = answers(&engine, 70);
    let scale = Scale::marks(0, 3);
    let cv = cross_validate(&marked, 5, &scheme, &scale, &LearnSettings::default());
    assert_eq!(
        cv.held_out.len(),
        marked.len(),
        "each answer held out exactly once"
    );
    let mut ids: Vec<&str> = cv.held_out.iter().map(|h| h.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), marked.len());
    assert!(cv.calibrated.qwk > 0.95, "{:?}", cv.calibrated);
    assert!(
        cv.uncalibrated.qwk < cv.calibrated.qwk,
        "{:?}",
        cv.uncalibrated
    );
    assert!(
        cv.chosen.iter().all(|k| *k != Kind::Uncalibrated),
        "{:?}",
        cv.chosen
    );
    let all: Vec<&Marked> = marked.iter().collect();
    let cal = learn(&all, &scheme, &scale);
    assert_eq!(cal.answers, 70);
    let described = cal.describe().join("\n");
    assert!(described.contains("70 answers"), "{described}");
    // A new answer with four points earns 2, as the teacher would give.
    let sch = self::scheme();
    let p = engine.prepare(&QuestionInput::bare("Why did the republic fall?", &sch));
    let four: String = POINTS
        .iter()
        .take(4)
        .map(|x| format!("Above all, {x}. "))
        .collect();
    let report = engine.report_calibrated(&p, &cal, &four).unwrap();
    assert_eq!(report.calibration.as_ref().map(|c| c.score), Some(2));
    assert_eq!(report.calibration.as_ref().map(|c| c.version), Some(1));
}

#[test]
fn the_same_answers_give_the_same_calibration() {
    let engine = engine();
    let (marked, scheme) = answers(&engine, 40);
    let all: Vec<&Marked> = marked.iter().collect();
    let a = learn(&all, &scheme, &Scale::marks(0, 3));
    let b = learn(&all, &scheme, &Scale::marks(0, 3));
    assert_eq!(a, b);
    assert!(a.id.starts_with("cal-"));
    let curve = learning_curve(
        &marked,
        &[10, 20, 30],
        3,
        &scheme,
        &Scale::marks(0, 3),
        &LearnSettings::default(),
    );
    // 30 answers would leave fewer than MIN_HELD_OUT to measure on.
    assert_eq!(
        curve.iter().map(|c| c.size).collect::<Vec<_>>(),
        vec![10, 20]
    );
    assert_eq!(
        curve,
        learning_curve(
            &marked,
            &[10, 20, 30],
            3,
            &scheme,
            &Scale::marks(0, 3),
            &LearnSettings::default()
        )
    );
}

#[test]
fn too_few_answers_learn_nothing() {
    let engine = engine();
    let (marked, scheme) = answers(&engine, MIN_TO_LEARN - 1);
    let all: Vec<&Marked> = marked.iter().collect();
    let cal = learn(&all, &scheme, &Scale::marks(0, 3));
    assert_eq!(cal.model.kind, Kind::Uncalibrated);
    assert!(cal.describe()[0].starts_with("Nothing learned"));
    for m in &marked {
        assert_eq!(
            cal.score(&m.observation),
            m.observation.uncalibrated(&Scale::marks(0, 3))
        );
    }
}

#[test]
fn the_schemes_rule_is_the_uncalibrated_mark() {
    let engine = engine();
    let (marked, _) = answers(&engine, 7);
    let rule = Scale {
        points_for: vec![2, 4, 6],
        ..Scale::marks(0, 3)
    };
    let marks: Vec<u32> = marked
        .iter()
        .map(|m| m.observation.uncalibrated(&rule))
        .collect();
    let gold: Vec<u32> = marked.iter().map(|m| m.score).collect();
    assert_eq!(marks, gold, "the teacher's rule, stated, needs no learning");
    let one_a_point: Vec<u32> = marked
        .iter()
        .map(|m| m.observation.uncalibrated(&Scale::marks(0, 3)))
        .collect();
    assert_eq!(one_a_point, vec![0, 1, 2, 3, 3, 3, 3]);
}

#[test]
fn an_edited_calibration_is_checked_and_gets_a_new_id() {
    let engine = engine();
    let (marked, scheme) = answers(&engine, 60);
    let all: Vec<&Marked> = marked.iter().collect();
    let cal = learn(&all, &scheme, &Scale::marks(0, 3));
    assert_eq!(
        cal.clone().validated().unwrap(),
        cal,
        "a learned calibration is valid as it is"
    );
    let mut edited = cal.clone();
    edited.model.intercept += 0.25;
    let edited = edited.validated().unwrap();
    assert_ne!(edited.id, cal.id);
    let mut bad = cal.clone();
    bad.model.cuts.reverse();
    bad.model.cuts[0] += 1.0;
    if cal.model.kind != Kind::Uncalibrated {
        assert!(matches!(bad.validated(), Err(CalibrationError::Invalid(_))));
    }
    let mut short = cal.clone();
    short.model.kind = Kind::Points;
    short.model.cuts.truncate(1);
    assert!(
        short
            .validated()
            .unwrap_err()
            .to_string()
            .contains("one cut for each mark")
    );
    let mut future = cal.clone();
    future.format = 99;
    assert_eq!(future.validated(), Err(CalibrationError::Format(99)));
    // Another scheme's report is refused.
    let other = MarkScheme {
        bullets: vec![SchemeBullet {
            side: Side::Neutral,
            text: "something else entirely".into(),
        }],
    };
    let p = engine.prepare(&QuestionInput::bare("", &other));
    assert!(matches!(
        engine.report_calibrated(&p, &cal, "An answer."),
        Err(CalibrationError::OtherScheme { .. })
    ));
}

#[test]
fn terms_are_learned_from_the_answers_that_use_them() {
    // The teacher gives a mark for "catalyst", a word the scheme does not use.
    let sch = scheme();
    let engine = engine();
    let p = engine.prepare(&QuestionInput::bare("", &sch));
    let names: Vec<String> = p.point_texts();
    let marked: Vec<Marked> = (0..80)
        .map(|i| {
            let catalyst = i % 2 == 0;
            let text = format!(
                "{} {}",
                POINTS[(i / 2) % 6],
                if catalyst {
                    "The crash was the catalyst."
                } else {
                    "The crash came later."
                }
            );
            Marked {
                id: i.to_string(),
                score: u32::from(catalyst),
                observation: engine.observe(&p, &text).1,
            }
        })
        .collect();
    let all: Vec<&Marked> = marked.iter().collect();
    let cal = learn(&all, &names, &Scale::marks(0, 1));
    assert_eq!(cal.model.kind, Kind::Terms, "{:?}", cal.describe());
    let catalyst = cal
        .model
        .terms
        .iter()
        .find(|t| t.term.starts_with("catalyst"));
    let catalyst = catalyst.unwrap_or_else(|| panic!("{:?}", cal.model.terms));
    assert!(
        catalyst.weight > 0.2 && catalyst.answers == 40,
        "{catalyst:?}"
    );
    assert!(
        cal.describe()
            .iter()
            .any(|l| l.contains("learned term: ‘catalyst")),
        "{:?}",
        cal.describe()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn any_answer_gets_a_mark_on_the_scale(essay in "\\PC{0,400}") {
        let engine = engine();
        let (marked, scheme) = answers(&engine, 30);
        let all: Vec<&Marked> = marked.iter().collect();
        let cal = learn(&all, &scheme, &Scale::marks(1, 4));
        let sch = self::scheme();
        let p = engine.prepare(&QuestionInput::bare("", &sch));
        let r = engine.report_calibrated(&p, &cal, &essay).unwrap();
        let score = r.calibration.unwrap().score;
        prop_assert!((1..=4).contains(&score));
    }
}

#[test]
fn settings_are_set_by_name_and_bad_ones_refused() {
    let mut s = LearnSettings::default();
    s.set("select_errors=1.5").unwrap();
    s.set("penalties=1/4").unwrap();
    s.set("max_terms=50").unwrap();
    assert_eq!(
        (s.select_errors, s.penalties.clone(), s.max_terms),
        (1.5, vec![1.0, 4.0], 50)
    );
    s.set("penalty_scale=2").unwrap();
    assert_eq!(
        s.penalties,
        PENALTIES.iter().map(|p| p * 2.0).collect::<Vec<_>>()
    );
    for bad in [
        "select_errors",
        "nope=1",
        "max_terms=0",
        "select_errors=-1",
        "penalties=0/1",
        "penalties=x",
    ] {
        assert!(s.set(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_answers_terms_are_its_content_stems_each_once() {
    let engine = engine();
    let sch = scheme();
    let p = engine.prepare(&QuestionInput::bare("", &sch));
    let text = "Hyperinflation destroyed savings; savings vanished. The unemployed, unemployment and 1923: zyxwv zyxwvs qqq quux quuxes.";
    let (_, o) = engine.observe(&p, text);
    let mut got: Vec<String> = o.terms.iter().map(|t| t.to_string()).collect();
    got.sort();
    let mut expected: Vec<String> = engine
        .analyse(text)
        .tokens
        .iter()
        .filter(|t| !t.stop && !t.numeric && t.stem.len() >= 3)
        .map(|t| t.stem.to_string())
        .collect();
    expected.sort();
    expected.dedup();
    assert_eq!(got, expected);
    assert!(got.len() >= 6, "{got:?}");
    assert!(
        got.iter().any(|t| t.starts_with("hyperinfl"))
            && got.iter().any(|t| t.starts_with("zyxwv")),
        "{got:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// A calibration file edited into anything is refused or marks within its scale: it never
    /// panics.
    #[test]
    fn an_edited_calibration_is_refused_or_marks_on_its_scale(
        low in 0u32..5,
        span in 0u32..6,
        weights in proptest::collection::vec(proptest::num::f32::ANY, 0..8),
        cuts in proptest::collection::vec(proptest::num::f32::ANY, 0..8),
        terms in proptest::collection::vec(("[a-z]{0,6}", proptest::num::f32::ANY), 0..5),
        kind in 0u8..3,
        essay in "[a-z .]{0,120}",
    ) {
        let engine = engine();
        let sch = scheme();
        let p = engine.prepare(&QuestionInput::bare("", &sch));
        let names: Vec<String> = p.point_texts();
        let c = Calibration {
            format: CALIBRATION_FORMAT,
            id: String::new(),
            version: 1,
            scheme: names,
            scale: [low, low + span],
            levels: false,
            points_for: Vec::new(),
            answers: 3,
            model: Model {
                kind: [Kind::Uncalibrated, Kind::Points, Kind::Terms][kind as usize],
                intercept: weights.first().copied().unwrap_or(0.0),
                covered: weights.get(1).copied().unwrap_or(0.0),
                uncalibrated: weights.get(2).copied().unwrap_or(0.0),
                points: weights.iter().skip(2).copied().collect(),
                terms: terms.into_iter().map(|(term, weight)| LearnedTerm { term, weight, answers: 1 }).collect(),
                cuts,
            },
        };
        if let Ok(c) = c.validated() {
            let r = engine.report_calibrated(&p, &c, &essay).unwrap();
            let score = r.calibration.unwrap().score;
            prop_assert!((c.scale[0]..=c.scale[1]).contains(&score));
        }
    }
}
