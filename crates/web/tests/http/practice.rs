//! Essay practice: timer, drafts that survive a restart, reports, attempts, the feedback API.

use reqwest::{Method, StatusCode};
use studypack_accounts::{Limit, Limits};
use studypack_test_support::backend_test;

use super::browser::Browser;
use super::{SEED_SLUG, TestApp};

const PASSWORD: &str = "correct horse battery";

fn seed_essay_paragraphs() -> String {
    let page = std::fs::read_to_string(super::SEED).unwrap();
    let page = studypack_domain::page::parse_page("seed", &page).unwrap();
    page.model_essay
}

backend_test! {
    async fn a_draft_survives_a_restart_and_a_submission_becomes_an_attempt(db) {
        let app = TestApp::builder().start_on(db).await;
        let b = Browser::new(&app.base);
        b.sign_up("ann@example.com", PASSWORD).await;
        let page = b.get(&format!("/questions/{SEED_SLUG}/practice")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("data-minutes=\"45\""),
            "AQA, 25 marks: 45 minutes"
        );
        assert!(page.body.contains("/static/practice.js"));
        let csrf = page.csrf();
        let draft = "Stalin and Khrushchev both ruled through the Party. <script>alert(1)</script>";
        let saved = b
            .api(
                Method::PUT,
                &format!("/api/v1/drafts/{SEED_SLUG}"),
                Some(serde_json::json!({"text": draft})),
                None,
                Some(&csrf),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let no_csrf = b
            .api(
                Method::PUT,
                &format!("/api/v1/drafts/{SEED_SLUG}"),
                Some(serde_json::json!({"text": "lost"})),
                None,
                None,
            )
            .await;
        assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);

        // The server goes down and comes back on the same database.
        let restarted = app.restart().await;
        let b2 = Browser::new(&restarted.base);
        *b2.cookies.lock().unwrap() = b.cookies.lock().unwrap().clone();
        let page = b2.get(&format!("/questions/{SEED_SLUG}/practice")).await;
        assert!(
            page.body
                .contains("Stalin and Khrushchev both ruled through the Party. &#60;script&#62;"),
            "the draft is back, escaped: {}",
            page.body
        );
        assert!(!page.body.contains("<script>alert"));
        let api = b2
            .api(
                Method::GET,
                &format!("/api/v1/drafts/{SEED_SLUG}"),
                None,
                None,
                None,
            )
            .await
            .json();
        assert_eq!(api["body"], draft);

        // Submitting marks it, keeps it as an attempt and clears the draft.
        let essay = seed_essay_paragraphs();
        let res = b2
            .submit(
                &format!("/questions/{SEED_SLUG}/practice"),
                &format!("/questions/{SEED_SLUG}/practice"),
                &[("text", &essay)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let report_path = res.location().to_string();
        assert!(report_path.starts_with("/attempts/"));
        let report = b2.get(&report_path).await;
        assert_eq!(report.status, StatusCode::OK);
        assert!(report.body.contains("Indicative level"), "{}", report.body);
        assert!(
            report.body.contains("<mark class=\"supporting\"")
                || report.body.contains("<mark class=\"mixed\"")
        );
        assert!(report.body.contains("<mark class=\"challenging\""));
        assert!(
            report.body.contains("<sup>S1")
                || report.body.contains(",S1")
                || report.body.contains("S1</sup>")
        );
        assert_eq!(
            b2.api(
                Method::GET,
                &format!("/api/v1/drafts/{SEED_SLUG}"),
                None,
                None,
                None
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        let page = b2.get(&format!("/questions/{SEED_SLUG}/practice")).await;
        assert!(page.body.contains("<svg class=\"chart\""));
        assert!(page.body.contains(&format!("href=\"{report_path}\"")));
        // Nobody else reads it.
        let other = Browser::new(&restarted.base);
        other.sign_up("bob@example.com", PASSWORD).await;
        assert_eq!(other.get(&report_path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            Browser::new(&restarted.base).get(&report_path).await.status,
            StatusCode::SEE_OTHER
        );
        restarted.stop().await;
    }
}

backend_test! {
    async fn visitors_get_a_report_without_saving(db) {
        let app = TestApp::builder().start_on(db).await;
        let b = Browser::new(&app.base);
        let page = b.get(&format!("/questions/{SEED_SLUG}/practice")).await;
        assert!(page.body.contains("Saved in this browser only"));
        let res = b
            .submit(
                &format!("/questions/{SEED_SLUG}/practice"),
                &format!("/questions/{SEED_SLUG}/practice"),
                &[("text", &seed_essay_paragraphs())],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains("This report was not saved"));
        assert!(res.body.contains("Indicative level"));
        // An essay on another question gets no level, and the page says why.
        let tudor = "Henry VIII broke with Rome after Pope Clement VII refused to annul his marriage to Catherine of Aragon. \
            Thomas Cromwell drafted the Act in Restraint of Appeals in 1533 and the Act of Supremacy in 1534, \
            and Archbishop Cranmer declared the marriage void at Dunstable.\n\n\
            The dissolution of the monasteries under Cromwell brought the Crown great wealth, and the Pilgrimage of Grace showed how far the north resisted.\n\n\
            Overall, Cromwell rather than Henry was the architect of the break with Rome.";
        let other = b
            .submit(
                &format!("/questions/{SEED_SLUG}/practice"),
                &format!("/questions/{SEED_SLUG}/practice"),
                &[("text", tudor)],
            )
            .await;
        assert_eq!(other.status, StatusCode::OK);
        assert!(other.body.contains("No level: this essay does not answer this question"), "{}", other.body);
        assert!(!other.body.contains("Indicative level"));
        let empty = b
            .submit(
                &format!("/questions/{SEED_SLUG}/practice"),
                &format!("/questions/{SEED_SLUG}/practice"),
                &[("text", "   ")],
            )
            .await;
        assert_eq!(empty.status, StatusCode::BAD_REQUEST);
        app.stop().await;
    }
}

backend_test! {
    async fn the_feedback_api_reports_is_size_limited_and_rate_limited(db) {
        let limits = Limits {
            feedback: Limit { max: 3, window: 60 },
            ..Limits::default()
        };
        let app = TestApp::builder().with_limits(limits).start_on(db).await;
        let b = Browser::new(&app.base);
        let post = |body: serde_json::Value| {
            b.api(Method::POST, "/api/v1/feedback", Some(body), None, None)
        };
        let r =
            post(serde_json::json!({"question": SEED_SLUG, "text": seed_essay_paragraphs()})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v = r.json();
        for key in ["points", "coverage", "judgement", "level", "flags"] {
            assert!(!v[key].is_null(), "{key}");
        }
        assert!(v["coverage"]["covered"].as_u64().unwrap() >= 8);
        // It is the model essay itself, but this visitor may not read it: the engine is not
        // asked, so its answer cannot be used to test guesses at the essay.
        assert!(
            v["flags"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f != "copied-model-essay"),
            "{}",
            v["flags"]
        );
        let own = post(serde_json::json!({"scheme": "Arguments supporting the view\n- The Terror removed rivals\n\nArguments challenging the view\n- Khrushchev released prisoners from the Gulag", "text": "The Terror removed rivals. Khrushchev released prisoners from the Gulag."})).await;
        assert_eq!(own.status, StatusCode::OK, "{}", own.body);
        assert_eq!(own.json()["coverage"]["total"], 2);
        assert_eq!(own.json()["level"]["level"], serde_json::Value::Null);
        let neither = post(serde_json::json!({"text": "x"})).await;
        assert_eq!(neither.status, StatusCode::BAD_REQUEST);
        let big =
            post(serde_json::json!({"question": SEED_SLUG, "text": "word ".repeat(30_000)})).await;
        assert_eq!(big.status, StatusCode::BAD_REQUEST);
        assert!(
            big.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("kB")
        );
        let limited = post(serde_json::json!({"question": SEED_SLUG, "text": "x"})).await;
        assert_eq!(
            limited.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            limited.body
        );
        assert!(limited.header("retry-after").parse::<i64>().unwrap() >= 1);
        app.stop().await;
    }
}
