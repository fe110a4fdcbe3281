//! Marking an essay: the limits on what is marked, exam timing, and the engine run on a
//! blocking thread with what the reader may compare against.

use std::sync::Arc;

use studypack_domain::{Board, Question, Topic};
use studypack_feedback::calibration::Calibration;
use studypack_feedback::{Report, evidence_of, question_input};

use crate::error::WebError;
use crate::session::Visitor;
use crate::state::AppState;

/// The longest essay the site marks, in bytes (a 45-minute essay is about 6 kB).
pub(crate) const MAX_ESSAY: usize = 100 * 1024;

/// Minutes the exam allows for an essay: 45 for a 25-mark AQA essay, otherwise 1.8 minutes a
/// mark (AQA's rate), rounded to 5 minutes, between 10 and 90.
pub(crate) fn exam_minutes(board: Option<Board>, marks: u32) -> u32 {
    if board == Some(Board::Aqa) && marks == 25 {
        return 45;
    }
    let m = (marks as f64 * 1.8 / 5.0).round() as u32 * 5;
    m.clamp(10, 90)
}

/// The longest mark scheme the API takes, in bytes.
pub(crate) const MAX_SCHEME: usize = 20 * 1024;

/// Runs the engine on a blocking thread: a long essay must not hold up other requests.
pub(crate) async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// The report on `text` for question `q`. The check against the model essay (is this copied?)
/// runs only for readers who may read the essay: for anyone else its answer would reveal,
/// bit by bit, what the essay says.
pub(crate) async fn assess(
    st: &AppState,
    v: &Visitor,
    q: &Question,
    topic: &Arc<Topic>,
    text: String,
) -> Result<Report, WebError> {
    let compare = v.access(st).await?.can_read(topic);
    let calibration = active_calibration(st, q.slug.as_str()).await?;
    let (st, q, topic) = (st.clone(), q.clone(), topic.clone());
    run_blocking(move || {
        let mut input = question_input(&q, &topic);
        if !compare {
            input.model_essay = None;
        }
        let (engine, prepared) = st.prepared(&q, &topic, &input);
        match &calibration {
            Some(c) => engine
                .report_calibrated(&prepared, c, &text)
                .unwrap_or_else(|e| {
                    // The scheme was edited after the calibration was learned.
                    tracing::warn!(question = %q.slug, "calibration not used: {e}");
                    engine.report(&prepared, &text)
                }),
            None => engine.report(&prepared, &text),
        }
    })
    .await
}

/// The question's active calibration, if it has one that can be read; one that cannot is
/// logged and not used (the report is then uncalibrated, and says nothing of calibration).
pub(crate) async fn active_calibration(
    st: &AppState,
    slug: &str,
) -> Result<Option<Calibration>, WebError> {
    let stored = match st.store.calibration(slug).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return Ok(None),
        Err(e) => {
            // Feedback is still given, uncalibrated, if the calibration cannot be read.
            tracing::warn!(question = %slug, "calibration not read: {e}");
            return Ok(None);
        }
    };
    match Calibration::from_json(&stored.body) {
        Ok(mut c) => {
            c.version = stored.version;
            Ok(Some(c))
        }
        Err(e) => {
            tracing::warn!(question = %slug, "stored calibration not used: {e}");
            Ok(None)
        }
    }
}

/// The report a teacher reads on a student's essay, with the essay's sentences (byte ranges,
/// by paragraph) as the engine reads them: comments are anchored to them. No check against
/// the model essay: its answer would tell a reader without the Study Pack what the essay says.
pub(crate) async fn assess_for_marking(
    st: &AppState,
    q: &Question,
    topic: &Arc<Topic>,
    text: String,
) -> Result<(Report, Vec<Vec<(usize, usize)>>), WebError> {
    let (st, q, topic) = (st.clone(), q.clone(), topic.clone());
    run_blocking(move || {
        let mut input = question_input(&q, &topic);
        input.model_essay = None;
        let (engine, prepared) = st.prepared(&q, &topic, &input);
        let report = engine.report(&prepared, &text);
        let an = engine.analyse(&text);
        let paragraphs = an
            .paragraphs
            .iter()
            .map(|p| {
                // A sentence's trimmed byte range, as the report's evidence gives it.
                p.sentences
                    .clone()
                    .map(|s| evidence_of(&an, s))
                    .map(|e| (e.start, e.end))
                    .filter(|(a, b)| a < b)
                    .collect::<Vec<_>>()
            })
            .filter(|p| !p.is_empty())
            .collect();
        (report, paragraphs)
    })
    .await
}

/// About how many words fit in [`MAX_ESSAY`] (six bytes a word, rounded down), for people.
pub(crate) const MAX_ESSAY_WORDS: usize = 15_000;

/// The limit for people: "100 kB (about 15,000 words)".
pub(crate) fn limit_text() -> String {
    format!(
        "{} kB (about {} words)",
        MAX_ESSAY / 1024,
        thousands(MAX_ESSAY_WORDS)
    )
}

pub(crate) fn check_essay(text: &str) -> Result<(), WebError> {
    if text.len() > MAX_ESSAY {
        return Err(WebError::BadRequest(format!(
            "Your essay is too long to mark. The limit is {}; this essay is {} kB. Nothing has been cut: shorten it, then ask for feedback again.",
            limit_text(),
            text.len().div_ceil(1024)
        )));
    }
    Ok(())
}

/// 15000 as "15,000".
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exam_timing() {
        assert_eq!(exam_minutes(Some(Board::Aqa), 25), 45);
        assert_eq!(exam_minutes(Some(Board::Ocr), 20), 35);
        assert_eq!(exam_minutes(None, 30), 55);
        assert_eq!(exam_minutes(None, 1), 10);
        assert_eq!(exam_minutes(None, 500), 90);
    }

    #[test]
    fn the_limit_is_stated_in_words() {
        assert!(check_essay(&"a".repeat(MAX_ESSAY)).is_ok());
        let e = check_essay(&"a".repeat(MAX_ESSAY + 1))
            .unwrap_err()
            .to_string();
        assert!(e.contains("100 kB (about 15,000 words)"), "{e}");
        assert!(e.contains("this essay is 101 kB"), "{e}");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
