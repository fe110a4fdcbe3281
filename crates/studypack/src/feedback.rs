//! `studypack feedback`: the engine's report on essays, as text for a terminal or JSON.

use std::io::{BufRead, IsTerminal, Read, Write};

use anyhow::{Context, Result, anyhow, bail};
use studypack_domain::scheme_text::parse_scheme_text;
use studypack_domain::{Library, MarkScheme, Side};
use studypack_feedback::calibration::Calibration;
use studypack_feedback::{
    Engine, MAX_ESSAY_BYTES, PointStatus, Prepared, QuestionInput, Report, Stance,
    engine_for_library, question_input,
};
use studypack_store::LibraryStore;

use crate::output::wrap;
use crate::{Against, FeedbackArgs, Format};

/// Decodes an essay's bytes: a clear error for binary data or invalid UTF-8.
pub fn decode_essay(name: &str, bytes: &[u8]) -> Result<String> {
    if bytes.len() > MAX_ESSAY_BYTES {
        bail!(
            "{name}: the essay is {} bytes, above the limit of {MAX_ESSAY_BYTES} bytes",
            bytes.len()
        );
    }
    if bytes.contains(&0) {
        bail!("{name}: this looks like a binary file, not text");
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.strip_prefix('\u{feff}').unwrap_or(s).to_string()),
        Err(e) => bail!(
            "{name}: not valid UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ),
    }
}

fn read_limited(name: &str, mut r: impl Read) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.by_ref()
        .take(MAX_ESSAY_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {name}"))?;
    if buf.len() > MAX_ESSAY_BYTES {
        bail!("{name}: the input is above the limit of {MAX_ESSAY_BYTES} bytes");
    }
    Ok(buf)
}

/// Calls `f` with the question the essays are marked against: a library question, or a
/// plain-text scheme (with the topic and wording given).
pub fn with_question<R>(
    lib: &Library,
    against: &Against,
    f: impl FnOnce(&QuestionInput) -> Result<R>,
) -> Result<R> {
    let owned_scheme: MarkScheme;
    let quoted_view = against
        .question_text
        .as_deref()
        .and_then(studypack_domain::page::quoted_view);
    let input: QuestionInput = match (&against.question, &against.scheme) {
        (Some(slug), _) => {
            let question = lib
                .question(slug)
                .ok_or_else(|| anyhow!("no question with slug '{slug}' (see `studypack list`)"))?;
            let topic = lib
                .topic(&question.topic)
                .ok_or_else(|| anyhow!("the topic of '{slug}' is missing"))?;
            let mut input = question_input(question, topic);
            if against.without_model_essay {
                input.model_essay = None;
            }
            input
        }
        (None, Some(path)) => {
            let name = path.display().to_string();
            let text = read_text_file(path)?;
            owned_scheme = parse_scheme_text(&name, &text).map_err(|e| anyhow!("{e}"))?;
            let topic = match &against.topic {
                Some(slug) => Some(
                    lib.topics
                        .iter()
                        .find(|t| t.slug.as_str() == slug)
                        .ok_or_else(|| anyhow!("no topic with slug '{slug}'"))?,
                ),
                None => None,
            };
            QuestionInput {
                view: quoted_view.as_deref(),
                period: topic.map(|t| t.period),
                rubric: topic.and_then(|t| t.rubric.as_ref()),
                glossary: topic.map(|t| t.glossary.as_slice()).unwrap_or(&[]),
                ..QuestionInput::bare(
                    against.question_text.as_deref().unwrap_or(""),
                    &owned_scheme,
                )
            }
        }
        (None, None) => bail!("give --question SLUG or --scheme FILE"),
    };
    f(&input)
}

/// A text file, read within the essay size limit and decoded.
pub fn read_text_file(path: &std::path::Path) -> Result<String> {
    let name = path.display().to_string();
    let bytes = read_limited(
        &name,
        std::fs::File::open(path).with_context(|| format!("cannot open {name}"))?,
    )?;
    decode_essay(&name, &bytes)
}

/// A calibration file, checked, for the question `prepared` is.
pub fn load_calibration(prepared: &Prepared, path: &std::path::Path) -> Result<Calibration> {
    let name = path.display().to_string();
    let calibration =
        Calibration::from_json(&read_text_file(path)?).map_err(|e| anyhow!("{name}: {e}"))?;
    calibration
        .check_scheme(prepared)
        .map_err(|e| anyhow!("{name}: {e}"))?;
    Ok(calibration)
}

