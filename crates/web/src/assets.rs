//! Files built into the program: the stylesheet and the practice page's script.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::guard::Access::Public;
use crate::routes::Table;

const STYLESHEET: &str = include_str!("../static/style.css");
const PRACTICE_SCRIPT: &str = include_str!("../static/practice.js");

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/static/style.css", Public, stylesheet)
        .get("/static/practice.js", Public, practice_script)
}

async fn stylesheet() -> Response {
    static_asset(STYLESHEET, "text/css; charset=utf-8")
}

async fn practice_script() -> Response {
    static_asset(PRACTICE_SCRIPT, "text/javascript; charset=utf-8")
}

/// A file built into the program, served with its type and cached for an hour.
fn static_asset(body: &'static str, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    res
}
