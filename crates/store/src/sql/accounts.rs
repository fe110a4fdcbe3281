//! [`AccountStore`] in SQL: users, sessions, rate limits, setup tokens, Study Pack
//! entitlements, licence codes and the audit log.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Encode, Executor, IntoArguments, Row, Type};
use studypack_domain::Role;

use super::{SqlStore, SqlValue, corrupt, db_err};
use crate::{
    AccountStore, AuditEntry, Entitlement, LicenceCode, RateHit, Redemption, Session, StoreError,
    StoreResult, User,
};

const ENTITLEMENT_COLUMNS: &str = "id, user_id, scope, expires_at, revoked_at, source, created_at";

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
    fn user_from_row(row: &DB::Row) -> StoreResult<User> {
        let role: String = row.try_get("role").map_err(db_err)?;
        Ok(User {
            id: row.try_get("id").map_err(db_err)?,
            email: row.try_get("email").map_err(db_err)?,
            role: role.parse().map_err(|e| corrupt("user role", e))?,
            created_at: row.try_get("created_at").map_err(db_err)?,
            teacher: row.try_get("teacher").map_err(db_err)?,
        })
    }

    fn entitlement_from_row(row: &DB::Row) -> StoreResult<Entitlement> {
        Ok(Entitlement {
            id: row.try_get("id").map_err(db_err)?,
            user_id: row.try_get("user_id").map_err(db_err)?,
            scope: row.try_get("scope").map_err(db_err)?,
            expires_at: row.try_get("expires_at").map_err(db_err)?,
            revoked_at: row.try_get("revoked_at").map_err(db_err)?,
            source: row.try_get("source").map_err(db_err)?,
            created_at: row.try_get("created_at").map_err(db_err)?,
        })
    }

    pub(super) async fn insert_audit(
        conn: &mut DB::Connection,
        at: i64,
        actor_id: Option<i64>,
        action: &str,
        user_id: Option<i64>,
        detail: &str,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO audit_log (at, actor_id, action, user_id, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(at)
            .bind(actor_id)
            .bind(action)
            .bind(user_id)
            .bind(detail)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn insert_entitlement(
        conn: &mut DB::Connection,
        user_id: i64,
        scope: &str,
        expires_at: Option<i64>,
        source: &str,
        now: i64,
    ) -> StoreResult<Entitlement> {
        let sql = format!(
            "INSERT INTO entitlements (user_id, scope, expires_at, source, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING {ENTITLEMENT_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(user_id)
            .bind(scope)
            .bind(expires_at)
            .bind(source)
            .bind(now)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
        Self::entitlement_from_row(&row)
    }
}

#[async_trait]
impl<DB> AccountStore for SqlStore<DB>
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
    async fn create_user(
        &self,
        email: &str,
        password_hash: &str,
        role: Role,
        now: i64,
    ) -> StoreResult<User> {
        let row = sqlx::query("INSERT INTO users (email, password_hash, role, created_at) VALUES ($1, $2, $3, $4) RETURNING id, email, role, created_at, teacher")
            .bind(email)
            .bind(password_hash)
            .bind(role.label())
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(format!("{email} is already registered")),
                _ => db_err(e),
            })?;
        Self::user_from_row(&row)
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<(User, String)>> {
        let Some(row) = sqlx::query(
            "SELECT id, email, role, created_at, teacher, password_hash FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        else {
            return Ok(None);
        };
        Ok(Some((
            Self::user_from_row(&row)?,
            row.try_get("password_hash").map_err(db_err)?,
        )))
    }

    async fn set_password(&self, user_id: i64, password_hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn count_admins(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin'")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(n as u64)
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
        now: i64,
    ) -> StoreResult<()> {
        // Expired sessions are of no use to anyone: cleared as new ones are made.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf)
            .bind(now)
            .bind(expires_at)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: i64) -> StoreResult<Option<Session>> {
        let Some(row) = sqlx::query(
            "SELECT u.id, u.email, u.role, u.created_at, u.teacher, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        else {
            return Ok(None);
        };
        Ok(Some(Session {
            user: Self::user_from_row(&row)?,
            csrf: row.try_get("csrf").map_err(db_err)?,
            expires_at: row.try_get("expires_at").map_err(db_err)?,
        }))
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_sessions_of(&self, user_id: i64, keep: Option<&str>) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn hit_rate(&self, key: &str, window: i64, max: u32, now: i64) -> StoreResult<RateHit> {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO rate_events (key, at) VALUES ($1, $2) RETURNING id")
                .bind(key)
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        // The events recorded up to this one: of requests racing each other the first
        // `max` (by id) pass. (SQLite assigns ids in commit order, so this is exact; on
        // PostgreSQL two inserts committing in the opposite order of their ids within
        // the same instant can let one extra through.)
        let recent: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, at FROM rate_events WHERE key = $1 AND at > $2 ORDER BY at DESC, id DESC",
        )
        .bind(key)
        .bind(now - window)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        if recent.iter().filter(|(i, _)| *i <= id).count() <= max as usize {
            if id % 64 == 0 {
                sqlx::query("DELETE FROM rate_events WHERE at < $1")
                    .bind(now - 86_400)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
            }
            return Ok(RateHit::Allowed(id));
        }
        sqlx::query("DELETE FROM rate_events WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        // The others: the `max`-th most recent must leave the window first.
        let others: Vec<i64> = recent
            .iter()
            .filter(|(i, _)| *i != id)
            .map(|(_, t)| *t)
            .collect();
        let edge = others
            .get((max as usize).saturating_sub(1))
            .copied()
            .unwrap_or(now);
        Ok(RateHit::Limited((edge + window - now).max(1)))
    }

    async fn forget_rate_event(&self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM rate_events WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn create_setup_token(&self, token_hash: &str, expires_at: i64) -> StoreResult<()> {
        sqlx::query("INSERT INTO setup_tokens (token_hash, expires_at) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(expires_at)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn take_setup_token(&self, token_hash: &str, now: i64) -> StoreResult<bool> {
        // (`RETURNING` rather than the rows affected, which sqlx reports per database.)
        let taken: Option<String> = sqlx::query_scalar("DELETE FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2 RETURNING token_hash")
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(taken.is_some())
    }

    async fn grant(
        &self,
        user_id: i64,
        scope: &str,
        expires_at: Option<i64>,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<Entitlement> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let e = Self::insert_entitlement(&mut tx, user_id, scope, expires_at, "grant", now).await?;
        let detail = match expires_at {
            Some(x) => format!("entitlement {} scope {scope} until {x}", e.id),
            None => format!("entitlement {} scope {scope}", e.id),
        };
        Self::insert_audit(&mut tx, now, actor_id, "grant", Some(user_id), &detail).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(e)
    }

    async fn revoke(
        &self,
        entitlement_id: i64,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let user: Option<i64> = sqlx::query_scalar("UPDATE entitlements SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING user_id")
            .bind(now)
            .bind(entitlement_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let Some(user) = user else { return Ok(false) };
        Self::insert_audit(
            &mut tx,
            now,
            actor_id,
            "revoke",
            Some(user),
            &format!("entitlement {entitlement_id}"),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn entitlements(&self, user_id: i64) -> StoreResult<Vec<Entitlement>> {
        let sql = format!(
            "SELECT {ENTITLEMENT_COLUMNS} FROM entitlements WHERE user_id = $1 ORDER BY id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(Self::entitlement_from_row).collect()
    }

    async fn create_codes(
        &self,
        code_hashes: &[String],
        scope: &str,
        days: Option<i64>,
        actor_id: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        for h in code_hashes {
            sqlx::query("INSERT INTO licence_codes (code_hash, scope, days, created_at) VALUES ($1, $2, $3, $4)")
                .bind(h.as_str())
                .bind(scope)
                .bind(days)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        let validity = days
            .map(|d| format!(", valid {d} days from redemption"))
            .unwrap_or_default();
        Self::insert_audit(
            &mut tx,
            now,
            actor_id,
            "codes.create",
            None,
            &format!("{} codes for {scope}{validity}", code_hashes.len()),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(())
    }

    async fn redeem(&self, code_hash: &str, user_id: i64, now: i64) -> StoreResult<Redemption> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        // The update both checks and claims the code, so two redemptions cannot both win.
        let claimed = sqlx::query("UPDATE licence_codes SET redeemed_by = $1, redeemed_at = $2 WHERE code_hash = $3 AND redeemed_by IS NULL RETURNING scope, days")
            .bind(user_id)
            .bind(now)
            .bind(code_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let Some(row) = claimed else {
            let known: i64 =
                sqlx::query_scalar("SELECT count(*) FROM licence_codes WHERE code_hash = $1")
                    .bind(code_hash)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
            return Ok(if known > 0 {
                Redemption::AlreadyUsed
            } else {
                Redemption::Unknown
            });
        };
        let scope: String = row.try_get("scope").map_err(db_err)?;
        let days: Option<i64> = row.try_get("days").map_err(db_err)?;
        let short = &code_hash[..code_hash.len().min(12)];
        if scope == crate::TEACHER_CODE_SCOPE {
            sqlx::query("UPDATE users SET teacher = TRUE WHERE id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            Self::insert_audit(
                &mut tx,
                now,
                Some(user_id),
                "redeem",
                Some(user_id),
                &format!("code {short}… → teacher"),
            )
            .await?;
            tx.commit().await.map_err(db_err)?;
            return Ok(Redemption::Teacher);
        }
        let e = Self::insert_entitlement(
            &mut tx,
            user_id,
            &scope,
            days.map(|d| now + d * 86_400),
            "code",
            now,
        )
        .await?;
        Self::insert_audit(
            &mut tx,
            now,
            Some(user_id),
            "redeem",
            Some(user_id),
            &format!("code {short}… → entitlement {} scope {scope}", e.id),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Redemption::Granted(e))
    }

    async fn audit(
        &self,
        actor_id: Option<i64>,
        action: &str,
        user_id: Option<i64>,
        detail: &str,
        now: i64,
    ) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        Self::insert_audit(&mut conn, now, actor_id, action, user_id, detail).await
    }

    async fn audit_log(&self, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT a.id, a.at, a.actor_id, a.action, a.user_id, a.detail, actor.email AS actor_email, u.email AS user_email \
             FROM audit_log a LEFT JOIN users actor ON actor.id = a.actor_id LEFT JOIN users u ON u.id = a.user_id \
             ORDER BY a.id DESC LIMIT $1",
        )
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id").map_err(db_err)?,
                    at: r.try_get("at").map_err(db_err)?,
                    actor_id: r.try_get("actor_id").map_err(db_err)?,
                    action: r.try_get("action").map_err(db_err)?,
                    user_id: r.try_get("user_id").map_err(db_err)?,
                    detail: r.try_get("detail").map_err(db_err)?,
                    actor_email: r.try_get("actor_email").map_err(db_err)?,
                    user_email: r.try_get("user_email").map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn licence_codes(&self, limit: u32) -> StoreResult<Vec<LicenceCode>> {
        let rows = sqlx::query(
            "SELECT c.code_hash, c.scope, c.days, c.created_at, c.redeemed_at, u.email \
             FROM licence_codes c LEFT JOIN users u ON u.id = c.redeemed_by \
             ORDER BY c.created_at DESC, c.code_hash LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let hash: String = r.try_get("code_hash").map_err(db_err)?;
                Ok(LicenceCode {
                    fingerprint: hash.chars().take(8).collect(),
                    scope: r.try_get("scope").map_err(db_err)?,
                    days: r.try_get("days").map_err(db_err)?,
                    created_at: r.try_get("created_at").map_err(db_err)?,
                    redeemed_by: r.try_get("email").map_err(db_err)?,
                    redeemed_at: r.try_get("redeemed_at").map_err(db_err)?,
                })
            })
            .collect()
    }
}
