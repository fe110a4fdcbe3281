//! Accounts, sessions, Study Pack entitlements, licence codes, the audit log, rate limits and
//! essay practice: the storage behind sign-in and the premium rule.
//!
//! Secrets never reach the database in the clear: sessions, licence codes and setup tokens
//! are stored as SHA-256 hashes of the random values handed out, passwords as argon2id
//! hashes (made by the caller). Times are seconds since the Unix epoch.

use async_trait::async_trait;
use serde::Serialize;
use studypack_domain::Role;

use crate::{LibraryStore, StoreResult};

/// A registered account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    /// Normalised: trimmed, lower case.
    pub email: String,
    pub role: Role,
    pub created_at: i64,
    /// May make classes and set work (granted by an admin, on top of the role).
    pub teacher: bool,
}

/// A signed-in session, found by the hash of its cookie token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    /// The token forms must carry (double-checked against this session).
    pub csrf: String,
    pub expires_at: i64,
}

/// A Study Pack held by a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entitlement {
    pub id: i64,
    pub user_id: i64,
    /// A `PackScope` in its stored form (`all`, `board:AQA`, …).
    pub scope: String,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// How it was obtained: `grant` or `code`.
    pub source: String,
    pub created_at: i64,
}

impl Entitlement {
    /// Not revoked and not expired at `now`.
    pub fn active_at(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// What happened to a licence code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redemption {
    Granted(Entitlement),
    /// A teacher's code: the account is now a teacher.
    Teacher,
    /// No such code.
    Unknown,
    /// The code was redeemed before (by anyone).
    AlreadyUsed,
}

/// The scope stored for a licence code that makes its redeemer a teacher (not a pack).
pub const TEACHER_CODE_SCOPE: &str = "teacher";

/// The outcome of [`AccountStore::hit_rate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateHit {
    /// Within the limit: the event is recorded under this id.
    Allowed(i64),
    /// Over the limit: try again after this many seconds.
    Limited(i64),
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    /// Who did it (`None`: the command line or the system).
    pub actor_id: Option<i64>,
    /// `grant`, `revoke`, `redeem`, `codes.create`, `question.save`, …
    pub action: String,
    /// Whose entitlement or account it concerns.
    pub user_id: Option<i64>,
    pub detail: String,
    /// The emails of the actor and of the account, where they are accounts.
    pub actor_email: Option<String>,
    pub user_email: Option<String>,
}

/// A licence code as the admin page lists it. The code itself is stored only as a hash, so
/// it is named by the first characters of that hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceCode {
    /// The first 8 hex digits of the code's SHA-256.
    pub fingerprint: String,
    pub scope: String,
    /// Days of access from redemption (`None`: no end date).
    pub days: Option<i64>,
    pub created_at: i64,
    /// The email of the account that redeemed it, and when.
    pub redeemed_by: Option<String>,
    pub redeemed_at: Option<i64>,
}

/// A student's unsubmitted essay for one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    pub body: String,
    pub started_at: i64,
    pub updated_at: i64,
}

/// A submitted essay and the level it was given when submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub id: i64,
    pub user_id: i64,
    pub question_slug: String,
    pub body: String,
    pub level: Option<i64>,
    pub covered: i64,
    pub total: i64,
    pub words: i64,
    pub created_at: i64,
    /// When the sitting this attempt ended began (its draft's start); `None` for attempts
    /// stored before sittings were kept.
    pub started_at: Option<i64>,
    /// The assignment it answers, if any.
    pub assignment_id: Option<i64>,
}

