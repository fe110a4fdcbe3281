//! The web app over real HTTP: each test spawns the server on port 0 with a fresh SQLite
//! database holding the demo library and the seed page.

use std::sync::Arc;
use std::time::{Duration, Instant};

use studypack_domain::import::{SourceFile, build_batch};
use studypack_domain::{Library, Question};
use studypack_store::Store;
use studypack_test_support::{TestDb, backend_test};
use studypack_web::AppState;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/seed/000_359a0cc6bd3e9193.txt"
);
const SEED_SLUG: &str = "aqa-2022-there-were-more-similarities-than-differences-between-stalin";

struct TestApp {
    base: String,
    client: reqwest::Client,
    store: Arc<dyn Store>,
    state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    db: TestDb,
}

mod accounts;
mod browser;
mod classes;
mod editor;
mod practice;
mod reliability;
mod search;

struct TestAppBuilder {
    extra: Vec<Question>,
    limits: Option<studypack_accounts::Limits>,
    server: Option<studypack_web::ServerLimits>,
}

impl TestAppBuilder {
    fn with_limits(mut self, limits: studypack_accounts::Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    fn with_server_limits(mut self, limits: studypack_web::ServerLimits) -> Self {
        self.server = Some(limits);
        self
    }

    fn with_question(mut self, q: Question) -> Self {
        self.extra.push(q);
        self
    }

    async fn start_on(self, db: TestDb) -> TestApp {
        let store = db.store.clone();
        let demo = studypack_demo::library();
        store
            .import(&demo, studypack_accounts::now())
            .await
            .unwrap();
        let seed = SourceFile {
            name: "seed.txt".into(),
            bytes: std::fs::read(SEED).expect("the seed page in ../shared"),
        };
        store
            .import(
                &build_batch(&[seed], &demo.topics).unwrap(),
                studypack_accounts::now(),
            )
            .await
            .unwrap();
        if !self.extra.is_empty() {
            store
                .import(
                    &Library {
                        topics: vec![],
                        questions: self.extra,
                    },
                    studypack_accounts::now(),
                )
                .await
                .unwrap();
        }
        let mut state = AppState::new(store.clone()).await.unwrap();
        if let Some(l) = self.limits {
            state = state.with_limits(l);
        }
        if let Some(limits) = self.server {
            state = state.with_config(studypack_web::WebConfig {
                limits,
                ..Default::default()
            });
        }
        TestApp::serve(store, state, db).await
    }
}

impl TestApp {
    /// Imports one question (new or changed) straight into the store, as `studypack import`
    /// from a shell would.
    async fn import_question(&self, q: studypack_domain::Question) {
        self.store
            .import(
                &Library {
                    topics: vec![],
                    questions: vec![q],
                },
                studypack_accounts::now(),
            )
            .await
            .unwrap();
    }

    fn builder() -> TestAppBuilder {
        TestAppBuilder {
            extra: vec![],
            limits: None,
            server: None,
        }
    }

    async fn get(&self, path: &str) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        let res = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        (status, headers, res.text().await.unwrap())
    }

