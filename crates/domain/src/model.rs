//! Validated types of the essay library.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::InvalidValue;

/// A stable identifier: 3–120 characters of lowercase ASCII letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Slug, InvalidValue> {
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !(3..=120).contains(&s.len()) {
            return Err(InvalidValue(format!(
                "a slug has 3 to 120 characters, found {}",
                s.len()
            )));
        }
        if !ok_chars || s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(InvalidValue(format!(
                "a slug is lowercase letters, digits and single hyphens, found {s:?}"
            )));
        }
        Ok(Slug(s.to_string()))
    }

    /// The key of a teacher's own question `id`: `own--42`. A library slug never holds a
    /// double hyphen, so the two can never meet.
    pub fn own_question(id: i64) -> Slug {
        Slug(format!("own--{id}"))
    }

    /// The id of the teacher's own question this key names, if it names one.
    pub fn own_question_id(key: &str) -> Option<i64> {
        let id = key.strip_prefix("own--")?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) || id.starts_with('0') {
            return None;
        }
        id.parse().ok()
    }

    /// Derives a slug from free text: the first words, lowercased, joined by hyphens.
    pub fn from_words(prefix: &str, text: &str, max_words: usize) -> Slug {
        let mut words: Vec<String> = Vec::new();
        for w in prefix.split(|c: char| !c.is_ascii_alphanumeric()).chain(
            crate::text::fold_ascii(text)
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(max_words),
        ) {
            if !w.is_empty() {
                words.push(w.to_ascii_lowercase());
            }
        }
        let mut s = words.join("-");
        if s.len() > 120 {
            s.truncate(120);
            while s.ends_with('-') {
                s.pop();
            }
        }
        while s.len() < 3 {
            s.push('x');
        }
        Slug(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Slug::parse(&s).map_err(serde::de::Error::custom)
    }
}

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $label:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.label()) }
        }

        impl FromStr for $name {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<Self, InvalidValue> {
                let norm = crate::text::normalise_label(s);
                $(
                    if norm == crate::text::normalise_label($label) $(|| norm == crate::text::normalise_label($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                let known: Vec<&str> = vec![$($label),+];
                Err(InvalidValue(format!("unknown {} {:?}; expected one of: {}", $what, s, known.join(", "))))
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.label()) }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

named_enum!(
    /// An exam board.
    Board, "exam board" {
        Aqa => "AQA",
        Ocr => "OCR",
        CambridgeInternational => "Cambridge International" | "Cambridge" | "CIE" | "CAIE",
        PearsonEdexcel => "Pearson Edexcel" | "Edexcel",
        WjecEduqas => "WJEC Eduqas" | "Eduqas" | "WJEC",
    }
);

named_enum!(
    /// A qualification level.
    Level, "level" {
        ALevel => "A Level" | "A-Level" | "A2",
        AsLevel => "AS Level" | "AS-Level" | "AS",
        OLevel => "O Level" | "O-Level",
        Igcse => "IGCSE",
        Gcse => "GCSE",
    }
);

named_enum!(
    /// Which side of the view in the question a mark-scheme point argues.
    Side, "side" {
        Supporting => "supporting" | "supporting the view" | "arguments supporting the view" | "for" | "agree",
        Challenging => "challenging" | "challenging the view" | "arguments challenging the view" | "against" | "disagree",
        Neutral => "neutral" | "other",
    }
);

named_enum!(
    /// Editorial status of a question.
    Status, "status" {
        Draft => "draft",
        Published => "published",
    }
);

/// A range of years, first to last inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: i32,
    pub end: i32,
}

impl Period {
    pub fn new(start: i32, end: i32) -> Result<Period, InvalidValue> {
        if !(-3000..=2200).contains(&start) || !(-3000..=2200).contains(&end) {
            return Err(InvalidValue(format!(
                "years must lie between -3000 and 2200, found {start} and {end}"
            )));
        }
        if start > end {
            return Err(InvalidValue(format!(
                "a period starts before it ends, found {start} to {end}"
            )));
        }
        Ok(Period { start, end })
    }
    pub fn contains(&self, year: i32) -> bool {
        (self.start..=self.end).contains(&year)
    }
}

/// A historical date known to the year, the month or the day: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HistDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl HistDate {
    pub fn year(year: i32) -> HistDate {
        HistDate {
            year,
            month: None,
            day: None,
        }
    }
    /// The date as a comparable ordinal, taking the first day of a month or year.
    pub fn start_key(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }
    /// The date as a comparable ordinal, taking the last day of a month or year.
    pub fn end_key(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(12), self.day.unwrap_or(31))
    }
}

