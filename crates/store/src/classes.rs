//! Teachers' classes: a class belongs to its teachers, and students join it with its code.

use async_trait::async_trait;
use serde::Serialize;

use crate::StoreResult;

/// A class as its teachers and members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolClass {
    pub id: i64,
    pub name: String,
    /// What students type to join (normalised: upper case, no separators).
    pub join_code: String,
    pub created_at: i64,
    /// How many students are in it.
    pub members: i64,
}

/// A student in a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassMember {
    pub user_id: i64,
    pub email: String,
    pub joined_at: i64,
}

/// A Study Pack granted to a class (a school licence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassPack {
    pub id: i64,
    pub class_id: i64,
    /// The class's name, for lists.
    pub class_name: String,
    /// A [`studypack_domain::PackScope`] in its stored form.
    pub scope: String,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub created_at: i64,
}

impl ClassPack {
    /// Whether the pack opens essays at `now`.
    pub fn active_at(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// Work a teacher sets a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub id: i64,
    pub class_id: i64,
    pub class_name: String,
    pub question_slug: String,
    /// The question's title (empty if the question has gone).
    pub question_title: String,
    /// Seconds since 1970: students may start from `opens_at` and submit until `due_at`
    /// (later submissions are marked late).
    pub opens_at: i64,
    pub due_at: i64,
    /// Under the exam's timer, or untimed.
    pub timed: bool,
    /// How many submissions each student may make.
    pub attempts_allowed: i64,
    pub created_at: i64,
}

/// An assignment as a teacher sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignment {
    pub class_id: i64,
    pub question_slug: String,
    pub opens_at: i64,
    pub due_at: i64,
    pub timed: bool,
    pub attempts_allowed: i64,
}

/// A teacher's mark for a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeacherMark {
    pub attempt_id: i64,
    pub level: Option<i64>,
    pub mark: Option<i64>,
    pub comment: String,
    /// When the student was shown it (`None`: not yet).
    pub released_at: Option<i64>,
    pub updated_at: i64,
}

/// One change of a mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarkChange {
    /// The email of who changed it.
    pub by: Option<String>,
    pub at: i64,
    pub from_level: Option<i64>,
    pub to_level: Option<i64>,
    pub from_mark: Option<i64>,
    pub to_mark: Option<i64>,
}

/// A teacher's decision on one mark-scheme point of a submission, beside the engine's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointTick {
    /// The point's place in the scheme (the order of the engine's report).
    pub point: i64,
    /// The point's text when it was decided (the scheme may change later).
    pub text: String,
    /// The teacher credits the essay with the point.
    pub made: bool,
    /// What the engine said: `covered`, `partial` or `missing`.
    pub engine: String,
}

/// A teacher's comment on one sentence of a submission: bytes `[start, end)` of its essay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentenceComment {
    pub id: i64,
    pub start: i64,
    pub end: i64,
    pub body: String,
    pub created_at: i64,
}

/// A script a teacher has moderated: what calibration learns from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModeratedScript {
    pub attempt_id: i64,
    pub body: String,
    pub level: Option<i64>,
    pub mark: Option<i64>,
    /// The teacher's decisions on points (empty if they gave only a level or mark).
    pub points: Vec<PointTick>,
}

/// A teacher's own question, as they wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnQuestion {
    pub id: i64,
    pub owner_id: i64,
    /// The library topic whose rubric, board, glossary and period it uses.
    pub topic_slug: String,
    pub title: String,
    pub text: String,
    pub marks: i64,
    /// The mark scheme as pasted (the plain-text scheme format).
    pub scheme: String,
    pub plan: String,
    pub model_essay: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A submission in a marking queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submission {
    pub attempt: crate::Attempt,
    pub email: String,
    pub mark: Option<TeacherMark>,
}

