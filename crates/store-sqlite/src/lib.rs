//! The embedded SQLite store: WAL journal, foreign keys on, migrations embedded in the binary
//! and applied on open, the database file created on first use. The SQL itself is shared
//! with PostgreSQL: [`studypack_store::SqlStore`].

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::Sqlite;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use studypack_store::sql::migrate;
use studypack_store::{Dialect, Migration, SqlStore, StoreError, StoreResult};

/// The SQLite implementation of the store traits.
pub type SqliteStore = SqlStore<Sqlite>;

/// What the shared SQL needs to know of SQLite.
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    type Db = Sqlite;
    const CHECKSUM_COLUMN_COUNT: &'static str =
        "SELECT count(*) FROM pragma_table_info('studypack_migrations') WHERE name = 'checksum'";
    /// One process owns an SQLite file; a second one migrating would wait on the write lock.
    const MIGRATION_LOCK: Option<(&'static str, &'static str)> = None;
}

/// The migrations, in order. Their SQL must not change once released (the checksums of the
/// applied ones are checked on open): a change is a new migration.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "library",
        sql: include_str!("../migrations/0001_library.sql"),
    },
    Migration {
        version: 2,
        name: "library_version",
        sql: include_str!("../migrations/0002_library_version.sql"),
    },
    Migration {
        version: 3,
        name: "accounts",
        sql: include_str!("../migrations/0003_accounts.sql"),
    },
    Migration {
        version: 4,
        name: "revision_authors",
        sql: include_str!("../migrations/0004_revision_authors.sql"),
    },
    Migration {
        version: 5,
        name: "classes",
        sql: include_str!("../migrations/0005_classes.sql"),
    },
    Migration {
        version: 6,
        name: "own_questions",
        sql: include_str!("../migrations/0006_own_questions.sql"),
    },
    Migration {
        version: 7,
        name: "marking_detail",
        sql: include_str!("../migrations/0007_marking_detail.sql"),
    },
    Migration {
        version: 8,
        name: "library_changes",
        sql: include_str!("../migrations/0008_library_changes.sql"),
    },
    Migration {
        version: 9,
        name: "calibrations",
        sql: include_str!("../migrations/0009_calibrations.sql"),
    },
    Migration {
        version: 10,
        name: "library_identity",
        sql: include_str!("../migrations/0010_library_identity.sql"),
    },
    Migration {
        version: 11,
        name: "listing_indexes",
        sql: include_str!("../migrations/0011_listing_indexes.sql"),
    },
    Migration {
        version: 12,
        name: "library_notices",
        sql: include_str!("../migrations/0012_library_notices.sql"),
    },
];

/// Opens (creating if needed) the database at `url` (`sqlite://path`, `sqlite:path` or
/// `sqlite::memory:`) and applies pending migrations.
pub async fn open(url: &str, max_connections: u32) -> StoreResult<SqliteStore> {
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::Invalid(format!("bad SQLite URL {url:?}: {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(max_connections.max(1))
        .connect_with(opts)
        .await
        .map_err(|e| StoreError::Database(Box::new(e)))?;
    migrate::apply::<SqliteDialect, _>(&pool, MIGRATIONS, unix_now()).await?;
    Ok(SqlStore::new(pool))
}

/// The time recorded for the migrations applied on open.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn wal_and_foreign_keys_are_on_and_the_file_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new").join("t.db");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let s = open(&format!("sqlite://{}", path.display()), 2)
            .await
            .unwrap();
        assert!(path.exists());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(fk, 1);
    }

    #[tokio::test]
    async fn a_database_newer_than_the_binary_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let s = open(&url, 1).await.unwrap();
        sqlx::query(
            "INSERT INTO studypack_migrations (version, name, applied_at) VALUES (99, 'future', 0)",
        )
        .execute(s.pool())
        .await
        .unwrap();
        s.pool().close().await;
        let err = open(&url, 1).await.expect_err("refused");
        assert!(
            err.to_string().contains("newer than this studypack"),
            "{err}"
        );
    }

    /// A database made by the runner before checksums were kept (no `checksum` column)
    /// opens, and gets the checksums recorded.
    #[tokio::test]
    async fn a_database_from_before_checksums_is_carried_forward() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                SqliteConnectOptions::from_str(&url)
                    .unwrap()
                    .create_if_missing(true),
            )
            .await
            .unwrap();
        // What the runner of old made: the table without checksums, every migration applied.
        sqlx::query("CREATE TABLE studypack_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        for m in MIGRATIONS {
            sqlx::raw_sql(m.sql).execute(&pool).await.unwrap();
            sqlx::query(
                "INSERT INTO studypack_migrations (version, name, applied_at) VALUES ($1, $2, 0)",
            )
            .bind(m.version)
            .bind(m.name)
            .execute(&pool)
            .await
            .unwrap();
        }
        pool.close().await;
        let s = open(&url, 1).await.expect("an old database opens");
        let sums: Vec<(i64, String)> =
            sqlx::query_as("SELECT version, checksum FROM studypack_migrations ORDER BY version")
                .fetch_all(s.pool())
                .await
                .unwrap();
        let expected: Vec<(i64, String)> = MIGRATIONS
            .iter()
            .map(|m| (m.version, migrate::checksum(m.sql)))
            .collect();
        assert_eq!(sums, expected);
    }
}
