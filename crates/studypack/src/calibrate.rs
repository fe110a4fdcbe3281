//! `studypack calibrate`: learn a teacher's standard from marked answers, and say how far to
//! trust it — cross-validated agreement and a learning curve, never measured on an answer the
//! calibration being measured learned from.

use std::collections::HashSet;
use std::io::{BufRead, Read, Write};

use anyhow::{Context, Result, anyhow, bail};
use studypack_feedback::calibration::{
    Agreement, Calibration, CrossValidation, CurvePoint, LEARNING_CURVE_DRAWS, LearnSettings,
    MAX_MARK, Marked, Scale, cross_validate, learn_with, learning_curve,
};
use studypack_feedback::{Engine, MAX_ESSAY_BYTES, Prepared, QuestionInput, engine_for_library};
use studypack_store::LibraryStore;

use crate::feedback::{decode_essay, with_question};
use crate::{CalibrateArgs, CalibrationCommand, Format, ScoreScale};

/// The training sizes of the learning curve.
pub const CURVE_SIZES: [usize; 4] = [25, 50, 100, 200];
/// More marked answers than this are refused (learning stays within seconds).
pub const MAX_MARKED: usize = 20_000;

/// One line of the marked file, read and checked.
struct Line {
    id: String,
    text: String,
    score: u32,
}

pub async fn run(store: &dyn LibraryStore, args: CalibrateArgs) -> Result<()> {
    let lib = store.library().await?;
    let engine = engine_for_library(&lib);
    let (calibration, cv, curve) = with_question(&lib, &args.against, |input| {
        let prepared = engine.prepare(input);
        let scheme: Vec<String> = prepared.point_texts();
        let lines = read_marked(&args.marked, input, &args)?;
        let scale = scale_of(input, &args, &lines)?;
        if args.folds < 2 {
            bail!("--folds must be 2 or more");
        }
        if lines.len() < args.folds {
            bail!(
                "{}: {} marked answers, fewer than the {} folds: give at least one answer per fold",
                args.marked.display(),
                lines.len(),
                args.folds
            );
        }
        let marked = observe(&engine, &prepared, lines);
        let mut settings = LearnSettings::default();
        for a in &args.setting {
            settings.set(a).map_err(|e| anyhow!("--setting {e}"))?;
        }
        let cv = cross_validate(&marked, args.folds, &scheme, &scale, &settings);
        let curve = learning_curve(
            &marked,
            &CURVE_SIZES,
            LEARNING_CURVE_DRAWS,
            &scheme,
            &scale,
            &settings,
        );
        let all: Vec<&Marked> = marked.iter().collect();
        Ok((learn_with(&all, &scheme, &scale, &settings), cv, curve))
    })?;
    let mut calibration = calibration;
    if args.store {
        let slug = args.against.question.as_deref().unwrap_or_default();
        calibration.version = store
            .store_calibration(
                slug,
                Some(&calibration_json(&calibration)?),
                studypack_accounts::now(),
            )
            .await?;
    }
    if let Some(path) = &args.out {
        std::fs::write(path, calibration_json(&calibration)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &args.held_out {
        let mut body = String::new();
        for h in &cv.held_out {
            body.push_str(&serde_json::to_string(h)?);
            body.push('\n');
        }
        std::fs::write(path, body).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let v = serde_json::json!({
                "calibration": calibration,
                "learned": calibration.describe(),
                "cross_validation": {
                    "folds": cv.folds,
                    "chosen": cv.chosen,
                    "calibrated": cv.calibrated,
                    "uncalibrated": cv.uncalibrated,
                },
                "learning_curve": curve,
            });
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
        Format::Text => write!(out, "{}", render(&calibration, &cv, &curve, &args))?,
    }
    Ok(())
}

pub fn calibration_json(c: &Calibration) -> Result<String> {
    Ok(serde_json::to_string_pretty(c)?)
}

/// Each answer through the engine, on every core; in the order of the lines.
fn observe(engine: &Engine, prepared: &Prepared, lines: Vec<Line>) -> Vec<Marked> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = lines.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = lines
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|l| Marked {
                            id: l.id.clone(),
                            score: l.score,
                            observation: engine.observe(prepared, &l.text).1,
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("an observing thread panicked"))
            .collect()
    })
}

