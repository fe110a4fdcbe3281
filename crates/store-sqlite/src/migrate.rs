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
    (
        3,
        "accounts",
        include_str!("../migrations/0003_accounts.sql"),
    ),
];

pub async fn run(pool: &SqlitePool) -> StoreResult<()> {
    let mut conn = pool
        .acquire()
        .await
        .map_err(|e| StoreError::Database(Box::new(e)))?;
    crate::apply_migrations(&mut conn, MIGRATIONS).await
}
