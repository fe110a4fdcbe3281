//! The editor's pages (editor and admin roles): create and edit questions (text, mark scheme,
//! plan, model essay) with a preview and the QA findings beside the text; draft → published;
//! every save a revision; a diff between any two revisions; restore an old one.
//!
//! A save goes through the same path as an import (`LibraryStore::import` of one question),
//! so it is validated by the authoring format's parser, recorded as a revision, bumps the
//! library version, and is applied to this instance's index just after it answers (the
//! editor's own searches wait for it; a question taken out of public view is out of search
//! and the cached pages before the save answers) and to the other instances' when the database
//! announces it (PostgreSQL) or at their next check.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};

use serde::Deserialize;
use studypack_accounts::now;
use studypack_domain::authoring::{parse_question, render_details, render_question};
use studypack_domain::scheme_text::parse_scheme_text;
use studypack_domain::{Library, Question, Side, Slug, Status, Topic};
use studypack_qa::{Severity, check};
use studypack_store::{
    ImportReport, QuestionFilter, QuestionSummary, Revision, RevisionField, User,
};

use crate::error::WebError;
use crate::guard::Access;
use crate::guard::{CsrfForm, Editor};
use crate::markdown::render;
use crate::render::{Nav, PageResult, date_time, form_page};
use crate::routes::Table;
use crate::session::Visitor;
use crate::state::AppState;

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/editor", Access::Editor, index)
        .get("/editor/new", Access::Editor, new_page)
        .post("/editor/new", Access::Editor, create)
        .get("/editor/questions/{slug}", Access::Editor, edit_page)
        .post("/editor/questions/{slug}", Access::Editor, save)
        .get(
            "/editor/questions/{slug}/revisions",
            Access::Editor,
            revisions,
        )
        .get(
            "/editor/questions/{slug}/restore",
            Access::Editor,
            confirm_restore,
        )
        .post("/editor/questions/{slug}/restore", Access::Editor, restore)
}

#[derive(Template)]
#[template(path = "editor_index.html")]
struct IndexPage {
    title: String,
    q: String,
    nav: Nav,
    /// Every question, with its number of QA errors.
    items: Vec<(QuestionSummary, usize)>,
    /// The questions with QA errors, drafts and published alike.
    qa: Vec<QaErrors>,
}