/// The marks the scores are on: the rubric's marks or levels, or, for a scheme without one,
/// 0 to `--max-score` (or the highest score given).
fn scale_of(input: &QuestionInput, args: &CalibrateArgs, lines: &[Line]) -> Result<Scale> {
    let highest_given = lines.iter().map(|l| l.score).max().unwrap_or(0);
    match (input.rubric, args.score) {
        (Some(r), ScoreScale::Mark) => Ok(Scale::marks(0, r.max_marks.min(MAX_MARK))),
        (Some(r), ScoreScale::Level) => Ok(Scale {
            levels: true,
            ..Scale::marks(
                0,
                r.levels
                    .iter()
                    .map(|l| u32::from(l.level))
                    .max()
                    .unwrap_or(0),
            )
        }),
        (None, ScoreScale::Level) => {
            bail!(
                "--score level needs a question with a rubric; this scheme has none (use --topic, or marks)"
            )
        }
        (None, ScoreScale::Mark) if !args.points_for.is_empty() => {
            let rule = &args.points_for;
            if rule.windows(2).any(|w| w[0] > w[1]) || rule.len() as u32 > MAX_MARK {
                bail!("--points-for must rise: the points needed for 1 mark, then 2, …");
            }
            Ok(Scale {
                marks: [0, rule.len() as u32],
                levels: false,
                points_for: rule.clone(),
            })
        }
        (None, ScoreScale::Mark) => match args.max_score {
            // The scale is the teacher's, not read from the marks: a top mark given only in
            // answers held out must not shape what the others learn.
            Some(top) if top > MAX_MARK => bail!("--max-score {top} is above {MAX_MARK}"),
            Some(top) => Ok(Scale::marks(0, top.max(1))),
            None => bail!(
                "this scheme has no rubric: give its top mark (--max-score N; the highest in the file is {highest_given}) or its rule from points to marks (--points-for LIST)"
            ),
        },
    }
}

/// Reads and checks the marked answers; an error names the line.
fn read_marked(
    path: &std::path::Path,
    input: &QuestionInput,
    args: &CalibrateArgs,
) -> Result<Vec<Line>> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {name}"))?;
    let highest = match (input.rubric, args.score) {
        (Some(r), ScoreScale::Mark) => Some((r.max_marks, "the rubric's top mark")),
        (Some(r), ScoreScale::Level) => Some((
            r.levels
                .iter()
                .map(|l| u32::from(l.level))
                .max()
                .unwrap_or(0),
            "the rubric's top level",
        )),
        (None, _) if !args.points_for.is_empty() => {
            Some((args.points_for.len() as u32, "the top mark of --points-for"))
        }
        (None, _) => args.max_score.map(|m| (m, "--max-score")),
    };
    let points = input.scheme.points().len();
    let mut seen = HashSet::new();
    let mut lines = Vec::new();
    let line_limit = MAX_ESSAY_BYTES as u64 * 2 + 4096;
    let mut reader = std::io::BufReader::new(file);
    for n in 1.. {
        let mut raw = Vec::new();
        let got = reader
            .by_ref()
            .take(line_limit)
            .read_until(b'\n', &mut raw)
            .with_context(|| format!("cannot read {name}"))?;
        if got == 0 {
            break;
        }
        if got as u64 == line_limit && raw.last() != Some(&b'\n') {
            bail!("{name}:{n}: the line is above the size limit");
        }
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let at = format!("{name}:{n}");
        let v: serde_json::Value =
            serde_json::from_slice(&raw).map_err(|e| anyhow!("{at}: not a JSON object: {e}"))?;
        if !v.is_object() {
            bail!("{at}: not a JSON object");
        }
        let id = match v.get("id") {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
            Some(serde_json::Value::Number(x)) => x.to_string(),
            _ => bail!("{at}: no \"id\" (a string or number)"),
        };
        if !seen.insert(id.clone()) {
            bail!("{at}: the id \"{id}\" is used twice");
        }
        let text = v
            .get("text")
            .and_then(|t| t.as_str())
            .ok_or_else(|| anyhow!("{at}: no \"text\" string"))?;
        let text = decode_essay(&at, text.as_bytes())?;
        let score = match v.get("score") {
            Some(serde_json::Value::Number(x)) => x,
            Some(other) => bail!("{at}: the score {other} is not a number"),
            None => bail!("{at}: no \"score\""),
        };
        let score = match score.as_u64() {
            Some(s) if s <= u64::from(MAX_MARK) => s as u32,
            Some(s) => bail!("{at}: the score {s} is above {MAX_MARK}"),
            None => bail!("{at}: the score {score} is not a whole number of 0 or more"),
        };
        if let Some((top, what)) = highest
            && score > top
        {
            bail!("{at}: the score {score} is outside the rubric: above {what}, {top}");
        }
        if let Some(ticks) = v.get("points") {
            let ok = ticks.as_array().is_some_and(|a| {
                a.iter()
                    .all(|p| p.as_u64().is_some_and(|p| (p as usize) < points))
            });
            if !ok && points == 0 {
                bail!("{at}: \"points\" lists points, but the scheme has none");
            }
            if !ok {
                bail!(
                    "{at}: \"points\" must list point numbers of the scheme, 0 to {}",
                    points - 1
                );
            }
        }
        lines.push(Line { id, text, score });
        if lines.len() > MAX_MARKED {
            bail!("{name}: more than {MAX_MARKED} marked answers");
        }
    }
    if lines.is_empty() {
        bail!("{name}: no marked answers");
    }
    Ok(lines)
}

