//! The demo library in `content/`, embedded at build time. It is loaded into an empty database.

use include_dir::{Dir, include_dir};
use studypack_domain::Library;
use studypack_domain::import::{SourceFile, build_batch, is_content_path};

static CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../content");

/// The demo library's files, named `content/<path>`, in path order.
pub fn files() -> Vec<SourceFile> {
    let mut out = Vec::new();
    collect(&CONTENT, &mut out);
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn collect(dir: &Dir<'static>, out: &mut Vec<SourceFile>) {
    for f in dir.files() {
        let name = format!("content/{}", f.path().display());
        if is_content_path(&name) {
            out.push(SourceFile {
                name,
                bytes: f.contents().to_vec(),
            });
        }
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The demo library, parsed and checked.
pub fn library() -> Library {
    match build_batch(&files(), &[]) {
        Ok(lib) => lib,
        Err(errors) => {
            let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!(
                "the embedded demo library is invalid (a build defect):\n{}",
                msgs.join("\n")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use studypack_domain::{Board, Side};

    #[test]
    fn demo_library_meets_its_brief() {
        let lib = super::library();
        assert!(
            lib.questions.len() >= 12,
            "{} questions",
            lib.questions.len()
        );
        assert!(lib.topics.len() >= 4);
        for b in [Board::Aqa, Board::Ocr, Board::CambridgeInternational] {
            assert!(
                lib.topics.iter().any(|t| t.board == Some(b)),
                "no {b} topic"
            );
        }
        for t in &lib.topics {
            assert!(
                t.timeline.len() >= 40,
                "{}: {} timeline entries",
                t.slug,
                t.timeline.len()
            );
            assert!(
                !t.glossary.is_empty() && !t.offices.is_empty() && t.rubric.is_some(),
                "{}",
                t.slug
            );
        }
        for q in &lib.questions {
            assert!(
                q.mark_scheme.side(Side::Supporting).count() >= 4,
                "{}",
                q.slug
            );
            assert!(
                q.mark_scheme.side(Side::Challenging).count() >= 4,
                "{}",
                q.slug
            );
            assert!(!q.plan.is_empty(), "{} has no plan", q.slug);
            let words = q.model_essay.split_whitespace().count();
            assert!(words >= 700, "{}: essay of {words} words", q.slug);
        }
        let russia = lib
            .topics
            .iter()
            .find(|t| t.component.as_ref().is_some_and(|c| c.code == "7042/1H"))
            .expect("AQA 7042/1H");
        let rubric = russia.rubric.as_ref().unwrap();
        let ranges: Vec<(u8, (u32, u32))> =
            rubric.levels.iter().map(|l| (l.level, l.marks)).collect();
        assert_eq!(
            ranges,
            [
                (5, (21, 25)),
                (4, (16, 20)),
                (3, (11, 15)),
                (2, (6, 10)),
                (1, (1, 5))
            ]
        );
        assert!(lib.questions.iter().any(|q| q.topic == russia.slug
            && q.period.is_some_and(|p| p.start >= 1941 && p.end <= 1964)));
    }
}