/// The question's stored calibration, if it can be read and fits the question as it is now;
/// one that cannot is said on standard error and not used, as the website leaves it unused.
fn stored_calibration(
    prepared: &Prepared,
    stored: &studypack_store::StoredCalibration,
) -> Option<Calibration> {
    let checked =
        Calibration::from_json(&stored.body).and_then(|c| c.check_scheme(prepared).map(|()| c));
    match checked {
        Ok(c) => {
            eprintln!(
                "marked with the question's calibration, version {} (--uncalibrated for the engine alone)",
                stored.version
            );
            Some(c)
        }
        Err(e) => {
            eprintln!(
                "the question's calibration (version {}) is not used: {e}",
                stored.version
            );
            None
        }
    }
}

/// The engine, the prepared question and the calibration, if any: what marks one essay.
#[derive(Clone, Copy)]
struct Marker<'a> {
    engine: &'a Engine,
    prepared: &'a Prepared,
    calibration: Option<&'a Calibration>,
}

impl Marker<'_> {
    fn report(&self, essay: &str) -> Report {
        match self.calibration {
            // The scheme was checked when the calibration was loaded.
            Some(c) => self
                .engine
                .report_calibrated(self.prepared, c, essay)
                .unwrap_or_else(|_| self.engine.report(self.prepared, essay)),
            None => self.engine.report(self.prepared, essay),
        }
    }
}

pub async fn run(store: &dyn LibraryStore, args: FeedbackArgs) -> Result<()> {
    let lib = store.library().await?;
    let engine = engine_for_library(&lib);
    // A library question's active calibration, unless a file or the engine alone was asked for.
    let stored = match (&args.calibration, &args.against.question, args.uncalibrated) {
        (None, Some(slug), false) => store.calibration(slug).await?,
        _ => None,
    };
    with_question(&lib, &args.against, |input| {
        let prepared = engine.prepare(input);
        let calibration = match (&args.calibration, &stored) {
            (Some(path), _) => Some(load_calibration(&prepared, path)?),
            (None, Some(s)) => stored_calibration(&prepared, s),
            (None, None) => None,
        };
        let marker = Marker {
            engine: &engine,
            prepared: &prepared,
            calibration: calibration.as_ref(),
        };
        write_reports(marker, &args)
    })
}

