//! The PostgreSQL store: for several stateless instances sharing one database. Migrations are
//! embedded and applied under an advisory lock, so instances starting together do not race.

use std::str::FromStr;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};

/// (version, name, SQL), in order.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "library", include_str!("../migrations/0001_library.sql")),
    (
        2,
        "library_version",
        include_str!("../migrations/0002_library_version.sql"),
    ),
    (
        3,
        "accounts",
        include_str!("../migrations/0003_accounts.sql"),
    ),
];

/// An arbitrary key for the migration advisory lock.
const MIGRATION_LOCK: i64 = 0x5354_5544_5950_4143; // "STUDYPAC"

/// The PostgreSQL implementation of [`studypack_store::LibraryStore`].
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`) and applies pending migrations.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<PgStore> {
        Self::connect_with(Self::options(url)?, max_connections).await
    }

    /// Connects with every connection's `search_path` set to `schema` (created if missing):
    /// one database can hold separate libraries, e.g. one per test.
    pub async fn connect_in_schema(
        url: &str,
        schema: &str,
        max_connections: u32,
    ) -> StoreResult<PgStore> {
        if !schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            || schema.is_empty()
        {
            return Err(StoreError::Invalid(format!("bad schema name {schema:?}")));
        }
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(Self::options(url)?)
            .await
            .map_err(db_err)?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .execute(&admin)
            .await
            .map_err(db_err)?;
        admin.close().await;
        Self::connect_with(
            Self::options(url)?.options([("search_path", schema)]),
            max_connections,
        )
        .await
    }

    fn options(url: &str) -> StoreResult<PgConnectOptions> {
        PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Invalid(format!("bad PostgreSQL URL: {e}")))
    }

    async fn connect_with(opts: PgConnectOptions, max_connections: u32) -> StoreResult<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(db_err)?;
        migrate(&pool).await?;
        Ok(PgStore { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

async fn migrate(pool: &PgPool) -> StoreResult<()> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    let result = apply(&mut conn).await;
    let unlock = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await
        .map_err(db_err);
    result.and(unlock.map(|_| ()))
}

async fn apply(conn: &mut sqlx::PgConnection) -> StoreResult<()> {
    apply_migrations(conn, MIGRATIONS).await
}

studypack_store::impl_sql_library_store!(PgStore, sqlx::Postgres, PgRow);
studypack_store::impl_sql_account_store!(PgStore);
