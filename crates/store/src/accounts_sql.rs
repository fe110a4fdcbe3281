//! The SQL behind [`crate::AccountStore`] and [`crate::PracticeStore`], shared by both
//! backends like the library's (see `sql.rs`). Expand it in the same module as, and after,
//! `impl_sql_library_store!`, whose helpers (`Db`, `db_err`, `now`, `corrupt`) it uses.

/// Implements `AccountStore` and `PracticeStore` for `$store` (a `pool: sqlx::Pool<Db>`).
#[macro_export]
macro_rules! impl_sql_account_store {
    ($store:ty) => {
        fn user_from_row(row: &DbRow) -> StoreResult<User> {
            let role: String = row.try_get("role").map_err(db_err)?;
            Ok(User {
                id: row.try_get("id").map_err(db_err)?,
                email: row.try_get("email").map_err(db_err)?,
                role: role.parse().map_err(|e| corrupt("user role", e))?,
                created_at: row.try_get("created_at").map_err(db_err)?,
            })
        }

        fn entitlement_from_row(row: &DbRow) -> StoreResult<Entitlement> {
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

        fn attempt_from_row(row: &DbRow) -> StoreResult<Attempt> {
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
            })
        }

        const ENTITLEMENT_COLUMNS: &str = "id, user_id, scope, expires_at, revoked_at, source, created_at";

        async fn insert_audit(conn: &mut <Db as ::sqlx::Database>::Connection, actor_id: Option<i64>, action: &str, user_id: Option<i64>, detail: &str) -> StoreResult<()> {
            sqlx::query("INSERT INTO audit_log (at, actor_id, action, user_id, detail) VALUES ($1, $2, $3, $4, $5)")
                .bind(now())
                .bind(actor_id)
                .bind(action)
                .bind(user_id)
                .bind(detail)
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
            Ok(())
        }

        async fn insert_entitlement(conn: &mut <Db as ::sqlx::Database>::Connection, user_id: i64, scope: &str, expires_at: Option<i64>, source: &str) -> StoreResult<Entitlement> {
            let sql = format!("INSERT INTO entitlements (user_id, scope, expires_at, source, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING {ENTITLEMENT_COLUMNS}");
            let row = sqlx::query(&sql)
                .bind(user_id)
                .bind(scope)
                .bind(expires_at)
                .bind(source)
                .bind(now())
                .fetch_one(&mut *conn)
                .await
                .map_err(db_err)?;
            entitlement_from_row(&row)
        }

        #[::async_trait::async_trait]
        impl ::studypack_store::AccountStore for $store {
            async fn create_user(&self, email: &str, password_hash: &str, role: Role) -> StoreResult<User> {
                let row = sqlx::query("INSERT INTO users (email, password_hash, role, created_at) VALUES ($1, $2, $3, $4) RETURNING id, email, role, created_at")
                    .bind(email)
                    .bind(password_hash)
                    .bind(role.label())
                    .bind(now())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(format!("{email} is already registered")),
                        _ => db_err(e),
                    })?;
                user_from_row(&row)
            }

            async fn user_by_email(&self, email: &str) -> StoreResult<Option<(User, String)>> {
                let Some(row) = sqlx::query("SELECT id, email, role, created_at, password_hash FROM users WHERE email = $1")
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?
                else {
                    return Ok(None);
                };
                Ok(Some((user_from_row(&row)?, row.try_get("password_hash").map_err(db_err)?)))
            }

            async fn set_password(&self, user_id: i64, password_hash: &str) -> StoreResult<()> {
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(user_id).execute(&self.pool).await.map_err(db_err)?;
                Ok(())
            }

            async fn count_admins(&self) -> StoreResult<u64> {
                let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin'").fetch_one(&self.pool).await.map_err(db_err)?;
                Ok(n as u64)
            }

            async fn create_session(&self, token_hash: &str, user_id: i64, csrf: &str, expires_at: i64) -> StoreResult<()> {
                // Expired sessions are of no use to anyone: cleared as new ones are made.
                sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now()).execute(&self.pool).await.map_err(db_err)?;
                sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(csrf)
                    .bind(now())
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }

            async fn session(&self, token_hash: &str, at: i64) -> StoreResult<Option<Session>> {
                let Some(row) = sqlx::query(
                    "SELECT u.id, u.email, u.role, u.created_at, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
                )
                .bind(token_hash)
                .bind(at)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?
                else {
                    return Ok(None);
                };
                Ok(Some(Session {
                    user: user_from_row(&row)?,
                    csrf: row.try_get("csrf").map_err(db_err)?,
                    expires_at: row.try_get("expires_at").map_err(db_err)?,
                }))
            }

            async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await.map_err(db_err)?;
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

            async fn hit_rate(&self, key: &str, window: i64, max: u32, at: i64) -> StoreResult<RateHit> {
                let id: i64 = sqlx::query_scalar("INSERT INTO rate_events (key, at) VALUES ($1, $2) RETURNING id")
                    .bind(key)
                    .bind(at)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_err)?;
                // The events recorded up to this one: of requests racing each other the first
                // `max` (by id) pass. (SQLite assigns ids in commit order, so this is exact; on
                // PostgreSQL two inserts committing in the opposite order of their ids within
                // the same instant can let one extra through.)
                let recent: Vec<(i64, i64)> = sqlx::query_as("SELECT id, at FROM rate_events WHERE key = $1 AND at > $2 ORDER BY at DESC, id DESC")
                    .bind(key)
                    .bind(at - window)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                if recent.iter().filter(|(i, _)| *i <= id).count() <= max as usize {
                    if id % 64 == 0 {
                        sqlx::query("DELETE FROM rate_events WHERE at < $1").bind(at - 86_400).execute(&self.pool).await.map_err(db_err)?;
                    }
                    return Ok(RateHit::Allowed(id));
                }
                sqlx::query("DELETE FROM rate_events WHERE id = $1").bind(id).execute(&self.pool).await.map_err(db_err)?;
                // The others: the `max`-th most recent must leave the window first.
                let others: Vec<i64> = recent.iter().filter(|(i, _)| *i != id).map(|(_, t)| *t).collect();
                let edge = others.get((max as usize).saturating_sub(1)).copied().unwrap_or(at);
                Ok(RateHit::Limited((edge + window - at).max(1)))
            }

            async fn forget_rate_event(&self, id: i64) -> StoreResult<()> {
                sqlx::query("DELETE FROM rate_events WHERE id = $1").bind(id).execute(&self.pool).await.map_err(db_err)?;
                Ok(())
            }

            async fn create_setup_token(&self, token_hash: &str, expires_at: i64) -> StoreResult<()> {
                sqlx::query("INSERT INTO setup_tokens (token_hash, expires_at) VALUES ($1, $2)").bind(token_hash).bind(expires_at).execute(&self.pool).await.map_err(db_err)?;
                Ok(())
            }

            async fn take_setup_token(&self, token_hash: &str, at: i64) -> StoreResult<bool> {
                let done = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2")
                    .bind(token_hash)
                    .bind(at)
                    .execute(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn grant(&self, user_id: i64, scope: &str, expires_at: Option<i64>, actor_id: Option<i64>) -> StoreResult<Entitlement> {
                let mut tx = self.pool.begin().await.map_err(db_err)?;
                let e = insert_entitlement(&mut *tx, user_id, scope, expires_at, "grant").await?;
                let detail = match expires_at {
                    Some(x) => format!("entitlement {} scope {scope} until {x}", e.id),
                    None => format!("entitlement {} scope {scope}", e.id),
                };
                insert_audit(&mut *tx, actor_id, "grant", Some(user_id), &detail).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(e)
            }

            async fn revoke(&self, entitlement_id: i64, actor_id: Option<i64>) -> StoreResult<bool> {
                let mut tx = self.pool.begin().await.map_err(db_err)?;
                let user: Option<i64> = sqlx::query_scalar("UPDATE entitlements SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING user_id")
                    .bind(now())
                    .bind(entitlement_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let Some(user) = user else { return Ok(false) };
                insert_audit(&mut *tx, actor_id, "revoke", Some(user), &format!("entitlement {entitlement_id}")).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(true)
            }

            async fn entitlements(&self, user_id: i64) -> StoreResult<Vec<Entitlement>> {
                let sql = format!("SELECT {ENTITLEMENT_COLUMNS} FROM entitlements WHERE user_id = $1 ORDER BY id DESC");
                let rows = sqlx::query(&sql).bind(user_id).fetch_all(&self.pool).await.map_err(db_err)?;
                rows.iter().map(entitlement_from_row).collect()
            }

            async fn create_codes(&self, code_hashes: &[String], scope: &str, days: Option<i64>, actor_id: Option<i64>) -> StoreResult<()> {
                let mut tx = self.pool.begin().await.map_err(db_err)?;
                for h in code_hashes {
                    sqlx::query("INSERT INTO licence_codes (code_hash, scope, days, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(h)
                        .bind(scope)
                        .bind(days)
                        .bind(now())
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                let validity = days.map(|d| format!(", valid {d} days from redemption")).unwrap_or_default();
                insert_audit(&mut *tx, actor_id, "codes.create", None, &format!("{} codes for {scope}{validity}", code_hashes.len())).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(())
            }

            async fn redeem(&self, code_hash: &str, user_id: i64, at: i64) -> StoreResult<Redemption> {
                let mut tx = self.pool.begin().await.map_err(db_err)?;
                // The update both checks and claims the code, so two redemptions cannot both win.
                let claimed = sqlx::query("UPDATE licence_codes SET redeemed_by = $1, redeemed_at = $2 WHERE code_hash = $3 AND redeemed_by IS NULL RETURNING scope, days")
                    .bind(user_id)
                    .bind(at)
                    .bind(code_hash)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                let Some(row) = claimed else {
                    let known: i64 = sqlx::query_scalar("SELECT count(*) FROM licence_codes WHERE code_hash = $1").bind(code_hash).fetch_one(&mut *tx).await.map_err(db_err)?;
                    return Ok(if known > 0 { Redemption::AlreadyUsed } else { Redemption::Unknown });
                };
                let scope: String = row.try_get("scope").map_err(db_err)?;
                let days: Option<i64> = row.try_get("days").map_err(db_err)?;
                let e = insert_entitlement(&mut *tx, user_id, &scope, days.map(|d| at + d * 86_400), "code").await?;
                let short = &code_hash[..code_hash.len().min(12)];
                insert_audit(&mut *tx, Some(user_id), "redeem", Some(user_id), &format!("code {short}… → entitlement {} scope {scope}", e.id)).await?;
                tx.commit().await.map_err(db_err)?;
                Ok(Redemption::Granted(e))
            }

            async fn audit(&self, actor_id: Option<i64>, action: &str, user_id: Option<i64>, detail: &str) -> StoreResult<()> {
                let mut conn = self.pool.acquire().await.map_err(db_err)?;
                insert_audit(&mut *conn, actor_id, action, user_id, detail).await
            }

            async fn audit_log(&self, limit: u32) -> StoreResult<Vec<AuditEntry>> {
                let rows = sqlx::query("SELECT id, at, actor_id, action, user_id, detail FROM audit_log ORDER BY id DESC LIMIT $1")
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
                        })
                    })
                    .collect()
            }
        }

        #[::async_trait::async_trait]
        impl ::studypack_store::PracticeStore for $store {
            async fn save_draft(&self, user_id: i64, question_slug: &str, body: &str, at: i64) -> StoreResult<Draft> {
                let row = sqlx::query(
                    "INSERT INTO drafts (user_id, question_slug, body, started_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
                     ON CONFLICT (user_id, question_slug) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at \
                     RETURNING body, started_at, updated_at",
                )
                .bind(user_id)
                .bind(question_slug)
                .bind(body)
                .bind(at)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
                Ok(Draft {
                    body: row.try_get("body").map_err(db_err)?,
                    started_at: row.try_get("started_at").map_err(db_err)?,
                    updated_at: row.try_get("updated_at").map_err(db_err)?,
                })
            }

            async fn draft(&self, user_id: i64, question_slug: &str) -> StoreResult<Option<Draft>> {
                let row = sqlx::query("SELECT body, started_at, updated_at FROM drafts WHERE user_id = $1 AND question_slug = $2")
                    .bind(user_id)
                    .bind(question_slug)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.map(|row| {
                    Ok(Draft {
                        body: row.try_get("body").map_err(db_err)?,
                        started_at: row.try_get("started_at").map_err(db_err)?,
                        updated_at: row.try_get("updated_at").map_err(db_err)?,
                    })
                })
                .transpose()
            }

            async fn submit_attempt(&self, a: &Attempt) -> StoreResult<i64> {
                let mut tx = self.pool.begin().await.map_err(db_err)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO attempts (user_id, question_slug, body, level, covered, total, words, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(a.user_id)
                .bind(&a.question_slug)
                .bind(&a.body)
                .bind(a.level)
                .bind(a.covered)
                .bind(a.total)
                .bind(a.words)
                .bind(a.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
                sqlx::query("DELETE FROM drafts WHERE user_id = $1 AND question_slug = $2").bind(a.user_id).bind(&a.question_slug).execute(&mut *tx).await.map_err(db_err)?;
                tx.commit().await.map_err(db_err)?;
                Ok(id)
            }

            async fn attempts(&self, user_id: i64, question_slug: &str) -> StoreResult<Vec<Attempt>> {
                let rows = sqlx::query("SELECT id, user_id, question_slug, body, level, covered, total, words, created_at FROM attempts WHERE user_id = $1 AND question_slug = $2 ORDER BY id")
                    .bind(user_id)
                    .bind(question_slug)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                rows.iter().map(attempt_from_row).collect()
            }

            async fn attempt(&self, user_id: i64, id: i64) -> StoreResult<Option<Attempt>> {
                let row = sqlx::query("SELECT id, user_id, question_slug, body, level, covered, total, words, created_at FROM attempts WHERE user_id = $1 AND id = $2")
                    .bind(user_id)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_err)?;
                row.as_ref().map(attempt_from_row).transpose()
            }
        }
    };
}
