//! Holes found under attack, each closed: the feedback score as an oracle for hidden text,
//! slow clients, NUL bytes, CSRF on the feedback API, the API's error contract, sessions.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use studypack_domain::Status;
use studypack_test_support::backend_test;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::browser::Browser;
use super::{SEED_SLUG, TestApp};

const PASSWORD: &str = "correct horse battery";

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The score of the one point `<probe> qanchorzz` for an essay that names only `qanchorzz`:
/// the point's score moves with the weight the engine gives `probe`.
async fn probe_score(b: &Browser, probe: &str) -> f64 {
    let r = b
        .api(
            Method::POST,
            "/api/v1/feedback",
            Some(serde_json::json!({
                "scheme": format!("Arguments supporting the view\n- {probe} qanchorzz\n"),
                "text": "The qanchorzz was important.",
            })),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["points"][0]["score"].as_f64().unwrap()
}

backend_test! {
    async fn feedback_scores_cannot_tell_hidden_words_from_absent_ones(db) {
        // A draft whose text has a word found nowhere else.
        let mut draft = studypack_demo::library().questions[0].clone();
        draft.slug = studypack_domain::Slug::parse("a-draft-question").unwrap();
        draft.status = Status::Draft;
        draft.text = format!("{} Consider the zorblaxian settlement.", draft.text);
        let app = TestApp::builder()
            .with_question(draft.clone())
            .start_on(db)
            .await;
        // Words of the premium model essays that no visitor can read anywhere: no public
        // word even starts like them (so no shared stem either).
        let lib = app.store.library().await.unwrap();
        let public: HashSet<String> = lib
            .questions
            .iter()
            .filter(|q| q.status == Status::Published)
            .flat_map(|q| {
                let scheme: Vec<String> =
                    q.mark_scheme.points().into_iter().map(|p| p.text).collect();
                [q.text.clone(), q.plan.clone(), scheme.join(" ")]
            })
            .flat_map(|t| words(&t).collect::<Vec<_>>())
            .collect();
        let prefixes: HashSet<&str> = public
            .iter()
            .filter(|w| w.len() >= 5 && w.is_char_boundary(5))
            .map(|w| &w[..5])
            .collect();
        // The engine's stemmer (Snowball English, as in search): a hidden word must not share
        // a stem with a public one either.
        let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
        let stems: HashSet<String> = public.iter().map(|w| stemmer.stem(w).into_owned()).collect();
        let mut hidden: Vec<String> = lib
            .questions
            .iter()
            .flat_map(|q| words(&q.model_essay).collect::<Vec<_>>())
            .filter(|w| w.len() >= 7 && w.is_ascii() && !prefixes.contains(&w[..5]))
            .filter(|w| !stems.contains(stemmer.stem(w).as_ref()))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        hidden.sort();
        hidden.truncate(30);
        assert!(hidden.len() >= 20, "premium-only words: {hidden:?}");
        hidden.push("zorblaxian".into());

        let b = Browser::new(&app.base);
        let absent = probe_score(&b, "qwyxzzvek").await;
        assert_eq!(absent, probe_score(&b, "plokvarnish").await);
        let told_apart: Vec<&String> = {
            let mut v = vec![];
            for w in &hidden {
                if probe_score(&b, w).await != absent {
                    v.push(w);
                }
            }
            v
        };
        assert!(
            told_apart.is_empty(),
            "these hidden words score unlike an absent word: {told_apart:?}"
        );
        // A public word does move the score: the probe measures something.
        assert_ne!(probe_score(&b, "khrushchev").await, absent);
        app.stop().await;
    }
}

backend_test! {
    async fn nul_is_refused_at_the_edge_and_nothing_saved_is_lost(db) {
        let app = TestApp::builder().start_on(db).await;
        for path in [
            "/api/v1/questions/ab%00cd",
            "/api/v1/questions?topic=a%00",
            "/api/v1/search?q=stalin%00",
        ] {
            let (status, body) = app.json(path).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert!(
                body["error"]["message"].as_str().unwrap().contains("NUL"),
                "{path}: {body}"
            );
        }
        for path in ["/questions/ab%00cd", "/topics/a%00b", "/questions?topic=a%00", "/search?q=a%00"] {
            let (status, _, body) = app.get(path).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert!(body.contains("NUL"), "{path}");
        }

        let b = Browser::new(&app.base);
        b.sign_up("nul@example.com", PASSWORD).await;
        let csrf = b.get(&format!("/questions/{SEED_SLUG}/practice")).await.csrf();
        let draft = format!("/api/v1/drafts/{SEED_SLUG}");
        let kept = "Stalin and Khrushchev both ruled through the Party.";
        let ok = b
            .api(Method::PUT, &draft, Some(serde_json::json!({"text": kept})), None, Some(&csrf))
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        let bad = b
            .api(
                Method::PUT,
                &draft,
                Some(serde_json::json!({"text": "Stalin\u{0}Khrushchev"})),
                None,
                Some(&csrf),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        assert!(bad.json()["error"]["message"].as_str().unwrap().contains("NUL"));
        let got = b.api(Method::GET, &draft, None, None, None).await;
        assert_eq!(got.json()["body"], kept, "the acknowledged draft is still there");

        // The practice form: refused, and no attempt is made.
        let submit = b
            .post(
                &format!("/questions/{SEED_SLUG}/practice"),
                &[("csrf", csrf.as_str()), ("text", "a\u{0}b")],
            )
            .await;
        assert_eq!(submit.status, StatusCode::BAD_REQUEST);
        assert!(submit.body.contains("NUL"));
        let account = b.get(&format!("/questions/{SEED_SLUG}/practice")).await;
        assert!(!account.body.contains("/attempts/"), "no attempt was recorded");
        // A plain `%00` written as text (the characters, not the byte) is fine.
        let text = b
            .api(
                Method::PUT,
                &draft,
                Some(serde_json::json!({"text": "50%00 of them; a \\u0000 escape"})),
                None,
                Some(&csrf),
            )
            .await;
        assert_eq!(text.status, StatusCode::OK, "{}", text.body);
        app.stop().await;
    }
}

backend_test! {
    async fn the_feedback_api_checks_csrf_for_cookie_sessions(db) {
        let app = TestApp::builder().start_on(db).await;
        let body = || Some(serde_json::json!({"question": SEED_SLUG, "text": "Stalin used terror."}));
        let anonymous = Browser::new(&app.base);
        let r = anonymous.api(Method::POST, "/api/v1/feedback", body(), None, None).await;
        assert_eq!(r.status, StatusCode::OK, "no session, nothing to forge");

        let b = Browser::new(&app.base);
        b.sign_up("csrf@example.com", PASSWORD).await;
        let csrf = b.get("/account").await.csrf();
        let other = Browser::new(&app.base);
        other.sign_up("other@example.com", PASSWORD).await;
        let others = other.get("/account").await.csrf();
        for token in [None, Some("wrong"), Some(others.as_str())] {
            let r = b.api(Method::POST, "/api/v1/feedback", body(), None, token).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "token {token:?}: {}", r.body);
        }
        let r = b.api(Method::POST, "/api/v1/feedback", body(), None, Some(&csrf)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        let api = Browser::new(&app.base);
        let s = api
            .api(
                Method::POST,
                "/api/v1/session",
                Some(serde_json::json!({"email": "csrf@example.com", "password": PASSWORD})),
                None,
                None,
            )
            .await;
        let token = s.json()["token"].as_str().unwrap().to_string();
        let bearer = Browser::new(&app.base);
        let r = bearer.api(Method::POST, "/api/v1/feedback", body(), Some(&token), None).await;
        assert_eq!(r.status, StatusCode::OK, "bearer clients need no CSRF token");
        app.stop().await;
    }
}

backend_test! {
    async fn api_errors_keep_the_contract(db) {
        let app = TestApp::builder().start_on(db).await;
        for path in [
            "/api/v1/questions?per_page=1&per_page=2",
            "/api/v1/questions?page=",
            "/api/v1/questions?year=",
            "/api/v1/search?year_from=",
            "/api/v1/search?page=1&page=2",
        ] {
            let (status, body) = app.json(path).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert_eq!(body["error"]["code"], "bad_request", "{path}: {body}");
        }
        let b = Browser::new(&app.base);
        let big = "x".repeat(studypack_web_body_limit() + 10);
        let r = b
            .api(
                Method::POST,
                "/api/v1/feedback",
                Some(serde_json::json!({"scheme": "- a", "text": big})),
                None,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", &r.body[..r.body.len().min(200)]);
        assert_eq!(r.json()["error"]["code"], "payload_too_large");

        let bogus = b.api(Method::DELETE, "/api/v1/session", None, Some("not-a-token"), None).await;
        assert_eq!(bogus.status, StatusCode::UNAUTHORIZED, "{}", bogus.body);
        let none = b.api(Method::DELETE, "/api/v1/session", None, None, None).await;
        assert_eq!(none.status, StatusCode::UNAUTHORIZED);

        let wrong = b
            .api(
                Method::POST,
                "/api/v1/session",
                Some(serde_json::json!({"email": "nobody@example.com", "password": "wrong password!"})),
                None,
                None,
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.body);
        assert_eq!(wrong.json()["error"]["code"], "bad_credentials");

        // The document states the limits the server enforces.
        let (_, doc) = app.json("/api/v1/openapi.json").await;
        let params = &doc["paths"]["/questions"]["get"]["parameters"];
        let page = params.as_array().unwrap().iter().find(|p| p["name"] == "page").unwrap();
        assert_eq!(page["schema"]["maximum"], 100_000);
        let search = &doc["paths"]["/search"]["get"]["parameters"];
        let from = search.as_array().unwrap().iter().find(|p| p["name"] == "year_from").unwrap();
        assert_eq!((from["schema"]["minimum"].clone(), from["schema"]["maximum"].clone()), (1900.into(), 2100.into()));
        assert_eq!(doc["components"]["schemas"]["FeedbackRequest"]["oneOf"].as_array().unwrap().len(), 2);
        assert!(doc["paths"]["/feedback"]["post"]["responses"]["413"].is_object());
        app.stop().await;
    }
}

fn studypack_web_body_limit() -> usize {
    studypack_web::BODY_LIMIT
}

backend_test! {
    async fn api_sign_in_ends_the_cookie_session_and_sign_out_clears_browser_drafts(db) {
        let app = TestApp::builder().start_on(db).await;
        let b = Browser::new(&app.base);
        b.sign_up("two@example.com", PASSWORD).await;
        let before = b.cookie(studypack_web::SESSION_COOKIE).unwrap();
        assert_eq!(b.get("/account").await.status, StatusCode::OK);
        let s = b
            .api(
                Method::POST,
                "/api/v1/session",
                Some(serde_json::json!({"email": "two@example.com", "password": PASSWORD})),
                None,
                None,
            )
            .await;
        assert_eq!(s.status, StatusCode::OK);
        let old = Browser::new(&app.base);
        old.cookies
            .lock()
            .unwrap()
            .insert(studypack_web::SESSION_COOKIE.into(), before);
        let page = old.get("/account").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "the old session has ended");

        let account = b.get("/account").await;
        assert!(account.body.contains("/static/practice.js"), "the sign-out form's script");
        let out = b.submit("/account", "/signout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_eq!(out.header("clear-site-data"), "\"storage\"");
        let (_, _, script) = app.get("/static/practice.js").await;
        assert!(script.contains("form.signout") && script.contains("studypack:draft:"));
        app.stop().await;
    }
}

fn tight_limits() -> studypack_web::ServerLimits {
    studypack_web::ServerLimits {
        max_connections: 4,
        max_per_address: 3,
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(2),
    }
}

/// Waits until the server closes `s` (or `within` passes); returns what it sent first.
async fn closed_within(s: &mut TcpStream, within: Duration) -> Option<String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let end = Instant::now() + within;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(String::from_utf8_lossy(&got).into_owned()),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return None,
        }
    }
}

