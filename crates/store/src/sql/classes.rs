//! [`ClassStore`] in SQL: classes, their teachers and members.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Encode, Executor, IntoArguments, Row, Type};

use super::{SqlStore, SqlValue, db_err};
use crate::{
    Assignment, ClassMember, ClassPack, ClassStore, MarkChange, ModeratedScript, NewAssignment,
    OwnQuestion, PointTick, SchoolClass, SentenceComment, StoreError, StoreResult, Submission,
    TeacherMark,
};

/// A class's columns and its member count, for `FROM classes c`.
const CLASS_COLUMNS: &str = "c.id, c.name, c.join_code, c.created_at, \
     (SELECT count(*) FROM class_members m WHERE m.class_id = c.id) AS members";

/// An assignment's columns, for `FROM assignments a JOIN classes c ON c.id = a.class_id
/// LEFT JOIN questions q …, LEFT JOIN own_questions o …` (the title from either).
const ASSIGNMENT_COLUMNS: &str = "a.id, a.class_id, c.name AS class_name, a.question_slug, \
     COALESCE(q.title, o.title, '') AS question_title, a.opens_at, a.due_at, a.timed, a.attempts_allowed, a.created_at";
const ASSIGNMENT_FROM: &str = "FROM assignments a JOIN classes c ON c.id = a.class_id \
     LEFT JOIN questions q ON q.slug = a.question_slug \
     LEFT JOIN own_questions o ON a.question_slug = 'own--' || o.id";

/// An own question's columns.
const OWN_COLUMNS: &str = "id, owner_id, topic_slug, title, text, marks, scheme, plan, model_essay, created_at, updated_at";

/// A class pack's columns, for `FROM class_packs p JOIN classes c ON c.id = p.class_id`.
const PACK_COLUMNS: &str =
    "p.id, p.class_id, c.name, p.scope, p.expires_at, p.revoked_at, p.created_at";

impl<DB> SqlStore<DB>
where
    DB: Database,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    i64: SqlValue<DB>,
    String: SqlValue<DB>,
    Option<i64>: SqlValue<DB>,
{
    fn assignment_from_row(row: &DB::Row) -> StoreResult<Assignment>
    where
        bool: SqlValue<DB>,
    {
        Ok(Assignment {
            id: row.try_get("id").map_err(db_err)?,
            class_id: row.try_get("class_id").map_err(db_err)?,
            class_name: row.try_get("class_name").map_err(db_err)?,
            question_slug: row.try_get("question_slug").map_err(db_err)?,
            question_title: row.try_get("question_title").map_err(db_err)?,
            opens_at: row.try_get("opens_at").map_err(db_err)?,
            due_at: row.try_get("due_at").map_err(db_err)?,
            timed: row.try_get("timed").map_err(db_err)?,
            attempts_allowed: row.try_get("attempts_allowed").map_err(db_err)?,
            created_at: row.try_get("created_at").map_err(db_err)?,
        })
    }

    fn mark_from_row(row: &DB::Row) -> StoreResult<TeacherMark> {
        Ok(TeacherMark {
            attempt_id: row.try_get("attempt_id").map_err(db_err)?,
            level: row.try_get("level").map_err(db_err)?,
            mark: row.try_get("mark").map_err(db_err)?,
            comment: row.try_get("comment").map_err(db_err)?,
            released_at: row.try_get("released_at").map_err(db_err)?,
            updated_at: row.try_get("updated_at").map_err(db_err)?,
        })
    }

    fn own_from_row(row: &DB::Row) -> StoreResult<OwnQuestion> {
        Ok(OwnQuestion {
            id: row.try_get("id").map_err(db_err)?,
            owner_id: row.try_get("owner_id").map_err(db_err)?,
            topic_slug: row.try_get("topic_slug").map_err(db_err)?,
            title: row.try_get("title").map_err(db_err)?,
            text: row.try_get("text").map_err(db_err)?,
            marks: row.try_get("marks").map_err(db_err)?,
            scheme: row.try_get("scheme").map_err(db_err)?,
            plan: row.try_get("plan").map_err(db_err)?,
            model_essay: row.try_get("model_essay").map_err(db_err)?,
            created_at: row.try_get("created_at").map_err(db_err)?,
            updated_at: row.try_get("updated_at").map_err(db_err)?,
        })
    }

    fn pack_from_row(row: &DB::Row) -> StoreResult<ClassPack> {
        Ok(ClassPack {
            id: row.try_get("id").map_err(db_err)?,
            class_id: row.try_get("class_id").map_err(db_err)?,
            class_name: row.try_get("name").map_err(db_err)?,
            scope: row.try_get("scope").map_err(db_err)?,
            expires_at: row.try_get("expires_at").map_err(db_err)?,
            revoked_at: row.try_get("revoked_at").map_err(db_err)?,
            created_at: row.try_get("created_at").map_err(db_err)?,
        })
    }

    fn class_from_row(row: &DB::Row) -> StoreResult<SchoolClass> {
        Ok(SchoolClass {
            id: row.try_get("id").map_err(db_err)?,
            name: row.try_get("name").map_err(db_err)?,
            join_code: row.try_get("join_code").map_err(db_err)?,
            created_at: row.try_get("created_at").map_err(db_err)?,
            members: row.try_get("members").map_err(db_err)?,
        })
    }
}

