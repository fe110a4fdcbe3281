//! Who may read what: account roles and the scope of a Study Pack.
//!
//! The premium rule is pure and lives here so that every surface (pages, API, exports,
//! feedback) asks the same question: does this reader's pack cover this question's topic?

use std::fmt;
use std::str::FromStr;

use crate::error::InvalidValue;
use crate::model::{Board, Level, Slug, Topic};

/// An account's role. Editors and admins read all premium content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Student,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Student, Role::Editor, Role::Admin];

    pub fn label(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Editors and admins edit the library and read every model essay.
    pub fn edits(self) -> bool {
        matches!(self, Role::Editor | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Role {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Role, InvalidValue> {
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.label().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                InvalidValue(format!(
                    "unknown role {s:?}; expected one of: student, editor, admin"
                ))
            })
    }
}

/// What a Study Pack covers: everything, or the questions of one board, level, subject or
/// topic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PackScope {
    All,
    Board(Board),
    Subject(String),
    Level(Level),
    Topic(Slug),
}

impl PackScope {
    /// Whether a pack of this scope opens the premium content of questions on `topic`.
    pub fn covers(&self, topic: &Topic) -> bool {
        match self {
            PackScope::All => true,
            PackScope::Board(b) => topic.board == Some(*b),
            PackScope::Subject(s) => topic.subject.eq_ignore_ascii_case(s),
            PackScope::Level(l) => topic.level == Some(*l),
            PackScope::Topic(s) => topic.slug == *s,
        }
    }

    /// A name for people: "all premium content", "AQA questions".
    pub fn describe(&self) -> String {
        match self {
            PackScope::All => "every model essay".into(),
            PackScope::Board(b) => format!("{b} model essays"),
            PackScope::Subject(s) => format!("{s} model essays"),
            PackScope::Level(l) => format!("{l} model essays"),
            PackScope::Topic(t) => format!("model essays on topic {t}"),
        }
    }
}

impl fmt::Display for PackScope {
    /// The stored and typed form: `all`, `board:AQA`, `level:A Level`, `subject:History`,
    /// `topic:SLUG`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackScope::All => f.write_str("all"),
            PackScope::Board(b) => write!(f, "board:{b}"),
            PackScope::Subject(s) => write!(f, "subject:{s}"),
            PackScope::Level(l) => write!(f, "level:{l}"),
            PackScope::Topic(t) => write!(f, "topic:{t}"),
        }
    }
}

impl FromStr for PackScope {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<PackScope, InvalidValue> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(PackScope::All);
        }
        let bad = || {
            InvalidValue(format!(
                "unknown pack {s:?}; expected `all`, `board:BOARD` (e.g. board:AQA), `level:LEVEL`, `subject:SUBJECT` or `topic:SLUG`"
            ))
        };
        let (kind, value) = s.split_once(':').ok_or_else(bad)?;
        match kind.trim().to_ascii_lowercase().as_str() {
            "board" => Ok(PackScope::Board(value.parse()?)),
            "level" => Ok(PackScope::Level(value.parse()?)),
            "subject" if !value.trim().is_empty() && value.len() <= 80 => {
                Ok(PackScope::Subject(value.trim().to_string()))
            }
            "topic" => Ok(PackScope::Topic(Slug::parse(value.trim())?)),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Period;

    fn topic(slug: &str, board: Option<Board>, level: Option<Level>) -> Topic {
        Topic {
            slug: Slug::parse(slug).unwrap(),
            title: "T".into(),
            aliases: vec![],
            subject: if slug == "russia" {
                "History"
            } else {
                "Politics"
            }
            .into(),
            board,
            level,
            component: None,
            period: Period::new(1900, 1950).unwrap(),
            rubric: None,
            glossary: vec![],
            timeline: vec![],
            offices: vec![],
        }
    }

    #[test]
    fn scopes_parse_print_and_cover() {
        let aqa = topic("russia", Some(Board::Aqa), Some(Level::ALevel));
        let ocr = topic("cold-war", Some(Board::Ocr), Some(Level::AsLevel));
        for (text, printed, covers_aqa, covers_ocr) in [
            ("all", "all", true, true),
            ("board:AQA", "board:AQA", true, false),
            ("Board: ocr", "board:OCR", false, true),
            ("level:A Level", "level:A Level", true, false),
            ("topic:cold-war", "topic:cold-war", false, true),
            ("subject:history", "subject:history", true, false),
        ] {
            let s: PackScope = text.parse().unwrap();
            assert_eq!(s.to_string(), printed);
            assert_eq!(s.to_string().parse::<PackScope>().unwrap(), s);
            assert_eq!(s.covers(&aqa), covers_aqa, "{text}");
            assert_eq!(s.covers(&ocr), covers_ocr, "{text}");
        }
        for bad in [
            "",
            "everything",
            "board:",
            "subject:",
            "board:Nowhere",
            "topic:Not A Slug",
            "colour:red",
        ] {
            assert!(bad.parse::<PackScope>().is_err(), "{bad}");
        }
    }

    #[test]
    fn roles() {
        assert_eq!("Admin".parse::<Role>().unwrap(), Role::Admin);
        assert!(Role::Editor.edits() && Role::Admin.edits() && !Role::Student.edits());
        assert!("root".parse::<Role>().is_err());
    }
}
