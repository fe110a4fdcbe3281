//! Accounts, sessions, CSRF, rate limits, licence codes and the premium gating matrix.

use reqwest::{Method, StatusCode};
use studypack_accounts::{Limit, Limits, now};
use studypack_domain::{PackScope, Role};
use studypack_test_support::backend_test;

use super::browser::Browser;
use super::{SEED_SLUG, TestApp, premium_sentences, unescape};

const PASSWORD: &str = "correct horse battery";

/// Every string in a JSON document, unescaped, one per line.
fn json_strings(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("{s}\n"),
        serde_json::Value::Array(a) => a.iter().map(json_strings).collect(),
        serde_json::Value::Object(o) => o.values().map(json_strings).collect(),
        _ => String::new(),
    }
}

backend_test! {
    async fn a_newcomer_signs_up_redeems_a_code_and_reads_the_essay(db) {
        let app = TestApp::builder().start_on(db).await;
        let essay = app
            .store
            .question(SEED_SLUG)
            .await
            .unwrap()
            .unwrap()
            .model_essay;
        let hidden = premium_sentences(&essay);
        assert!(hidden.len() > 5);
        let b = Browser::new(&app.base);

        let page = b.get(&format!("/questions/{SEED_SLUG}")).await;
        assert!(hidden.iter().all(|s| !page.body.contains(s.as_str())));

        let res = b.sign_up("New.Student@Example.com", PASSWORD).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let set = b
            .set_cookies
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find(|c| c.starts_with("sp_session="))
            .cloned()
            .expect("a session cookie");
        for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(set.contains(attr), "{set}");
        }
        assert!(!set.contains("Secure"), "plain HTTP: no Secure");
        let page = b.get(&format!("/questions/{SEED_SLUG}")).await;
        assert!(
            page.body.contains("/redeem"),
            "signed in: the offer points at redeeming"
        );
        assert!(hidden.iter().all(|s| !page.body.contains(s.as_str())));

        let codes = app
            .state
            .accounts
            .create_codes(&PackScope::All, 3, Some(365), None)
            .await
            .unwrap();
        let res = b
            .submit("/redeem", "/redeem", &[("code", &codes[0].to_lowercase())])
            .await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(
            res.body.contains("now opens every model essay"),
            "{}",
            res.body
        );

        let page = b.get(&format!("/questions/{SEED_SLUG}")).await;
        assert_eq!(page.header("cache-control"), "private, no-store");
        let body = unescape(&page.body);
        let missing: Vec<&String> = hidden
            .iter()
            .filter(|s| !body.contains(s.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "the whole essay is shown; missing {missing:?}"
        );

        // The same code again, for anyone: refused, and the audit log has the story.
        let other = Browser::new(&app.base);
        other.sign_up("other@example.com", PASSWORD).await;
        let res = other
            .submit("/redeem", "/redeem", &[("code", &codes[0])])
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("already been used"));
        let log = app.store.audit_log(10).await.unwrap();
        assert_eq!(log.iter().filter(|e| e.action == "redeem").count(), 1);
        assert_eq!(log.iter().filter(|e| e.action == "codes.create").count(), 1);

        // Signing out ends the session on the server, not only in the browser.
        let token = b.cookie("sp_session").unwrap();
        let res = b.submit("/account", "/signout", &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(b.cookie("sp_session").is_none());
        assert!(app.state.accounts.session(&token).await.unwrap().is_none());
        app.stop().await;
    }
}

