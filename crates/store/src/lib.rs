//! The storage trait. The app talks to the library through [`LibraryStore`]; each database
//! (SQLite, PostgreSQL) has its own crate with its own migrations, both run the same SQL
//! ([`sql::SqlStore`]), and both behave the same way.

pub mod accounts;
pub mod classes;
pub mod sql;

pub use accounts::*;
pub use classes::*;
pub use sql::{Dialect, Migration, SqlStore};

use async_trait::async_trait;
use serde::Serialize;
use studypack_domain::{Board, Level, Library, Question, Status, Topic};

/// Errors from a store. Internal details stay in `Database` and are logged, not shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The content does not fit the library (e.g. a question names a topic that does not exist).
    #[error("{0}")]
    Invalid(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The change clashes with what is stored (e.g. an email address already registered).
    #[error("{0}")]
    Conflict(String),
    /// Stored data could not be read back: a bug or a database changed by hand.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub topics_created: usize,
    pub topics_updated: usize,
    pub questions_created: usize,
    pub questions_updated: usize,
    pub questions_unchanged: usize,
    pub revisions_added: usize,
    /// The library version the import made; `None` when it changed nothing.
    pub version: Option<i64>,
}

/// A batch of [`LibraryStore::questions_after`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuestionBatch {
    pub questions: Vec<Question>,
    /// Where the next batch starts: the last slug this one read (`None` when there was none:
    /// the library ends). A question removed while it was read is left out of `questions` but
    /// still moves this on, so a batch can be empty without the library having ended.
    pub next: Option<String>,
}

/// What one change to the library touched, as recorded beside the version it produced: a
/// question (once under each topic it was in before and after the change), a topic, or
/// everything (a full rebuild, `studypack reindex`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum LibraryChange {
    Question { slug: String, topic: String },
    Topic { slug: String },
    All,
}

/// The changes since a version, and the version they lead to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LibraryChanges {
    pub version: i64,
    /// Sorted, without repeats.
    pub changes: Vec<LibraryChange>,
    /// Whether some version in the range has no record (made by a binary from before the
    /// change log, during a rolling upgrade): only a full rebuild is then safe.
    pub unrecorded: bool,
}

/// Filters for listing questions. `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionFilter {
    pub board: Option<Board>,
    pub level: Option<Level>,
    /// A topic slug, or words of its title.
    pub topic: Option<String>,
    pub year: Option<u16>,
    pub command: Option<String>,
    /// Include drafts (editors); otherwise only published questions.
    pub include_drafts: bool,
    pub limit: Option<u32>,
    pub offset: u32,
}

/// A question as listed: enough to show and filter it, without its long texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionSummary {
    pub slug: String,
    pub title: String,
    pub board: Option<Board>,
    pub level: Option<Level>,
    pub component: Option<String>,
    pub topic: String,
    pub topic_slug: String,
    pub year: u16,
    pub marks: u32,
    pub command: String,
    pub question: String,
    pub status: Status,
}

/// A page of results with the total that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing<T> {
    pub total: u64,
    pub items: Vec<T>,
}

/// A stored version of one part of a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub id: i64,
    pub field: RevisionField,
    pub text: String,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    /// The email of the account that saved it; `None` for an import from the command line.
    pub author: Option<String>,
}

/// The parts of a question that are versioned: every field is in one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionField {
    /// Everything but the plan and the model essay (title, question text, view, year, marks,
    /// command wording, status, mark scheme), as the text of
    /// [`studypack_domain::authoring::render_details`].
    Details,
    Plan,
    ModelEssay,
}

impl RevisionField {
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionField::Details => "details",
            RevisionField::Plan => "plan",
            RevisionField::ModelEssay => "model_essay",
        }
    }
    /// The part as an editor reads it.
    pub fn describe(self) -> &'static str {
        match self {
            RevisionField::Details => "question and mark scheme",
            RevisionField::Plan => "plan",
            RevisionField::ModelEssay => "model essay",
        }
    }
    pub fn parse(s: &str) -> Option<RevisionField> {
        match s {
            "details" => Some(RevisionField::Details),
            "plan" => Some(RevisionField::Plan),
            "model_essay" => Some(RevisionField::ModelEssay),
            _ => None,
        }
    }
}