/// Classes, their teachers and their members. Each change is audited in the same transaction.
#[async_trait]
pub trait ClassStore: Send + Sync {
    /// Makes an account a teacher or not (by `actor_id`, at `now`); false if there is no
    /// such account.
    async fn set_teacher(
        &self,
        user_id: i64,
        teacher: bool,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<bool>;
    /// A new class with `teacher_id` as its teacher. `Conflict` if the code is taken.
    async fn create_class(
        &self,
        name: &str,
        join_code: &str,
        teacher_id: i64,
        now: i64,
    ) -> StoreResult<SchoolClass>;
    /// Adds a co-teacher to a class (by its teacher `actor_id`); audited. Adding one twice
    /// changes nothing.
    async fn add_teacher(
        &self,
        class_id: i64,
        user_id: i64,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<()>;
    /// The emails of a class's teachers.
    async fn class_teachers(&self, class_id: i64) -> StoreResult<Vec<String>>;
    /// Sets work for a class (by its teacher `actor_id`); audited.
    async fn create_assignment(
        &self,
        a: &NewAssignment,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<Assignment>;
    /// A class's assignments, latest due first.
    async fn class_assignments(&self, class_id: i64) -> StoreResult<Vec<Assignment>>;
    /// The assignments of every class a student is in, latest due first.
    async fn student_assignments(&self, user_id: i64) -> StoreResult<Vec<Assignment>>;
    /// An assignment, if `user_id` is in its class (otherwise `None`, as if it did not exist).
    async fn assignment_for_member(&self, id: i64, user_id: i64)
    -> StoreResult<Option<Assignment>>;
    /// How many students of the assignment's class have submitted it.
    async fn assignment_submitters(&self, id: i64) -> StoreResult<i64>;
    /// An assignment, if `teacher_id` teaches its class.
    async fn assignment_taught(&self, id: i64, teacher_id: i64) -> StoreResult<Option<Assignment>>;
    /// Every submission of an assignment by a student still in the class, oldest first,
    /// with the teacher's mark if there is one.
    async fn assignment_submissions(&self, id: i64) -> StoreResult<Vec<Submission>>;
    /// Sets the teacher's mark for a submission (keeping its release), recording the change
    /// of level and mark with who made it and when; audited.
    async fn set_mark(
        &self,
        attempt_id: i64,
        level: Option<i64>,
        mark: Option<i64>,
        comment: &str,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<TeacherMark>;
    /// Shows marks to their students; returns how many were released. Audited.
    async fn release_marks(
        &self,
        attempt_ids: &[i64],
        actor_id: i64,
        now: i64,
    ) -> StoreResult<usize>;
    /// The teacher's mark of a submission, released or not.
    async fn teacher_mark(&self, attempt_id: i64) -> StoreResult<Option<TeacherMark>>;
    /// Every change of a submission's mark, oldest first.
    async fn mark_history(&self, attempt_id: i64) -> StoreResult<Vec<MarkChange>>;
    /// Replaces the teacher's decisions on the points of a submission; audited with how
    /// many differ from the engine. Returns that number.
    async fn set_points(
        &self,
        attempt_id: i64,
        points: &[PointTick],
        actor_id: i64,
        now: i64,
    ) -> StoreResult<usize>;
    /// The teacher's decisions on the points of a submission, in scheme order.
    async fn points(&self, attempt_id: i64) -> StoreResult<Vec<PointTick>>;
    /// Adds a comment on bytes `[start, end)` of a submission's essay; its id.
    async fn add_comment(
        &self,
        attempt_id: i64,
        start: i64,
        end: i64,
        body: &str,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<i64>;
    /// The comments on a submission's sentences, in the essay's order.
    async fn comments(&self, attempt_id: i64) -> StoreResult<Vec<SentenceComment>>;
    /// Deletes a comment of this submission; false if there is none with that id.
    async fn delete_comment(
        &self,
        attempt_id: i64,
        comment_id: i64,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<bool>;
    /// Saves a teacher's own question: a new one when `q.id` is 0 (its id is returned),
    /// otherwise the one with that id if `q.owner_id` owns it (`Invalid` if not). Audited.
    async fn save_own_question(&self, q: &OwnQuestion, now: i64) -> StoreResult<i64>;
    async fn own_question(&self, id: i64) -> StoreResult<Option<OwnQuestion>>;
    /// A teacher's own questions, newest first.
    async fn own_questions(&self, owner_id: i64) -> StoreResult<Vec<OwnQuestion>>;
    /// The student is in a class that has work set on this question.
    async fn set_for_member(&self, question_slug: &str, user_id: i64) -> StoreResult<bool>;
    /// Every moderated script (one with a teacher's level or mark) for a question, oldest
    /// first: the marked answers calibration learns from.
    async fn moderated_scripts(&self, question_slug: &str) -> StoreResult<Vec<ModeratedScript>>;
    /// The class with this (normalised) join code.
    async fn class_by_code(&self, join_code: &str) -> StoreResult<Option<SchoolClass>>;
    /// Grants a pack to a class (by `actor_id`, at `now`); audited.
    async fn grant_class_pack(
        &self,
        class_id: i64,
        scope: &str,
        expires_at: Option<i64>,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<ClassPack>;
    /// Revokes a class's pack at `now`; audited. False if there was none to revoke.
    async fn revoke_class_pack(
        &self,
        id: i64,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<bool>;
    /// The packs of the classes `user_id` is in (revoked and expired ones included).
    async fn member_class_packs(&self, user_id: i64) -> StoreResult<Vec<ClassPack>>;
    /// The packs granted to a class, newest first.
    async fn class_packs(&self, class_id: i64) -> StoreResult<Vec<ClassPack>>;
    /// The class with this id, if `teacher_id` teaches it (otherwise `None`, as if it did
    /// not exist).
    async fn class_taught(
        &self,
        class_id: i64,
        teacher_id: i64,
    ) -> StoreResult<Option<SchoolClass>>;
    /// The classes a teacher teaches, newest first.
    async fn classes_taught(&self, teacher_id: i64) -> StoreResult<Vec<SchoolClass>>;
    /// The classes a student is in, newest first.
    async fn classes_joined(&self, user_id: i64) -> StoreResult<Vec<SchoolClass>>;
    /// The students of a class, by email.
    async fn class_members(&self, class_id: i64) -> StoreResult<Vec<ClassMember>>;
    /// Adds a student to the class with this code; `None` if no class has it. Joining twice
    /// is not an error (the first joining time is kept).
    async fn join_class(
        &self,
        join_code: &str,
        user_id: i64,
        now: i64,
    ) -> StoreResult<Option<SchoolClass>>;
    /// Adds a student to a class (by its teacher `actor_id`).
    async fn add_member(
        &self,
        class_id: i64,
        user_id: i64,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<()>;
    /// Takes a student out of a class (leaving: `actor_id` is the student; removal: the
    /// teacher). False if they were not in it.
    async fn remove_member(
        &self,
        class_id: i64,
        user_id: i64,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<bool>;
}