backend_test! {
    /// Who reads what: every reader against every surface that could carry premium text.
    async fn premium_gating_matrix(db) {
        let app = TestApp::builder().start_on(db).await;
        let acc = &app.state.accounts;
        let q = app.store.question(SEED_SLUG).await.unwrap().unwrap();
        let topic = app.store.topic(q.topic.as_str()).await.unwrap().unwrap();
        let hidden = premium_sentences(&q.model_essay);
        // (name, role, pack scope, expired?, may read)
        type Reader = (&'static str, Option<Role>, Option<&'static str>, bool, bool);
        let readers: [Reader; 7] = [
            ("pack", Some(Role::Student), Some("board:AQA"), false, true),
            ("editor", Some(Role::Editor), None, false, true),
            ("admin", Some(Role::Admin), None, false, true),
            ("no-pack", Some(Role::Student), None, false, false),
            ("expired", Some(Role::Student), Some("all"), true, false),
            (
                "other-scope",
                Some(Role::Student),
                Some("board:OCR"),
                false,
                false,
            ),
            ("anonymous", None, None, false, false),
        ];
        let surfaces = [
            format!("/questions/{SEED_SLUG}"),
            format!("/api/v1/questions/{SEED_SLUG}"),
            format!("/questions/{SEED_SLUG}/practice"),
            format!("/topics/{}", topic.slug),
            "/".to_string(),
            "/questions".to_string(),
            "/api/v1/questions?per_page=100".to_string(),
            "/search?q=Stalin+Khrushchev+Presidium".to_string(),
            "/api/v1/search?q=Stalin+Khrushchev+Presidium".to_string(),
            "/search?q=similarities+differences".to_string(),
            "/no-such-page".to_string(),
            "/api/v1/questions/no-such-question".to_string(),
        ];
        for (name, role, scope, expired, may_read) in readers {
            let b = Browser::new(&app.base);
            if let Some(role) = role {
                let email = format!("{name}@example.com");
                let user = acc.add_user(&email, PASSWORD, role).await.unwrap();
                if let Some(s) = scope {
                    let until = if expired { Some(now() - 60) } else { None };
                    app.store.grant(user.id, s, until, None, studypack_accounts::now()).await.unwrap();
                }
                assert_eq!(
                    b.sign_in(&email, PASSWORD).await.status,
                    StatusCode::SEE_OTHER,
                    "{name}"
                );
            }
            for path in &surfaces {
                let page = b.get(path).await;
                let body = if path.starts_with("/api/") {
                    json_strings(&page.json())
                } else {
                    unescape(&page.body)
                };
                let shown = hidden.iter().filter(|s| body.contains(s.as_str())).count();
                let is_essay_surface = path.ends_with(SEED_SLUG);
                if may_read && is_essay_surface {
                    assert_eq!(
                        shown,
                        hidden.len(),
                        "{}: {name} should read the essay at {path}",
                        app.db.label
                    );
                } else {
                    assert_eq!(
                        shown, 0,
                        "{}: {name} saw premium text at {path}",
                        app.db.label
                    );
                }
                if role.is_some() {
                    assert_eq!(
                        page.header("cache-control"),
                        "private, no-store",
                        "{name} {path}"
                    );
                } else if page.header("cache-control").starts_with("public") {
                    // Shared caches keep anonymous pages apart from signed-in ones.
                    assert!(page.header("vary").contains("Cookie"), "{path}");
                }
            }
            let api = b
                .get(&format!("/api/v1/questions/{SEED_SLUG}"))
                .await
                .json();
            assert_eq!(api["unlocked"], may_read, "{name}");
            assert_eq!(api["premium"], true);
            assert_eq!(api["model_essay"].is_string(), may_read, "{name}");
            assert!(api["model_essay_teaser"].as_str().unwrap().ends_with('…'));
            // Feedback on an essay never quotes the model essay back, even when copied.
            let copied: String = q
                .model_essay
                .split(". ")
                .take(3)
                .collect::<Vec<_>>()
                .join(". ");
            // Signed in by cookie: the API write carries the session's CSRF token.
            let csrf = if role.is_some() { Some(b.get("/account").await.csrf()) } else { None };
            let report = b
                .api(
                    Method::POST,
                    "/api/v1/feedback",
                    Some(serde_json::json!({"question": SEED_SLUG, "text": copied})),
                    None,
                    csrf.as_deref(),
                )
                .await;
            assert_eq!(report.status, StatusCode::OK, "{name}: {}", report.body);
            // Only a reader of the essay learns that this text copies it: for anyone else the
            // flag would be a way to read the essay one guess at a time.
            let flags = report.json()["flags"].clone();
            let copied_flag = flags
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "copied-model-essay");
            assert_eq!(copied_flag, may_read, "{name}: {flags}");
            let said = json_strings(&report.json());
            for s in hidden.iter().filter(|s| !copied.contains(s.as_str())) {
                assert!(
                    !said.contains(s.as_str()),
                    "{name}: feedback quoted premium text it was not sent"
                );
            }
        }
        // After readers with packs, anonymous visitors still get the teaser (no cache leak).
        let page = unescape(&app.get(&format!("/questions/{SEED_SLUG}")).await.2);
        assert!(hidden.iter().all(|s| !page.contains(s.as_str())));
        app.stop().await;
    }
}

