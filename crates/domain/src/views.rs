//! Serialisable views of the library shared by the CLI's JSON and the web API.

use serde::Serialize;

use crate::model::*;

/// A question with its topic's board, level and component: `show --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionDetail {
    pub slug: String,
    pub title: String,
    pub board: Option<Board>,
    pub level: Option<Level>,
    pub component: Option<Component>,
    pub topic: String,
    pub topic_slug: String,
    pub year: u16,
    pub question: String,
    pub marks: u32,
    pub command: String,
    pub view: Option<String>,
    pub period: Option<Period>,
    pub status: Status,
    pub mark_scheme: SchemeView,
    pub plan: String,
    pub plan_generated: bool,
    /// `None` where the reader may not see it (premium content).
    pub model_essay: Option<String>,
}

/// A mark scheme's bullets by side, one string per bullet as written.
#[derive(Debug, Clone, Serialize)]
pub struct SchemeView {
    pub supporting: Vec<String>,
    pub challenging: Vec<String>,
    pub neutral: Vec<String>,
}

impl SchemeView {
    pub fn new(s: &MarkScheme) -> SchemeView {
        SchemeView {
            supporting: s.side_texts(Side::Supporting),
            challenging: s.side_texts(Side::Challenging),
            neutral: s.side_texts(Side::Neutral),
        }
    }
}

impl QuestionDetail {
    pub fn new(q: &Question, topic: &Topic) -> QuestionDetail {
        QuestionDetail {
            slug: q.slug.to_string(),
            title: q.title.clone(),
            board: topic.board,
            level: topic.level,
            component: topic.component.clone(),
            topic: topic.title.clone(),
            topic_slug: topic.slug.to_string(),
            year: q.year,
            question: q.text.clone(),
            marks: q.marks,
            command: q.command.clone(),
            view: q.view.clone(),
            period: q.period,
            status: q.status,
            mark_scheme: SchemeView::new(&q.mark_scheme),
            plan: q.plan.clone(),
            plan_generated: q.plan_generated,
            model_essay: Some(q.model_essay.clone()).filter(|e| !e.is_empty()),
        }
    }
}
