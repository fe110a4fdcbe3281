//! Turns a set of source files into one import batch, checking everything before anything is
//! stored: each file's format and fields, duplicate slugs across files, and that every
//! question's topic exists. Every bad file is reported, not just the first.

use std::collections::HashMap;

use crate::authoring::{decode, parse_question, parse_topic};
use crate::error::ContentError;
use crate::model::{Library, Question, Topic};
use crate::page::{looks_like_page, parse_page, to_question};

/// A file to import: a name for messages (its path) and its bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What kind of file a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Topic,
    Question,
    Page,
}

/// Whether a path names a file the importer reads when it walks a folder.
pub fn is_content_path(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    !base.starts_with('.')
        && (base.ends_with(".md") || base.ends_with(".toml") || base.ends_with(".txt"))
}

fn classify(name: &str, text: &str) -> Result<SourceKind, ContentError> {
    if name.ends_with(".toml") {
        Ok(SourceKind::Topic)
    } else if text.trim_start().starts_with("+++") {
        Ok(SourceKind::Question)
    } else if looks_like_page(text) {
        Ok(SourceKind::Page)
    } else if text.trim().is_empty() {
        Err(ContentError::new(name, "the file is empty"))
    } else {
        Err(ContentError::new(
            name,
            "not a studypack file: expected a topic file (.toml), a question file starting with '+++' front matter, or a revision-site page",
        )
        .at_line(1))
    }
}

/// Builds the batch. `known` are the topics already in the library.
pub fn build_batch(files: &[SourceFile], known: &[Topic]) -> Result<Library, Vec<ContentError>> {
    let mut errors = Vec::new();
    let mut topics: Vec<(String, Topic)> = Vec::new();
    let mut questions: Vec<(String, Question)> = Vec::new();
    let mut pages = Vec::new();
    for f in files {
        let text = match decode(&f.name, &f.bytes) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let parsed = classify(&f.name, text).and_then(|kind| match kind {
            SourceKind::Topic => {
                parse_topic(&f.name, text).map(|t| topics.push((f.name.clone(), t)))
            }
            SourceKind::Question => {
                parse_question(&f.name, text).map(|q| questions.push((f.name.clone(), q)))
            }
            SourceKind::Page => parse_page(&f.name, text).map(|p| pages.push((f.name.clone(), p))),
        });
        if let Err(e) = parsed {
            errors.push(e);
        }
    }

    // Topics of this batch replace the library's topics of the same slug.
    let mut all_topics: Vec<Topic> = topics.iter().map(|(_, t)| t.clone()).collect();
    all_topics.extend(
        known
            .iter()
            .filter(|k| !topics.iter().any(|(_, t)| t.slug == k.slug))
            .cloned(),
    );
    for (name, page) in &pages {
        match to_question(name, page, &all_topics) {
            Ok((new_topic, q)) => {
                if let Some(t) = new_topic
                    && !all_topics.iter().any(|x| x.slug == t.slug)
                {
                    all_topics.push(t.clone());
                    topics.push((name.clone(), t));
                }
                questions.push((name.clone(), q));
            }
            Err(e) => errors.push(e),
        }
    }

    let mut seen: HashMap<String, &str> = HashMap::new();
    for (name, t) in &topics {
        if let Some(first) = seen.insert(format!("topic {}", t.slug), name) {
            errors.push(
                ContentError::new(
                    name,
                    format!("duplicate topic slug '{}': also defined in {first}", t.slug),
                )
                .field("slug"),
            );
        }
    }
    for (name, q) in &questions {
        if let Some(first) = seen.insert(format!("question {}", q.slug), name) {
            errors.push(
                ContentError::new(
                    name,
                    format!("duplicate question slug '{}': also in {first}", q.slug),
                )
                .field("slug"),
            );
        }
        if !all_topics.iter().any(|t| t.slug == q.topic) {
            errors.push(
                ContentError::new(
                    name,
                    format!(
                        "topic '{}' is not in the library or in this import",
                        q.topic
                    ),
                )
                .field("topic"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Library {
        topics: topics.into_iter().map(|(_, t)| t).collect(),
        questions: questions.into_iter().map(|(_, q)| q).collect(),
    })
}