backend_test! {
    async fn forms_without_the_right_csrf_token_are_refused(db) {
        let app = TestApp::builder().start_on(db).await;
        app.state
            .accounts
            .add_user("ann@example.com", PASSWORD, Role::Student)
            .await
            .unwrap();
        let b = Browser::new(&app.base);
        b.get("/signin").await;
        // No token, a wrong token, and the token of another visitor.
        let other = Browser::new(&app.base);
        let foreign = other.get("/signin").await.csrf();
        for token in ["", "0000", foreign.as_str()] {
            let res = b
                .post(
                    "/signin",
                    &[
                        ("csrf", token),
                        ("email", "ann@example.com"),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "token {token:?}");
            assert!(b.cookie("sp_session").is_none());
        }
        assert_eq!(
            b.sign_in("ann@example.com", PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
        // Signed in, the session's own token is required: the anonymous one no longer works.
        let anon = b.cookie("sp_csrf").unwrap();
        for (path, fields) in [
            ("/redeem", vec![("code", "AAAAA-AAAAA-AAAAA-AAAAA")]),
            (
                "/account/password",
                vec![("current", PASSWORD), ("new", "another long password")],
            ),
            ("/signout", vec![]),
            (
                &format!("/questions/{SEED_SLUG}/practice") as &str,
                vec![("text", "An essay.")],
            ),
        ] {
            let mut f = vec![("csrf", anon.as_str())];
            f.extend(fields);
            assert_eq!(
                b.post(path, &f).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
        // API writes with the cookie need the header, checked before the body is read: a
        // form-encoded post (what a cross-site form can send) is refused at the CSRF check.
        let res = b
            .api(
                Method::POST,
                "/api/v1/redeem",
                Some(serde_json::json!({"code": "x"})),
                None,
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = b.post("/api/v1/redeem", &[("code", "x")]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(
            b.get("/account").await.body.contains("ann@example.com"),
            "still signed in"
        );
        app.stop().await;
    }
}

backend_test! {
    async fn sign_in_is_rate_limited_and_does_not_enumerate_accounts(db) {
        let limits = Limits {
            sign_in_per_account: Limit {
                max: 3,
                window: 600,
            },
            sign_in_per_address: Limit {
                max: 9,
                window: 600,
            },
            ..Limits::default()
        };
        let app = TestApp::builder().with_limits(limits).start_on(db).await;
        app.state
            .accounts
            .add_user("ann@example.com", PASSWORD, Role::Student)
            .await
            .unwrap();
        let b = Browser::new(&app.base);
        let wrong = b.sign_in("ann@example.com", "not the password").await;
        let nobody = b.sign_in("nobody@example.com", "not the password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(nobody.status, wrong.status);
        let msg = |p: &crate::browser::Page| {
            p.body[p.body.find("role=\"alert\"").unwrap()..]
                .split('<')
                .next()
                .unwrap()
                .to_string()
        };
        assert_eq!(msg(&wrong), msg(&nobody), "the same answer for both");
        b.sign_in("ann@example.com", "still not it").await;
        b.sign_in("ANN@example.com", "nor this").await;
        // Three failures for the account: now even the right password waits.
        let limited = b.sign_in("ann@example.com", PASSWORD).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        let retry: i64 = limited.header("retry-after").parse().unwrap();
        assert!((1..=600).contains(&retry), "{retry}");
        // The API says the same.
        let api = b
            .api(
                Method::POST,
                "/api/v1/session",
                Some(serde_json::json!({"email": "ann@example.com", "password": PASSWORD})),
                None,
                None,
            )
            .await;
        assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(api.header("retry-after").parse::<i64>().unwrap() > 0);
        assert_eq!(api.json()["error"]["code"], "rate_limited");
        // Guesses sent all at once do not slip past the limit: each is counted before the
        // password is checked.
        let other = Browser::new(&app.base);
        app.state
            .accounts
            .add_user("bob@example.com", PASSWORD, Role::Student)
            .await
            .unwrap();
        let csrf = other.get("/signin").await.csrf();
        let mut set = tokio::task::JoinSet::new();
        for i in 0..12 {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let url = other.url("/signin");
            let cookie = format!("sp_csrf={}", other.cookie("sp_csrf").unwrap());
            let csrf = csrf.clone();
            set.spawn(async move {
                let guess = format!("guess number {i}");
                let form = [
                    ("csrf", csrf.as_str()),
                    ("email", "bob@example.com"),
                    ("password", guess.as_str()),
                ];
                client
                    .post(url)
                    .header("cookie", cookie)
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
                    .status()
            });
        }
        let statuses = set.join_all().await;
        let checked = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert_eq!(checked + refused, 12, "{statuses:?}");
        assert!(
            (1..=3).contains(&checked),
            "{checked} guesses were checked against a limit of 3"
        );
        // Per address: failures spread over other accounts hit the address limit.
        for i in 0..2 {
            b.sign_in(&format!("x{i}@example.com"), "nope").await;
        }
        let res = b.sign_in("fresh@example.com", "nope").await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        app.stop().await;
    }
}

backend_test! {
    async fn sessions_are_new_at_sign_in_and_password_changes_end_the_others(db) {
        let app = TestApp::builder().start_on(db).await;
        app.state
            .accounts
            .add_user("ann@example.com", PASSWORD, Role::Student)
            .await
            .unwrap();
        let phone = Browser::new(&app.base);
        let laptop = Browser::new(&app.base);
        phone.sign_in("ann@example.com", PASSWORD).await;
        let first = phone.cookie("sp_session").unwrap();
        phone.sign_in("ann@example.com", PASSWORD).await;
        let second = phone.cookie("sp_session").unwrap();
        assert_ne!(first, second, "a new session id at every sign-in");
        assert!(
            app.state.accounts.session(&first).await.unwrap().is_none(),
            "the old one ended"
        );
        laptop.sign_in("ann@example.com", PASSWORD).await;

        let res = phone
            .submit(
                "/account",
                "/account/password",
                &[
                    ("current", "wrong password!"),
                    ("new", "a new long password"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        let res = phone
            .submit(
                "/account",
                "/account/password",
                &[("current", PASSWORD), ("new", "short")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        let res = phone
            .submit(
                "/account",
                "/account/password",
                &[("current", PASSWORD), ("new", "a new long password")],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(
            phone.get("/account").await.body.contains("ann@example.com"),
            "this device stays in"
        );
        assert_eq!(
            laptop.get("/account").await.status,
            StatusCode::SEE_OTHER,
            "other devices are out"
        );
        let fresh = Browser::new(&app.base);
        assert_eq!(
            fresh.sign_in("ann@example.com", PASSWORD).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            fresh
                .sign_in("ann@example.com", "a new long password")
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        // Behind a TLS proxy the cookie is Secure.
        let tls = Browser::new(&app.base);
        let csrf = tls.get("/signin").await.csrf();
        let res = tls
            .send(
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap()
                    .post(tls.url("/signin"))
                    .header("x-forwarded-proto", "https")
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("email", "ann@example.com"),
                        ("password", "a new long password"),
                    ]),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(
            res.header("set-cookie").contains("; Secure"),
            "{}",
            res.header("set-cookie")
        );
        app.stop().await;
    }
}

backend_test! {
    async fn first_start_setup_creates_one_admin_once(db) {
        let app = TestApp::builder().start_on(db).await;
        let token = app
            .state
            .accounts
            .setup_token_if_needed()
            .await
            .unwrap()
            .expect("no admin yet");
        let b = Browser::new(&app.base);
        let page = b.get(&format!("/setup?token={token}")).await;
        assert!(page.body.contains(&token));
        let res = b
            .submit(
                &format!("/setup?token={token}"),
                "/setup",
                &[
                    ("token", &token),
                    ("email", "head@school.example"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert!(b.get("/admin").await.body.contains("Audit log"));
        let again = Browser::new(&app.base);
        let res = again
            .submit(
                &format!("/setup?token={token}"),
                "/setup",
                &[
                    ("token", &token),
                    ("email", "evil@example.com"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(
            app.state
                .accounts
                .setup_token_if_needed()
                .await
                .unwrap()
                .is_none(),
            "an admin exists"
        );
        // Students and visitors do not reach the admin page.
        let student = Browser::new(&app.base);
        student.sign_up("stu@example.com", PASSWORD).await;
        assert_eq!(student.get("/admin").await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            Browser::new(&app.base).get("/admin").await.status,
            StatusCode::SEE_OTHER
        );
        // The admin grants and revokes a pack in the browser; both are audited.
        let res = b
            .submit(
                "/admin",
                "/admin/packs",
                &[
                    ("action", "grant"),
                    ("email", "stu@example.com"),
                    ("pack", "board:AQA"),
                    ("days", "30"),
                ],
            )
            .await;
        assert!(
            res.body.contains("Granted AQA model essays"),
            "{}",
            res.body
        );
        assert!(
            student
                .get(&format!("/api/v1/questions/{SEED_SLUG}"))
                .await
                .json()["unlocked"]
                == true
        );
        let res = b
            .submit(
                "/admin",
                "/admin/packs",
                &[
                    ("action", "revoke"),
                    ("email", "stu@example.com"),
                    ("pack", "board:AQA"),
                ],
            )
            .await;
        assert!(res.body.contains("Revoked 1 pack"), "{}", res.body);
        assert!(
            student
                .get(&format!("/api/v1/questions/{SEED_SLUG}"))
                .await
                .json()["unlocked"]
                == false
        );
        let actions: Vec<String> = app
            .store
            .audit_log(10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(
            actions.starts_with(&["revoke".to_string(), "grant".to_string()]),
            "{actions:?}"
        );
        // The audit log names accounts by email and gives the time of day.
        let page = b.get("/admin").await;
        assert!(page.body.contains("<td>head@school.example</td><td>stu@example.com</td>"), "{}", page.body);
        assert!(!page.body.contains("user 1"));
        assert!(page.body.contains(" UTC</td>"));
        // Packs are chosen from lists of the library's scopes, not typed.
        assert!(page.body.contains("<option value=\"board:AQA\">AQA</option>"), "{}", page.body);
        let topic = app.store.topics().await.unwrap()[0].clone();
        assert!(page.body.contains(&format!("<option value=\"topic:{}\">", topic.slug)));
        // Licence codes are made on the page, shown once, and listed with whether they
        // were redeemed and by whom.
        let bad = b
            .submit("/admin", "/admin/codes", &[("pack", "board:AQA"), ("count", "501"), ("days", "")])
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("How many: a whole number from 1 to 500"));
        assert!(app.store.licence_codes(10).await.unwrap().is_empty(), "a refused form makes no codes");
        let made = b
            .submit("/admin", "/admin/codes", &[("pack", "board:AQA"), ("count", "2"), ("days", "30")])
            .await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert!(made.body.contains("Made 2 codes for AQA model essays"), "{}", made.body);
        let at = made.body.find("<textarea id=\"codes-made\"").expect("the codes");
        let start = at + made.body[at..].find('>').unwrap() + 1;
        let codes: Vec<String> = made.body[start..start + made.body[start..].find("</textarea>").unwrap()]
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(codes.len(), 2, "{codes:?}");
        assert_eq!(made.body.matches("<td>not redeemed</td>").count(), 2);
        let redeemed = student.submit("/redeem", "/redeem", &[("code", &codes[0])]).await;
        assert!(redeemed.status.is_success() || redeemed.status == StatusCode::SEE_OTHER, "{}", redeemed.body);
        let page = b.get("/admin").await;
        assert_eq!(page.body.matches("<td>not redeemed</td>").count(), 1);
        assert!(page.body.contains("<td>redeemed by stu@example.com, "), "{}", page.body);
        assert!(!page.body.contains(&codes[1]), "a code is shown only when it is made");
        app.stop().await;
    }
}

backend_test! {
    async fn api_clients_sign_in_and_redeem_with_a_bearer_token(db) {
        let app = TestApp::builder().start_on(db).await;
        app.state
            .accounts
            .add_user("ann@example.com", PASSWORD, Role::Student)
            .await
            .unwrap();
        let b = Browser::new(&app.base);
        let bad = b
            .api(
                Method::POST,
                "/api/v1/session",
                Some(serde_json::json!({"email": "ann@example.com", "password": "nope"})),
                None,
                None,
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
        assert_eq!(bad.json()["error"]["code"], "bad_credentials");
        let res = b
            .api(
                Method::POST,
                "/api/v1/session",
                Some(serde_json::json!({"email": "ann@example.com", "password": PASSWORD})),
                None,
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK);
        let token = res.json()["token"].as_str().unwrap().to_string();
        let api = Browser::new(&app.base); // no cookies: the bearer token only
        let q = api
            .api(
                Method::GET,
                &format!("/api/v1/questions/{SEED_SLUG}"),
                None,
                Some(&token),
                None,
            )
            .await;
        assert_eq!(q.json()["unlocked"], false);
        let code = app
            .state
            .accounts
            .create_codes(&"board:AQA".parse().unwrap(), 1, None, None)
            .await
            .unwrap()
            .remove(0);
        let r = api
            .api(
                Method::POST,
                "/api/v1/redeem",
                Some(serde_json::json!({"code": code})),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["pack"], "board:AQA");
        let q = api
            .api(
                Method::GET,
                &format!("/api/v1/questions/{SEED_SLUG}"),
                None,
                Some(&token),
                None,
            )
            .await;
        assert_eq!(q.json()["unlocked"], true);
        assert_eq!(q.header("cache-control"), "private, no-store");
        let again = api
            .api(
                Method::POST,
                "/api/v1/redeem",
                Some(serde_json::json!({"code": code})),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST);
        assert!(
            again.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("already been used")
        );
        let anon = api
            .api(
                Method::POST,
                "/api/v1/redeem",
                Some(serde_json::json!({"code": code})),
                None,
                None,
            )
            .await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
        // The cookie client uses the CSRF token it was given.
        let csrf = res.json()["csrf_token"].as_str().unwrap().to_string();
        let code2 = app
            .state
            .accounts
            .create_codes(&PackScope::All, 1, Some(7), None)
            .await
            .unwrap()
            .remove(0);
        let r = b
            .api(
                Method::POST,
                "/api/v1/redeem",
                Some(serde_json::json!({"code": code2})),
                None,
                Some(&csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.json()["expires_at"].as_i64().unwrap() > now() + 6 * 86_400);
        let out = api
            .api(Method::DELETE, "/api/v1/session", None, Some(&token), None)
            .await;
        assert_eq!(out.status, StatusCode::NO_CONTENT);
        let q = api
            .api(
                Method::GET,
                &format!("/api/v1/questions/{SEED_SLUG}"),
                None,
                Some(&token),
                None,
            )
            .await;
        assert_eq!(q.json()["unlocked"], false, "signed out");
        app.stop().await;
    }
}

backend_test! {
    async fn guessing_codes_is_rate_limited(db) {
        let limits = Limits {
            redeem_per_user: Limit {
                max: 2,
                window: 3600,
            },
            ..Limits::default()
        };
        let app = TestApp::builder().with_limits(limits).start_on(db).await;
        let b = Browser::new(&app.base);
        b.sign_up("ann@example.com", PASSWORD).await;
        for guess in ["AAAAA-AAAAA-AAAAA-AAAAA", "short"] {
            assert_eq!(
                b.submit("/redeem", "/redeem", &[("code", guess)])
                    .await
                    .status,
                StatusCode::BAD_REQUEST
            );
        }
        let code = app
            .state
            .accounts
            .create_codes(&PackScope::All, 1, None, None)
            .await
            .unwrap()
            .remove(0);
        let res = b.submit("/redeem", "/redeem", &[("code", &code)]).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(!res.header("retry-after").is_empty());
        app.stop().await;
    }
}

backend_test! {
    /// Signing up says so once, on the page it lands on; redeeming a code from a question's
    /// page leads back to that question's model essay.
    async fn sign_up_is_confirmed_and_redeeming_returns_to_the_question(db) {
        let app = TestApp::builder().start_on(db).await;
        let b = Browser::new(&app.base);
        let res = b
            .submit(
                &format!("/signup?next=/questions/{SEED_SLUG}"),
                "/signup",
                &[
                    ("email", "new@example.com"),
                    ("password", PASSWORD),
                    ("next", &format!("/questions/{SEED_SLUG}")),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.location(), format!("/questions/{SEED_SLUG}"));
        let landed = b.get(res.location()).await;
        assert!(
            landed
                .body
                .contains("Welcome! Your account is ready, and you are signed in as new@example.com."),
            "{}",
            landed.body
        );
        let again = b.get(&format!("/questions/{SEED_SLUG}")).await;
        assert!(!again.body.contains("Welcome!"), "the notice is shown once");
        // The question page's offer carries the way back.
        let redeem_link = format!("/redeem?next=/questions/{SEED_SLUG}");
        assert!(again.body.contains(&redeem_link), "{}", again.body);
        let code = app
            .state
            .accounts
            .create_codes(&PackScope::All, 1, None, None)
            .await
            .unwrap()
            .remove(0);
        let done = b
            .submit(
                &redeem_link,
                "/redeem",
                &[("code", &code), ("next", &format!("/questions/{SEED_SLUG}"))],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(
            done.body.contains(&format!(
                "<a href=\"/questions/{SEED_SLUG}#essay\">Go back to the question and read the model essay</a>"
            )),
            "{}",
            done.body
        );
        // Another site is never a way back.
        let page = b.get("/redeem?next=//evil.example/questions/x").await;
        assert!(!page.body.contains("evil.example"));
        app.stop().await;
    }
}

backend_test! {
    /// Error pages keep the signed-in visitor's header (not "Sign in").
    async fn error_pages_show_the_signed_in_header(db) {
        let app = TestApp::builder().start_on(db).await;
        let b = Browser::new(&app.base);
        b.sign_up("stu@example.com", PASSWORD).await;
        let page = b.get("/questions/no-such-question").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("Page not found"));
        assert!(page.body.contains("<a href=\"/account\""), "{}", page.body);
        assert!(!page.body.contains("<a href=\"/signin\">Sign in</a>"));
        let refused = b.get("/editor").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("<a href=\"/account\""));
        // A visitor's error page offers sign-in, as before.
        let anon = Browser::new(&app.base).get("/questions/no-such-question").await;
        assert!(anon.body.contains("<a href=\"/signin\">Sign in</a>"));
        app.stop().await;
    }
}