impl FromStr for HistDate {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, InvalidValue> {
        let bad = || {
            InvalidValue(format!(
                "expected a date YYYY, YYYY-MM or YYYY-MM-DD, found {s:?}"
            ))
        };
        let parts: Vec<&str> = s.split('-').collect();
        if parts.is_empty() || parts.len() > 3 || parts[0].len() != 4 {
            return Err(bad());
        }
        let num = |p: &str, len: usize| -> Option<u32> {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let year = num(parts[0], 4).ok_or_else(bad)? as i32;
        let month = match parts.get(1) {
            Some(p) => Some(num(p, 2).filter(|m| (1..=12).contains(m)).ok_or_else(bad)? as u8),
            None => None,
        };
        let day = match parts.get(2) {
            Some(p) => {
                let d = num(p, 2).ok_or_else(bad)?;
                let max = days_in_month(year, month.unwrap_or(1));
                if !(1..=max).contains(&d) {
                    return Err(bad());
                }
                Some(d as u8)
            }
            None => None,
        };
        Ok(HistDate { year, month, day })
    }
}

fn days_in_month(year: i32, month: u8) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for HistDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for HistDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HistDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A paper or component of a specification, e.g. `7042/1H`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    pub code: String,
    pub title: String,
}

/// One level of a board's marking rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RubricLevel {
    pub level: u8,
    pub marks: (u32, u32),
    pub criteria: String,
}

/// A board's levels-of-response rubric, highest level first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rubric {
    pub name: String,
    pub max_marks: u32,
    pub levels: Vec<RubricLevel>,
}

impl Rubric {
    pub fn validate(&self) -> Result<(), InvalidValue> {
        if self.levels.is_empty() {
            return Err(InvalidValue("a rubric needs at least one level".into()));
        }
        let mut prev: Option<&RubricLevel> = None;
        for l in &self.levels {
            if l.marks.0 > l.marks.1 {
                return Err(InvalidValue(format!(
                    "level {}: marks {:?} run backwards",
                    l.level, l.marks
                )));
            }
            if l.marks.1 > self.max_marks {
                return Err(InvalidValue(format!(
                    "level {}: top mark {} is above max_marks {}",
                    l.level, l.marks.1, self.max_marks
                )));
            }
            if let Some(p) = prev
                && (l.level >= p.level || l.marks.1 >= p.marks.0)
            {
                return Err(InvalidValue(format!(
                    "levels must be listed from the highest down with falling marks (level {} after level {})",
                    l.level, p.level
                )));
            }
            prev = Some(l);
        }
        Ok(())
    }
    pub fn top_level(&self) -> u8 {
        self.levels.first().map(|l| l.level).unwrap_or(0)
    }
    pub fn level(&self, level: u8) -> Option<&RubricLevel> {
        self.levels.iter().find(|l| l.level == level)
    }
}

/// A term and the other words that mean the same thing in this topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlossaryEntry {
    pub term: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    pub date: HistDate,
    pub event: String,
}

/// An office held by a person between two dates (`end` is `None` while still held).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Office {
    pub person: String,
    pub office: String,
    pub start: HistDate,
    pub end: Option<HistDate>,
}

/// A topic of a specification, with the reference data the engine and checker use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Topic {
    pub slug: Slug,
    pub title: String,
    pub aliases: Vec<String>,
    pub board: Option<Board>,
    pub level: Option<Level>,
    pub subject: String,
    pub period: Period,
    pub component: Option<Component>,
    pub rubric: Option<Rubric>,
    pub glossary: Vec<GlossaryEntry>,
    pub timeline: Vec<TimelineEvent>,
    pub offices: Vec<Office>,
}

impl Topic {
    /// Whether `title` names this topic (its title or an alias, ignoring case, dashes and spacing).
    pub fn is_called(&self, title: &str) -> bool {
        let want = crate::text::normalise_label(title);
        std::iter::once(&self.title)
            .chain(self.aliases.iter())
            .any(|t| crate::text::normalise_label(t) == want)
    }
}

/// One bullet of a mark scheme's indicative content, as written in the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeBullet {
    pub side: Side,
    pub text: String,
}

impl SchemeBullet {
    /// The bullet's sub-points: the parts between `;`, trimmed, empty parts dropped.
    pub fn sub_points(&self) -> impl Iterator<Item = &str> {
        sub_points(&self.text)
    }
}

/// The points of one bullet's text: its parts between semicolons, trimmed, none empty.
pub fn sub_points(bullet: &str) -> impl Iterator<Item = &str> {
    bullet.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// A single markable point: one sub-point of one bullet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemePoint {
    pub side: Side,
    /// Index of the bullet this point belongs to, within the whole scheme.
    pub bullet: usize,
    pub text: String,
}

/// A mark scheme's indicative content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MarkScheme {
    pub bullets: Vec<SchemeBullet>,
}

impl MarkScheme {
    pub fn side(&self, side: Side) -> impl Iterator<Item = &SchemeBullet> {
        self.bullets.iter().filter(move |b| b.side == side)
    }
    pub fn side_texts(&self, side: Side) -> Vec<String> {
        self.side(side).map(|b| b.text.clone()).collect()
    }
    pub fn points(&self) -> Vec<SchemePoint> {
        let mut out = Vec::new();
        for (i, b) in self.bullets.iter().enumerate() {
            for p in b.sub_points() {
                out.push(SchemePoint {
                    side: b.side,
                    bullet: i,
                    text: p.to_string(),
                });
            }
        }
        out
    }
    pub fn is_empty(&self) -> bool {
        self.bullets.is_empty()
    }
    /// Bullets ordered by side (supporting, challenging, neutral), keeping their order within a side.
    pub fn canonical(mut self) -> MarkScheme {
        self.bullets.sort_by_key(|b| b.side);
        self
    }
}

