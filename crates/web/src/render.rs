//! What every page shares: the site header ([`Nav`]), the error page, the page cache for
//! anonymous visitors, form pages (never cached, carrying the CSRF cookie), static files and
//! dates for people.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::error::{ErrorAs, Render, WebError};
use crate::session::Visitor;
use crate::state::AppState;

/// What the site header shows about the visitor.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    /// The signed-in user's email address.
    pub email: Option<String>,
    pub editor: bool,
    pub admin: bool,
    pub teacher: bool,
    /// A one-time notice from the last redirect, in words.
    pub notice: Option<String>,
}

impl Nav {
    pub fn of(v: &Visitor) -> Nav {
        Nav {
            email: v.user().map(|u| u.email.clone()),
            editor: v.user().is_some_and(|u| u.role.edits()),
            teacher: v.user().is_some_and(|u| u.teacher),
            admin: v
                .user()
                .is_some_and(|u| u.role == studypack_domain::Role::Admin),
            notice: match (v.notice, v.user()) {
                (Some(crate::session::Notice::Welcome), Some(u)) => Some(format!(
                    "Welcome! Your account is ready, and you are signed in as {}.",
                    u.email
                )),
                _ => None,
            },
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    message: String,
    q: String,
    nav: Nav,
}

/// Errors shown as a page: the error page, or the sign-in page when signing in would help.
pub struct Page;

/// What an error page said, kept on its response so that the session layer can show it again
/// with the signed-in visitor's header (an error is rendered without knowing the visitor).
#[derive(Clone)]
pub(crate) struct ErrorShown {
    title: String,
    message: String,
}

impl ErrorShown {
    /// The error page again, with `nav`.
    pub(crate) fn with_nav(&self, nav: Nav) -> Option<String> {
        ErrorPage {
            title: self.title.clone(),
            message: self.message.clone(),
            q: String::new(),
            nav,
        }
        .render()
        .ok()
    }
}

/// Middleware inside [`crate::session::load_visitor`]: an error page is made without the
/// visitor, so a signed-in visitor's is made again here with their header.
pub async fn error_pages_with_nav(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let nav = req
        .extensions()
        .get::<Visitor>()
        .filter(|v| v.user().is_some())
        .map(Nav::of);
    let res = next.run(req).await;
    match (nav, res.extensions().get::<ErrorShown>()) {
        (Some(nav), Some(shown)) => match shown.with_nav(nav) {
            Some(body) => {
                let (mut parts, _) = res.into_parts();
                parts.headers.remove(axum::http::header::CONTENT_LENGTH);
                Response::from_parts(parts, axum::body::Body::from(body))
            }
            None => res,
        },
        _ => res,
    }
}

/// An error of a page handler, shown as a page.
pub type PageError = ErrorAs<Page>;

impl Render for Page {
    fn render(error: &WebError) -> Response {
        let status = error.status();
        if status == StatusCode::UNAUTHORIZED {
            // Pages ask for sign-in by sending the visitor there.
            return axum::response::Redirect::to("/signin").into_response();
        }
        let shown = ErrorShown {
            title: if status == StatusCode::NOT_FOUND {
                "Page not found".into()
            } else if status.is_client_error() {
                "That request did not work".into()
            } else {
                "Something went wrong".into()
            },
            message: error.public_message(),
        };
        let body = shown.with_nav(Nav::default()).unwrap_or_else(|| {
            "<!doctype html><title>Error</title><p>Something went wrong.</p>".into()
        });
        let mut res = (status, Html(body)).into_response();
        res.extensions_mut().insert(shown);
        res
    }
}

pub type PageResult = Result<Response, PageError>;

/// A page that is the same for every anonymous visitor, served from the page cache until the
/// library changes what it shows. Signed-in visitors get it made afresh, with their header and
/// whatever their Study Pack opens: nothing personal ever enters the cache. `make` gives the
/// page and the topic whose content it shows (`None`: the whole library's).
pub(crate) async fn cached<F, Fut>(st: &AppState, v: &Visitor, key: String, make: F) -> PageResult
where
    F: FnOnce(Nav) -> Fut,
    Fut: std::future::Future<Output = Result<(String, Option<String>), PageError>>,
{
    if v.user().is_some() {
        return Ok(Html(make(Nav::of(v)).await?.0).into_response());
    }
    // The version is read before the page is made: a page made from data read during an
    // import is filed under the older version and never served after the refresh.
    let version = st.version();
    let body = match st.pages.get(&key, version) {
        Some(b) => b,
        None => {
            let (html, topic) = make(Nav::default()).await?;
            let b = axum::body::Bytes::from(html);
            st.pages.put(key, version, topic, b.clone());
            b
        }
    };
    let mut res = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response();
    public_cache(&mut res);
    Ok(res)
}

/// Anonymous pages: shared caches may keep them a minute, keyed by the cookies (so a signed-in
/// reader never gets the anonymous copy); browsers check again each time, so that after
/// signing in the page shows what the reader's pack opens.
fn public_cache(res: &mut Response) {
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=0, s-maxage=60"),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Authorization"),
    );
}

