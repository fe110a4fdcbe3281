//! Essay practice: timer, drafts that survive a restart, reports, attempts, the feedback API.

use reqwest::{Method, StatusCode};
use studypack_accounts::{Limit, Limits};
use studypack_test_support::backend_test;

use super::browser::{Browser, Page};
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
        assert!(report.body.contains("<h2 id=\"lvl\">Level "), "{}", report.body);
        assert!(
            report.body.contains("<mark class=\"supporting\"")
                || report.body.contains("<mark class=\"mixed\"")
        );
        assert!(report.body.contains("<mark class=\"challenging\""));
        assert!(report.body.contains("<a class=\"tag supporting\" href=\"#point-S1\">"));
        assert!(report.body.contains("<li id=\"point-S1\">"));
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
        assert!(res.body.contains("<h2 id=\"lvl\">Level "));
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
        assert!(!other.body.contains("<h2 id=\"lvl\">Level "));
        let empty = b
            .submit(
                &format!("/questions/{SEED_SLUG}/practice"),
                &format!("/questions/{SEED_SLUG}/practice"),
                &[("text", "   ")],
            )
            .await;
        assert_eq!(empty.status, StatusCode::BAD_REQUEST);
        assert!(empty.body.contains("Write your essay before asking for feedback."));
        assert!(empty.body.contains("id=\"essay-form\""), "the writing page again");
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

/// The report's HTML outside the "Details" disclosure: what a student reads first.
fn student_view(body: &str) -> &str {
    let main = &body[body.find("<main").unwrap()..];
    &main[..main.find("<details class=\"report-details\"").unwrap()]
}

async fn report_on(b: &Browser, essay: &str) -> Page {
    let res = b
        .submit(
            &format!("/questions/{SEED_SLUG}/practice"),
            &format!("/questions/{SEED_SLUG}/practice"),
            &[("text", essay)],
        )
        .await;
    if res.status == StatusCode::SEE_OTHER {
        return b.get(res.location()).await;
    }
    res
}