/// A past-paper essay question with its mark scheme, plan and model essay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub slug: Slug,
    pub title: String,
    pub topic: Slug,
    pub year: u16,
    pub marks: u32,
    pub command: String,
    pub view: Option<String>,
    pub period: Option<Period>,
    pub status: Status,
    pub text: String,
    pub mark_scheme: MarkScheme,
    pub plan: String,
    pub plan_generated: bool,
    pub model_essay: String,
}

/// A set of topics and questions: what an import brings, or the whole library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Library {
    pub topics: Vec<Topic>,
    pub questions: Vec<Question>,
}

impl Library {
    pub fn topic(&self, slug: &Slug) -> Option<&Topic> {
        self.topics.iter().find(|t| &t.slug == slug)
    }
    pub fn question(&self, slug: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.slug.as_str() == slug)
    }
}

/// Command wordings recognised in question text, most specific first.
pub const COMMAND_WORDINGS: &[&str] = &[
    "Assess the validity of this view",
    "How far do you agree",
    "To what extent",
    "How far",
    "How significant",
    "How successful",
    "How important",
    "How accurate is it to say",
    "Evaluate",
    "Assess",
    "Explain why",
    "Discuss",
];

/// The command wording of a question, if it uses one of [`COMMAND_WORDINGS`].
pub fn command_wording(question: &str) -> Option<&'static str> {
    let lower = question.to_lowercase();
    COMMAND_WORDINGS
        .iter()
        .find(|c| lower.contains(&c.to_lowercase()))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_validated() {
        assert!(Slug::parse("aqa-2022-stalin").is_ok());
        for bad in ["", "ab", "Abc", "a--b", "-abc", "abc-", "a b c", "ärger"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Slug::parse(&"a".repeat(121)).is_err());
    }

    #[test]
    fn own_question_keys_never_meet_library_slugs() {
        let k = Slug::own_question(42);
        assert_eq!(k.as_str(), "own--42");
        assert!(
            Slug::parse(k.as_str()).is_err(),
            "no library slug has a double hyphen"
        );
        assert_eq!(Slug::own_question_id("own--42"), Some(42));
        for bad in [
            "own-42",
            "own--",
            "own--042",
            "own--4x",
            "own--99999999999999999999",
            "x-own--4",
        ] {
            assert_eq!(Slug::own_question_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn slug_from_words_is_valid() {
        let s = Slug::from_words("2022", "‘There were more similarities than differences’", 6);
        assert_eq!(
            s.as_str(),
            "2022-there-were-more-similarities-than-differences"
        );
        assert!(Slug::parse(s.as_str()).is_ok());
    }

    #[test]
    fn dates_parse_and_print() {
        for s in ["1953", "1953-09", "1953-09-07", "1600-02-29"] {
            assert_eq!(s.parse::<HistDate>().unwrap().to_string(), s);
        }
        for bad in [
            "53",
            "1953-13",
            "1953-02-30",
            "1900-02-29",
            "1953-9-7",
            "x",
            "1953-09-07-01",
        ] {
            assert!(bad.parse::<HistDate>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn boards_and_levels_accept_common_spellings() {
        assert_eq!(
            "Cambridge".parse::<Board>().unwrap(),
            Board::CambridgeInternational
        );
        assert_eq!("a-level".parse::<Level>().unwrap(), Level::ALevel);
        assert_eq!(
            "Arguments supporting the view".parse::<Side>().unwrap(),
            Side::Supporting
        );
        let err = "Hogwarts".parse::<Board>().unwrap_err();
        assert!(err.0.contains("AQA"), "{err}");
    }

    #[test]
    fn scheme_points_split_at_semicolons() {
        let scheme = MarkScheme {
            bullets: vec![
                SchemeBullet {
                    side: Side::Supporting,
                    text: "a; b ;; c".into(),
                },
                SchemeBullet {
                    side: Side::Challenging,
                    text: "d".into(),
                },
            ],
        };
        let pts = scheme.points();
        assert_eq!(
            pts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
        assert_eq!(pts[3].bullet, 1);
        assert_eq!(pts[3].side, Side::Challenging);
    }

    #[test]
    fn rubric_validation() {
        let mut r = Rubric {
            name: "r".into(),
            max_marks: 25,
            levels: vec![
                RubricLevel {
                    level: 2,
                    marks: (11, 25),
                    criteria: "x".into(),
                },
                RubricLevel {
                    level: 1,
                    marks: (1, 10),
                    criteria: "y".into(),
                },
            ],
        };
        assert!(r.validate().is_ok());
        r.levels.swap(0, 1);
        assert!(r.validate().is_err());
    }

    #[test]
    fn command_wording_found() {
        assert_eq!(
            command_wording("‘X.’ Assess the validity of this view of the years 1941 to 1964."),
            Some("Assess the validity of this view")
        );
        assert_eq!(
            command_wording("To what extent was X?"),
            Some("To what extent")
        );
        assert_eq!(command_wording("Describe X."), None);
    }
}
