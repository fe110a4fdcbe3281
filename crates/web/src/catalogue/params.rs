//! The catalogue's query parameters, shared by its pages and its API: filters of a listing
//! and a search, checked and turned into the store's and the index's requests.

use serde::Deserialize;
use studypack_domain::{Board, Level};
use studypack_search::SearchRequest;
use studypack_store::QuestionFilter;

use crate::error::WebError;

/// Filters shared by the browse page and `GET /api/v1/questions`. Numbers are read as text
/// so that a bad one gets a message that names it; the document gives their real types.
#[derive(Debug, Default, Deserialize, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Exam board, e.g. AQA, OCR, Cambridge International
    pub board: Option<String>,
    /// Qualification level, e.g. A Level
    pub level: Option<String>,
    /// Topic slug, or words of the topic title
    pub topic: Option<String>,
    /// Year examined
    #[param(value_type = Option<u16>, minimum = 0, maximum = 65535)]
    pub year: Option<String>,
    /// Command wording, e.g. Assess the validity of this view
    pub command: Option<String>,
    /// Page number, 1 to 100000
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100000)]
    pub page: Option<String>,
    /// Items per page, 1 to 100 (default 20)
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
}

pub(crate) fn blank(o: &Option<String>) -> Option<&str> {
    o.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ListParams {
    pub fn page(&self) -> Result<u32, WebError> {
        match blank(&self.page) {
            None => Ok(1),
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=100_000).contains(p))
                .ok_or_else(|| {
                    WebError::BadRequest(format!("page must be a whole number from 1, found {p:?}"))
                }),
        }
    }
    pub fn per_page(&self) -> Result<u32, WebError> {
        match blank(&self.per_page) {
            None => Ok(20),
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=100).contains(p))
                .ok_or_else(|| {
                    WebError::BadRequest(format!("per_page must be from 1 to 100, found {p:?}"))
                }),
        }
    }
    pub fn filter(&self) -> Result<QuestionFilter, WebError> {
        let per_page = self.per_page()?;
        Ok(QuestionFilter {
            board: blank(&self.board)
                .map(|b| b.parse::<Board>())
                .transpose()
                .map_err(|e| WebError::BadRequest(e.0))?,
            level: blank(&self.level)
                .map(|l| l.parse::<Level>())
                .transpose()
                .map_err(|e| WebError::BadRequest(e.0))?,
            topic: blank(&self.topic).map(str::to_string),
            year: blank(&self.year)
                .map(|y| {
                    y.parse::<u16>().map_err(|_| {
                        WebError::BadRequest(format!(
                            "year must be a year such as 2022, found {y:?}"
                        ))
                    })
                })
                .transpose()?,
            command: blank(&self.command).map(str::to_string),
            include_drafts: false,
            limit: Some(per_page),
            offset: (self.page()? - 1) * per_page,
        })
    }
}

/// A search, from the search page or `GET /api/v1/search`.
#[derive(Debug, Default, Deserialize, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Query: words, "phrases"; misspelt names are tolerated (at most 500 characters)
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// Exam board
    pub board: Option<String>,
    /// Qualification level
    pub level: Option<String>,
    /// Topic slug
    pub topic: Option<String>,
    /// Command wording
    pub command: Option<String>,
    /// Earliest year examined, 1900 to 2100
    #[param(value_type = Option<i64>, minimum = 1900, maximum = 2100)]
    pub year_from: Option<String>,
    /// Latest year examined, 1900 to 2100
    #[param(value_type = Option<i64>, minimum = 1900, maximum = 2100)]
    pub year_to: Option<String>,
    /// Page number, 1 to 100000
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100000)]
    pub page: Option<String>,
}

/// The longest query accepted, in characters.
pub const MAX_QUERY: usize = 500;

impl SearchParams {
    pub fn request(&self, per_page: usize) -> Result<SearchRequest, WebError> {
        let q = self.q.clone().unwrap_or_default();
        if q.chars().count() > MAX_QUERY {
            return Err(WebError::BadRequest(format!(
                "the query is longer than {MAX_QUERY} characters"
            )));
        }
        let year = |v: &Option<String>, name: &str| -> Result<Option<i64>, WebError> {
            blank(v)
                .map(|y| {
                    y.parse::<i64>()
                        .ok()
                        .filter(|y| (1900..=2100).contains(y))
                        .ok_or_else(|| {
                            WebError::BadRequest(format!("{name} must be a year such as 2022"))
                        })
                })
                .transpose()
        };
        let page = ListParams {
            page: self.page.clone(),
            ..Default::default()
        }
        .page()?;
        Ok(SearchRequest {
            q,
            board: blank(&self.board).map(str::to_string),
            level: blank(&self.level).map(str::to_string),
            topic: blank(&self.topic).map(str::to_string),
            command: blank(&self.command).map(str::to_string),
            year_from: year(&self.year_from, "year_from")?,
            year_to: year(&self.year_to, "year_to")?,
            limit: per_page,
            offset: (page as usize - 1) * per_page,
        })
    }
}

/// Rejects a parameter given with an empty value (`page=`): in the API an integer parameter
/// is a number or absent.
pub(crate) fn no_empty(name: &str, v: &Option<String>) -> Result<(), WebError> {
    match v {
        Some(s) if s.trim().is_empty() => Err(WebError::BadRequest(format!(
            "{name} is empty: give a number or leave the parameter out"
        ))),
        _ => Ok(()),
    }
}