backend_test! {
    async fn the_report_speaks_to_students_and_links_the_plan_and_for_holders_the_model_essay(db) {
        let app = TestApp::builder().start_on(db).await;
        let model = seed_essay_paragraphs();
        let paragraphs: Vec<&str> = model.split("\n\n").collect();
        // Two body paragraphs, no conclusion: flags and a missing judgement to put in words.
        let weak = paragraphs[1..3].join("\n\n");
        let internal = [
            "no-judgement", "too-short", "leans-supporting", "leans-challenging", "one-sided",
            "no-conclusion", "no-introduction", "not-applicable", "none-earned", "<code>",
            " on and ",
        ];
        let b = Browser::new(&app.base);
        b.sign_up("cat@example.com", PASSWORD).await;
        for essay in [model.as_str(), weak.as_str()] {
            let page = report_on(&b, essay).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            for id in internal {
                assert!(!page.body.contains(id), "{id:?} in the report: {}", page.body);
            }
            let view = student_view(&page.body);
            assert!(!view.contains("title=\""), "no point details in tooltips only");
            for stat in ["bullets", "per 100 words", "paragraph"] {
                assert!(!view.contains(stat), "{stat:?} before Details: {view}");
            }
            // The figures are behind the disclosure instead.
            let details = &page.body[page.body.find("<details class=\"report-details\"").unwrap()..];
            assert!(details.contains("<summary>Details</summary>"));
            assert!(details.contains("bullets of the mark scheme"));
            assert!(details.contains("per 100 words"));
            // The summary first: the level of 5 with its marks, then what to do next.
            let summary = &view[view.find("<section class=\"summary\"").unwrap()..view.find("id=\"essay\"").unwrap()];
            assert!(summary.contains("<h2 id=\"lvl\">Level "), "{summary}");
            assert!(summary.contains(" of 5 ("), "{summary}");
            assert!(summary.contains(" marks)</h2>"), "{summary}");
            let steps = summary.matches("<li>").count();
            assert!((1..=3).contains(&steps), "{steps} steps: {summary}");
            assert!(
                summary.contains("To reach level ") || summary.contains("This is the top level"),
                "{summary}"
            );
            assert!(summary.contains(&format!("href=\"/questions/{SEED_SLUG}#plan\"")));
            // Not a holder: the way to the pack, not the essay.
            assert!(!summary.contains("Read the model essay"), "{summary}");
            assert!(summary.contains(&format!("href=\"/redeem?next=/questions/{SEED_SLUG}\"")), "{summary}");
            // The points by side, as lists that fold, missing ones folded.
            assert!(page.body.contains("Points that support the view"));
            assert!(page.body.contains("Points that challenge the view"));
            assert!(page.body.contains("<details class=\"points missing\">"), "missing points start folded");
            assert!(!page.body.contains("<table class=\"points\""));
            // Sides in text and shape, not colour alone; the legend says what S and C mean.
            assert!(page.body.contains("supports the view (solid line)"));
            assert!(page.body.contains("challenges the view (dashed line)"));
        }
        // An essay with no conclusion is told to write one, in words.
        let page = report_on(&b, &weak).await;
        let view = student_view(&page.body);
        assert!(view.contains("conclusion"), "{view}");

        // A Study Pack holder gets the link to the model essay (on the question page, where
        // the pack opens it); the report itself never carries premium text.
        let codes = app
            .state
            .accounts
            .create_codes(&studypack_domain::PackScope::All, 1, Some(365), None)
            .await
            .unwrap();
        let res = b.submit("/redeem", "/redeem", &[("code", &codes[0])]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let page = report_on(&b, &weak).await;
        assert!(page.body.contains(&format!("<a href=\"/questions/{SEED_SLUG}#essay\">Read the model essay</a>")), "{}", page.body);
        assert!(!page.body.contains("/redeem?next="));
        // The model essay's own sentences are not on the report, except those the student
        // wrote (the essay sent was the model's second and third paragraphs).
        let unsent: Vec<String> = crate::premium_sentences(&model)
            .into_iter()
            .filter(|s| !weak.contains(s.as_str()))
            .collect();
        assert!(unsent.len() > 3);
        let shown = crate::unescape(&page.body);
        assert!(unsent.iter().all(|s| !shown.contains(s.as_str())), "premium text on the report");

        // A visitor is sent to sign in, then to redeem.
        let visitor = Browser::new(&app.base);
        let page = report_on(&visitor, &weak).await;
        assert!(page.body.contains("href=\"/signin?next=/redeem\""), "{}", page.body);
        assert!(!page.body.contains("Read the model essay"));
        app.stop().await;
    }
}

backend_test! {
    async fn an_essay_over_the_limit_is_refused_whole_with_the_limit_stated_and_the_text_kept(db) {
        let app = TestApp::builder().start_on(db).await;
        let b = Browser::new(&app.base);
        b.sign_up("dan@example.com", PASSWORD).await;
        let page = b.get(&format!("/questions/{SEED_SLUG}/practice")).await;
        // The box does not cut a paste: the limit is checked and stated instead.
        assert!(!page.body.contains("maxlength"), "a maxlength cuts pasted text silently");
        assert!(page.body.contains("Essays up to 100 kB (about 15,000 words) can be marked."));
        assert!(page.body.contains("data-max-bytes=\"102400\""));
        // 20,000 words, ending in a word the cut would have broken.
        let essay = format!("{}Khrushchev", "Stalin ruled. ".repeat(10_000));
        let res = b
            .submit(
                &format!("/questions/{SEED_SLUG}/practice"),
                &format!("/questions/{SEED_SLUG}/practice"),
                &[("text", &essay)],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Your essay is too long to mark. The limit is 100 kB (about 15,000 words); this essay is 137 kB."), "{}", res.body);
        // The way back is the writing page itself, with every word of the essay kept.
        assert!(res.body.contains("id=\"essay-form\""));
        assert!(res.body.contains(&format!("{}Khrushchev</textarea>", "Stalin ruled. ".repeat(3))));
        let kept = res.body.matches("Stalin ruled. ").count();
        assert_eq!(kept, 10_000);
        // The header knows who is signed in.
        assert!(res.body.contains("href=\"/account\""), "the signed-in header");
        assert!(!res.body.contains("<a href=\"/signin\">Sign in</a>"));
        // Nothing was marked or kept as an attempt.
        let page = b.get(&format!("/questions/{SEED_SLUG}/practice")).await;
        assert!(page.body.contains("No attempts yet."));
        app.stop().await;
    }
}

backend_test! {
    async fn a_rate_limited_submission_comes_back_in_the_writing_page_with_the_essay(db) {
        let limits = Limits {
            feedback: Limit { max: 1, window: 600 },
            ..Limits::default()
        };
        let app = TestApp::builder().with_limits(limits).start_on(db).await;
        let b = Browser::new(&app.base);
        b.sign_up("eve@example.com", PASSWORD).await;
        let essay = seed_essay_paragraphs();
        let first = report_on(&b, &essay).await;
        assert_eq!(first.status, StatusCode::OK);
        let again = "Khrushchev's Secret Speech of 1956 denounced the cult of personality & more.";
        let res = b
            .submit(
                &format!("/questions/{SEED_SLUG}/practice"),
                &format!("/questions/{SEED_SLUG}/practice"),
                &[("text", again)],
            )
            .await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
        assert!(res.header("retry-after").parse::<i64>().unwrap() >= 1);
        assert!(res.body.contains("Try again in 10 minutes."), "{}", res.body);
        assert!(
            res.body.contains("Khrushchev&#39;s Secret Speech of 1956 denounced the cult of personality &#38; more.</textarea>"),
            "the essay is kept, escaped: {}",
            res.body
        );
        app.stop().await;
    }
}

/// The sitting a practice page gives its form (`data-started`).
fn sitting(page: &str) -> i64 {
    let at = page.find("data-started=\"").expect("a sitting") + 14;
    page[at..at + page[at..].find('"').unwrap()]
        .parse()
        .unwrap()
}

backend_test! {
    /// A submitted attempt is final: a save from its sitting that arrives afterwards is
    /// refused (409) and brings no draft back; practising again is a new sitting with a new
    /// clock, blank or from the last essay; the same sitting sent twice makes one attempt.
    async fn a_submitted_attempt_is_final(db) {
        let app = TestApp::builder().start_on(db).await;
        let b = Browser::new(&app.base);
        b.sign_up("ann@example.com", PASSWORD).await;
        let path = format!("/questions/{SEED_SLUG}/practice");
        let page = b.get(&path).await;
        let s1 = sitting(&page.body);
        assert!(s1 > 0, "a new page is a sitting with a clock");
        assert!(!page.body.contains("id=\"new-attempt\""), "no earlier attempts yet");
        let csrf = page.csrf();
        let drafts = format!("/api/v1/drafts/{SEED_SLUG}");
        let put = |text: &'static str, started: i64| {
            b.api(
                Method::PUT,
                &drafts,
                Some(serde_json::json!({"text": text, "started_at": started})),
                None,
                Some(&csrf),
            )
        };
        assert_eq!(put("Stalin and Khrushchev", s1).await.status, StatusCode::OK);
        let essay = seed_essay_paragraphs();
        let sent = b
            .post(&path, &[("csrf", &csrf), ("text", &essay), ("started", &s1.to_string())])
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let attempt = sent.location().to_string();
        let user = app.store.user_by_email("ann@example.com").await.unwrap().unwrap().0;
        let stored = app.store.attempts(user.id, SEED_SLUG).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].started_at, Some(s1));
        // An autosave from that sitting, arriving late, is refused and keeps no draft.
        let late = put("Stalin and Khrushchev, still typing", s1).await;
        assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
        assert_eq!(late.json()["error"]["code"], "conflict");
        assert!(app.store.draft(user.id, SEED_SLUG).await.unwrap().is_none());
        // Sending the same sitting again (a double click) shows the same attempt.
        let again = b
            .post(&path, &[("csrf", &csrf), ("text", &essay), ("started", &s1.to_string())])
            .await;
        assert_eq!(again.location(), attempt);
        assert_eq!(app.store.attempts(user.id, SEED_SLUG).await.unwrap().len(), 1);
        // Different words from the submitted sitting come back, kept, as a new attempt.
        let changed = b
            .post(&path, &[("csrf", &csrf), ("text", "A different essay."), ("started", &s1.to_string())])
            .await;
        assert_eq!(changed.status, StatusCode::CONFLICT);
        assert!(changed.body.contains("a submitted essay is final"), "{}", changed.body);
        assert!(changed.body.contains(">A different essay.</textarea>"));
        assert!(sitting(&changed.body) != s1, "the text is offered as a new sitting");
        // Practising again: a new sitting, blank, with the offer to start from the last essay.
        let fresh = b.get(&path).await;
        let s2 = sitting(&fresh.body);
        assert!(s2 > s1, "a new clock: {s2} after {s1}");
        assert!(fresh.body.contains(&format!("data-last-submitted=\"{s1}\"")));
        assert!(fresh.body.contains("<textarea id=\"essay\" name=\"text\" rows=\"22\" spellcheck=\"true\" aria-describedby=\"essay-limit\"></textarea>"), "blank: {}", fresh.body);
        assert!(fresh.body.contains("href=\"/questions/"));
        assert!(fresh.body.contains("?from=last\">Start from my last essay</a>"));
        let from_last = b.get(&format!("{path}?from=last")).await;
        let first_line = essay.lines().next().unwrap();
        assert!(crate::unescape(&from_last.body).contains(first_line), "the last essay is in the box");
        assert!(from_last.body.contains("Start blank instead"));
        // A save for the new sitting works.
        assert_eq!(put("A second go", s2).await.status, StatusCode::OK);
        app.stop().await;
    }
}