/// A question's active calibration, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCalibration {
    pub version: u32,
    /// The calibration's JSON.
    pub body: String,
}

/// One revision of a question's calibration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalibrationRevision {
    pub version: u32,
    pub created_at: i64,
    /// This revision withdrew the calibration.
    pub withdrawn: bool,
}

/// Notices that the library's version changed, from a backend that announces changes to every
/// instance sharing it (PostgreSQL). A notice is a hint to look at once; instances still poll
/// [`LibraryStore::library_version`], and read what changed from
/// [`LibraryStore::library_changes`].
#[async_trait]
pub trait ChangeNotices: Send {
    /// Waits for the next notice. After a lost connection it returns as soon as it is listening
    /// again (a change may have been missed meanwhile); an error means it is not listening.
    async fn next(&mut self) -> StoreResult<()>;
}

/// The essay library: topics, questions, their mark schemes and revisions.
#[async_trait]
pub trait LibraryStore: Send + Sync {
    /// Applies the topics and questions of an import in one transaction: either all of it
    /// is stored or nothing changes. Topics and questions are matched by slug; changed plans
    /// and model essays keep every earlier text as a revision.
    /// `now` stamps the changed topics, questions and revisions.
    async fn import(&self, batch: &Library, now: i64) -> StoreResult<ImportReport> {
        self.import_by(batch, None, now).await
    }
    /// [`LibraryStore::import`] by an account (an editor's save): the revisions it adds
    /// name `author_id` as their author.
    async fn import_by(
        &self,
        batch: &Library,
        author_id: Option<i64>,
        now: i64,
    ) -> StoreResult<ImportReport>;
    async fn topics(&self) -> StoreResult<Vec<Topic>>;
    async fn topic(&self, slug: &str) -> StoreResult<Option<Topic>>;
    async fn questions(&self, filter: &QuestionFilter) -> StoreResult<Listing<QuestionSummary>>;
    /// `limit` published questions of the topic `slug` (exactly) from the `offset`th, in the
    /// listing's order, without counting the rest: a page of a topic, or what a question page
    /// shows of its topic.
    async fn topic_questions(
        &self,
        slug: &str,
        offset: u32,
        limit: u32,
    ) -> StoreResult<Vec<QuestionSummary>>;
    /// How many published questions each topic has, by topic slug (topics with none left out).
    async fn question_counts(&self) -> StoreResult<Vec<(String, u64)>>;
    async fn question(&self, slug: &str) -> StoreResult<Option<Question>>;
    /// Every topic and question, in slug order: what an export writes.
    async fn library(&self) -> StoreResult<Library>;
    /// Up to `limit` questions of every status (at most 1,000), the next in slug order after
    /// `after` (from the first when `None`): the whole library a batch at a time, for a
    /// rebuild that never holds all of its text.
    async fn questions_after(&self, after: Option<&str>, limit: u32) -> StoreResult<QuestionBatch>;
    /// Every stored version of a question's details, plan and model essay, oldest first.
    async fn revisions(&self, slug: &str) -> StoreResult<Vec<Revision>>;
    async fn question_count(&self) -> StoreResult<u64>;
    /// A number that grows whenever an import changes the library.
    async fn library_version(&self) -> StoreResult<i64>;
    /// A random word made once per database: what tells this library from another's.
    async fn library_identity(&self) -> StoreResult<String>;
    /// What changed after version `since`, up to the current version (read together).
    async fn library_changes(&self, since: i64) -> StoreResult<LibraryChanges>;
    /// Records a change of everything: every instance rebuilds its index and caches.
    async fn request_reindex(&self) -> StoreResult<i64>;
    /// Stores a new revision of a question's calibration (its JSON), or, with `None`, withdraws
    /// it; returns the revision's version (1 for the first). `Invalid` if there is no such
    /// question.
    async fn store_calibration(&self, slug: &str, body: Option<&str>, now: i64)
    -> StoreResult<u32>;
    /// The question's active calibration: the newest revision, unless it withdrew it.
    async fn calibration(&self, slug: &str) -> StoreResult<Option<StoredCalibration>>;
    /// Every revision of a question's calibration, oldest first.
    async fn calibration_revisions(&self, slug: &str) -> StoreResult<Vec<CalibrationRevision>>;
    /// Whether the database answers.
    async fn ping(&self) -> StoreResult<()>;
}
