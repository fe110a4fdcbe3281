//! The PostgreSQL store: for several stateless instances sharing one database. Migrations are
//! embedded and applied under an advisory lock, so instances starting together do not race.
//! The SQL itself is shared with SQLite: [`studypack_store::SqlStore`].

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::Postgres;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use studypack_store::sql::migrate;
use studypack_store::{Dialect, Migration, SqlStore, StoreError, StoreResult};

/// The PostgreSQL implementation of the store traits.
pub type PgStore = SqlStore<Postgres>;

/// What the shared SQL needs to know of PostgreSQL.
pub struct PgDialect;

impl Dialect for PgDialect {
    type Db = Postgres;
    const CHECKSUM_COLUMN_COUNT: &'static str = "SELECT count(*) FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = 'studypack_migrations' AND column_name = 'checksum'";
    /// A session advisory lock under an arbitrary key (0x5354_5544_5950_4143, "STUDYPAC").
    const MIGRATION_LOCK: Option<(&'static str, &'static str)> = Some((
        "SELECT pg_advisory_lock(6004517955236282691)",
        "SELECT pg_advisory_unlock(6004517955236282691)",
    ));
}

/// The migrations, in order. Their SQL must not change once released (the checksums of the
/// applied ones are checked on connect): a change is a new migration.
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

/// Connects to `url` (`postgres://…`) and applies pending migrations.
pub async fn connect(url: &str, max_connections: u32) -> StoreResult<PgStore> {
    connect_with(options(url)?, max_connections).await
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
        .connect_with(options(url)?)
        .await
        .map_err(db_err)?;
    sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
        .execute(&admin)
        .await
        .map_err(db_err)?;
    admin.close().await;
    connect_with(
        options(url)?.options([("search_path", schema)]),
        max_connections,
    )
    .await
}

/// The channel on which migration 0012's trigger announces each new library version.
const LIBRARY_CHANNEL: &str = "studypack_library";

/// A listener for the library's changes, on a connection of its own (see
/// [`studypack_store::ChangeNotices`]).
pub struct LibraryNotices {
    listener: sqlx::postgres::PgListener,
    /// The notices of this library start so (its schema and a space); other schemas' are not
    /// for it.
    prefix: String,
}

/// Listens at `url` for the changes of the library in `schema` (`None`: the one the URL's
/// connections use, as [`connect`]'s; `Some`: as [`connect_in_schema`]'s), as every instance's
/// commits announce them.
pub async fn library_notices(url: &str, schema: Option<&str>) -> StoreResult<LibraryNotices> {
    let mut opts = options(url)?;
    if let Some(s) = schema {
        opts = opts.options([("search_path", s)]);
    }
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_lazy_with(opts);
    let mut listener = sqlx::postgres::PgListener::connect_with(&pool)
        .await
        .map_err(db_err)?;
    let schema: String = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(&mut listener)
        .await
        .map_err(db_err)?;
    listener.listen(LIBRARY_CHANNEL).await.map_err(db_err)?;
    Ok(LibraryNotices {
        listener,
        prefix: format!("{schema} "),
    })
}

#[async_trait::async_trait]
impl studypack_store::ChangeNotices for LibraryNotices {
    async fn next(&mut self) -> StoreResult<()> {
        loop {
            match self.listener.try_recv().await.map_err(db_err)? {
                Some(n) if !n.payload().starts_with(&self.prefix) => continue,
                // A notice of this library's; or `None`: the connection was lost (the next
                // call reconnects and listens again), and a change may have been missed.
                _ => return Ok(()),
            }
        }
    }
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
    migrate::apply::<PgDialect, _>(&pool, MIGRATIONS, unix_now()).await?;
    Ok(SqlStore::new(pool))
}

fn db_err(e: sqlx::Error) -> StoreError {
    StoreError::Database(Box::new(e))
}

/// The time recorded for the migrations applied on connect.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
