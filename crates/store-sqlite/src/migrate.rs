//! Embedded migrations, applied in order, each in its own transaction, recorded in
//! `studypack_migrations`. A database newer than this binary is refused.

use sqlx::SqlitePool;
use studypack_store::{StoreError, StoreResult};

/// (version, name, SQL), in order.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "library", include_str!("../migrations/0001_library.sql")),
    (
        2,
        "library_version",
        include_str!("../migrations/0002_library_version.sql"),
    ),
];

pub async fn run(pool: &SqlitePool) -> StoreResult<()> {
    let e = |e: sqlx::Error| StoreError::Database(Box::new(e));
    sqlx::query("CREATE TABLE IF NOT EXISTS studypack_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)")
        .execute(pool)
        .await
        .map_err(e)?;
    let applied: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM studypack_migrations")
        .fetch_one(pool)
        .await
        .map_err(e)?;
    let applied = applied.unwrap_or(0);
    let latest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if applied > latest {
        return Err(StoreError::Invalid(format!(
            "the database is at schema version {applied}, newer than this studypack ({latest}); upgrade studypack"
        )));
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > applied) {
        let mut tx = pool.begin().await.map_err(e)?;
        sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(e)?;
        sqlx::query("INSERT INTO studypack_migrations (version, name, applied_at) VALUES (?, ?, strftime('%s','now'))")
            .bind(version)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(e)?;
        tx.commit().await.map_err(e)?;
        tracing::info!(version, name, "applied migration");
    }
    Ok(())
}
