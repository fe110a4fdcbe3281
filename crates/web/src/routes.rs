//! Every route of the application, declared once, each with the rule of who may use it.
//!
//! The router is built from this table, so a route cannot be served without a rule, and
//! [`table`] lets a test enumerate the routes and check each rule against the running
//! server (`tests/http/reliability.rs`: the role × route × object matrix).

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodFilter, on};

use crate::{AppState, account, admin, api, editor, pages, practice};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Editors and admins.
    Editor,
    /// Admins.
    Admin,
}

/// How a route that changes state is protected against cross-site requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Csrf {
    /// Reads only (GET).
    ReadOnly,
    /// The form's `csrf` field, or `X-CSRF-Token` for API clients using the session cookie.
    Token,
    /// A JSON-only sign-in: a cross-site page cannot send `application/json` without CORS.
    JsonSignIn,
}

/// One route: method, path (with `{slug}`/`{id}` placeholders) and its rules.
#[derive(Debug, Clone, Copy)]
pub struct RouteRule {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub csrf: Csrf,
    /// `{id}` names an object that belongs to one account: everyone else gets 404.
    pub owned: bool,
}

/// The router and the rules of its routes, built together.
pub struct Table {
    router: Router<AppState>,
    rules: Vec<RouteRule>,
}

impl Table {
    fn new() -> Table {
        Table {
            router: Router::new(),
            rules: Vec::new(),
        }
    }

    fn add<H, T>(
        mut self,
        method: MethodFilter,
        name: &'static str,
        path: &'static str,
        access: Access,
        csrf: Csrf,
        handler: H,
    ) -> Table
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, on(method, handler));
        self.rules.push(RouteRule {
            method: name,
            path,
            access,
            csrf,
            owned: path.contains("{id}"),
        });
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Table {
        self.add(MethodFilter::GET, "GET", path, access, Csrf::ReadOnly, h)
    }

    fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Table {
        self.add(MethodFilter::POST, "POST", path, access, Csrf::Token, h)
    }

    fn put<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Table {
        self.add(MethodFilter::PUT, "PUT", path, access, Csrf::Token, h)
    }

    fn delete<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Table {
        self.add(MethodFilter::DELETE, "DELETE", path, access, Csrf::Token, h)
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }

    pub fn rules(&self) -> &[RouteRule] {
        &self.rules
    }
}

/// Every route.
pub fn table() -> Table {
    use Access::*;
    Table::new()
        // The catalogue.
        .get("/", Public, pages::home)
        .get("/questions", Public, pages::browse)
        .get("/questions/{slug}", Public, pages::question)
        .get("/topics/{slug}", Public, pages::topic)
        .get("/search", Public, pages::search)
        .get("/static/style.css", Public, pages::stylesheet)
        .get("/static/practice.js", Public, practice::script)
        .get("/healthz", Public, api::healthz)
        // Accounts.
        .get("/signup", Public, account::sign_up_page)
        .post("/signup", Public, account::sign_up)
        .get("/signin", Public, account::sign_in_page)
        .post("/signin", Public, account::sign_in)
        // Signing out without a session only goes home.
        .post("/signout", Public, account::sign_out)
        .get("/setup", Public, account::setup_page)
        .post("/setup", Public, account::setup)
        .get("/account", SignedIn, account::account_page)
        .post("/account/password", SignedIn, account::change_password)
        .get("/redeem", SignedIn, account::redeem_page)
        .post("/redeem", SignedIn, account::redeem)
        // Admin.
        .get("/admin", Admin, admin::admin_page)
        .post("/admin/packs", Admin, admin::change_pack)
        // Practice.
        .get(
            "/questions/{slug}/practice",
            Public,
            practice::practice_page,
        )
        .post("/questions/{slug}/practice", Public, practice::submit)
        .get("/attempts/{id}", SignedIn, practice::attempt_page)
        // The editor.
        .get("/editor", Editor, editor::index)
        .get("/editor/new", Editor, editor::new_page)
        .post("/editor/new", Editor, editor::create)
        .get("/editor/questions/{slug}", Editor, editor::edit_page)
        .post("/editor/questions/{slug}", Editor, editor::save)
        .get(
            "/editor/questions/{slug}/revisions",
            Editor,
            editor::revisions,
        )
        .post("/editor/questions/{slug}/restore", Editor, editor::restore)
        // The JSON API.
        .get("/api/v1/questions", Public, api::list_questions)
        .get("/api/v1/questions/{slug}", Public, api::get_question)
        .get("/api/v1/search", Public, api::search)
        .get("/api/v1/openapi.json", Public, api::openapi_json)
        .add(
            MethodFilter::POST,
            "POST",
            "/api/v1/session",
            Public,
            Csrf::JsonSignIn,
            api::create_session,
        )
        .delete("/api/v1/session", SignedIn, api::end_session)
        .post("/api/v1/redeem", SignedIn, api::redeem)
        .post("/api/v1/feedback", Public, practice::api_feedback)
        .get("/api/v1/drafts/{slug}", SignedIn, practice::api_get_draft)
        .put("/api/v1/drafts/{slug}", SignedIn, practice::api_save_draft)
}

/// The rules of every route, for tests and documentation.
pub fn rules() -> Vec<RouteRule> {
    table().rules().to_vec()
}