/// A question with open QA errors, as the editor list shows it.
struct QaErrors {
    slug: String,
    question: String,
    status: &'static str,
    /// Each error: where it is ("model essay", "plan") and what it says.
    errors: Vec<(&'static str, String)>,
}

/// The QA errors of every question, checked now against the current library (the checks are
/// pure; they run off the async threads).
async fn qa_errors(st: &AppState) -> Result<Vec<QaErrors>, WebError> {
    let lib = st.store.library().await?;
    let engine = st.engine();
    tokio::task::spawn_blocking(move || {
        lib.questions
            .iter()
            .filter_map(|q| {
                let topic = lib.topic(&q.topic)?;
                let errors: Vec<(&'static str, String)> = check(&engine, q, topic)
                    .into_iter()
                    .filter(|f| f.severity == Severity::Error)
                    .map(|f| (target_label(f.target), f.message))
                    .collect();
                (!errors.is_empty()).then(|| QaErrors {
                    slug: q.slug.to_string(),
                    question: q.text.clone(),
                    status: q.status.label(),
                    errors,
                })
            })
            .collect()
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))
}

async fn index(Editor { visitor: v, .. }: Editor, State(st): State<AppState>) -> PageResult {
    let questions = st
        .store
        .questions(&QuestionFilter {
            include_drafts: true,
            ..Default::default()
        })
        .await?
        .items;
    let qa = qa_errors(&st).await?;
    let items = questions
        .into_iter()
        .map(|q| {
            let n = qa
                .iter()
                .find(|e| e.slug == q.slug)
                .map_or(0, |e| e.errors.len());
            (q, n)
        })
        .collect();
    form_page(
        &v,
        IndexPage {
            title: "Editor".into(),
            q: String::new(),
            nav: Nav::of(&v),
            items,
            qa,
        },
    )
}

fn target_label(t: studypack_qa::Target) -> &'static str {
    match t {
        studypack_qa::Target::Plan => "plan",
        studypack_qa::Target::ModelEssay => "model essay",
    }
}

/// The form's fields: a question as an editor types it.
#[derive(Deserialize, Default, Clone)]
pub struct QuestionForm {
    /// `save` or `preview`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    marks: String,
    #[serde(default)]
    command: String,
    #[serde(default)]
    view: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    scheme: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    model_essay: String,
}

/// A mark scheme as the plain text the form edits (and `parse_scheme_text` reads back).
fn scheme_text(q: &Question) -> String {
    let mut s = String::new();
    for (side, heading) in [
        (Side::Supporting, "Arguments supporting the view"),
        (Side::Challenging, "Arguments challenging the view"),
        (Side::Neutral, "Other points"),
    ] {
        let bullets: Vec<_> = q.mark_scheme.side(side).collect();
        if bullets.is_empty() {
            continue;
        }
        s.push_str(heading);
        s.push('\n');
        for b in bullets {
            s.push_str("- ");
            s.push_str(&b.text);
            s.push('\n');
        }
        s.push('\n');
    }
    s.trim_end().to_string()
}

impl QuestionForm {
    fn from_question(q: &Question) -> QuestionForm {
        QuestionForm {
            slug: q.slug.to_string(),
            topic: q.topic.to_string(),
            title: q.title.clone(),
            text: q.text.clone(),
            year: q.year.to_string(),
            marks: q.marks.to_string(),
            command: q.command.clone(),
            view: q.view.clone().unwrap_or_default(),
            status: q.status.label().into(),
            scheme: scheme_text(q),
            plan: q.plan.clone(),
            model_essay: q.model_essay.clone(),
            ..Default::default()
        }
    }

    /// The question the form describes, validated as an imported file would be.
    fn to_question(&self, base: Option<&Question>) -> Result<Question, String> {
        let slug = Slug::parse(self.slug.trim()).map_err(|e| format!("Slug: {}", e.0))?;
        let topic = Slug::parse(self.topic.trim()).map_err(|e| format!("Topic: {}", e.0))?;
        let year = self
            .year
            .trim()
            .parse::<u16>()
            .map_err(|_| "Year: a year such as 2022".to_string())?;
        let marks = self
            .marks
            .trim()
            .parse::<u32>()
            .map_err(|_| "Marks: a whole number such as 25".to_string())?;
        let status: Status = self
            .status
            .parse()
            .map_err(|e: studypack_domain::error::InvalidValue| e.0)?;
        let mark_scheme =
            parse_scheme_text("mark scheme", &self.scheme).map_err(|e| e.to_string())?;
        let q = Question {
            slug,
            title: self.title.trim().to_string(),
            topic,
            year,
            marks,
            command: self.command.trim().to_string(),
            view: Some(self.view.trim().to_string()).filter(|v| !v.is_empty()),
            period: base.and_then(|b| b.period),
            status,
            text: self.text.trim().to_string(),
            mark_scheme,
            plan: self.plan.replace("\r\n", "\n"),
            plan_generated: base
                .is_some_and(|b| b.plan_generated && b.plan == self.plan.replace("\r\n", "\n")),
            model_essay: self.model_essay.replace("\r\n", "\n"),
        };
        // Through the authoring format: the same checks and the same canonical text as an import.
        parse_question("the form", &render_question(&q)).map_err(|e| e.to_string())
    }
}

struct FindingLine {
    kind: &'static str,
    severity: &'static str,
    target: &'static str,
    message: String,
    sentence: String,
}

#[derive(Template)]
#[template(path = "editor_edit.html")]
struct EditPage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    is_new: bool,
    f: QuestionForm,
    topics: Vec<(String, String)>,
    findings: Vec<FindingLine>,
    findings_of: &'static str,
    plan_html: String,
    essay_html: String,
    message: Option<String>,
    error: Option<String>,
    revisions: usize,
}

