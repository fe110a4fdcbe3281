//! The SQL behind [`LibraryStore`](crate::LibraryStore), [`AccountStore`](crate::AccountStore)
//! and [`PracticeStore`](crate::PracticeStore), written once for SQLite and PostgreSQL.
//!
//! [`SqlStore<DB>`] holds a connection pool of any sqlx database and implements the three
//! traits (in [`library`], [`accounts`] and [`practice`]). The statements are the same on both
//! databases (`$1` placeholders, `RETURNING`, `ON CONFLICT … DO UPDATE SET … = excluded.…`);
//! the column types differ only in each backend's migrations, and the few other differences
//! (for the migration runner) are the backend crate's [`Dialect`].
//!
//! Every generic impl block carries the same `where` clause, what sqlx needs to run a query
//! on `DB` and bind and read the Rust types used here:
//!
//! ```text
//! for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,   // run queries
//! for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,              // bind arguments
//! for<'r> &'r str: ColumnIndex<DB::Row> + Encode<'r, DB> + Type<DB>, // columns by name; bind &str
//! usize: ColumnIndex<DB::Row>,                                   // tuples and scalars
//! i64: SqlValue<DB>, i32: SqlValue<DB>, bool: SqlValue<DB>, String: SqlValue<DB>,
//! ```
//!
//! (Rust does not carry such bounds along with a trait bound, so a trait cannot bundle them
//! all; [`SqlValue`] bundles those of the value types.)

pub mod accounts;
pub mod classes;
pub mod library;
pub mod migrate;
pub mod practice;

use sqlx::{Database, Decode, Encode, Pool, Type};

use crate::StoreError;

pub use migrate::{Migration, checksum};

/// Where a backend differs from the others, as far as the shared code must know. The store's
/// own statements are identical on every backend; what differs is how the migration runner
/// inspects its table and keeps other instances out while it works.
pub trait Dialect {
    /// The sqlx database.
    type Db: Database;
    /// A query answering how many columns named `checksum` the table `studypack_migrations`
    /// has (0 in a database made before migrations were checksummed, else 1).
    const CHECKSUM_COLUMN_COUNT: &'static str;
    /// Statements run on the migrating connection before and after the migrations, so that
    /// instances starting together do not race (PostgreSQL: an advisory lock). `None`: the
    /// database is one process's (SQLite).
    const MIGRATION_LOCK: Option<(&'static str, &'static str)>;
}

/// A Rust type that `DB` can bind as an argument and read back from a column.
pub trait SqlValue<DB: Database>:
    Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>
{
}

impl<DB: Database, T> SqlValue<DB> for T where
    T: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>
{
}

/// The store over a pool of `DB`: the backend crates open the pool, apply their migrations
/// (see [`migrate::apply`]) and wrap it; all of the store traits' SQL is here.
#[derive(Debug)]
pub struct SqlStore<DB: Database> {
    pool: Pool<DB>,
}

impl<DB: Database> Clone for SqlStore<DB> {
    fn clone(&self) -> Self {
        SqlStore {
            pool: self.pool.clone(),
        }
    }
}

impl<DB: Database> SqlStore<DB> {
    /// Wraps an open pool whose database has been migrated.
    pub fn new(pool: Pool<DB>) -> SqlStore<DB> {
        SqlStore { pool }
    }

    /// The connection pool, for the crates that add tables of their own beside the library.
    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }
}

/// A database failure, kept for the logs.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    StoreError::Database(Box::new(e))
}

/// Stored data that does not read back.
pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}