fn agreement_row(name: &str, a: &Agreement) -> String {
    format!(
        "  {name:<13} QWK {:.3}   exact {:>5.1}%   mean error {:.2} marks\n",
        a.qwk,
        a.exact * 100.0,
        a.mae
    )
}

fn render(
    c: &Calibration,
    cv: &CrossValidation,
    curve: &[CurvePoint],
    args: &CalibrateArgs,
) -> String {
    let mut s = format!(
        "Calibration {} (version {}), from {} marked answers, marks {}–{}{}\n\n",
        c.id,
        c.version,
        c.answers,
        c.scale[0],
        c.scale[1],
        if c.levels { " (levels)" } else { "" }
    );
    s.push_str("What was learned:\n");
    for line in c.describe() {
        s.push_str(&crate::output::wrap(&line, 88, "  "));
    }
    s.push_str(&format!(
        "\nAgreement with your marks on answers held out ({}-fold cross-validation; no figure uses an answer its calibration learned from):\n",
        cv.folds
    ));
    s.push_str(&agreement_row("calibrated", &cv.calibrated));
    s.push_str(&agreement_row("uncalibrated", &cv.uncalibrated));
    let chosen: Vec<String> = cv
        .chosen
        .iter()
        .map(|k| format!("{k:?}").to_lowercase())
        .collect();
    s.push_str(&format!(
        "  models chosen in the folds: {}\n",
        chosen.join(", ")
    ));
    s.push_str("\nCalibrated marks (rows: your mark; columns: the calibrated engine's):\n");
    s.push_str(&confusion(&cv.calibrated, c.scale[0]));
    if !curve.is_empty() {
        s.push_str(&format!(
            "\nLearning curve (QWK on the answers not drawn; mean ± sd over {} draws):\n",
            curve[0].draws
        ));
        for p in curve {
            s.push_str(&format!(
                "  {:>4} answers   calibrated {:.3} ± {:.3}   uncalibrated {:.3} ± {:.3}\n",
                p.size, p.calibrated.mean, p.calibrated.sd, p.uncalibrated.mean, p.uncalibrated.sd
            ));
        }
    }
    if args.out.is_none() && !args.store {
        s.push_str("\n(not written: give --out FILE, or --store with --question)\n");
    }
    s
}

fn confusion(a: &Agreement, low: u32) -> String {
    let mut s = String::from("        ");
    for j in 0..a.confusion.len() {
        s.push_str(&format!("{:>6}", low + j as u32));
    }
    s.push('\n');
    for (i, row) in a.confusion.iter().enumerate() {
        s.push_str(&format!("  {:>4}  ", low + i as u32));
        for x in row {
            s.push_str(&format!("{x:>6}"));
        }
        s.push('\n');
    }
    s
}

/// `studypack calibration`: a question's stored calibration — shown, replaced by an edited
/// file, or withdrawn (the question is then marked uncalibrated).
pub async fn manage(store: &dyn LibraryStore, command: CalibrationCommand) -> Result<()> {
    let now = studypack_accounts::now();
    match command {
        CalibrationCommand::Show { question } => {
            let revisions = store.calibration_revisions(&question).await?;
            match active(store, &question).await? {
                Some(c) => {
                    println!("{}", calibration_json(&c)?);
                    for line in c.describe() {
                        eprint!("{}", crate::output::wrap(&line, 88, "  "));
                    }
                }
                None => {
                    eprintln!("'{question}' has no active calibration: it is marked uncalibrated")
                }
            }
            for r in revisions {
                eprintln!(
                    "revision {}{} at {}",
                    r.version,
                    if r.withdrawn { " (withdrawn)" } else { "" },
                    r.created_at
                );
            }
        }
        CalibrationCommand::Put { question, file } => {
            let lib = store.library().await?;
            let engine = engine_for_library(&lib);
            let against = crate::Against {
                question: Some(question.clone()),
                scheme: None,
                topic: None,
                question_text: None,
                without_model_essay: false,
            };
            let c = with_question(&lib, &against, |input| {
                crate::feedback::load_calibration(&engine.prepare(input), &file)
            })?;
            let version = store
                .store_calibration(&question, Some(&calibration_json(&c)?), now)
                .await?;
            println!(
                "stored calibration {} as version {version} of '{question}'",
                c.id
            );
        }
        CalibrationCommand::Withdraw { question } => {
            let version = store.store_calibration(&question, None, now).await?;
            println!(
                "withdrew the calibration of '{question}' (version {version}): it is marked uncalibrated"
            );
        }
    }
    Ok(())
}

/// The question's active calibration, checked, with the version it is stored as.
pub async fn active(store: &dyn LibraryStore, slug: &str) -> Result<Option<Calibration>> {
    let Some(stored) = store.calibration(slug).await? else {
        return Ok(None);
    };
    let mut c = Calibration::from_json(&stored.body)
        .map_err(|e| anyhow!("the stored calibration of '{slug}': {e}"))?;
    c.version = stored.version;
    Ok(Some(c))
}