fn findings(st: &AppState, q: &Question, topic: &Topic) -> Vec<FindingLine> {
    let engine = st.engine();
    let mut f = check(&engine, q, topic);
    f.sort_by_key(|finding| std::cmp::Reverse(finding.severity));
    f.into_iter()
        .map(|f| FindingLine {
            kind: f.kind,
            severity: match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            },
            target: target_label(f.target),
            message: f.message,
            sentence: f.sentence.map(|s| s.text).unwrap_or_default(),
        })
        .collect()
}

struct EditView {
    is_new: bool,
    f: QuestionForm,
    /// The question to check and preview (the saved one, or the previewed form).
    shown: Option<Question>,
    findings_of: &'static str,
    message: Option<String>,
    error: Option<String>,
}

async fn edit_view(st: &AppState, v: &Visitor, view: EditView) -> PageResult {
    let topics = st.store.topics().await?;
    let (findings, plan_html, essay_html) = match &view.shown {
        Some(q) => {
            let topic = topics.iter().find(|t| t.slug == q.topic);
            (
                topic.map(|t| findings(st, q, t)).unwrap_or_default(),
                render(&q.plan, 3),
                render(&q.model_essay, 3),
            )
        }
        None => (Vec::new(), String::new(), String::new()),
    };
    let revisions = if view.is_new {
        0
    } else {
        st.store.revisions(&view.f.slug).await?.len()
    };
    let mut res = form_page(
        v,
        EditPage {
            title: if view.is_new {
                "New question".into()
            } else {
                format!("Edit: {}", view.f.title)
            },
            q: String::new(),
            nav: Nav::of(v),
            csrf: v.csrf().to_string(),
            is_new: view.is_new,
            topics: topics
                .iter()
                .map(|t| (t.slug.to_string(), t.title.clone()))
                .collect(),
            findings,
            findings_of: view.findings_of,
            plan_html,
            essay_html,
            message: view.message,
            revisions,
            f: view.f,
            error: view.error.clone(),
        },
    )?;
    if view.error.is_some() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
pub struct Notice {
    /// What the last save did: `published`, `draft`, `unchanged` or `restored`.
    saved: Option<String>,
}

/// What a save did, in words: a draft is not live, and an unchanged question was not saved.
fn saved_message(saved: &str) -> Option<String> {
    Some(
        match saved {
            "published" => "Saved. The question is published: students see the change now, and search finds it in a moment.",
            "draft" => "Saved as a draft. Only editors can see it until you publish it.",
            "unchanged" => "Nothing to save: the question is as it was.",
            "restored" => "Restored. The text you replaced is kept as a revision, so you can restore it too.",
            _ => return None,
        }
        .into(),
    )
}

/// The `saved` notice for a question just stored.
fn saved_notice(q: &Question, report: &ImportReport) -> &'static str {
    if report.questions_unchanged > 0 {
        "unchanged"
    } else if q.status == Status::Published {
        "published"
    } else {
        "draft"
    }
}

async fn edit_page(
    Editor { visitor: v, .. }: Editor,
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(n): Query<Notice>,
) -> PageResult {
    let q = st.store.question(&slug).await?.ok_or(WebError::NotFound)?;
    edit_view(
        &st,
        &v,
        EditView {
            is_new: false,
            f: QuestionForm::from_question(&q),
            shown: Some(q),
            findings_of: "the saved version",
            message: n.saved.as_deref().and_then(saved_message),
            error: None,
        },
    )
    .await
}

async fn new_page(Editor { visitor: v, .. }: Editor, State(st): State<AppState>) -> PageResult {
    let f = QuestionForm {
        status: "draft".into(),
        marks: "25".into(),
        command: "How far do you agree".into(),
        scheme: "Arguments supporting the view\n- \n\nArguments challenging the view\n- ".into(),
        ..Default::default()
    };
    edit_view(
        &st,
        &v,
        EditView {
            is_new: true,
            f,
            shown: None,
            findings_of: "",
            message: None,
            error: None,
        },
    )
    .await
}

