//! The route table: each resource module declares its routes in a [`Table`], with the rule
//! of who may use each; `lib.rs` joins the modules' tables into the router.
//!
//! A rule is checked against the handler's types (see `guard.rs`): a state-changing handler
//! without a CSRF guard does not compile, and a rule that differs from the handler's guard
//! stops the router from being built. The rules are exported so that a test can enumerate
//! the routes and try each against the running server (`tests/http/reliability.rs`: the
//! role × route × object matrix).

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodFilter, on};

use crate::guard::HandlerArgs;
pub use crate::guard::{Access, Csrf};
use crate::state::AppState;

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
    pub(crate) fn new() -> Table {
        Table {
            router: Router::new(),
            rules: Vec::new(),
        }
    }

    /// This table and `other`'s routes.
    pub(crate) fn merge(mut self, other: Table) -> Table {
        self.router = self.router.merge(other.router);
        self.rules.extend(other.rules);
        self
    }

    /// Adds a route whose rule `access` must be what the handler's guard enforces.
    fn add<H, T>(
        mut self,
        method: MethodFilter,
        name: &'static str,
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Table
    where
        H: Handler<T, AppState>,
        T: HandlerArgs + 'static,
    {
        assert_eq!(
            T::ACCESS,
            access,
            "{name} {path}: the route table says {access:?}, the handler's guard enforces {:?}",
            T::ACCESS
        );
        self.router = self.router.route(path, on(method, handler));
        self.rules.push(RouteRule {
            method: name,
            path,
            access,
            csrf: T::CSRF.unwrap_or(Csrf::ReadOnly),
            owned: path.contains("{id}"),
        });
        self
    }

    pub(crate) fn get<H, T>(self, path: &'static str, access: Access, h: H) -> Table
    where
        H: Handler<T, AppState>,
        T: HandlerArgs + 'static,
    {
        self.add(MethodFilter::GET, "GET", path, access, h)
    }

    /// A route that changes state: its handler must take a CSRF guard, or this does not
    /// compile.
    fn write<H, T>(
        self,
        method: MethodFilter,
        name: &'static str,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Table
    where
        H: Handler<T, AppState>,
        T: HandlerArgs + 'static,
    {
        const {
            assert!(
                T::CSRF.is_some(),
                "a POST, PUT or DELETE handler must take a CSRF guard (CsrfForm, CsrfHeader or JsonSignIn)"
            )
        };
        self.add(method, name, path, access, h)
    }

    pub(crate) fn post<H, T>(self, path: &'static str, access: Access, h: H) -> Table
    where
        H: Handler<T, AppState>,
        T: HandlerArgs + 'static,
    {
        self.write(MethodFilter::POST, "POST", path, access, h)
    }

    pub(crate) fn put<H, T>(self, path: &'static str, access: Access, h: H) -> Table
    where
        H: Handler<T, AppState>,
        T: HandlerArgs + 'static,
    {
        self.write(MethodFilter::PUT, "PUT", path, access, h)
    }

    pub(crate) fn delete<H, T>(self, path: &'static str, access: Access, h: H) -> Table
    where
        H: Handler<T, AppState>,
        T: HandlerArgs + 'static,
    {
        self.write(MethodFilter::DELETE, "DELETE", path, access, h)
    }

    pub(crate) fn into_router(self) -> Router<AppState> {
        self.router
    }

    pub fn rules(&self) -> &[RouteRule] {
        &self.rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::{CsrfForm, Editor, SignedIn};

    #[derive(serde::Deserialize)]
    struct Nothing {}

    async fn signed_in_page(_: SignedIn) {}
    async fn editor_write(_: Editor, _: CsrfForm<Nothing>) {}

    #[test]
    fn every_rule_matches_its_handler() {
        // Building the table checks each rule against its handler's guard.
        let rules = crate::route_rules();
        assert!(rules.len() > 40);
        for r in &rules {
            assert_eq!(
                r.csrf == Csrf::ReadOnly,
                r.method == "GET",
                "{} {}",
                r.method,
                r.path
            );
        }
    }

    #[test]
    fn the_rule_comes_from_the_handler() {
        let t = Table::new()
            .get("/mine", Access::SignedIn, signed_in_page)
            .post("/edit", Access::Editor, editor_write);
        let r = t.rules();
        assert_eq!((r[0].access, r[0].csrf), (Access::SignedIn, Csrf::ReadOnly));
        assert_eq!((r[1].access, r[1].csrf), (Access::Editor, Csrf::Token));
    }

    #[test]
    #[should_panic(expected = "the handler's guard enforces SignedIn")]
    fn a_rule_the_handler_does_not_enforce_is_refused() {
        // The table says editors only; the handler would let any account in.
        let _ = Table::new().get("/editor/x", Access::Editor, signed_in_page);
    }
}
