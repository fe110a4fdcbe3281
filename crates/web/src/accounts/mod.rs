//! Accounts: sign up, sign in and out, the first-start setup, the account page (password,
//! packs), redeeming licence codes — as pages and as the JSON API.

pub(crate) mod api;
mod pages;

use crate::guard::Access::{Public, SignedIn};
use crate::routes::Table;

pub(crate) fn routes() -> Table {
    Table::new()
        .get("/signup", Public, pages::sign_up_page)
        .post("/signup", Public, pages::sign_up)
        .get("/signin", Public, pages::sign_in_page)
        .post("/signin", Public, pages::sign_in)
        // Signing out without a session only goes home.
        .post("/signout", Public, pages::sign_out)
        .get("/setup", Public, pages::setup_page)
        .post("/setup", Public, pages::setup)
        .get("/account", SignedIn, pages::account_page)
        .post("/account/password", SignedIn, pages::change_password)
        .get("/redeem", SignedIn, pages::redeem_page)
        .post("/redeem", SignedIn, pages::redeem)
        .post("/api/v1/session", Public, api::create_session)
        .delete("/api/v1/session", SignedIn, api::end_session)
        .post("/api/v1/redeem", SignedIn, api::redeem)
}