/// Validates and previews, or saves: one question imported as a batch of one.
async fn store_form(
    st: &AppState,
    v: &Visitor,
    user: &User,
    f: QuestionForm,
    base: Option<Question>,
) -> PageResult {
    let is_new = base.is_none();
    let q = match f.to_question(base.as_ref()) {
        Ok(q) => q,
        Err(e) => {
            return edit_view(
                st,
                v,
                EditView {
                    is_new,
                    f,
                    shown: None,
                    findings_of: "",
                    message: None,
                    error: Some(e),
                },
            )
            .await;
        }
    };
    if is_new && st.store.question(q.slug.as_str()).await?.is_some() {
        let error = Some(format!(
            "A question with the slug {} exists already.",
            q.slug
        ));
        return edit_view(
            st,
            v,
            EditView {
                is_new,
                f,
                shown: None,
                findings_of: "",
                message: None,
                error,
            },
        )
        .await;
    }
    if f.action != "save" {
        return edit_view(
            st,
            v,
            EditView {
                is_new,
                f,
                shown: Some(q),
                findings_of: "this preview (not saved)",
                message: None,
                error: None,
            },
        )
        .await;
    }
    let started = std::time::Instant::now();
    let report = match st
        .store
        .import_by(
            &Library {
                topics: vec![],
                questions: vec![q.clone()],
            },
            Some(user.id),
            now(),
        )
        .await
    {
        Ok(r) => r,
        Err(studypack_store::StoreError::Invalid(m)) => {
            return edit_view(
                st,
                v,
                EditView {
                    is_new,
                    f,
                    shown: None,
                    findings_of: "",
                    message: None,
                    error: Some(m),
                },
            )
            .await;
        }
        Err(e) => return Err(WebError::from(e).into()),
    };
    let withdrawn = base
        .as_ref()
        .is_some_and(|b| b.status == studypack_domain::Status::Published)
        && q.status != studypack_domain::Status::Published;
    follow(st, user, &report, withdrawn).await?;
    st.store
        .audit(
            Some(user.id),
            "question.save",
            None,
            &format!(
                "{} ({}), {} revisions added",
                q.slug, q.status, report.revisions_added
            ),
            now(),
        )
        .await?;
    tracing::info!(
        slug = %q.slug,
        saved_ms = started.elapsed().as_millis() as u64,
        "question saved"
    );
    Ok(Redirect::to(&format!(
        "/editor/questions/{}?saved={}",
        q.slug,
        saved_notice(&q, &report)
    ))
    .into_response())
}

async fn save(
    Editor { visitor: v, user }: Editor,
    State(st): State<AppState>,
    Path(slug): Path<String>,
    CsrfForm(mut f): CsrfForm<QuestionForm>,
) -> PageResult {
    let base = st.store.question(&slug).await?.ok_or(WebError::NotFound)?;
    f.slug = slug; // the slug of a question does not change
    store_form(&st, &v, &user, f, Some(base)).await
}

async fn create(
    Editor { visitor: v, user }: Editor,
    State(st): State<AppState>,
    CsrfForm(f): CsrfForm<QuestionForm>,
) -> PageResult {
    store_form(&st, &v, &user, f, None).await
}

// ------------------------------------------------------------------------------ revisions

struct RevisionLine {
    id: i64,
    field: &'static str,
    date: String,
    author: String,
    words: usize,
}

impl RevisionLine {
    fn of(r: &Revision) -> RevisionLine {
        RevisionLine {
            id: r.id,
            field: r.field.describe(),
            date: date_time(r.created_at),
            author: r
                .author
                .clone()
                .unwrap_or_else(|| "an import (command line)".into()),
            words: r.text.split_whitespace().count(),
        }
    }
}

struct DiffPart {
    /// `same`, `ins` or `del`.
    kind: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "editor_revisions.html")]
