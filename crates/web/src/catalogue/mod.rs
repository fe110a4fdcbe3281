//! The catalogue: the home page, browsing by board and topic, a question's page, search —
//! as pages and as the JSON API.

pub(crate) mod api;
mod body;
mod pages;
mod params;
mod premium;
mod question;

pub(crate) use question::{markable, own_question, practisable, published};

use crate::guard::Access::Public;
use crate::routes::Table;

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/", Public, pages::home)
        .get("/questions", Public, pages::browse)
        .get("/questions/{slug}", Public, pages::question)
        .get("/topics/{slug}", Public, pages::topic)
        .get("/search", Public, pages::search)
        .get("/api/v1/questions", Public, api::list_questions)
        .get("/api/v1/questions/{slug}", Public, api::get_question)
        .get("/api/v1/search", Public, api::search)
}
