//! [`PracticeStore`] in SQL: drafts and submitted attempts.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Encode, Executor, IntoArguments, Row, Type};

use super::{SqlStore, SqlValue, db_err};
use crate::{Attempt, Draft, PracticeStore, StoreError, StoreResult};

const ATTEMPT_COLUMNS: &str = "id, user_id, question_slug, body, level, covered, total, words, created_at, started_at, assignment_id";

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
    pub(super) fn attempt_from_row(row: &DB::Row) -> StoreResult<Attempt> {
        Ok(Attempt {
            id: row.try_get("id").map_err(db_err)?,
            user_id: row.try_get("user_id").map_err(db_err)?,
            question_slug: row.try_get("question_slug").map_err(db_err)?,
            body: row.try_get("body").map_err(db_err)?,
            level: row.try_get("level").map_err(db_err)?,
            covered: row.try_get("covered").map_err(db_err)?,
            total: row.try_get("total").map_err(db_err)?,
            words: row.try_get("words").map_err(db_err)?,
            created_at: row.try_get("created_at").map_err(db_err)?,
            started_at: row.try_get("started_at").map_err(db_err)?,
            assignment_id: row.try_get("assignment_id").map_err(db_err)?,
        })
    }

    fn draft_from_row(row: &DB::Row) -> StoreResult<Draft> {
        Ok(Draft {
            body: row.try_get("body").map_err(db_err)?,
            started_at: row.try_get("started_at").map_err(db_err)?,
            updated_at: row.try_get("updated_at").map_err(db_err)?,
        })
    }
}

#[async_trait]
impl<DB> PracticeStore for SqlStore<DB>
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
    async fn save_draft(
        &self,
        user_id: i64,
        question_slug: &str,
        body: &str,
        started_at: i64,
        now: i64,
    ) -> StoreResult<Draft> {
        // One statement: the draft is written only if no attempt ended this sitting, so a
        // save racing a submission cannot bring the draft back.
        let row = sqlx::query(
            "INSERT INTO drafts (user_id, question_slug, body, started_at, updated_at) \
             SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS \
             (SELECT 1 FROM attempts WHERE user_id = $1 AND question_slug = $2 AND started_at = $4) \
             ON CONFLICT (user_id, question_slug) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at \
             RETURNING body, started_at, updated_at",
        )
        .bind(user_id)
        .bind(question_slug)
        .bind(body)
        .bind(started_at)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        match row {
            Some(row) => Self::draft_from_row(&row),
            None => Err(StoreError::Conflict(
                "this essay was submitted: a submitted attempt is final".into(),
            )),
        }
    }

    async fn draft(&self, user_id: i64, question_slug: &str) -> StoreResult<Option<Draft>> {
        let row = sqlx::query("SELECT body, started_at, updated_at FROM drafts WHERE user_id = $1 AND question_slug = $2")
            .bind(user_id)
            .bind(question_slug)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(Self::draft_from_row).transpose()
    }

    async fn submit_attempt(&self, a: &Attempt) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO attempts (user_id, question_slug, body, level, covered, total, words, created_at, started_at, assignment_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(a.user_id)
        .bind(a.question_slug.as_str())
        .bind(a.body.as_str())
        .bind(a.level)
        .bind(a.covered)
        .bind(a.total)
        .bind(a.words)
        .bind(a.created_at)
        .bind(a.started_at)
        .bind(a.assignment_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query("DELETE FROM drafts WHERE user_id = $1 AND question_slug = $2")
            .bind(a.user_id)
            .bind(a.question_slug.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    async fn attempts(&self, user_id: i64, question_slug: &str) -> StoreResult<Vec<Attempt>> {
        let sql = format!(
            "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE user_id = $1 AND question_slug = $2 ORDER BY id"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id)
            .bind(question_slug)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(Self::attempt_from_row).collect()
    }

    async fn attempt(&self, user_id: i64, id: i64) -> StoreResult<Option<Attempt>> {
        let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE user_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(user_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(Self::attempt_from_row).transpose()
    }
}