struct RevisionsPage {
    title: String,
    q: String,
    nav: Nav,
    slug: String,
    revisions: Vec<RevisionLine>,
    a: i64,
    b: i64,
    diff: Option<Vec<DiffPart>>,
    diff_note: String,
}

#[derive(Deserialize, Default)]
pub struct DiffParams {
    a: Option<i64>,
    b: Option<i64>,
}

/// A word-level diff of two texts.
pub fn diff_words(old: &str, new: &str) -> Vec<(&'static str, String)> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_words(old, new);
    let mut parts: Vec<(&'static str, String)> = Vec::new();
    for c in diff.iter_all_changes() {
        let kind = match c.tag() {
            ChangeTag::Equal => "same",
            ChangeTag::Insert => "ins",
            ChangeTag::Delete => "del",
        };
        match parts.last_mut() {
            Some((k, t)) if *k == kind => t.push_str(c.value()),
            _ => parts.push((kind, c.value().to_string())),
        }
    }
    parts
}

async fn revisions(
    Editor { visitor: v, .. }: Editor,
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<DiffParams>,
) -> PageResult {
    st.store.question(&slug).await?.ok_or(WebError::NotFound)?;
    let revs = st.store.revisions(&slug).await?;
    let (diff, diff_note) = match (p.a, p.b) {
        (Some(a), Some(b)) => {
            let ra = revs.iter().find(|r| r.id == a).ok_or(WebError::NotFound)?;
            let rb = revs.iter().find(|r| r.id == b).ok_or(WebError::NotFound)?;
            let note = if ra.field == rb.field {
                format!(
                    "Changes from revision {a} to revision {b} ({}).",
                    ra.field.describe()
                )
            } else {
                format!(
                    "Revision {a} is the {} and revision {b} the {}: compared as text.",
                    ra.field.describe(),
                    rb.field.describe()
                )
            };
            let parts = diff_words(&ra.text, &rb.text)
                .into_iter()
                .map(|(kind, text)| DiffPart { kind, text })
                .collect();
            (Some(parts), note)
        }
        _ => (None, String::new()),
    };
    let last = |f: RevisionField| revs.iter().rev().find(|r| r.field == f).map(|r| r.id);
    let a = p.a.or_else(|| {
        let ids: Vec<i64> = revs
            .iter()
            .filter(|r| r.field == RevisionField::ModelEssay)
            .map(|r| r.id)
            .collect();
        ids.len().checked_sub(2).map(|i| ids[i])
    });
    form_page(
        &v,
        RevisionsPage {
            title: format!("Revisions: {slug}"),
            q: String::new(),
            nav: Nav::of(&v),
            revisions: revs.iter().rev().map(RevisionLine::of).collect(),
            a: a.unwrap_or(0),
            b: p.b.or_else(|| last(RevisionField::ModelEssay)).unwrap_or(0),
            diff,
            diff_note,
            slug,
        },
    )
}

#[derive(Deserialize)]
pub struct RestoreForm {
    /// Missing: no such revision (404), after the role and CSRF checks.
    #[serde(default)]
    revision: i64,
    /// `yes` from the confirmation page; anything else shows that page first.
    #[serde(default)]
    confirm: String,
}

#[derive(Deserialize)]
pub struct RestoreParams {
    #[serde(default)]
    revision: i64,
}

#[derive(Template)]
#[template(path = "editor_restore.html")]
struct RestorePage {
    title: String,
    q: String,
    nav: Nav,
    csrf: String,
    slug: String,
    question_title: String,
    status: &'static str,
    rev: RevisionLine,
    diff: Vec<DiffPart>,
}

/// The question and one of its revisions, or 404.
async fn question_and_revision(
    st: &AppState,
    slug: &str,
    revision: i64,
) -> Result<(Question, Revision), WebError> {
    let q = st.store.question(slug).await?.ok_or(WebError::NotFound)?;
    let rev = st
        .store
        .revisions(slug)
        .await?
        .into_iter()
        .find(|r| r.id == revision)
        .ok_or(WebError::NotFound)?;
    Ok((q, rev))
}

/// The live text of the part a revision keeps.
fn live_text(q: &Question, field: RevisionField) -> String {
    match field {
        RevisionField::Details => render_details(q),
        RevisionField::Plan => q.plan.clone(),
        RevisionField::ModelEssay => q.model_essay.clone(),
    }
}

/// Asks before a restore: what it replaces, shown as a diff from the live text.
async fn confirm_restore(
    Editor { visitor: v, .. }: Editor,
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<RestoreParams>,
) -> PageResult {
    let (q, rev) = question_and_revision(&st, &slug, p.revision).await?;
    let diff = diff_words(&live_text(&q, rev.field), &rev.text)
        .into_iter()
        .map(|(kind, text)| DiffPart { kind, text })
        .collect();
    form_page(
        &v,
        RestorePage {
            title: format!("Restore revision {}", rev.id),
            q: String::new(),
            nav: Nav::of(&v),
            csrf: v.csrf().to_string(),
            status: q.status.label(),
            question_title: q.title.clone(),
            rev: RevisionLine::of(&rev),
            diff,
            slug,
        },
    )
}

/// Makes an old revision current again (as a new revision: history only grows). Without the
/// confirmation page's `confirm=yes` it shows that page instead.
async fn restore(
    Editor { user, .. }: Editor,
    State(st): State<AppState>,
    Path(slug): Path<String>,
    CsrfForm(f): CsrfForm<RestoreForm>,
) -> PageResult {
    let (mut q, rev) = question_and_revision(&st, &slug, f.revision).await?;
    if f.confirm != "yes" {
        return Ok(Redirect::to(&format!(
            "/editor/questions/{slug}/restore?revision={}",
            rev.id
        ))
        .into_response());
    }
    match rev.field {
        RevisionField::Details => {
            // The details as they were; the status, plan and model essay stay as they are.
            let old = parse_question(&format!("revision {}", rev.id), &rev.text)
                .map_err(|e| WebError::BadRequest(e.to_string()))?;
            q = Question {
                status: q.status,
                plan: q.plan,
                plan_generated: q.plan_generated,
                model_essay: q.model_essay,
                ..old
            };
        }
        RevisionField::Plan => {
            q.plan = rev.text;
            q.plan_generated = false;
        }
        RevisionField::ModelEssay => q.model_essay = rev.text,
    }
    let report = st
        .store
        .import_by(
            &Library {
                topics: vec![],
                questions: vec![q],
            },
            Some(user.id),
            now(),
        )
        .await?;
    follow(&st, &user, &report, false).await?;
    st.store
        .audit(
            Some(user.id),
            "question.restore",
            None,
            &format!("{slug}: revision {} ({})", rev.id, rev.field.describe()),
            now(),
        )
        .await?;
    Ok(Redirect::to(&format!("/editor/questions/{slug}?saved=restored")).into_response())
}

/// Has this instance's index and caches follow a saved change (see [`AppState::wrote`]): just
/// after the save answers, with the editor's own searches waiting for it; or, for a question
/// taken out of public view (`withdrawn`), before it answers, so that neither search nor a
/// cached page shows it once the editor is told it is a draft.
async fn follow(
    st: &AppState,
    user: &User,
    report: &ImportReport,
    withdrawn: bool,
) -> Result<(), WebError> {
    match report.version {
        None => Ok(()),
        Some(_) if withdrawn => st.refresh_search().await.map(|_| ()),
        Some(version) => {
            st.wrote(user.id, version);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_diff() {
        let d = super::diff_words(
            "Khrushchev set up the Presidium in 1952.",
            "Stalin set up the Presidium in 1952.",
        );
        assert_eq!(d[0], ("del", "Khrushchev".to_string()));
        assert_eq!(d[1], ("ins", "Stalin".to_string()));
        assert_eq!(d[2].0, "same");
        assert!(
            super::diff_words("same", "same")
                .iter()
                .all(|(k, _)| *k == "same")
        );
    }
}
