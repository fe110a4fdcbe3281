//! Essay practice: the timed writing page, the feedback report with every sentence marked
//! by the mark-scheme point it earns, a student's attempts over time, and the feedback and
//! drafts API.

pub(crate) mod api;
pub(crate) mod marking;
mod pages;
pub(crate) mod report;

use crate::guard::Access::{Public, SignedIn};
use crate::routes::Table;

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/questions/{slug}/practice", Public, pages::practice_page)
        .post("/questions/{slug}/practice", Public, pages::submit)
        .get("/attempts/{id}", SignedIn, pages::attempt_page)
        .post("/api/v1/feedback", Public, api::feedback)
        .get("/api/v1/drafts/{slug}", SignedIn, api::get_draft)
        .put("/api/v1/drafts/{slug}", SignedIn, api::save_draft)
}
