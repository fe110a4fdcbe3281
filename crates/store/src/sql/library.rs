//! [`LibraryStore`] in SQL: topics, questions, mark-scheme bullets, revisions.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Encode, Executor, IntoArguments, Row, Transaction, Type};
use studypack_domain::authoring::{parse_topic, render_details, render_topic};
use studypack_domain::{Library, MarkScheme, Period, Question, SchemeBullet, Slug, Topic};

use super::{SqlStore, SqlValue, corrupt, db_err};
use crate::{
    ImportReport, LibraryChange, LibraryChanges, LibraryStore, Listing, QuestionBatch,
    QuestionFilter, QuestionSummary, Revision, RevisionField, StoreError, StoreResult,
};

/// The most questions [`LibraryStore::questions_after`] reads at a time, whatever it is asked
/// for: each is one bound parameter of the query for their schemes.
const MOST_PER_BATCH: u32 = 1000;

const QUESTION_COLUMNS: &str = "q.id, q.slug, t.slug AS topic_slug, q.title, q.text, q.year, q.marks, q.command, q.view, q.period_start, q.period_end, q.status, q.plan, q.plan_generated, q.model_essay";

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
    async fn import_topic(
        tx: &mut Transaction<'_, DB>,
        t: &Topic,
        report: &mut ImportReport,
        changes: &mut Vec<LibraryChange>,
        now: i64,
    ) -> StoreResult<()> {
        let source = render_topic(t);
        let existing: Option<(i64, String)> =
            sqlx::query_as("SELECT id, source FROM topics WHERE slug = $1")
                .bind(t.slug.as_str())
                .fetch_optional(&mut **tx)
                .await
                .map_err(db_err)?;
        match &existing {
            Some((_, old)) if *old == source => return Ok(()),
            Some(_) => report.topics_updated += 1,
            None => report.topics_created += 1,
        }
        changes.push(LibraryChange::Topic {
            slug: t.slug.to_string(),
        });
        // One upsert serves both a new topic and a changed one.
        sqlx::query(
            "INSERT INTO topics (slug, title, board, level, component_code, period_start, period_end, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (slug) DO UPDATE SET title = excluded.title, board = excluded.board, level = excluded.level, component_code = excluded.component_code, \
             period_start = excluded.period_start, period_end = excluded.period_end, source = excluded.source, updated_at = excluded.updated_at",
        )
        .bind(t.slug.as_str())
        .bind(&t.title)
        .bind(t.board.map(|b| b.label()))
        .bind(t.level.map(|l| l.label()))
        .bind(t.component.as_ref().map(|c| c.code.as_str()))
        .bind(t.period.start)
        .bind(t.period.end)
        .bind(&source)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn import_question(
        tx: &mut Transaction<'_, DB>,
        q: &Question,
        report: &mut ImportReport,
        changes: &mut Vec<LibraryChange>,
        author_id: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        let topic_id: Option<i64> = sqlx::query_scalar("SELECT id FROM topics WHERE slug = $1")
            .bind(q.topic.as_str())
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_err)?;
        let Some(topic_id) = topic_id else {
            return Err(StoreError::Invalid(format!(
                "question '{}' names topic '{}', which is neither in the library nor in this import",
                q.slug, q.topic
            )));
        };
        let existing = Self::load_question(&mut **tx, q.slug.as_str()).await?;
        match &existing {
            Some((_, old)) if old == q => {
                report.questions_unchanged += 1;
                return Ok(());
            }
            Some(_) => report.questions_updated += 1,
            None => report.questions_created += 1,
        }
        for topic in existing.iter().map(|(_, old)| &old.topic).chain([&q.topic]) {
            changes.push(LibraryChange::Question {
                slug: q.slug.to_string(),
                topic: topic.to_string(),
            });
        }
        // One upsert serves both a new question and a changed one (created_at is kept).
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO questions (slug, topic_id, title, text, year, marks, command, view, period_start, period_end, status, plan, plan_generated, model_essay, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
             ON CONFLICT (slug) DO UPDATE SET topic_id = excluded.topic_id, title = excluded.title, text = excluded.text, year = excluded.year, \
             marks = excluded.marks, command = excluded.command, view = excluded.view, period_start = excluded.period_start, period_end = excluded.period_end, \
             status = excluded.status, plan = excluded.plan, plan_generated = excluded.plan_generated, model_essay = excluded.model_essay, updated_at = excluded.updated_at \
             RETURNING id",
        )
        .bind(q.slug.as_str())
        .bind(topic_id)
        .bind(&q.title)
        .bind(&q.text)
        .bind(q.year as i32)
        .bind(q.marks as i32)
        .bind(&q.command)
        .bind(q.view.as_deref())
        .bind(q.period.map(|p| p.start))
        .bind(q.period.map(|p| p.end))
        .bind(q.status.label())
        .bind(&q.plan)
        .bind(q.plan_generated)
        .bind(&q.model_essay)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
        if existing.is_some() {
            sqlx::query("DELETE FROM scheme_bullets WHERE question_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
        }
        for (pos, b) in q.mark_scheme.bullets.iter().enumerate() {
            sqlx::query("INSERT INTO scheme_bullets (question_id, position, side, text) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(pos as i64)
                .bind(b.side.label())
                .bind(&b.text)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
        }
        let old = existing.map(|(_, q)| q);
        let details = render_details(q);
        let old_details = old.as_ref().map(render_details);
        if old_details.as_ref().is_some_and(|d| *d != details) {
            // A question stored before its details were versioned has no details revision:
            // its old details become the first one, so that the change can be undone.
            let versioned: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM revisions WHERE question_id = $1 AND field = 'details'",
            )
            .bind(id)
            .fetch_one(&mut **tx)
            .await
            .map_err(db_err)?;
            if versioned == 0 {
                let before = old_details.clone().unwrap_or_default();
                Self::add_revision(tx, id, RevisionField::Details, &before, None, now).await?;
                report.revisions_added += 1;
            }
        }
        for (field, new, prev) in [
            (RevisionField::Details, &details, old_details.as_ref()),
            (RevisionField::Plan, &q.plan, old.as_ref().map(|o| &o.plan)),
            (
                RevisionField::ModelEssay,
                &q.model_essay,
                old.as_ref().map(|o| &o.model_essay),
            ),
        ] {
            if Some(new) != prev && !(prev.is_none() && new.is_empty()) {
                Self::add_revision(tx, id, field, new, author_id, now).await?;
                report.revisions_added += 1;
            }
        }
        Ok(())
    }

    /// Bumps the library version and records what the new version changed, in `tx`.
    async fn record_changes(
        tx: &mut Transaction<'_, DB>,
        mut changes: Vec<LibraryChange>,
    ) -> StoreResult<i64> {
        changes.sort();
        changes.dedup();
        sqlx::query("UPDATE library_version SET version = version + 1 WHERE id = 1")
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        let version: i64 = sqlx::query_scalar("SELECT version FROM library_version WHERE id = 1")
            .fetch_one(&mut **tx)
            .await
            .map_err(db_err)?;
        for c in &changes {
            let (kind, slug, topic) = match c {
                LibraryChange::Question { slug, topic } => {
                    ("question", slug.as_str(), topic.as_str())
                }
                LibraryChange::Topic { slug } => ("topic", slug.as_str(), ""),
                LibraryChange::All => ("all", "", ""),
            };
            sqlx::query(
                "INSERT INTO library_changes (version, kind, slug, topic) VALUES ($1, $2, $3, $4)",
            )
            .bind(version)
            .bind(kind)
            .bind(slug)
            .bind(topic)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        }
        Ok(version)
    }

    async fn add_revision(
        tx: &mut Transaction<'_, DB>,
        question_id: i64,
        field: RevisionField,
        body: &str,
        author_id: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO revisions (question_id, field, body, created_at, author_id) VALUES ($1, $2, $3, $4, $5)")
            .bind(question_id)
            .bind(field.as_str())
            .bind(body)
            .bind(now)
            .bind(author_id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// The question with this slug and its id.
    async fn load_question(
        conn: &mut DB::Connection,
        slug: &str,
    ) -> StoreResult<Option<(i64, Question)>> {
        let sql = format!(
            "SELECT {QUESTION_COLUMNS} FROM questions q JOIN topics t ON t.id = q.topic_id WHERE q.slug = $1"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(slug)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_err)?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id").map_err(db_err)?;
        let bullets = sqlx::query(
            "SELECT side, text FROM scheme_bullets WHERE question_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        Ok(Some((id, Self::question_from_row(&row, &bullets)?)))
    }

    fn question_from_row(row: &DB::Row, bullets: &[DB::Row]) -> StoreResult<Question> {
        let get_s = |c: &str| row.try_get::<String, _>(c).map_err(db_err);
        let slug = get_s("slug")?;
        let period = match (
            row.try_get::<Option<i32>, _>("period_start")
                .map_err(db_err)?,
            row.try_get::<Option<i32>, _>("period_end")
                .map_err(db_err)?,
        ) {
            (Some(a), Some(b)) => Some(Period::new(a, b).map_err(|e| corrupt(&slug, e))?),
            _ => None,
        };
        let mut scheme = Vec::new();
        for b in bullets {
            let side: String = b.try_get("side").map_err(db_err)?;
            scheme.push(SchemeBullet {
                side: side.parse().map_err(|e| corrupt(&slug, e))?,
                text: b.try_get("text").map_err(db_err)?,
            });
        }
        Ok(Question {
            slug: Slug::parse(&slug).map_err(|e| corrupt("question slug", e))?,
            title: get_s("title")?,
            topic: Slug::parse(&get_s("topic_slug")?).map_err(|e| corrupt(&slug, e))?,
            year: row.try_get::<i32, _>("year").map_err(db_err)? as u16,
            marks: row.try_get::<i32, _>("marks").map_err(db_err)? as u32,
            command: get_s("command")?,
            view: row.try_get("view").map_err(db_err)?,
            period,
            status: get_s("status")?.parse().map_err(|e| corrupt(&slug, e))?,
            text: get_s("text")?,
            mark_scheme: MarkScheme { bullets: scheme },
            plan: get_s("plan")?,
            plan_generated: row.try_get("plan_generated").map_err(db_err)?,
            model_essay: get_s("model_essay")?,
        })
    }

    fn summary_from_row(row: &DB::Row) -> StoreResult<QuestionSummary> {
        let get_s = |c: &str| row.try_get::<String, _>(c).map_err(db_err);
        let slug = get_s("slug")?;
        let board: Option<String> = row.try_get("board").map_err(db_err)?;
        let level: Option<String> = row.try_get("level").map_err(db_err)?;
        Ok(QuestionSummary {
            board: board
                .map(|b| b.parse())
                .transpose()
                .map_err(|e| corrupt(&slug, e))?,
            level: level
                .map(|l| l.parse())
                .transpose()
                .map_err(|e| corrupt(&slug, e))?,
            component: row.try_get("component_code").map_err(db_err)?,
            topic: get_s("topic_title")?,
            topic_slug: get_s("topic_slug")?,
            title: get_s("title")?,
            year: row.try_get::<i32, _>("year").map_err(db_err)? as u16,
            marks: row.try_get::<i32, _>("marks").map_err(db_err)? as u32,
            command: get_s("command")?,
            question: get_s("text")?,
            status: get_s("status")?.parse().map_err(|e| corrupt(&slug, e))?,
            slug,
        })
    }
}

/// A bind argument of a listing's filters.
enum FilterArg {
    Text(String),
    Int(i32),
}

/// The `WHERE` clause of a listing and its arguments (`$1`, `$2`, … in order).
fn filter_sql(f: &QuestionFilter) -> (String, Vec<FilterArg>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut args = Vec::new();
    let mut arg = |sql: &mut String, a: FilterArg| {
        args.push(a);
        sql.push_str(&format!("${}", args.len()));
    };
    if !f.include_drafts {
        sql.push_str(" AND q.status = 'published'");
    }
    if let Some(b) = f.board {
        sql.push_str(" AND t.board = ");
        arg(&mut sql, FilterArg::Text(b.label().to_string()));
    }
    if let Some(l) = f.level {
        sql.push_str(" AND t.level = ");
        arg(&mut sql, FilterArg::Text(l.label().to_string()));
    }
    if let Some(topic) = &f.topic {
        // By topic id, from the few topics that match, so that the question index is used.
        sql.push_str(" AND q.topic_id IN (SELECT id FROM topics WHERE slug = ");
        arg(&mut sql, FilterArg::Text(topic.clone()));
        sql.push_str(" OR lower(title) LIKE ");
        arg(
            &mut sql,
            FilterArg::Text(format!("%{}%", topic.to_lowercase())),
        );
        sql.push(')');
    }
    if let Some(y) = f.year {
        sql.push_str(" AND q.year = ");
        arg(&mut sql, FilterArg::Int(y as i32));
    }
    if let Some(c) = &f.command {
        sql.push_str(" AND lower(q.command) = ");
        arg(&mut sql, FilterArg::Text(c.to_lowercase()));
    }
    (sql, args)
}

fn topic_from_source(slug: &str, source: &str) -> StoreResult<Topic> {
    parse_topic(&format!("stored topic '{slug}'"), source)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[async_trait]
impl<DB> LibraryStore for SqlStore<DB>
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
    async fn import_by(
        &self,
        batch: &Library,
        author_id: Option<i64>,
        now: i64,
    ) -> StoreResult<ImportReport> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let mut report = ImportReport::default();
        let mut changes = Vec::new();
        for t in &batch.topics {
            Self::import_topic(&mut tx, t, &mut report, &mut changes, now).await?;
        }
        for q in &batch.questions {
            Self::import_question(&mut tx, q, &mut report, &mut changes, author_id, now).await?;
        }
        if !changes.is_empty() {
            report.version = Some(Self::record_changes(&mut tx, changes).await?);
        }
        tx.commit().await.map_err(db_err)?;
        Ok(report)
    }

    async fn topics(&self) -> StoreResult<Vec<Topic>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT slug, source FROM topics ORDER BY slug")
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        rows.iter()
            .map(|(slug, src)| topic_from_source(slug, src))
            .collect()
    }

    async fn topic(&self, slug: &str) -> StoreResult<Option<Topic>> {
        let row: Option<String> = sqlx::query_scalar("SELECT source FROM topics WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|src| topic_from_source(slug, &src)).transpose()
    }

    async fn questions(&self, f: &QuestionFilter) -> StoreResult<Listing<QuestionSummary>> {
        let (filter, args) = filter_sql(f);
        let count_sql =
            format!("SELECT count(*) FROM questions q JOIN topics t ON t.id = q.topic_id{filter}");
        let mut count = sqlx::query_scalar(&count_sql);
        for a in &args {
            count = match a {
                FilterArg::Text(s) => count.bind(s.as_str()),
                FilterArg::Int(i) => count.bind(*i),
            };
        }
        let total: i64 = count.fetch_one(&self.pool).await.map_err(db_err)?;
        let n = args.len();
        let sql = format!(
            "SELECT q.slug, q.title, q.text, q.year, q.marks, q.command, q.status, t.board, t.level, t.component_code, t.title AS topic_title, t.slug AS topic_slug \
             FROM questions q JOIN topics t ON t.id = q.topic_id{filter} ORDER BY COALESCE(t.board, ''), t.slug, q.year DESC, q.slug LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let mut query = sqlx::query(&sql);
        for a in &args {
            query = match a {
                FilterArg::Text(s) => query.bind(s.as_str()),
                FilterArg::Int(i) => query.bind(*i),
            };
        }
        let rows = query
            .bind(f.limit.map(i64::from).unwrap_or(i64::MAX))
            .bind(f.offset as i64)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(Listing {
            total: total as u64,
            items: rows
                .iter()
                .map(Self::summary_from_row)
                .collect::<StoreResult<_>>()?,
        })
    }

    async fn topic_questions(
        &self,
        slug: &str,
        offset: u32,
        limit: u32,
    ) -> StoreResult<Vec<QuestionSummary>> {
        let rows = sqlx::query(
            "SELECT q.slug, q.title, q.text, q.year, q.marks, q.command, q.status, t.board, t.level, t.component_code, t.title AS topic_title, t.slug AS topic_slug \
             FROM questions q JOIN topics t ON t.id = q.topic_id \
             WHERE q.topic_id = (SELECT id FROM topics WHERE slug = $1) AND q.status = 'published' \
             ORDER BY q.year DESC, q.slug LIMIT $2 OFFSET $3",
        )
        .bind(slug)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(Self::summary_from_row).collect()
    }

    async fn question_counts(&self) -> StoreResult<Vec<(String, u64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT t.slug, c.n FROM (SELECT topic_id, count(*) AS n FROM questions WHERE status = 'published' GROUP BY topic_id) c \
             JOIN topics t ON t.id = c.topic_id ORDER BY t.slug",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(s, n)| (s, n.max(0) as u64))
            .collect())
    }

    async fn question(&self, slug: &str) -> StoreResult<Option<Question>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        Ok(Self::load_question(&mut *conn, slug).await?.map(|(_, q)| q))
    }

    async fn library(&self) -> StoreResult<Library> {
        let topics = self.topics().await?;
        let slugs: Vec<String> = sqlx::query_scalar("SELECT slug FROM questions ORDER BY slug")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let mut questions = Vec::with_capacity(slugs.len());
        for s in slugs {
            if let Some(q) = self.question(&s).await? {
                questions.push(q);
            }
        }
        Ok(Library { topics, questions })
    }

    async fn questions_after(&self, after: Option<&str>, limit: u32) -> StoreResult<QuestionBatch> {
        let after = after.unwrap_or(""); // every slug is longer than ""
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        // Two queries a batch, not two a question: the questions, then their schemes' bullets.
        // A change between the two is applied again by the next refresh (it has a newer
        // version than the rebuild that reads this).
        let sql = format!(
            "SELECT {QUESTION_COLUMNS} FROM questions q JOIN topics t ON t.id = q.topic_id \
             WHERE q.slug > $1 ORDER BY q.slug LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(after)
            .bind(i64::from(limit.min(MOST_PER_BATCH)))
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
        let Some(last) = rows.last() else {
            return Ok(QuestionBatch {
                questions: Vec::new(),
                next: None,
            });
        };
        let last: String = last.try_get("slug").map_err(db_err)?;
        let ids = rows
            .iter()
            .map(|r| r.try_get::<i64, _>("id").map_err(db_err))
            .collect::<StoreResult<Vec<i64>>>()?;
        // By the questions' ids, each bound (MOST_PER_BATCH is far below either database's
        // limit on parameters): the bullets' primary key then finds them, where a join on the
        // run of slugs had PostgreSQL scan every bullet of the library for each batch.
        let placeholders = (1..=ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT question_id, side, text FROM scheme_bullets WHERE question_id IN ({placeholders}) \
             ORDER BY question_id, position"
        );
        let mut query = sqlx::query(&sql);
        for id in &ids {
            query = query.bind(*id);
        }
        let bullets = query.fetch_all(&mut *conn).await.map_err(db_err)?;
        let mut by_question: std::collections::HashMap<i64, Vec<DB::Row>> =
            std::collections::HashMap::new();
        for b in bullets {
            let id: i64 = b.try_get("question_id").map_err(db_err)?;
            by_question.entry(id).or_default().push(b);
        }
        let questions = rows
            .iter()
            .zip(&ids)
            .map(|(row, id)| {
                let bullets = by_question.get(id).map(Vec::as_slice).unwrap_or_default();
                Self::question_from_row(row, bullets)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(QuestionBatch {
            questions,
            next: Some(last),
        })
    }

    async fn revisions(&self, slug: &str) -> StoreResult<Vec<Revision>> {
        let rows = sqlx::query(
            "SELECT r.id, r.field, r.body, r.created_at, u.email FROM revisions r JOIN questions q ON q.id = r.question_id \
             LEFT JOIN users u ON u.id = r.author_id WHERE q.slug = $1 ORDER BY r.id",
        )
        .bind(slug)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let field: String = r.try_get("field").map_err(db_err)?;
                Ok(Revision {
                    id: r.try_get("id").map_err(db_err)?,
                    field: RevisionField::parse(&field)
                        .ok_or_else(|| corrupt("revision field", &field))?,
                    text: r.try_get("body").map_err(db_err)?,
                    created_at: r.try_get("created_at").map_err(db_err)?,
                    author: r.try_get("email").map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn question_count(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM questions")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(n as u64)
    }

    async fn library_changes(&self, since: i64) -> StoreResult<LibraryChanges> {
        // One transaction, so that the version and its changes are read together.
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let version: i64 = sqlx::query_scalar("SELECT version FROM library_version WHERE id = 1")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT version, kind, slug, topic FROM library_changes WHERE version > $1 AND version <= $2",
        )
        .bind(since)
        .bind(version)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        let mut versions: Vec<i64> = rows.iter().map(|r| r.0).collect();
        versions.sort_unstable();
        versions.dedup();
        let unrecorded = (versions.len() as i64) < version - since.max(0);
        let mut changes: Vec<LibraryChange> = rows
            .into_iter()
            .map(|(_, kind, slug, topic)| match kind.as_str() {
                "question" => Ok(LibraryChange::Question { slug, topic }),
                "topic" => Ok(LibraryChange::Topic { slug }),
                "all" => Ok(LibraryChange::All),
                other => Err(StoreError::Corrupt(format!(
                    "unknown library change kind {other:?}"
                ))),
            })
            .collect::<StoreResult<_>>()?;
        changes.sort();
        changes.dedup();
        Ok(LibraryChanges {
            version,
            changes,
            unrecorded,
        })
    }

    async fn request_reindex(&self) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let version = Self::record_changes(&mut tx, vec![LibraryChange::All]).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(version)
    }

    async fn store_calibration(
        &self,
        slug: &str,
        body: Option<&str>,
        now: i64,
    ) -> StoreResult<u32> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let question: Option<i64> = sqlx::query_scalar("SELECT id FROM questions WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let Some(question) = question else {
            return Err(StoreError::Invalid(format!(
                "no question with slug '{slug}'"
            )));
        };
        let latest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM calibrations WHERE question_id = $1")
                .bind(question)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        let version = latest.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO calibrations (question_id, version, body, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(question)
        .bind(version)
        .bind(body)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(format!(
                "the calibration of '{slug}' was changed at the same time; try again"
            )),
            _ => db_err(e),
        })?;
        tx.commit().await.map_err(db_err)?;
        u32::try_from(version).map_err(|_| corrupt("calibration version", version.to_string()))
    }

    async fn calibration(&self, slug: &str) -> StoreResult<Option<crate::StoredCalibration>> {
        let row: Option<(i64, Option<String>)> = sqlx::query_as(
            "SELECT c.version, c.body FROM calibrations c JOIN questions q ON q.id = c.question_id \
             WHERE q.slug = $1 ORDER BY c.version DESC LIMIT 1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        match row {
            Some((version, Some(body))) => Ok(Some(crate::StoredCalibration {
                version: u32::try_from(version)
                    .map_err(|_| corrupt("calibration version", version.to_string()))?,
                body,
            })),
            _ => Ok(None),
        }
    }

    async fn calibration_revisions(
        &self,
        slug: &str,
    ) -> StoreResult<Vec<crate::CalibrationRevision>> {
        let rows: Vec<(i64, i64, bool)> = sqlx::query_as(
            "SELECT c.version, c.created_at, c.body IS NULL FROM calibrations c \
             JOIN questions q ON q.id = c.question_id WHERE q.slug = $1 ORDER BY c.version",
        )
        .bind(slug)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(version, created_at, withdrawn)| {
                Ok(crate::CalibrationRevision {
                    version: u32::try_from(version)
                        .map_err(|_| corrupt("calibration version", version.to_string()))?,
                    created_at,
                    withdrawn,
                })
            })
            .collect()
    }

    async fn library_version(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT version FROM library_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn library_identity(&self) -> StoreResult<String> {
        sqlx::query_scalar("SELECT identity FROM library_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