fn write_reports(marker: Marker, args: &FeedbackArgs) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());

    if let Some(path) = &args.jsonl {
        return run_batch(marker, path, &mut out);
    }
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut reports = Vec::new();
    for name in &args.essays {
        let bytes = if name == "-" {
            read_limited("standard input", std::io::stdin().lock())?
        } else {
            read_limited(
                name,
                std::fs::File::open(name).with_context(|| format!("cannot open {name}"))?,
            )?
        };
        let text = decode_essay(if name == "-" { "standard input" } else { name }, &bytes)?;
        let report = marker.report(&text);
        match args.format {
            Format::Text => {
                if args.essays.len() > 1 {
                    writeln!(out, "== {name}")?;
                }
                write!(out, "{}", render_text(&report, colour))?;
            }
            Format::Json => reports.push((name.clone(), report)),
        }
    }
    if args.format == Format::Json {
        if reports.len() == 1 {
            serde_json::to_writer_pretty(&mut out, &reports[0].1)?;
        } else {
            let items: Vec<serde_json::Value> = reports
                .iter()
                .map(|(name, r)| {
                    let mut obj = serde_json::Map::new();
                    obj.insert("essay".into(), name.clone().into());
                    if let serde_json::Value::Object(m) =
                        serde_json::to_value(r).unwrap_or_default()
                    {
                        obj.extend(m);
                    }
                    serde_json::Value::Object(obj)
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &items)?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

/// Lines of a batch read before they are assessed together, in parallel.
const BATCH_LINES: usize = 512;

/// What one line of a batch becomes: its output line, and the error to report, if any.
struct BatchLine {
    json: Vec<u8>,
    error: Option<String>,
}

fn run_batch(marker: Marker, path: &std::path::Path, out: &mut impl Write) -> Result<()> {
    let name = path.display().to_string();
    let mut reader: Box<dyn BufRead> = if name == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path).with_context(|| format!("cannot open {name}"))?,
        ))
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut failures = 0;
    // A line is read up to the size limit (plus room for JSON escaping); the rest of a longer line is skipped.
    let line_limit = MAX_ESSAY_BYTES as u64 * 2 + 4096;
    // Lines are read in batches (with their line numbers, or None for a line over the limit)
    // and assessed on every core; their outputs are written in the order of the lines.
    let mut batch: Vec<(usize, Option<Vec<u8>>)> = Vec::new();
    let mut i = 0usize;
    loop {
        let mut line = Vec::new();
        let n = reader
            .by_ref()
            .take(line_limit)
            .read_until(b'\n', &mut line)
            .with_context(|| format!("cannot read {name}"))?;
        i += 1;
        if n > 0 && line.last() != Some(&b'\n') && n as u64 == line_limit {
            let mut rest = Vec::new();
            while reader
                .by_ref()
                .take(line_limit)
                .read_until(b'\n', &mut rest)
                .with_context(|| format!("cannot read {name}"))?
                > 0
                && rest.last() != Some(&b'\n')
            {
                rest.clear();
            }
            batch.push((i, None));
        } else if n > 0 && !line.iter().all(u8::is_ascii_whitespace) {
            batch.push((i, Some(line)));
        }
        if n == 0 || batch.len() >= BATCH_LINES {
            for done in assess_batch(marker, &name, &batch, threads) {
                if let Some(e) = done.error {
                    failures += 1;
                    eprintln!("error: {e}");
                }
                out.write_all(&done.json)?;
                out.write_all(b"\n")?;
            }
            batch.clear();
        }
        if n == 0 {
            break;
        }
    }
    out.flush()?;
    if failures > 0 {
        bail!("{failures} line(s) of {name} could not be assessed");
    }
    Ok(())
}

/// Assesses a batch of lines on `threads` threads, each taking every `threads`-th line;
/// the results come back in the order of the lines.
fn assess_batch(
    marker: Marker,
    name: &str,
    batch: &[(usize, Option<Vec<u8>>)],
    threads: usize,
) -> Vec<BatchLine> {
    let threads = threads.clamp(1, batch.len().max(1));
    let mut parts: Vec<Vec<BatchLine>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    batch
                        .iter()
                        .skip(t)
                        .step_by(threads)
                        .map(|(n, line)| assess_line(marker, name, *n, line.as_deref()))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a batch worker panicked"))
            .collect()
    });
    let mut iters: Vec<_> = parts.iter_mut().map(|p| p.drain(..)).collect();
    let mut out = Vec::with_capacity(batch.len());
    for k in 0..batch.len() {
        if let Some(done) = iters[k % threads].next() {
            out.push(done);
        }
    }
    out
}

/// One line of a batch: `{"id": …, <the report's keys>}`, or `{"id": …, "error": "…"}`. The
/// report is written straight after the id, not built as a JSON value first.
fn assess_line(marker: Marker, name: &str, n: usize, line: Option<&[u8]>) -> BatchLine {
    let failed = |id: &serde_json::Value, e: String| BatchLine {
        json: serde_json::to_vec(&serde_json::json!({ "id": id, "error": e })).unwrap_or_default(),
        error: Some(e),
    };
    let Some(line) = line else {
        let e = format!("{name}:{n}: the line is above the size limit");
        return BatchLine {
            json: serde_json::to_vec(
                &serde_json::json!({ "id": null, "error": format!("line {n} is above the size limit") }),
            )
            .unwrap_or_default(),
            error: Some(e),
        };
    };
    match parse_batch_line(name, n, line) {
        Ok((id, text)) => {
            let report = marker.report(&text);
            let mut json = b"{\"id\":".to_vec();
            let written =
                serde_json::to_writer(&mut json, &id).and_then(|()| serde_json::to_vec(&report));
            match written {
                Ok(body) if body.len() > 2 => {
                    json.push(b',');
                    json.extend_from_slice(&body[1..]);
                    BatchLine { json, error: None }
                }
                Ok(_) => {
                    json.push(b'}');
                    BatchLine { json, error: None }
                }
                Err(e) => failed(&id, format!("{name}:{n}: {e}")),
            }
        }
        Err((id, e)) => failed(&id, e.to_string()),
    }
}