/// Users, sessions, packs, codes, the audit log and rate limits.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Adds a user, registered at `now`; `Conflict` if the email address is registered.
    async fn create_user(
        &self,
        email: &str,
        password_hash: &str,
        role: Role,
        now: i64,
    ) -> StoreResult<User>;
    /// A user and their password hash.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<(User, String)>>;
    async fn set_password(&self, user_id: i64, password_hash: &str) -> StoreResult<()>;
    async fn count_admins(&self) -> StoreResult<u64>;

    /// Starts a session at `now` (and clears the sessions expired by then).
    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
        now: i64,
    ) -> StoreResult<()>;
    /// The session with this token hash if it has not expired at `now`.
    async fn session(&self, token_hash: &str, now: i64) -> StoreResult<Option<Session>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of a user but `keep` (after a password change).
    async fn delete_sessions_of(&self, user_id: i64, keep: Option<&str>) -> StoreResult<()>;

    /// Counts an event for `key` at `now`, atomically against concurrent requests: the event
    /// is recorded first, then the events in the last `window` seconds are counted. Within
    /// `max` it stays recorded and its id is returned (to forget it later, e.g. after a
    /// successful sign-in); beyond `max` it is removed again and the answer is the seconds
    /// until `key` may act again. Events older than a day are forgotten.
    async fn hit_rate(&self, key: &str, window: i64, max: u32, now: i64) -> StoreResult<RateHit>;
    /// Removes a recorded event (one that should not count after all).
    async fn forget_rate_event(&self, id: i64) -> StoreResult<()>;

    async fn create_setup_token(&self, token_hash: &str, expires_at: i64) -> StoreResult<()>;
    /// Consumes a setup token: true once, if it exists and has not expired.
    async fn take_setup_token(&self, token_hash: &str, now: i64) -> StoreResult<bool>;

    /// Gives a user a pack at `now`; audited.
    async fn grant(
        &self,
        user_id: i64,
        scope: &str,
        expires_at: Option<i64>,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<Entitlement>;
    /// Revokes an entitlement at `now`; audited. False if there was none to revoke.
    async fn revoke(
        &self,
        entitlement_id: i64,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<bool>;
    /// Every entitlement of a user, newest first, revoked and expired ones included.
    async fn entitlements(&self, user_id: i64) -> StoreResult<Vec<Entitlement>>;
    /// Stores licence codes (by hash), made at `now`, for a pack valid `days` from
    /// redemption; audited.
    async fn create_codes(
        &self,
        code_hashes: &[String],
        scope: &str,
        days: Option<i64>,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<()>;
    /// Redeems a code once at `now`, atomically: the entitlement and the audit line, or nothing.
    async fn redeem(&self, code_hash: &str, user_id: i64, now: i64) -> StoreResult<Redemption>;
    /// Adds a line to the audit log, dated `now`.
    async fn audit(
        &self,
        actor_id: Option<i64>,
        action: &str,
        user_id: Option<i64>,
        detail: &str,
        now: i64,
    ) -> StoreResult<()>;
    /// The latest `limit` audit lines, newest first.
    async fn audit_log(&self, limit: u32) -> StoreResult<Vec<AuditEntry>>;
    /// The latest `limit` licence codes made, newest first, with who redeemed them.
    async fn licence_codes(&self, limit: u32) -> StoreResult<Vec<LicenceCode>>;
}

/// Drafts and submitted attempts of essay practice.
#[async_trait]
pub trait PracticeStore: Send + Sync {
    /// Saves the draft of the sitting that began at `started_at` (a new draft starts then; an
    /// existing one keeps its start). A submitted attempt is final: if an attempt already
    /// ended that sitting, nothing is saved and the answer is `Conflict`.
    async fn save_draft(
        &self,
        user_id: i64,
        question_slug: &str,
        body: &str,
        started_at: i64,
        now: i64,
    ) -> StoreResult<Draft>;
    async fn draft(&self, user_id: i64, question_slug: &str) -> StoreResult<Option<Draft>>;
    /// Stores a submitted essay and removes the draft, in one transaction.
    async fn submit_attempt(&self, attempt: &Attempt) -> StoreResult<i64>;
    /// A user's attempts at a question, oldest first.
    async fn attempts(&self, user_id: i64, question_slug: &str) -> StoreResult<Vec<Attempt>>;
    /// One attempt, if it is this user's.
    async fn attempt(&self, user_id: i64, id: i64) -> StoreResult<Option<Attempt>>;
}

/// Everything the application stores.
pub trait Store: LibraryStore + AccountStore + PracticeStore + crate::ClassStore {}
impl<T: LibraryStore + AccountStore + PracticeStore + crate::ClassStore> Store for T {}