async fn connect_from(source: &str, to: std::net::SocketAddr) -> TcpStream {
    let sock = TcpSocket::new_v4().unwrap();
    sock.bind(format!("{source}:0").parse().unwrap()).unwrap();
    sock.connect(to).await.unwrap()
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_cannot_hold_every_connection() {
    // The server's connection handling is the same on both backends: SQLite is enough.
    let db = studypack_test_support::TestDb::sqlite().await;
    let app = TestApp::builder()
        .with_server_limits(tight_limits())
        .start_on(db)
        .await;
    let addr: std::net::SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();

    // Half a request head: closed after the header timeout.
    let mut slow = Vec::new();
    for source in ["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2"] {
        let mut s = connect_from(source, addr).await;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(s);
    }
    // Every slot is taken: a fifth client waits.
    let started = Instant::now();
    let mut fifth = connect_from("127.0.0.3", addr).await;
    fifth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    assert!(
        tokio::time::timeout(Duration::from_millis(300), fifth.read(&mut buf))
            .await
            .is_err(),
        "the cap of 4 connections holds"
    );
    for s in &mut slow {
        assert!(
            closed_within(s, Duration::from_secs(5)).await.is_some(),
            "a slow head is cut off"
        );
    }
    let answer = closed_within(&mut fifth, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "served once a slot freed"
    );

    // A body that stops half way: answered or closed after the body timeout.
    let mut s = connect_from("127.0.0.1", addr).await;
    s.write_all(b"POST /api/v1/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"text\":")
        .await
        .unwrap();
    let answer = closed_within(&mut s, Duration::from_secs(5)).await;
    assert!(answer.is_some(), "a stalled body is cut off");

    // An idle keep-alive connection is closed.
    let mut s = connect_from("127.0.0.1", addr).await;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let t = Instant::now();
    assert!(
        closed_within(&mut s, Duration::from_secs(6))
            .await
            .is_some(),
        "idle is cut off"
    );
    assert!(t.elapsed() >= Duration::from_millis(900));

    // One address may hold at most 3: the fourth is closed at once, another address is served.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect_from("127.0.0.4", addr).await);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut extra = connect_from("127.0.0.4", addr).await;
    assert_eq!(
        closed_within(&mut extra, Duration::from_millis(500))
            .await
            .as_deref(),
        Some(""),
        "the fourth connection from one address is refused"
    );
    drop(held);
    let (status, _, _) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    app.stop().await;
}

fn short(s: &str) -> &str {
    let mut end = s.len().min(200);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// One visitor of the matrix: a browser and the CSRF token its forms carry.
struct Actor {
    name: &'static str,
    role: Option<studypack_domain::Role>,
    /// Made a teacher by an admin (on top of the role).
    teacher: bool,
    browser: Browser,
    csrf: String,
}

fn allowed(
    access: studypack_web::Access,
    role: Option<studypack_domain::Role>,
    teacher: bool,
) -> bool {
    use studypack_domain::Role;
    use studypack_web::Access::*;
    match access {
        Public => true,
        SignedIn => role.is_some(),
        Editor => matches!(role, Some(Role::Editor | Role::Admin)),
        Teacher => role.is_some() && teacher,
        Admin => role == Some(Role::Admin),
    }
}

backend_test! {
    /// Every route of the router, from its own table, against every kind of visitor: who may
    /// use it, that no state-changing route works without the CSRF token, and that an object
    /// named by `{id}` is served to its owner only.
    async fn every_route_keeps_its_rule_for_every_role(db) {
        use studypack_domain::Role;
        use studypack_web::{Access, Csrf};
        let rules = studypack_web::route_rules();
        assert!(rules.len() >= 30, "the table lists the routes: {}", rules.len());
        let app = TestApp::builder().start_on(db).await;
        for (email, role) in [("ed@example.com", Role::Editor), ("boss@example.com", Role::Admin)] {
            app.state.accounts.add_user(email, PASSWORD, role).await.unwrap();
        }
        let mut actors = Vec::new();
        let anon = Browser::new(&app.base);
        let anon_csrf = anon.get("/signin").await.csrf();
        actors.push(Actor { name: "anonymous", role: None, teacher: false, browser: anon, csrf: anon_csrf });
        for (name, email, role, new, teacher) in [
            ("owner", "owner@example.com", Role::Student, true, false),
            ("student", "someone@example.com", Role::Student, true, false),
            ("teacher", "teach@example.com", Role::Student, true, true),
            ("editor", "ed@example.com", Role::Editor, false, false),
            ("admin", "boss@example.com", Role::Admin, false, false),
        ] {
            let b = Browser::new(&app.base);
            let r = if new { b.sign_up(email, PASSWORD).await } else { b.sign_in(email, PASSWORD).await };
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{name} signs in: {}", r.body);
            if teacher {
                app.state.accounts.set_teacher(email, true, None).await.unwrap();
            }
            let csrf = b.get("/account").await.csrf();
            actors.push(Actor { name, role: Some(role), teacher, browser: b, csrf });
        }
        // The owner's attempt: the object behind `{id}`.
        let owner = &actors[1];
        let done = owner
            .browser
            .post(
                &format!("/questions/{SEED_SLUG}/practice"),
                &[("csrf", owner.csrf.as_str()), ("text", "Stalin used terror; Khrushchev did not.")],
            )
            .await;
        let attempt = done.location().trim_start_matches("/attempts/").to_string();
        // The teacher's class, with the owner in it, and work set for it: the objects behind
        // `{class}` and `{assignment}`.
        let user = |email: &'static str| {
            let store = app.store.clone();
            async move { store.user_by_email(email).await.unwrap().unwrap().0 }
        };
        let (teacher_user, owner_user) = (user("teach@example.com").await, user("owner@example.com").await);
        let class = app.state.accounts.create_class(&teacher_user, "Matrix class").await.unwrap();
        app.store.join_class(&class.join_code, owner_user.id, 1).await.unwrap().unwrap();
        let work = app
            .store
            .create_assignment(
                &studypack_store::NewAssignment {
                    class_id: class.id,
                    question_slug: SEED_SLUG.into(),
                    opens_at: 0,
                    due_at: i64::MAX / 2,
                    timed: true,
                    attempts_allowed: 1,
                },
                teacher_user.id,
                1,
            )
            .await
            .unwrap();
        let submitted = app
            .store
            .submit_attempt(&studypack_store::Attempt {
                id: 0,
                user_id: owner_user.id,
                question_slug: SEED_SLUG.into(),
                body: "Stalin used terror.".into(),
                level: Some(1),
                covered: 0,
                total: 1,
                words: 3,
                created_at: 2,
                started_at: Some(2),
                assignment_id: Some(work.id),
            })
            .await
            .unwrap();
        let (class, work, submitted) = (class.id.to_string(), work.id.to_string(), submitted.to_string());
        assert!(!attempt.is_empty(), "an attempt was made: {}", done.status);

        let mut checked = 0;
        for rule in &rules {
            let url = rule
                .path
                .replace("{slug}", SEED_SLUG)
                .replace("{id}", &attempt)
                .replace("{class}", &class)
                .replace("{assignment}", &work)
                .replace("{submission}", &submitted)
                .replace("{comment}", "1")
                .replace("{own}", "1");
            let api = rule.path.starts_with("/api/");
            let method: Method = rule.method.parse().unwrap();
            for a in &actors {
                let send = |csrf: Option<&str>| {
                    let req = a.browser.client().request(method.clone(), a.browser.url(&url));
                    let req = if method == Method::GET {
                        req
                    } else if api {
                        let req = req.json(&serde_json::json!({
                            "text": "Stalin used terror.", "question": SEED_SLUG,
                            "code": "AAAAA-AAAAA-AAAAA-AAAAA", "email": "x@example.com", "password": "wrong password",
                        }));
                        match csrf { Some(c) => req.header("x-csrf-token", c), None => req }
                    } else {
                        req.form(&[("csrf", csrf.unwrap_or(""))])
                    };
                    a.browser.send(req)
                };
                let what = format!("{} {} as {}", rule.method, rule.path, a.name);
                let may = allowed(rule.access, a.role, a.teacher);
                let refused = |p: &crate::browser::Page| {
                    p.status == StatusCode::UNAUTHORIZED
                        || p.status == StatusCode::FORBIDDEN
                        || (p.status == StatusCode::SEE_OTHER && p.location().starts_with("/signin"))
                };
                if rule.csrf == Csrf::Token && a.role.is_some() {
                    // A cookie session without the token: always refused, whoever it is.
                    let p = send(None).await;
                    assert_eq!(p.status, StatusCode::FORBIDDEN, "{what} without a CSRF token: {}", short(&p.body));
                }
                if !may {
                    let p = send(Some(&a.csrf)).await;
                    assert!(refused(&p), "{what} must be refused: {} {}", p.status, short(&p.body));
                    if a.role.is_none() && rule.access != Access::Public {
                        assert!(p.status != StatusCode::FORBIDDEN || rule.csrf == Csrf::Token, "{what}: anonymous is asked to sign in");
                    }
                } else if method == Method::GET {
                    let p = send(None).await;
                    assert!(!refused(&p), "{what} must be allowed: {} {}", p.status, short(&p.body));
                    if rule.owned {
                        let expected = if a.name == "owner" { StatusCode::OK } else { StatusCode::NOT_FOUND };
                        assert_eq!(p.status, expected, "{what}: only the owner sees it");
                    }
                    // A class is seen only by its teacher, set work only by its class.
                    if rule.path.contains("{class}") {
                        let expected = if a.name == "teacher" { StatusCode::OK } else { StatusCode::NOT_FOUND };
                        assert_eq!(p.status, expected, "{what}: only the class's teacher sees it");
                    }
                    if rule.path.starts_with("/work/") {
                        let expected = if a.name == "teacher" { StatusCode::OK } else { StatusCode::NOT_FOUND };
                        assert_eq!(p.status, expected, "{what}: only the class's teacher marks it");
                    } else if rule.path.contains("{assignment}") {
                        let expected = if a.name == "owner" { StatusCode::SEE_OTHER } else { StatusCode::NOT_FOUND };
                        assert_eq!(p.status, expected, "{what}: only the class reaches it");
                    }
                }
                checked += 1;
            }
        }
        assert_eq!(checked, rules.len() * actors.len());
        app.stop().await;
    }
}

backend_test! {
    /// The search and browse pages take topics from the loaded library version, as the JSON
    /// API does, rather than reading and parsing every topic from the database per request: a
    /// change made behind the store's back (no new library version) is not seen by them.
    async fn search_and_browse_pages_use_the_loaded_topics(db) {
        let app = TestApp::builder().start_on(db).await;
        let lib = app.store.library().await.unwrap();
        let seed = lib.question(SEED_SLUG).unwrap();
        let title = lib.topic(&seed.topic).unwrap().title.clone();
        let (_, _, before) = app.get("/search?q=Khrushchev").await;
        assert!(crate::unescape(&before).contains(&title), "the topic facet shows its title");
        app.db
            .execute_raw(&format!(
                "UPDATE topics SET title = 'Renamed behind the store', \
                 source = replace(source, '{t}', 'Renamed behind the store') WHERE slug = '{}'",
                seed.topic,
                t = title.replace('\'', "''"),
            ))
            .await;
        // New addresses, so that no cached page answers. (The browse page's listing rows
        // come from one SQL query with their topic's current title; its facets, which named
        // every topic, come from the loaded topics.)
        let (status, _, body) = app.get("/search?q=Stalin+Khrushchev").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains("Renamed behind the store"), "the search page read the topics again");
        assert!(crate::unescape(&body).contains(&title));
        let (status, _, body) = app.get("/questions?board=AQA&page=1").await;
        assert_eq!(status, StatusCode::OK);
        assert!(crate::unescape(&body).contains(&title), "the browse page's facets read the topics again");
        app.stop().await;
    }
}