fn parse_batch_line(
    name: &str,
    n: usize,
    line: &[u8],
) -> Result<(serde_json::Value, String), (serde_json::Value, anyhow::Error)> {
    let v: serde_json::Value = serde_json::from_slice(line).map_err(|e| {
        (
            serde_json::Value::Null,
            anyhow!("{name}:{n}: not a JSON object: {e}"),
        )
    })?;
    let id = v.get("id").cloned().unwrap_or(serde_json::Value::Null);
    let text = v
        .get("text")
        .and_then(|t| t.as_str())
        .ok_or_else(|| (id.clone(), anyhow!("{name}:{n}: no \"text\" string")))?;
    let text =
        decode_essay(&format!("{name}:{n}"), text.as_bytes()).map_err(|e| (id.clone(), e))?;
    Ok((id, text))
}

struct Paint {
    on: bool,
}

impl Paint {
    fn c(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// The report as readable text for a terminal.
pub fn render_text(r: &Report, colour: bool) -> String {
    let p = Paint { on: colour };
    let mut s = String::new();
    match (r.level.level, r.level.marks) {
        (Some(l), Some([lo, hi])) => s.push_str(&format!(
            "{} {}  (marks {lo}–{hi}, indicative mark {}) on the {}\n",
            p.c("1", "Indicative level"),
            p.c("1;36", &l.to_string()),
            r.level.mark.unwrap_or(lo),
            r.level.rubric.as_deref().unwrap_or("rubric")
        )),
        _ => s.push_str(&format!(
            "{} (no rubric: coverage only)\n",
            p.c("1", "Feedback")
        )),
    }
    if let Some(c) = &r.calibration {
        s.push_str(&format!(
            "{} {}  (calibration {}, version {})\n",
            p.c("1", "Calibrated mark"),
            p.c("1;36", &c.score.to_string()),
            c.id,
            c.version
        ));
    }
    s.push_str(&format!(
        "{} words · {} of {} points covered, {} partly · {} of {} bullets\n",
        r.words,
        r.coverage.covered,
        r.coverage.total,
        r.coverage.partial,
        r.coverage.bullets_covered,
        r.coverage.bullets_total
    ));
    if !r.flags.is_empty() {
        s.push_str(&format!(
            "{} {}\n",
            p.c("1;33", "Flags:"),
            r.flags.join(", ")
        ));
    }
    s.push_str(&format!(
        "Judgement: introduction {}, conclusion {}{}\n",
        r.judgement.introduction.label(),
        r.judgement.conclusion.label(),
        if r.judgement.conclusion == Stance::Absent || r.judgement.introduction == Stance::Absent {
            String::new()
        } else if r.judgement.consistent {
            ", consistent".to_string()
        } else {
            ", not consistent".to_string()
        }
    ));
    for reason in &r.level.reasons {
        s.push_str(&wrap(reason, 88, "  "));
    }
    for (title, side) in [
        ("Supporting the view", Side::Supporting),
        ("Challenging the view", Side::Challenging),
        ("Other points", Side::Neutral),
    ] {
        let pts: Vec<_> = r.points.iter().filter(|x| x.side == side).collect();
        if pts.is_empty() {
            continue;
        }
        s.push_str(&format!("\n{}\n", p.c("1", title)));
        for pt in pts {
            let mark = match pt.status {
                PointStatus::Covered => p.c("32", "✓"),
                PointStatus::Partial => p.c("33", "~"),
                PointStatus::Missing => p.c("31", "✗"),
            };
            s.push_str(&format!("  {mark} {}\n", pt.text));
            if let Some(e) = pt.evidence.first() {
                s.push_str(&p.c("2", &wrap(&format!("“{}”", e.text), 86, "      ")));
            }
        }
    }
    s.push_str(&format!("\n{}\n", p.c("1", "Next steps")));
    s.push_str(&wrap(&r.next_steps.lift, 88, "  "));
    for a in &r.next_steps.add {
        s.push_str(&wrap(&format!("+ {a}"), 88, "  "));
    }
    s
}
