//! A fresh, empty database for a test on every backend the run has: SQLite always, and
//! PostgreSQL when `STUDYPACK_TEST_DATABASE_URL` is set (each test in its own schema).
//! With `STUDYPACK_REQUIRE_POSTGRES=1` (set by CI) a missing URL is a failure, not a skip.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use studypack_store::{Store, StoreResult};

pub const DATABASE_URL_VAR: &str = "STUDYPACK_TEST_DATABASE_URL";
pub const REQUIRE_POSTGRES_VAR: &str = "STUDYPACK_REQUIRE_POSTGRES";

/// One backend's fresh database.
pub struct TestDb {
    pub label: &'static str,
    pub store: Arc<dyn Store>,
    /// How to open the same database again (a second instance): a URL and, for PostgreSQL, the schema.
    pub url: String,
    pub schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL URL for tests, if this run has one.
pub fn postgres_url() -> Option<String> {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var(REQUIRE_POSTGRES_VAR)
                    .map(|v| v != "1")
                    .unwrap_or(true),
                "{REQUIRE_POSTGRES_VAR}=1 but {DATABASE_URL_VAR} is not set: the PostgreSQL tests would be skipped"
            );
            None
        }
    }
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = studypack_store_sqlite::open(&url, 4)
            .await
            .expect("a fresh SQLite database");
        TestDb {
            label: "sqlite",
            store: Arc::new(store),
            url,
            schema: None,
            _dir: Some(dir),
        }
    }

    pub async fn postgres(url: &str) -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!("t_{}_{}_{}", std::process::id(), n, nanos);
        let store = studypack_store_postgres::connect_in_schema(url, &schema, 4)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {url}: {e}"));
        TestDb {
            label: "postgres",
            store: Arc::new(store),
            url: url.to_string(),
            schema: Some(schema),
            _dir: None,
        }
    }

    /// The database's notices of the library's changes, as an instance listens for them
    /// (PostgreSQL's; `None` on SQLite, which gives none).
    pub async fn change_notices(&self) -> Option<Box<dyn studypack_store::ChangeNotices>> {
        match &self.schema {
            Some(schema) => Some(Box::new(
                studypack_store_postgres::library_notices(&self.url, Some(schema))
                    .await
                    .unwrap_or_else(|e| panic!("listening at {}: {e}", self.url)),
            )),
            None => None,
        }
    }

    /// A second connection pool to the same database, as another instance would have.
    pub async fn reopen(&self) -> Arc<dyn Store> {
        self.try_reopen()
            .await
            .unwrap_or_else(|e| panic!("reopen {}: {e}", self.label))
    }

    /// Opens the same database again, with its migration checks, and the error if it fails.
    pub async fn try_reopen(&self) -> StoreResult<Arc<dyn Store>> {
        Ok(match &self.schema {
            Some(schema) => {
                Arc::new(studypack_store_postgres::connect_in_schema(&self.url, schema, 4).await?)
            }
            None => Arc::new(studypack_store_sqlite::open(&self.url, 4).await?),
        })
    }

    /// Runs a query answering one integer on the database directly, behind the store's back.
    pub async fn scalar(&self, sql: &str) -> i64 {
        match &self.schema {
            Some(schema) => {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&self.url)
                    .await
                    .expect("PostgreSQL");
                sqlx::query(&format!("SET search_path TO {schema}"))
                    .execute(&pool)
                    .await
                    .unwrap();
                let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
                pool.close().await;
                n
            }
            None => {
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect(&self.url)
                    .await
                    .expect("SQLite");
                let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
                pool.close().await;
                n
            }
        }
    }

    /// Drops the test's PostgreSQL schema.
    /// Runs one SQL statement on the database directly, behind the store's back (as another
    /// program would): for tests of what an instance has loaded and what it reads afresh.
    pub async fn execute_raw(&self, sql: &str) {
        match &self.schema {
            Some(schema) => {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&self.url)
                    .await
                    .expect("PostgreSQL");
                sqlx::query(&format!("SET search_path TO {schema}"))
                    .execute(&pool)
                    .await
                    .unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
            None => {
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect(&self.url)
                    .await
                    .expect("SQLite");
                sqlx::query(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }

    pub async fn cleanup(mut self) {
        if let Some(schema) = self.schema.take() {
            drop_schema(&self.url, &schema).await;
        }
    }
}

/// A fresh database on every backend of this run.
impl Drop for TestDb {
    /// Drops the test's PostgreSQL schema even if the test did not call [`TestDb::cleanup`];
    /// a test that panicked keeps its schema, for a look at what it left.
    fn drop(&mut self) {
        let Some(schema) = self.schema.take() else {
            return;
        };
        if std::thread::panicking() {
            eprintln!("kept PostgreSQL schema {schema} of a failed test");
            return;
        }
        let url = self.url.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread of its
        // own, with a runtime of its own, does the work.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(drop_schema(&url, &schema));
        })
        .join();
    }
}

async fn drop_schema(url: &str, schema: &str) {
    if let Ok(pool) = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
    {
        let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .execute(&pool)
            .await;
        pool.close().await;
    }
}

/// One test per backend, so that a failure names its backend: `NAME::sqlite` and
/// `NAME::postgres` (the latter skipped, with a note, when no PostgreSQL URL is set; failed
/// when `STUDYPACK_REQUIRE_POSTGRES=1`). The body gets a fresh [`TestDb`] as `DB`.
///
/// ```ignore
/// backend_test! {
///     /// What it shows.
///     async fn drafts_survive(db) { let app = TestApp::builder().start_on(db).await; … }
/// }
/// ```
#[macro_export]
macro_rules! backend_test {
    ($(#[$attr:meta])* async fn $name:ident($db:ident) $body:block) => {
        $(#[$attr])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: $crate::TestDb) $body

            #[tokio::test]
            async fn sqlite() {
                body($crate::TestDb::sqlite().await).await
            }

            #[tokio::test]
            async fn postgres() {
                match $crate::postgres_url() {
                    Some(url) => body($crate::TestDb::postgres(&url).await).await,
                    None => eprintln!("skipped: {} is not set", $crate::DATABASE_URL_VAR),
                }
            }
        }
    };
}

pub async fn test_databases() -> Vec<TestDb> {
    let mut v = vec![TestDb::sqlite().await];
    if let Some(url) = postgres_url() {
        v.push(TestDb::postgres(&url).await);
    }
    v
}
