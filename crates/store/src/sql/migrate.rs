//! The migration runner both backends use: each backend embeds its own `.sql` files.
//!
//! Migrations are applied in order, each in its own transaction, and recorded in
//! `studypack_migrations` with the SHA-256 of their SQL. On every open the recorded checksums
//! are compared with the embedded migrations: a migration whose SQL changed after it was
//! applied is refused (the database no longer matches what the files say), as is a database
//! newer than this binary. Databases made before checksums were kept get the column and the
//! checksums of their applied migrations recorded on the first open.

use sha2::{Digest, Sha256};
use sqlx::{ColumnIndex, Database, Encode, Executor, IntoArguments, Pool, Type};

use super::{Dialect, SqlValue, db_err};
use crate::{StoreError, StoreResult};

/// One migration as embedded in a backend crate.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The SHA-256 (hex) of a migration's SQL, line endings normalised (a checkout with CRLF
/// line endings has the same migrations).
pub fn checksum(sql: &str) -> String {
    let digest = Sha256::digest(sql.replace("\r\n", "\n").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the applied migrations against `migrations` and applies the pending ones, `now`
/// being recorded as the time they were applied. Runs on one connection of `pool`, between
/// the dialect's [`Dialect::MIGRATION_LOCK`] statements.
pub async fn apply<D, DB>(pool: &Pool<DB>, migrations: &[Migration], now: i64) -> StoreResult<()>
where
    D: Dialect<Db = DB>,
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row> + Encode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    i64: SqlValue<DB>,
    String: SqlValue<DB>,
    Option<String>: SqlValue<DB>,
{
    let mut conn = pool.acquire().await.map_err(db_err)?;
    let Some((lock, unlock)) = D::MIGRATION_LOCK else {
        return apply_on::<D, DB>(&mut conn, migrations, now).await;
    };
    sqlx::query(lock)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    let result = apply_on::<D, DB>(&mut conn, migrations, now).await;
    let unlocked = sqlx::query(unlock)
        .execute(&mut *conn)
        .await
        .map_err(db_err);
    result.and(unlocked.map(|_| ()))
}

async fn apply_on<D, DB>(
    conn: &mut DB::Connection,
    migrations: &[Migration],
    now: i64,
) -> StoreResult<()>
where
    D: Dialect<Db = DB>,
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row> + Encode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    i64: SqlValue<DB>,
    String: SqlValue<DB>,
    Option<String>: SqlValue<DB>,
{
    use sqlx::Connection as _;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS studypack_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL, checksum TEXT)",
    )
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    // A table made before migrations were checksummed: add the column (filled in below).
    let has_checksum: i64 = sqlx::query_scalar(D::CHECKSUM_COLUMN_COUNT)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)?;
    if has_checksum == 0 {
        sqlx::query("ALTER TABLE studypack_migrations ADD COLUMN checksum TEXT")
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
    }
    let applied: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT version, name, checksum FROM studypack_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
    let current = applied.iter().map(|a| a.0).max().unwrap_or(0);
    let latest = migrations.last().map(|m| m.version).unwrap_or(0);
    if current > latest {
        return Err(StoreError::Invalid(format!(
            "the database is at schema version {current}, newer than this studypack ({latest}); upgrade studypack"
        )));
    }
    for (version, name, recorded) in &applied {
        let Some(m) = migrations.iter().find(|m| m.version == *version) else {
            continue;
        };
        let sum = checksum(m.sql);
        match recorded {
            Some(r) if *r == sum => {}
            Some(r) => {
                return Err(StoreError::Invalid(format!(
                    "migration {version} ({name}) has changed since it was applied to this database \
                     (recorded checksum {}…, now {}…): restore its original SQL and put the change in a new migration",
                    &r[..r.len().min(12)],
                    &sum[..12]
                )));
            }
            None => {
                sqlx::query("UPDATE studypack_migrations SET checksum = $1 WHERE version = $2")
                    .bind(sum.as_str())
                    .bind(*version)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_err)?;
                tracing::info!(
                    version,
                    name,
                    "recorded the checksum of a migration applied before checksums were kept"
                );
            }
        }
    }
    for m in migrations.iter().filter(|m| m.version > current) {
        let mut tx = conn.begin().await.map_err(db_err)?;
        sqlx::raw_sql(m.sql)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO studypack_migrations (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(now)
            .bind(checksum(m.sql).as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::checksum;

    #[test]
    fn checksums_are_sha256_and_ignore_line_endings() {
        assert_eq!(
            checksum(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(checksum("a\r\nb\n"), checksum("a\nb\n"));
        assert_ne!(checksum("a"), checksum("b"));
    }
}