    async fn json(&self, path: &str) -> (reqwest::StatusCode, serde_json::Value) {
        let (s, h, body) = self.get(path).await;
        assert!(
            h[reqwest::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        (
            s,
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")),
        )
    }

    /// Stops the server and starts a new one on the same database (a new connection pool).
    async fn restart(mut self) -> TestApp {
        self.shutdown.take().unwrap().send(()).unwrap();
        self.server.take().unwrap().await.unwrap().unwrap();
        let store = self.db.reopen().await;
        let state = AppState::new(store.clone()).await.unwrap();
        TestApp::serve(store, state, self.db).await
    }

    /// Serves `state` on a free port of 127.0.0.1.
    async fn serve(store: Arc<dyn Store>, state: AppState, db: TestDb) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(studypack_web::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        TestApp {
            base,
            client: reqwest::Client::new(),
            store,
            state,
            shutdown: Some(tx),
            server: Some(server),
            db,
        }
    }

    async fn stop(mut self) {
        self.shutdown.take().unwrap().send(()).unwrap();
        self.server.take().unwrap().await.unwrap().unwrap();
        self.db.cleanup().await;
    }
}

/// Page text with askama's and the Markdown renderer's escapes undone.
fn unescape(s: &str) -> String {
    s.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

fn premium_sentences(essay: &str) -> Vec<String> {
    // Sentences from beyond the teaser's sixty words: none may appear anywhere.
    let words: Vec<&str> = essay.split_whitespace().collect();
    let tail = words[70..].join(" ");
    tail.split(". ")
        .filter(|s| s.split_whitespace().count() >= 8 && !s.contains('#'))
        .map(|s| s.split_whitespace().take(8).collect::<Vec<_>>().join(" "))
        .collect()
}

backend_test! {
    async fn every_page_answers_with_its_content_and_no_premium_text(db) {
        let app = TestApp::builder().start_on(db).await;
        let seed = app.store.question(SEED_SLUG).await.unwrap().unwrap();
        let secrets = premium_sentences(&seed.model_essay);
        assert!(secrets.len() > 5);
        let pages = [
            ("/", "Past-paper essay questions"),
            ("/questions", "Browse questions"),
            (
                "/questions?board=AQA&year=2022",
                "There were more similarities",
            ),
            (
                &format!("/questions/{SEED_SLUG}"),
                "Extracts from Mark Schemes",
            ),
            ("/topics/aqa-7042-1h-russia-1855-1964", "Timeline"),
            ("/search?q=Stalin", "Results for"),
            (
                "/search?q=Khrushchev&board=AQA&year_from=2019&year_to=2024",
                "result",
            ),
            ("/api/v1/questions", "\"items\""),
            (
                &format!("/api/v1/questions/{SEED_SLUG}"),
                "model_essay_teaser",
            ),
            ("/api/v1/search?q=Stalin%20Khrushchev", "\"facets\""),
            ("/api/v1/openapi.json", "\"openapi\""),
            ("/healthz", "\"ok\""),
            ("/static/style.css", "@media print"),
        ];
        for (path, expect) in pages {
            let (status, headers, body) = app.get(path).await;
            assert_eq!(status, 200, "{path}");
            assert!(body.contains(expect), "{path} lacks {expect:?}");
            for s in &secrets {
                assert!(!body.contains(s.as_str()), "{path} leaks premium text: {s}");
            }
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(
                csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
                "{path}"
            );
            assert_eq!(headers["x-content-type-options"], "nosniff");
            if body.starts_with("<!doctype html>") {
                assert_eq!(body.matches("<h1").count(), 1, "{path}: one h1");
                assert!(
                    body.contains("<main") && body.contains("<header") && body.contains("<nav"),
                    "{path}: landmarks"
                );
                assert!(!body.contains("<script"), "{path}: no scripts");
            }
        }
        app.stop().await;
    }
}

backend_test! {
    async fn question_page_is_laid_out_like_the_seed(db) {
        let app = TestApp::builder().start_on(db).await;
        let (status, _, body) = app.get(&format!("/questions/{SEED_SLUG}")).await;
        assert_eq!(status, 200);
        let order = [
            "<h1>‘There were more similarities",
            "Level",
            "A Level",
            "Year examined",
            "2022",
            "Topic",
            "Tsarist and Communist Russia",
            "AQA",
            "7042/1H",
            "Complete Model Essay",
            "History Study Pack",
            "Free Essay Plan",
            "Extracts from Mark Schemes",
            "Arguments supporting the view",
            "Arguments challenging the view",
            "Related questions",
        ];
        let mut at = 0;
        for part in order {
            let found = body[at..]
                .find(part)
                .unwrap_or_else(|| panic!("{part:?} missing or out of order"));
            at += found;
        }
        assert!(body.contains(&format!(
            "<link rel=\"canonical\" href=\"/questions/{SEED_SLUG}\">"
        )));
        // Snapshot of the main content (the layout around it is tested above).
        let main = &body[body.find("<main").unwrap()..body.find("</main>").unwrap()];
        insta::assert_snapshot!("seed_question_page", main);
        app.stop().await;
    }
}

backend_test! {
    async fn the_api_hides_the_model_essay_and_gives_a_teaser(db) {
        let app = TestApp::builder().start_on(db).await;
        let (status, q) = app.json(&format!("/api/v1/questions/{SEED_SLUG}")).await;
        assert_eq!(status, 200);
        assert!(q["model_essay"].is_null());
        assert_eq!(q["premium"], true);
        let teaser = q["model_essay_teaser"].as_str().unwrap();
        assert!(
            teaser.starts_with("Following the tumultuous years")
                && teaser.split_whitespace().count() <= 60
        );
        for key in [
            "slug",
            "board",
            "level",
            "component",
            "topic",
            "year",
            "question",
            "marks",
            "plan",
        ] {
            assert!(!q[key].is_null(), "{key}");
        }
        assert_eq!(q["mark_scheme"]["supporting"].as_array().unwrap().len(), 5);
        app.stop().await;
    }
}

backend_test! {
    async fn api_lists_with_filters_and_pages(db) {
        let app = TestApp::builder().start_on(db).await;
        let (_, all) = app.json("/api/v1/questions?per_page=5").await;
        assert_eq!(all["total"], 13);
        assert_eq!(all["items"].as_array().unwrap().len(), 5);
        let (_, p3) = app.json("/api/v1/questions?per_page=5&page=3").await;
        assert_eq!(p3["items"].as_array().unwrap().len(), 3);
        let (_, ocr) = app.json("/api/v1/questions?board=OCR").await;
        assert!(
            ocr["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["board"] == "OCR")
        );
        assert_eq!(ocr["total"], 3);
        let (_, by_cmd) = app
            .json("/api/v1/questions?command=To%20what%20extent")
            .await;
        assert!(
            by_cmd["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["command"] == "To what extent")
        );
        app.stop().await;
    }
}

backend_test! {
    async fn api_errors_are_json_with_the_right_status(db) {
        let app = TestApp::builder().start_on(db).await;
        for (path, status, code) in [
            ("/api/v1/questions/no-such-question", 404, "not_found"),
            ("/api/v1/nothing-here", 404, "not_found"),
            ("/api/v1/questions?page=0", 400, "bad_request"),
            ("/api/v1/questions?board=Hogwarts", 400, "bad_request"),
            ("/api/v1/questions?year=twenty", 400, "bad_request"),
            ("/api/v1/search?year_from=abc", 400, "bad_request"),
        ] {
            let (s, v) = app.json(path).await;
            assert_eq!(s.as_u16(), status, "{path}");
            assert_eq!(v["error"]["code"], code, "{path}");
            assert!(
                v["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty())
            );
        }
        let long = "a".repeat(600);
        let (s, _) = app.json(&format!("/api/v1/search?q={long}")).await;
        assert_eq!(s, 400);
        let (s, _, body) = app.get("/no/such/page").await;
        assert_eq!(s, 404);
        assert!(body.contains("Page not found"));
        app.stop().await;
    }
}

backend_test! {
    async fn search_finds_misspelt_names_and_counts_facets(db) {
        let app = TestApp::builder().start_on(db).await;
        let (_, r) = app.json("/api/v1/search?q=Khruschev").await;
        let slugs: Vec<&str> = r["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["slug"].as_str().unwrap())
            .collect();
        assert!(slugs.contains(&SEED_SLUG), "{slugs:?}");
        let boards = r["facets"]["board"].as_array().unwrap();
        assert_eq!(
            boards
                .iter()
                .map(|b| b["count"].as_u64().unwrap())
                .sum::<u64>(),
            r["total"].as_u64().unwrap()
        );
        let (_, ranged) = app
            .json("/api/v1/search?q=Stalin&year_from=2022&year_to=2022")
            .await;
        assert!(
            ranged["hits"]
                .as_array()
                .unwrap()
                .iter()
                .all(|h| h["year"] == 2022)
        );
        let (_, phrase) = app.json("/api/v1/search?q=%22anti-party%20group%22").await;
        assert!(phrase["total"].as_u64().unwrap() >= 1);
        let (_, html) = (0, app.get("/search?q=Khruschev").await.2);
        assert!(html.contains(&format!("/questions/{SEED_SLUG}")));
        app.stop().await;
    }
}

backend_test! {
    async fn hostile_text_is_escaped_everywhere(db) {
        let mut q = studypack_demo::library().questions[0].clone();
        q.slug = studypack_domain::Slug::parse("hostile-question").unwrap();
        q.title = "<script>alert('title')</script>".into();
        q.text = "<script>alert('q')</script> Was it <b>bold</b>?".into();
        q.plan = "## <img src=x onerror=alert(1)>\n\nA plan with <iframe>.".into();
        q.mark_scheme.bullets[0].text = "<script>alert('scheme')</script>".into();
        let app = TestApp::builder()
            .with_question(q.clone())
            .start_on(db)
            .await;
        for path in [
            "/questions/hostile-question",
            "/search?q=alert%20bold",
            "/questions",
            "/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
        ] {
            let (_, _, body) = app.get(path).await;
            assert!(!body.contains("<script"), "{path} has a raw script tag");
            assert!(
                !body.contains("<img src=x")
                    && !body.contains("<iframe>")
                    && !body.contains("<b>bold"),
                "{path}"
            );
        }
        let (_, _, body) = app.get("/questions/hostile-question").await;
        let escaped = |b: &str, inner: &str| {
            b.contains(&format!("&lt;script&gt;{inner}&lt;/script&gt;"))
                || b.contains(&format!("&#60;script&#62;{inner}&#60;/script&#62;"))
        };
        assert!(escaped(&body, "alert(&#39;q&#39;)"));
        let (_, _, body) = app.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
        assert!(escaped(&body, "alert(1)"));
        app.stop().await;
    }
}

/// Every `$ref` in `v`.
fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                out.push(r.to_string());
            }
            m.values().for_each(|x| refs(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

backend_test! {
    async fn openapi_describes_every_api_route(db) {
        let app = TestApp::builder().start_on(db).await;
        let (_, doc) = app.json("/api/v1/openapi.json").await;
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        // The table's API routes and the document's operations are the same set.
        let mut routed: Vec<(String, String)> = studypack_web::route_rules()
            .iter()
            .filter_map(|r| {
                r.path
                    .strip_prefix("/api/v1")
                    .map(|p| (r.method.to_lowercase(), p.to_string()))
            })
            .collect();
        let mut documented: Vec<(String, String)> = paths
            .iter()
            .flat_map(|(p, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
                    .map(move |m| (m.clone(), p.clone()))
            })
            .collect();
        routed.sort();
        documented.sort();
        assert_eq!(routed, documented, "API routes (left) and documented operations (right) differ");
        assert!(routed.len() >= 10, "{routed:?}");
        // Every reference resolves.
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        for r in all {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{r}"));
            assert!(doc["components"]["schemas"][name].is_object(), "{r} does not resolve");
        }
        // Each documented GET without a path parameter answers; each write answers a bad
        // request with the API's error, not 404/405.
        for (method, p) in &documented {
            let url = format!("{}/api/v1{}", app.base, p.replace("{slug}", SEED_SLUG));
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut req = app.client.request(m, url);
            if method != "get" {
                req = req.json(&serde_json::json!({}));
            }
            let status = req.send().await.unwrap().status().as_u16();
            let expected: &[u16] = if method == "get" && !p.contains("drafts") { &[200] } else { &[204, 400, 401] };
            assert!(expected.contains(&status), "{method} {p}: {status}");
        }
        // The whole document, under review.
        insta::assert_json_snapshot!("openapi_document", doc);
        app.stop().await;
    }
}

backend_test! {
    async fn imports_reach_search_while_serving(db) {
        let app = TestApp::builder().start_on(db).await;
        let (_, before) = app.json("/api/v1/search?q=Zanzibar").await;
        assert_eq!(before["total"], 0);
        let mut q = studypack_demo::library().questions[1].clone();
        q.slug = studypack_domain::Slug::parse("zanzibar-question").unwrap();
        q.title = "Zanzibar and the Cold War".into();
        app.import_question(q).await;
        // The server's own refresher (every second) may have applied it already.
        app.state.refresh_search().await.unwrap();
        let (_, after) = app.json("/api/v1/search?q=Zanzibar").await;
        assert_eq!(after["total"], 1);
        // A cached page shows the new text once the library changed.
        let (_, _, before_page) = app.get(&format!("/questions/{SEED_SLUG}")).await;
        assert!(!before_page.contains("Revised wording"));
        let mut seed = app.store.question(SEED_SLUG).await.unwrap().unwrap();
        seed.plan = format!("Revised wording of the plan.\n\n{}", seed.plan);
        app.import_question(seed).await;
        // The server's own refresher (every second) may have applied it already.
        app.state.refresh_search().await.unwrap();
        let (_, _, after_page) = app.get(&format!("/questions/{SEED_SLUG}")).await;
        assert!(after_page.contains("Revised wording of the plan."));
        app.stop().await;
    }
}

backend_test! {
    /// A topic of a large library lists its questions a hundred to a page, newest first, with
    /// links between the pages; a page past the last is not found.
    async fn a_large_topic_is_listed_a_page_at_a_time(db) {
        let app = TestApp::builder().start_on(db).await;
        let seed = app.store.question(SEED_SLUG).await.unwrap().unwrap();
        let topic = format!("/topics/{}", seed.topic);
        let (_, _, before) = app.get(&topic).await;
        assert!(!before.contains("rel=\"next\""), "the demo topic fits on a page");
        let added: Vec<Question> = (0..130u16)
            .map(|i| {
                let mut q = seed.clone();
                q.slug = studypack_domain::Slug::parse(&format!("paged-{i:03}")).unwrap();
                q.title = format!("Paged question {i:03}");
                q.text = format!("Paged question number {i:03}: assess it.");
                q.year = 1900 + i;
                q
            })
            .collect();
        app.store
            .import(&Library { topics: vec![], questions: added }, studypack_accounts::now())
            .await
            .unwrap();
        app.state.refresh_search().await.unwrap();
        let (status, _, first) = app.get(&topic).await;
        assert_eq!(status, 200);
        // Newest first: the page holds 2029 … and links on; the oldest are on the next page.
        assert!(first.contains("Paged question number 129"), "{first}");
        assert!(!first.contains("Paged question number 000"));
        assert!(first.contains(&format!("href=\"{topic}?page=2\"")), "{first}");
        assert!(!first.contains("rel=\"prev\""));
        let listed = |html: &str| html.matches("class=\"qtitle\"").count();
        assert_eq!(listed(&first), 100);
        let (status, _, second) = app.get(&format!("{topic}?page=2")).await;
        assert_eq!(status, 200);
        assert!(second.contains("Paged question number 000"));
        assert!(second.contains(&format!("href=\"{topic}\"")), "back to the first page");
        assert!(!second.contains("rel=\"next\""));
        let demo_in_topic = app
            .store
            .question_counts()
            .await
            .unwrap()
            .into_iter()
            .find(|(t, _)| *t == seed.topic.as_str())
            .unwrap()
            .1 as usize;
        assert_eq!(listed(&first) + listed(&second), demo_in_topic);
        assert_eq!(app.get(&format!("{topic}?page=3")).await.0, 404);
        assert_eq!(app.get(&format!("{topic}?page=0")).await.0, 400);
        app.stop().await;
    }
}

backend_test! {
    /// Issue 18 item 1: a change is applied to the index and caches as a change, not by a
    /// rebuild: only the pages showing the changed question's topic (and the home page) are
    /// dropped, the index matches one built afresh, and `reindex` still rebuilds everything.
    async fn library_changes_drop_only_the_pages_that_show_them(db) {
        let app = TestApp::builder().start_on(db).await;
        let cromwell = "aqa-2021-cromwell-break-with-rome";
        let tudor_pages = [
            "/".to_string(),
            "/topics/aqa-7042-1c-tudors-1485-1603".to_string(),
            format!("/questions/{cromwell}"),
            "/questions/aqa-2023-elizabeth-catholic-threat".to_string(),
        ];
        let russia_pages = [
            format!("/questions/{SEED_SLUG}"),
            "/topics/aqa-7042-1h-russia-1855-1964".to_string(),
        ];
        for p in tudor_pages.iter().chain(&russia_pages) {
            let (status, _, _) = app.get(p).await;
            assert_eq!(status, 200, "{p}");
            assert!(app.state.is_page_cached(p), "{p} is cached once seen");
        }
        let mut q = app.store.question(cromwell).await.unwrap().unwrap();
        q.plan = format!("A quarrelsome opening line.\n\n{}", q.plan);
        app.import_question(q.clone()).await;
        // The server's own refresher (every second) may have applied it already.
        app.state.refresh_search().await.unwrap();
        for p in &tudor_pages {
            assert!(!app.state.is_page_cached(p), "{p} shows the changed topic: dropped");
        }
        for p in &russia_pages {
            assert!(app.state.is_page_cached(p), "{p} shows another topic: kept");
        }
        let (_, _, page) = app.get(&format!("/questions/{cromwell}")).await;
        assert!(page.contains("A quarrelsome opening line."));
        let (_, found) = app.json("/api/v1/search?q=quarrelsome").await;
        assert_eq!(found["total"], 1);
        // Back to a draft: out of the index.
        q.status = studypack_domain::Status::Draft;
        app.import_question(q).await;
        // The server's own refresher (every second) may have applied it already.
        app.state.refresh_search().await.unwrap();
        let (_, gone) = app.json("/api/v1/search?q=quarrelsome").await;
        assert_eq!(gone["total"], 0);
        // The index changed by changes answers as one built afresh from the library.
        let fresh = AppState::new(app.db.reopen().await).await.unwrap();
        assert_eq!(fresh.search.len(), app.state.search.len());
        for words in ["Cromwell", "Stalin", "Cold War", "Elizabeth Catholic", "revolution"] {
            let req = studypack_search::SearchRequest {
                q: words.into(),
                ..Default::default()
            };
            let slugs = |st: &AppState| -> Vec<String> {
                st.search
                    .search(&req)
                    .unwrap()
                    .hits
                    .into_iter()
                    .map(|h| h.slug)
                    .collect()
            };
            assert_eq!(slugs(&app.state), slugs(&fresh), "{words}");
        }
        // A reindex rebuilds everything, and drops every page.
        assert!(app.state.is_page_cached(&russia_pages[0]));
        app.store.request_reindex().await.unwrap();
        // The server's own refresher (every second) may have applied it already.
        app.state.refresh_search().await.unwrap();
        assert!(!app.state.is_page_cached(&russia_pages[0]));
        assert!(!app.state.refresh_search().await.unwrap(), "nothing left to apply");
        app.stop().await;
    }
}

/// Every published question's report on `essay` by the instance's engine, as JSON.
async fn reports_by(state: &AppState, essay: &str) -> Vec<String> {
    let lib = state.store.library().await.unwrap();
    let engine = state.engine();
    lib.questions
        .iter()
        .filter(|q| q.status == studypack_domain::Status::Published)
        .map(|q| {
            let t = lib.topic(&q.topic).unwrap();
            let p = engine.prepare(&studypack_feedback::question_input(q, t));
            serde_json::to_string(&engine.report(&p, essay)).unwrap()
        })
        .collect()
}

backend_test! {
    /// Issue 18 items 1 and 2: an index kept on disk is taken up where it was left, and only
    /// the changes since are applied to it and to the engine's statistics; the instance then
    /// finds and marks as one that built everything from the library.
    async fn a_kept_index_resumes_and_catches_up_with_changes(db) {
        let app = TestApp::builder().start_on(db).await;
        let dir = tempfile::tempdir().unwrap();
        let first = AppState::kept_in(app.db.reopen().await, dir.path()).await.unwrap();
        assert_eq!(first.resumed_from(), None, "a new directory is built from the library");
        assert_eq!(first.search.len(), app.state.search.len());
        let at = app.store.library_version().await.unwrap();
        drop(first);
        // While it is stopped: one question edited, one unpublished, one added.
        let cromwell = "aqa-2021-cromwell-break-with-rome";
        let mut q = app.store.question(cromwell).await.unwrap().unwrap();
        q.plan = format!("Zwinglian echoes in the opening.\n\n{}", q.plan);
        app.import_question(q).await;
        let mut gone = app.store.question(SEED_SLUG).await.unwrap().unwrap();
        gone.status = studypack_domain::Status::Draft;
        app.import_question(gone).await;
        let mut added = studypack_demo::library().questions[2].clone();
        added.slug = studypack_domain::Slug::parse("kept-index-question").unwrap();
        added.text = format!("{} Consider the Zemstvo statute.", added.text);
        app.import_question(added).await;
        let kept = AppState::kept_in(app.db.reopen().await, dir.path()).await.unwrap();
        assert_eq!(kept.resumed_from(), Some(at), "the kept index is taken up, not rebuilt");
        let fresh = AppState::new(app.db.reopen().await).await.unwrap();
        assert_eq!(kept.search.len(), fresh.search.len());
        for words in ["Zwinglian", "Zemstvo", "Khrushchev", "Cromwell", "Elizabeth Catholic"] {
            let req = studypack_search::SearchRequest {
                q: words.into(),
                ..Default::default()
            };
            let slugs = |st: &AppState| -> Vec<String> {
                st.search.search(&req).unwrap().hits.into_iter().map(|h| h.slug).collect()
            };
            assert_eq!(slugs(&kept), slugs(&fresh), "{words}");
        }
        assert_eq!(kept.engine().statistics_documents(), fresh.engine().statistics_documents());
        let essay = "Cromwell broke with Rome; the Zwinglian echoes and the Zemstvo statute mattered. In conclusion, the break was political.";
        assert_eq!(reports_by(&kept, essay).await, reports_by(&fresh, essay).await);
        // Changes while it runs reach it as changes too, engine included.
        let mut q = app.store.question(cromwell).await.unwrap().unwrap();
        q.text = format!("{} Weigh the Pilgrimage of Grace.", q.text);
        app.import_question(q).await;
        assert!(kept.refresh_search().await.unwrap());
        let fresh = AppState::new(app.db.reopen().await).await.unwrap();
        assert_eq!(reports_by(&kept, essay).await, reports_by(&fresh, essay).await);
        // Another database's index in the same directory is not taken for this one.
        drop(kept);
        let other = TestDb::sqlite().await;
        other.store.import(&studypack_demo::library(), studypack_accounts::now()).await.unwrap();
        let elsewhere = AppState::kept_in(other.store.clone(), dir.path()).await.unwrap();
        assert_eq!(elsewhere.resumed_from(), None);
        assert_eq!(elsewhere.search.search(&studypack_search::SearchRequest { q: "Zwinglian".into(), ..Default::default() }).unwrap().total, 0);
        app.stop().await;
    }
}

backend_test! {
    async fn health_reports_the_database(db) {
        let app = TestApp::builder().start_on(db).await;
        let (s, v) = app.json("/healthz").await;
        assert_eq!(s, 200);
        assert_eq!(v["database"], "ok");
        assert!(v["indexed"].as_u64().unwrap() >= 13);
        app.stop().await;
    }
}

/// Another instance, served on port 0 beside a `TestApp`.
struct OtherInstance {
    base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl OtherInstance {
    async fn serve(state: AppState) -> OtherInstance {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(studypack_web::serve(listener, state, async {
            let _ = stopped.await;
        }));
        OtherInstance { base, stop, server }
    }

    /// How many questions this instance's search finds for `q`.
    async fn found(&self, client: &reqwest::Client, q: &str) -> u64 {
        let v: serde_json::Value = client
            .get(format!("{}/api/v1/search?q={q}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["total"].as_u64().unwrap()
    }

    /// Waits, up to `within`, until this instance's search finds one question for `q`.
    async fn finds_within(&self, client: &reqwest::Client, q: &str, within: Duration) -> bool {
        let started = Instant::now();
        while self.found(client, q).await != 1 {
            if started.elapsed() > within {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.server.await.unwrap().unwrap();
    }
}

backend_test! {
    async fn two_instances_share_one_database(db) {
        // On PostgreSQL when configured (as in CI); on SQLite always, where two processes share a file.
        let a = TestApp::builder().start_on(db).await;
        let other_store = a.db.reopen().await;
        // Instance B keeps its index on disk, as a deployment of several instances would.
        let dir = tempfile::tempdir().unwrap();
        let state_b = AppState::kept_in(other_store, dir.path()).await.unwrap();
        let b = OtherInstance::serve(state_b.clone()).await;
        let mut q = studypack_demo::library().questions[2].clone();
        q.slug = studypack_domain::Slug::parse("instance-question").unwrap();
        q.title = "Quixotic instance question".into();
        // Imported through instance A's database connection...
        a.import_question(q).await;
        // ...and found through instance B's search within two seconds.
        assert!(
            b.finds_within(&a.client, "Quixotic", Duration::from_secs(2)).await,
            "{}: instance B did not see the import within 2 s",
            a.db.label
        );
        // An edit, through A, reaches B as well.
        let mut edited = a.store.question(SEED_SLUG).await.unwrap().unwrap();
        edited.text = format!("{} Weigh the Narkompros.", edited.text);
        a.import_question(edited).await;
        assert!(
            b.finds_within(&a.client, "Narkompros", Duration::from_secs(2)).await,
            "{}: instance B did not see the edit within 2 s",
            a.db.label
        );
        // B applied both as changes: its engine's statistics count them as an instance built
        // from the whole library does (waiting out a refresh in flight).
        state_b.refresh_search().await.unwrap();
        let fresh = AppState::new(a.db.reopen().await).await.unwrap();
        assert_eq!(state_b.engine().statistics_documents(), fresh.engine().statistics_documents());
        let essay = "The quixotic instance question is answered here. In conclusion, it was.";
        assert_eq!(reports_by(&state_b, essay).await, reports_by(&fresh, essay).await);
        b.stop().await;
        a.stop().await;
    }
}

/// On PostgreSQL an instance applies another's change as soon as it is committed: the
/// database announces it (migration 0012's trigger; the instance `LISTEN`s), so instance B,
/// which here looks for changes only once an hour, finds the import at once.
#[tokio::test]
async fn postgres_announces_each_change_to_every_instance() {
    assert!(TestDb::sqlite().await.change_notices().await.is_none());
    let Some(url) = studypack_test_support::postgres_url() else {
        return;
    };
    let a = TestApp::builder()
        .start_on(TestDb::postgres(&url).await)
        .await;
    let notices = a.db.change_notices().await.unwrap();
    let state_b = AppState::new(a.db.reopen().await)
        .await
        .unwrap()
        .with_config(studypack_web::WebConfig {
            refresh_every: Duration::from_secs(3600),
            ..Default::default()
        })
        .with_notices(notices);
    let b = OtherInstance::serve(state_b).await;
    // B's first look (at start) is behind it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(b.found(&a.client, "Quixotic").await, 0);
    let mut q = studypack_demo::library().questions[2].clone();
    q.slug = studypack_domain::Slug::parse("announced-question").unwrap();
    q.title = "Quixotic announced question".into();
    a.import_question(q).await;
    assert!(
        b.finds_within(&a.client, "Quixotic", Duration::from_secs(5))
            .await,
        "instance B was not told of the import"
    );
    b.stop().await;
    a.stop().await;
}

backend_test! {
    /// The main API bodies, recorded (`tests/http/snapshots/`): the same on both backends, and
    /// any change to them is seen in review.
    async fn api_bodies_are_as_recorded(db) {
        let app = TestApp::builder().start_on(db).await;
        for (name, path) in [
            ("api_list_aqa", "/api/v1/questions?board=AQA&per_page=5".to_string()),
            ("api_question_anonymous", format!("/api/v1/questions/{SEED_SLUG}")),
            ("api_search_khrushchev", "/api/v1/search?q=Khrushchev".to_string()),
            ("api_not_found", "/api/v1/questions/no-such-question".to_string()),
        ] {
            let (_, body) = app.json(&path).await;
            insta::assert_json_snapshot!(name, body);
        }
        app.stop().await;
    }
}

backend_test! {
    /// Filters that match nothing say so and offer a way back to every question.
    async fn browse_filters_that_match_nothing_can_be_cleared(db) {
        let app = TestApp::builder().start_on(db).await;
        let (status, _, all) = app.get("/questions").await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(!all.contains("Clear filters"), "nothing to clear");
        let (status, _, none) = app.get("/questions?board=AQA&year=1901").await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(none.contains("0 questions"), "{none}");
        assert!(none.contains("No questions match these filters."));
        assert!(none.contains("<a href=\"/questions\">Clear the filters</a>"));
        let (_, _, some) = app.get("/questions?board=AQA").await;
        assert!(some.contains("Clear filters") && !some.contains("No questions match"));
        app.stop().await;
    }
}
