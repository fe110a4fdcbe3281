//! An index kept on local disk: opening the one a directory holds, or making one there, and
//! what each commit records so that a later start knows what the index holds.
//!
//! Each commit's payload is one line: `studypack-search <FORMAT> <holds> <library> <version>`.
//! An index is reopened only when the schema, the format, what it holds and the library all
//! match; otherwise it is made again (a new schema) or reported as holding nothing (another
//! library), and the caller rebuilds it.

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};

use tantivy::Index;
use tantivy::schema::Schema;

use crate::{Result, SearchError};

/// Bumped when what a document holds changes without the schema changing.
const FORMAT: u32 = 1;

/// What an index records with each commit.
pub(crate) struct Record {
    library: String,
    /// The version last committed; -1 for none.
    version: AtomicI64,
}

impl Record {
    pub(crate) fn new(library: &str, version: Option<i64>) -> Record {
        Record {
            library: library.to_string(),
            version: AtomicI64::new(version.unwrap_or(-1)),
        }
    }

    pub(crate) fn version(&self) -> Option<i64> {
        Some(self.version.load(Ordering::SeqCst)).filter(|v| *v >= 0)
    }

    pub(crate) fn payload(&self, holds: studypack_domain::Status, version: i64) -> String {
        payload(holds, &self.library, version)
    }

    pub(crate) fn committed(&self, version: i64) {
        self.version.store(version, Ordering::SeqCst);
    }
}

fn payload(holds: studypack_domain::Status, library: &str, version: i64) -> String {
    format!(
        "studypack-search {FORMAT} {} {library} {version}",
        holds.label()
    )
}

/// The version a payload records, if it is one of ours for `holds` and `library`.
fn recorded_version(payload: &str, holds: studypack_domain::Status, library: &str) -> Option<i64> {
    let (rest, version) = payload.rsplit_once(' ')?;
    let version: i64 = version.parse().ok().filter(|v| *v >= 0)?;
    (rest == payload_prefix(holds, library)).then_some(version)
}

fn payload_prefix(holds: studypack_domain::Status, library: &str) -> String {
    format!("studypack-search {FORMAT} {} {library}", holds.label())
}

fn failed(dir: &Path, reason: impl std::fmt::Display) -> SearchError {
    SearchError::Directory {
        dir: dir.display().to_string(),
        reason: reason.to_string(),
    }
}

/// The index in `dir` and the version its last commit recorded for `library` (`None`: it
/// holds nothing of this library yet). A directory that is neither empty nor an index is
/// refused, never emptied.
pub(crate) fn open_or_create(
    dir: &Path,
    schema: &Schema,
    library: &str,
    holds: studypack_domain::Status,
) -> Result<(Index, Option<i64>)> {
    if library.is_empty() || library.contains(char::is_whitespace) {
        return Err(failed(dir, "the library's identity must be one word"));
    }
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    let has_index = dir.join("meta.json").exists();
    if has_index {
        let index = Index::open_in_dir(dir).map_err(|e| failed(dir, e))?;
        if index.schema() == *schema {
            let metas = index.load_metas().map_err(|e| failed(dir, e))?;
            let version = metas
                .payload
                .as_deref()
                .and_then(|p| recorded_version(p, holds, library));
            return Ok((index, version));
        }
        // An index of an older studypack: made again.
        std::fs::remove_dir_all(dir).map_err(|e| failed(dir, e))?;
        std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    } else if std::fs::read_dir(dir)
        .map_err(|e| failed(dir, e))?
        .next()
        .is_some()
    {
        return Err(failed(dir, "it is not empty and holds no search index"));
    }
    let index = Index::create_in_dir(dir, schema.clone()).map_err(|e| failed(dir, e))?;
    Ok((index, None))
}

#[cfg(test)]
mod tests {
    use studypack_domain::Status;

    #[test]
    fn a_payload_is_read_back_only_for_its_library_and_holdings() {
        let p = super::payload(Status::Published, "lib-1", 42);
        assert_eq!(
            super::recorded_version(&p, Status::Published, "lib-1"),
            Some(42)
        );
        assert_eq!(super::recorded_version(&p, Status::Draft, "lib-1"), None);
        assert_eq!(
            super::recorded_version(&p, Status::Published, "lib-2"),
            None
        );
        assert_eq!(
            super::recorded_version(
                "studypack-search 0 published lib-1 42",
                Status::Published,
                "lib-1"
            ),
            None
        );
        assert_eq!(
            super::recorded_version("garbage", Status::Published, "lib-1"),
            None
        );
    }
}