backend_test! {
    async fn a_calibrated_question_reports_its_calibrated_mark_on_the_page_and_the_api(db) {
        use studypack_feedback::calibration::{Marked, Scale, learn};
        let app = TestApp::builder().start_on(db).await;
        let lib = app.store.library().await.unwrap();
        let engine = studypack_feedback::engine_for_library(&lib);
        let q = lib.question(SEED_SLUG).unwrap();
        let mut input = studypack_feedback::question_input(q, lib.topic(&q.topic).unwrap());
        input.model_essay = None;
        let prepared = engine.prepare(&input);
        let scheme: Vec<String> = prepared.point_texts();
        let essay = |k: usize| -> String {
            let made: String = scheme.iter().take(k).map(|p| format!("{p}. ")).collect();
            format!("Stalin and Khrushchev compared. {made}")
        };
        let marked: Vec<Marked> = (0..40)
            .map(|i| Marked {
                id: i.to_string(),
                score: (i % 6 * 4) as u32,
                observation: engine.observe(&prepared, &essay(i % 6)).1,
            })
            .collect();
        let cal = learn(&marked.iter().collect::<Vec<_>>(), &scheme, &Scale::marks(0, 25));
        let now = studypack_accounts::now();
        app.store.store_calibration(SEED_SLUG, Some(&serde_json::to_string(&cal).unwrap()), now).await.unwrap();
        let expected = engine.report_calibrated(&prepared, &cal, &essay(3)).unwrap().calibration.unwrap().score;

        let b = Browser::new(&app.base);
        let r = b.api(Method::POST, "/api/v1/feedback", Some(serde_json::json!({"question": SEED_SLUG, "text": essay(3)})), None, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let c = &r.json()["calibration"];
        assert_eq!(c["id"], cal.id.as_str());
        assert_eq!(c["version"], 1);
        assert_eq!(c["score"], expected, "{c}");
        assert_eq!(c["out_of"], 25);

        let page = report_on(&b, &essay(3)).await;
        assert!(
            page.body.contains(&format!("About {expected} marks out of 25, to your teachers&#39; standard"))
                && page.body.contains("Marked to your teachers&#39; standard (calibration version 1)"),
            "{}",
            student_view(&page.body)
        );

        // A new revision is the one used; withdrawn, the reports are uncalibrated again.
        app.store.store_calibration(SEED_SLUG, Some(&serde_json::to_string(&cal).unwrap()), now).await.unwrap();
        let r = b.api(Method::POST, "/api/v1/feedback", Some(serde_json::json!({"question": SEED_SLUG, "text": essay(3)})), None, None).await;
        assert_eq!(r.json()["calibration"]["version"], 2);
        app.store.store_calibration(SEED_SLUG, None, now).await.unwrap();
        let r = b.api(Method::POST, "/api/v1/feedback", Some(serde_json::json!({"question": SEED_SLUG, "text": essay(3)})), None, None).await;
        assert!(r.json().get("calibration").is_none(), "{}", r.body);
        let page = report_on(&b, &essay(3)).await;
        assert!(!page.body.contains("Marked to your teachers"));
        app.stop().await;
    }
}