#[async_trait]
impl<DB> ClassStore for SqlStore<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row> + Encode<'r, DB> + Type<DB>,
    for<'r> Option<&'r str>: Encode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    i64: SqlValue<DB>,
    i32: SqlValue<DB>,
    bool: SqlValue<DB>,
    String: SqlValue<DB>,
    Option<i64>: SqlValue<DB>,
    Option<i32>: SqlValue<DB>,
    Option<String>: SqlValue<DB>,
{
    async fn set_teacher(
        &self,
        user_id: i64,
        teacher: bool,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let changed: Option<i64> =
            sqlx::query_scalar("UPDATE users SET teacher = $1 WHERE id = $2 RETURNING id")
                .bind(teacher)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
        if changed.is_none() {
            return Ok(false);
        }
        let action = if teacher {
            "teacher.grant"
        } else {
            "teacher.revoke"
        };
        Self::insert_audit(&mut tx, now, actor_id, action, Some(user_id), "").await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn create_class(
        &self,
        name: &str,
        join_code: &str,
        teacher_id: i64,
        now: i64,
    ) -> StoreResult<SchoolClass> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO classes (name, join_code, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(name)
        .bind(join_code)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Conflict("that class code is taken".into())
            }
            _ => db_err(e),
        })?;
        sqlx::query("INSERT INTO class_teachers (class_id, user_id) VALUES ($1, $2)")
            .bind(id)
            .bind(teacher_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        Self::insert_audit(
            &mut tx,
            now,
            Some(teacher_id),
            "class.create",
            None,
            &format!("class {id}: {name}"),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(SchoolClass {
            id,
            name: name.to_string(),
            join_code: join_code.to_string(),
            created_at: now,
            members: 0,
        })
    }

    async fn add_teacher(
        &self,
        class_id: i64,
        user_id: i64,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let added: Option<i64> = sqlx::query_scalar(
            "INSERT INTO class_teachers (class_id, user_id) VALUES ($1, $2) \
             ON CONFLICT (class_id, user_id) DO NOTHING RETURNING user_id",
        )
        .bind(class_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        if added.is_some() {
            Self::insert_audit(
                &mut tx,
                now,
                Some(actor_id),
                "class.teacher.add",
                Some(user_id),
                &format!("class {class_id}"),
            )
            .await?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn class_teachers(&self, class_id: i64) -> StoreResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT u.email FROM class_teachers t JOIN users u ON u.id = t.user_id \
             WHERE t.class_id = $1 ORDER BY u.email",
        )
        .bind(class_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    async fn create_assignment(
        &self,
        a: &NewAssignment,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<Assignment> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assignments (class_id, question_slug, opens_at, due_at, timed, attempts_allowed, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(a.class_id)
        .bind(a.question_slug.as_str())
        .bind(a.opens_at)
        .bind(a.due_at)
        .bind(a.timed)
        .bind(a.attempts_allowed)
        .bind(actor_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let sql = format!("SELECT {ASSIGNMENT_COLUMNS} {ASSIGNMENT_FROM} WHERE a.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let made = Self::assignment_from_row(&row)?;
        Self::insert_audit(
            &mut tx,
            now,
            Some(actor_id),
            "assignment.create",
            None,
            &format!(
                "class {}: assignment {id} on {}",
                a.class_id, a.question_slug
            ),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(made)
    }

    async fn class_assignments(&self, class_id: i64) -> StoreResult<Vec<Assignment>> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} {ASSIGNMENT_FROM} WHERE a.class_id = $1 ORDER BY a.due_at DESC, a.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(class_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(Self::assignment_from_row).collect()
    }

    async fn student_assignments(&self, user_id: i64) -> StoreResult<Vec<Assignment>> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} {ASSIGNMENT_FROM} JOIN class_members m ON m.class_id = a.class_id \
             WHERE m.user_id = $1 ORDER BY a.due_at DESC, a.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(Self::assignment_from_row).collect()
    }

    async fn assignment_for_member(
        &self,
        id: i64,
        user_id: i64,
    ) -> StoreResult<Option<Assignment>> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} {ASSIGNMENT_FROM} JOIN class_members m ON m.class_id = a.class_id \
             WHERE a.id = $1 AND m.user_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(Self::assignment_from_row).transpose()
    }

    async fn assignment_submitters(&self, id: i64) -> StoreResult<i64> {
        sqlx::query_scalar(
            "SELECT count(DISTINCT t.user_id) FROM attempts t JOIN assignments a ON a.id = t.assignment_id \
             JOIN class_members m ON m.class_id = a.class_id AND m.user_id = t.user_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)
    }

    async fn assignment_taught(&self, id: i64, teacher_id: i64) -> StoreResult<Option<Assignment>> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} {ASSIGNMENT_FROM} JOIN class_teachers t ON t.class_id = a.class_id \
             WHERE a.id = $1 AND t.user_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .bind(teacher_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(Self::assignment_from_row).transpose()
    }

    async fn assignment_submissions(&self, id: i64) -> StoreResult<Vec<Submission>> {
        let rows = sqlx::query(
            "SELECT t.id, t.user_id, t.question_slug, t.body, t.level, t.covered, t.total, t.words, t.created_at, \
             t.started_at, t.assignment_id, u.email, k.attempt_id AS marked, k.level AS k_level, k.mark AS k_mark, \
             k.comment AS k_comment, k.released_at AS k_released, k.updated_at AS k_updated \
             FROM attempts t JOIN assignments a ON a.id = t.assignment_id \
             JOIN class_members m ON m.class_id = a.class_id AND m.user_id = t.user_id \
             JOIN users u ON u.id = t.user_id LEFT JOIN teacher_marks k ON k.attempt_id = t.id \
             WHERE a.id = $1 ORDER BY t.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let marked: Option<i64> = r.try_get("marked").map_err(db_err)?;
                Ok(Submission {
                    attempt: Self::attempt_from_row(r)?,
                    email: r.try_get("email").map_err(db_err)?,
                    mark: match marked {
                        Some(attempt_id) => Some(TeacherMark {
                            attempt_id,
                            level: r.try_get("k_level").map_err(db_err)?,
                            mark: r.try_get("k_mark").map_err(db_err)?,
                            comment: r.try_get("k_comment").map_err(db_err)?,
                            released_at: r.try_get("k_released").map_err(db_err)?,
                            updated_at: r.try_get("k_updated").map_err(db_err)?,
                        }),
                        None => None,
                    },
                })
            })
            .collect()
    }

    async fn set_mark(
        &self,
        attempt_id: i64,
        level: Option<i64>,
        mark: Option<i64>,
        comment: &str,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<TeacherMark> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let before = sqlx::query("SELECT level, mark FROM teacher_marks WHERE attempt_id = $1")
            .bind(attempt_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let (from_level, from_mark): (Option<i64>, Option<i64>) = match &before {
            Some(r) => (
                r.try_get("level").map_err(db_err)?,
                r.try_get("mark").map_err(db_err)?,
            ),
            None => (None, None),
        };
        let row = sqlx::query(
            "INSERT INTO teacher_marks (attempt_id, level, mark, comment, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (attempt_id) DO UPDATE SET level = excluded.level, mark = excluded.mark, comment = excluded.comment, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at \
             RETURNING attempt_id, level, mark, comment, released_at, updated_at",
        )
        .bind(attempt_id)
        .bind(level)
        .bind(mark)
        .bind(comment)
        .bind(actor_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let saved = Self::mark_from_row(&row)?;
        if before.is_none() || from_level != level || from_mark != mark {
            sqlx::query(
                "INSERT INTO mark_changes (attempt_id, actor_id, at, from_level, to_level, from_mark, to_mark) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(attempt_id)
            .bind(actor_id)
            .bind(now)
            .bind(from_level)
            .bind(level)
            .bind(from_mark)
            .bind(mark)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            Self::insert_audit(
                &mut tx,
                now,
                Some(actor_id),
                "mark.change",
                None,
                &format!(
                    "attempt {attempt_id}: level {from_level:?} → {level:?}, mark {from_mark:?} → {mark:?}"
                ),
            )
            .await?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(saved)
    }

    async fn release_marks(
        &self,
        attempt_ids: &[i64],
        actor_id: i64,
        now: i64,
    ) -> StoreResult<usize> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let mut n = 0;
        for id in attempt_ids {
            let done: Option<i64> = sqlx::query_scalar(
                "UPDATE teacher_marks SET released_at = $1 WHERE attempt_id = $2 AND released_at IS NULL RETURNING attempt_id",
            )
            .bind(now)
            .bind(*id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            if done.is_some() {
                n += 1;
                Self::insert_audit(
                    &mut tx,
                    now,
                    Some(actor_id),
                    "mark.release",
                    None,
                    &format!("attempt {id}"),
                )
                .await?;
            }
        }
        tx.commit().await.map_err(db_err)?;
        Ok(n)
    }

    async fn teacher_mark(&self, attempt_id: i64) -> StoreResult<Option<TeacherMark>> {
        let row = sqlx::query(
            "SELECT attempt_id, level, mark, comment, released_at, updated_at FROM teacher_marks WHERE attempt_id = $1",
        )
        .bind(attempt_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(Self::mark_from_row).transpose()
    }

    async fn set_points(
        &self,
        attempt_id: i64,
        points: &[PointTick],
        actor_id: i64,
        now: i64,
    ) -> StoreResult<usize> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("DELETE FROM teacher_points WHERE attempt_id = $1")
            .bind(attempt_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for p in points {
            sqlx::query(
                "INSERT INTO teacher_points (attempt_id, point, point_text, made, engine) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(attempt_id)
            .bind(p.point)
            .bind(p.text.as_str())
            .bind(i64::from(p.made))
            .bind(p.engine.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        let differ = points
            .iter()
            .filter(|p| p.made != (p.engine == "covered"))
            .count();
        Self::insert_audit(
            &mut tx,
            now,
            Some(actor_id),
            "mark.points",
            None,
            &format!(
                "attempt {attempt_id}: {} of {} points made, {differ} differ from the engine",
                points.iter().filter(|p| p.made).count(),
                points.len()
            ),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(differ)
    }

    async fn points(&self, attempt_id: i64) -> StoreResult<Vec<PointTick>> {
        Self::points_of(&self.pool, attempt_id).await
    }

    async fn add_comment(
        &self,
        attempt_id: i64,
        start: i64,
        end: i64,
        body: &str,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO teacher_comments (attempt_id, start_byte, end_byte, body, author_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(attempt_id)
        .bind(start)
        .bind(end)
        .bind(body)
        .bind(actor_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        Self::insert_audit(
            &mut tx,
            now,
            Some(actor_id),
            "mark.comment",
            None,
            &format!("attempt {attempt_id}: comment {id} on bytes {start}..{end}"),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    async fn comments(&self, attempt_id: i64) -> StoreResult<Vec<SentenceComment>> {
        let rows = sqlx::query(
            "SELECT id, start_byte, end_byte, body, created_at FROM teacher_comments \
             WHERE attempt_id = $1 ORDER BY start_byte, id",
        )
        .bind(attempt_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(SentenceComment {
                    id: r.try_get("id").map_err(db_err)?,
                    start: r.try_get("start_byte").map_err(db_err)?,
                    end: r.try_get("end_byte").map_err(db_err)?,
                    body: r.try_get("body").map_err(db_err)?,
                    created_at: r.try_get("created_at").map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn delete_comment(
        &self,
        attempt_id: i64,
        comment_id: i64,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let gone: Option<i64> = sqlx::query_scalar(
            "DELETE FROM teacher_comments WHERE id = $1 AND attempt_id = $2 RETURNING id",
        )
        .bind(comment_id)
        .bind(attempt_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        if gone.is_some() {
            Self::insert_audit(
                &mut tx,
                now,
                Some(actor_id),
                "mark.comment.delete",
                None,
                &format!("attempt {attempt_id}: comment {comment_id}"),
            )
            .await?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(gone.is_some())
    }

    async fn save_own_question(&self, q: &OwnQuestion, now: i64) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id: i64 = if q.id == 0 {
            sqlx::query_scalar(
                "INSERT INTO own_questions (owner_id, topic_slug, title, text, marks, scheme, plan, model_essay, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            )
            .bind(q.owner_id)
            .bind(q.topic_slug.as_str())
            .bind(q.title.as_str())
            .bind(q.text.as_str())
            .bind(q.marks)
            .bind(q.scheme.as_str())
            .bind(q.plan.as_str())
            .bind(q.model_essay.as_str())
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?
        } else {
            sqlx::query_scalar::<_, i64>(
                "UPDATE own_questions SET topic_slug = $1, title = $2, text = $3, marks = $4, scheme = $5, plan = $6, \
                 model_essay = $7, updated_at = $8 WHERE id = $9 AND owner_id = $10 RETURNING id",
            )
            .bind(q.topic_slug.as_str())
            .bind(q.title.as_str())
            .bind(q.text.as_str())
            .bind(q.marks)
            .bind(q.scheme.as_str())
            .bind(q.plan.as_str())
            .bind(q.model_essay.as_str())
            .bind(now)
            .bind(q.id)
            .bind(q.owner_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?
            .ok_or_else(|| StoreError::Invalid(format!("no question {} of yours", q.id)))?
        };
        Self::insert_audit(
            &mut tx,
            now,
            Some(q.owner_id),
            if q.id == 0 {
                "own_question.create"
            } else {
                "own_question.update"
            },
            None,
            &format!("own question {id}: {}", q.title),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    async fn own_question(&self, id: i64) -> StoreResult<Option<OwnQuestion>> {
        let row = sqlx::query(&format!(
            "SELECT {OWN_COLUMNS} FROM own_questions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(Self::own_from_row).transpose()
    }

    async fn own_questions(&self, owner_id: i64) -> StoreResult<Vec<OwnQuestion>> {
        let rows = sqlx::query(&format!(
            "SELECT {OWN_COLUMNS} FROM own_questions WHERE owner_id = $1 ORDER BY id DESC"
        ))
        .bind(owner_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(Self::own_from_row).collect()
    }

    async fn set_for_member(&self, question_slug: &str, user_id: i64) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM assignments a JOIN class_members m ON m.class_id = a.class_id \
             WHERE a.question_slug = $1 AND m.user_id = $2",
        )
        .bind(question_slug)
        .bind(user_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(n > 0)
    }

    async fn moderated_scripts(&self, question_slug: &str) -> StoreResult<Vec<ModeratedScript>> {
        let rows = sqlx::query(
            "SELECT t.id, t.body, k.level, k.mark FROM attempts t JOIN teacher_marks k ON k.attempt_id = t.id \
             WHERE t.question_slug = $1 AND (k.level IS NOT NULL OR k.mark IS NOT NULL) ORDER BY t.id",
        )
        .bind(question_slug)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let attempt_id: i64 = r.try_get("id").map_err(db_err)?;
            out.push(ModeratedScript {
                attempt_id,
                body: r.try_get("body").map_err(db_err)?,
                level: r.try_get("level").map_err(db_err)?,
                mark: r.try_get("mark").map_err(db_err)?,
                points: Self::points_of(&self.pool, attempt_id).await?,
            });
        }
        Ok(out)
    }

    async fn mark_history(&self, attempt_id: i64) -> StoreResult<Vec<MarkChange>> {
        let rows = sqlx::query(
            "SELECT u.email, c.at, c.from_level, c.to_level, c.from_mark, c.to_mark FROM mark_changes c \
             LEFT JOIN users u ON u.id = c.actor_id WHERE c.attempt_id = $1 ORDER BY c.id",
        )
        .bind(attempt_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(MarkChange {
                    by: r.try_get("email").map_err(db_err)?,
                    at: r.try_get("at").map_err(db_err)?,
                    from_level: r.try_get("from_level").map_err(db_err)?,
                    to_level: r.try_get("to_level").map_err(db_err)?,
                    from_mark: r.try_get("from_mark").map_err(db_err)?,
                    to_mark: r.try_get("to_mark").map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn class_by_code(&self, join_code: &str) -> StoreResult<Option<SchoolClass>> {
        let sql = format!("SELECT {CLASS_COLUMNS} FROM classes c WHERE c.join_code = $1");
        let row = sqlx::query(&sql)
            .bind(join_code)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(Self::class_from_row).transpose()
    }

    async fn grant_class_pack(
        &self,
        class_id: i64,
        scope: &str,
        expires_at: Option<i64>,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<ClassPack> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO class_packs (class_id, scope, expires_at, granted_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(class_id)
        .bind(scope)
        .bind(expires_at)
        .bind(actor_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let sql = format!(
            "SELECT {PACK_COLUMNS} FROM class_packs p JOIN classes c ON c.id = p.class_id WHERE p.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let pack = Self::pack_from_row(&row)?;
        Self::insert_audit(
            &mut tx,
            now,
            actor_id,
            "class.pack.grant",
            None,
            &format!("class {class_id}: class pack {id} scope {scope}"),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(pack)
    }

    async fn revoke_class_pack(
        &self,
        id: i64,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let class: Option<i64> = sqlx::query_scalar(
            "UPDATE class_packs SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING class_id",
        )
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        let Some(class) = class else {
            return Ok(false);
        };
        Self::insert_audit(
            &mut tx,
            now,
            actor_id,
            "class.pack.revoke",
            None,
            &format!("class {class}: class pack {id}"),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn member_class_packs(&self, user_id: i64) -> StoreResult<Vec<ClassPack>> {
        let sql = format!(
            "SELECT {PACK_COLUMNS} FROM class_packs p JOIN classes c ON c.id = p.class_id \
             JOIN class_members m ON m.class_id = p.class_id WHERE m.user_id = $1 ORDER BY p.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(Self::pack_from_row).collect()
    }

    async fn class_packs(&self, class_id: i64) -> StoreResult<Vec<ClassPack>> {
        let sql = format!(
            "SELECT {PACK_COLUMNS} FROM class_packs p JOIN classes c ON c.id = p.class_id \
             WHERE p.class_id = $1 ORDER BY p.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(class_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(Self::pack_from_row).collect()
    }

    async fn class_taught(
        &self,
        class_id: i64,
        teacher_id: i64,
    ) -> StoreResult<Option<SchoolClass>> {
        let sql = format!(
            "SELECT {CLASS_COLUMNS} FROM classes c JOIN class_teachers t ON t.class_id = c.id \
             WHERE c.id = $1 AND t.user_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(class_id)
            .bind(teacher_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(Self::class_from_row).transpose()
    }

    async fn classes_taught(&self, teacher_id: i64) -> StoreResult<Vec<SchoolClass>> {
        let sql = format!(
            "SELECT {CLASS_COLUMNS} FROM classes c JOIN class_teachers t ON t.class_id = c.id \
             WHERE t.user_id = $1 ORDER BY c.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(teacher_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(Self::class_from_row).collect()
    }

    async fn classes_joined(&self, user_id: i64) -> StoreResult<Vec<SchoolClass>> {
        let sql = format!(
            "SELECT {CLASS_COLUMNS} FROM classes c JOIN class_members j ON j.class_id = c.id \
             WHERE j.user_id = $1 ORDER BY c.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(Self::class_from_row).collect()
    }

    async fn class_members(&self, class_id: i64) -> StoreResult<Vec<ClassMember>> {
        let rows = sqlx::query(
            "SELECT m.user_id, u.email, m.joined_at FROM class_members m JOIN users u ON u.id = m.user_id \
             WHERE m.class_id = $1 ORDER BY u.email",
        )
        .bind(class_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(ClassMember {
                    user_id: r.try_get("user_id").map_err(db_err)?,
                    email: r.try_get("email").map_err(db_err)?,
                    joined_at: r.try_get("joined_at").map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn join_class(
        &self,
        join_code: &str,
        user_id: i64,
        now: i64,
    ) -> StoreResult<Option<SchoolClass>> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM classes WHERE join_code = $1")
            .bind(join_code)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let Some(id) = id else {
            return Ok(None);
        };
        Self::insert_member(&mut tx, id, user_id, user_id, "class.join", now).await?;
        let sql = format!("SELECT {CLASS_COLUMNS} FROM classes c WHERE c.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let class = Self::class_from_row(&row)?;
        tx.commit().await.map_err(db_err)?;
        Ok(Some(class))
    }

    async fn add_member(
        &self,
        class_id: i64,
        user_id: i64,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        Self::insert_member(&mut tx, class_id, user_id, actor_id, "class.add", now).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn remove_member(
        &self,
        class_id: i64,
        user_id: i64,
        actor_id: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let gone: Option<i64> = sqlx::query_scalar(
            "DELETE FROM class_members WHERE class_id = $1 AND user_id = $2 RETURNING user_id",
        )
        .bind(class_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        if gone.is_none() {
            return Ok(false);
        }
        let action = if actor_id == user_id {
            "class.leave"
        } else {
            "class.remove"
        };
        Self::insert_audit(
            &mut tx,
            now,
            Some(actor_id),
            action,
            Some(user_id),
            &format!("class {class_id}"),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }
}

impl<DB> SqlStore<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row> + Encode<'r, DB> + Type<DB>,
    for<'r> Option<&'r str>: Encode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    i64: SqlValue<DB>,
    i32: SqlValue<DB>,
    bool: SqlValue<DB>,
    String: SqlValue<DB>,
    Option<i64>: SqlValue<DB>,
    Option<i32>: SqlValue<DB>,
    Option<String>: SqlValue<DB>,
{
    /// The teacher's decisions on a submission's points, in scheme order.
    async fn points_of(pool: &sqlx::Pool<DB>, attempt_id: i64) -> StoreResult<Vec<PointTick>> {
        let rows = sqlx::query(
            "SELECT point, point_text, made, engine FROM teacher_points WHERE attempt_id = $1 ORDER BY point",
        )
        .bind(attempt_id)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let made: i64 = r.try_get("made").map_err(db_err)?;
                Ok(PointTick {
                    point: r.try_get("point").map_err(db_err)?,
                    text: r.try_get("point_text").map_err(db_err)?,
                    made: made != 0,
                    engine: r.try_get("engine").map_err(db_err)?,
                })
            })
            .collect()
    }

    /// Puts a student in a class once (a second time changes nothing and is not audited).
    async fn insert_member(
        tx: &mut sqlx::Transaction<'_, DB>,
        class_id: i64,
        user_id: i64,
        actor_id: i64,
        action: &str,
        now: i64,
    ) -> StoreResult<()> {
        let added: Option<i64> = sqlx::query_scalar(
            "INSERT INTO class_members (class_id, user_id, joined_at) VALUES ($1, $2, $3) \
             ON CONFLICT (class_id, user_id) DO NOTHING RETURNING user_id",
        )
        .bind(class_id)
        .bind(user_id)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
        if added.is_some() {
            Self::insert_audit(
                tx,
                now,
                Some(actor_id),
                action,
                Some(user_id),
                &format!("class {class_id}"),
            )
            .await?;
        }
        Ok(())
    }
}
