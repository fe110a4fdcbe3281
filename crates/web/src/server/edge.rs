//! Checks made on every request before any handler sees it: text that no backend can store.
//!
//! PostgreSQL refuses the NUL character in `text` (SQLite keeps it), so a NUL anywhere in a
//! request — the path, the query string or the body, raw or escaped — is answered here with a
//! 400 and a message that says what is wrong, the same on both backends, before anything is
//! read from or written to the store. Invalid UTF-8 and lone surrogates never reach a `String`
//! (the extractors refuse them), so NUL is the one case left.

use axum::body::Body;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

const NUL_MESSAGE: &str = "The request contains a NUL character (U+0000), which cannot be stored. Remove it and try again; nothing was saved.";

/// Rejects requests carrying NUL; buffers bodies up to [`crate::config::BODY_LIMIT`] to look.
pub async fn reject_unstorable_text(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let uri = req.uri();
    if has_nul_escape(uri.path().as_bytes())
        || uri.query().is_some_and(|q| has_nul_escape(q.as_bytes()))
    {
        return refuse(api, WebError::BadRequest(NUL_MESSAGE.into()));
    }
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::config::BODY_LIMIT).await {
        Ok(b) => b,
        Err(e) => {
            // Over the limit, or the client stopped sending (a body read timeout).
            let too_large = std::error::Error::source(&e)
                .and_then(|s| s.downcast_ref::<http_body_util::LengthLimitError>())
                .is_some();
            let err = if too_large {
                WebError::PayloadTooLarge(crate::config::BODY_LIMIT)
            } else {
                WebError::BadRequest("The request body could not be read in time.".into())
            };
            return refuse(api, err);
        }
    };
    let content_type = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let nul = bytes.contains(&0)
        || (content_type.contains("json") && has_json_nul(&bytes))
        || (content_type.starts_with("application/x-www-form-urlencoded")
            && has_nul_escape(&bytes));
    if nul {
        return refuse(api, WebError::BadRequest(NUL_MESSAGE.into()));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn refuse(api: bool, e: WebError) -> Response {
    if api {
        crate::extract::ApiError::from(e).into_response()
    } else {
        crate::render::PageError::from(e).into_response()
    }
}

/// `%00` (percent-encoded NUL), as in paths, query strings and form bodies.
fn has_nul_escape(b: &[u8]) -> bool {
    b.windows(3).any(|w| w == b"%00") || b.contains(&0)
}

/// A JSON string escape `\u0000`: a backslash that is itself not escaped, then `u0000`.
fn has_json_nul(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(off) = memchr_backslash(&b[i..]) {
        let start = i + off;
        let mut end = start;
        while end < b.len() && b[end] == b'\\' {
            end += 1;
        }
        // An odd run of backslashes leaves the last one escaping what follows.
        if (end - start) % 2 == 1 && b[end..].starts_with(b"u0000") {
            return true;
        }
        i = end.max(start + 1);
    }
    false
}

fn memchr_backslash(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nul_in_every_spelling() {
        assert!(has_nul_escape(b"/questions/ab%00cd"));
        assert!(has_nul_escape(b"a\0b"));
        assert!(!has_nul_escape(b"/questions/ab%2500cd"));
        assert!(has_json_nul(br#"{"text":"a\u0000b"}"#));
        assert!(has_json_nul(br#"{"text":"a\\\u0000b"}"#));
        // An escaped backslash followed by the letters u0000 is text, not NUL.
        assert!(!has_json_nul(br#"{"text":"a\\u0000b"}"#));
        assert!(!has_json_nul(br#"{"text":"plain"}"#));
    }

    proptest::proptest! {
        /// Whatever the text, its JSON form is flagged exactly when the text holds a NUL.
        #[test]
        fn json_nul_found_exactly_when_present(text in "(?s).{0,40}", nul in proptest::bool::ANY) {
            let text = if nul { format!("{text}\u{0}") } else { text.replace('\0', "") };
            let json = serde_json::to_string(&serde_json::json!({ "text": text })).unwrap();
            proptest::prop_assert_eq!(has_json_nul(json.as_bytes()) || json.as_bytes().contains(&0), nul);
        }
    }
}