/// A page holding a form: never cached, and carrying the CSRF cookie if it is new.
pub fn form_page(v: &Visitor, t: impl Template) -> PageResult {
    let mut res = Html(t.render()?).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Some(c) = v.csrf_cookie() {
        h.append(header::SET_COOKIE, c);
    }
    Ok(res)
}

pub(crate) fn html(t: impl Template) -> PageResult {
    let mut res = Html(t.render()?).into_response();
    public_cache(&mut res);
    Ok(res)
}

/// A date for people, from seconds since the epoch (UTC).
pub fn date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{d} {} {y}", MONTHS[(m - 1) as usize])
}

/// Seconds since 1970 from a `datetime-local` value (`2026-12-02T09:00`), read as UTC.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let (d, t) = s.trim().split_once('T')?;
    let mut d = d.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (h, min) = t.split_once(':')?;
    let (h, min) = (h.parse::<i64>().ok()?, min.get(..2)?.parse::<i64>().ok()?);
    if !(1970..=9999).contains(&y)
        || !(1..=12).contains(&m)
        || !(0..24).contains(&h)
        || !(0..60).contains(&min)
    {
        return None;
    }
    let days_in = [
        31,
        if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) {
            29
        } else {
            28
        },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=days_in[(m - 1) as usize]).contains(&day) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + min * 60)
}

/// A `datetime-local` value for seconds since 1970, in UTC (the inverse of [`parse_datetime`]).
pub fn datetime_value(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let in_day = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}",
        in_day / 3600,
        in_day % 3600 / 60
    )
}

/// A date with its time of day in UTC, for logs and revisions: `14 November 2023, 22:13 UTC`.
pub fn date_time(secs: i64) -> String {
    let in_day = secs.rem_euclid(86_400);
    format!(
        "{}, {:02}:{:02} UTC",
        date(secs),
        in_day / 3600,
        in_day % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::date(0), "1 January 1970");
        assert_eq!(super::date(1_700_000_000), "14 November 2023");
        assert_eq!(super::date(951_782_400), "29 February 2000");
        assert_eq!(
            super::date_time(1_700_000_000),
            "14 November 2023, 22:13 UTC"
        );
        assert_eq!(super::date_time(59), "1 January 1970, 00:00 UTC");
        assert_eq!(super::date_time(-1), "31 December 1969, 23:59 UTC");
        assert_eq!(super::datetime_value(1_700_000_000), "2023-11-14T22:13");
        assert_eq!(
            super::parse_datetime("2023-11-14T22:13"),
            Some(1_700_000_000 - 20)
        );
        assert_eq!(super::parse_datetime("2000-02-29T00:00"), Some(951_782_400));
        for bad in [
            "",
            "2023-02-29T10:00",
            "2023-13-01T10:00",
            "2023-01-01T24:00",
            "2023-01-01",
            "x-y-zT1:2",
        ] {
            assert_eq!(super::parse_datetime(bad), None, "{bad}");
        }
        for secs in [0, 951_782_400, 1_700_000_000, 4_102_444_800] {
            let minute = secs - secs % 60;
            assert_eq!(
                super::parse_datetime(&super::datetime_value(secs)),
                Some(minute)
            );
        }
    }
}
