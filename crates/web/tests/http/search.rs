//! Search that forgives: spellings folded alike, misspelt names, and "did you mean" on the
//! page and in the API, never drawn from a draft.

use studypack_domain::{Slug, Status};
use studypack_test_support::backend_test;

use super::TestApp;

const RUSSIA: &str = "aqa-2019-khrushchev-destalinisation-style-substance";

fn slugs(r: &serde_json::Value) -> Vec<String> {
    r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["slug"].as_str().unwrap().to_string())
        .collect()
}

backend_test! {
    async fn spellings_hyphens_and_long_misspelt_names_find_the_same_questions(db) {
        let app = TestApp::builder().start_on(db).await;
        let (_, base) = app.json("/api/v1/search?q=de-Stalinisation").await;
        assert!(slugs(&base).contains(&RUSSIA.to_string()), "{base}");
        for q in ["destalinisation", "destalinization", "De-Stalinization"] {
            let (s, r) = app.json(&format!("/api/v1/search?q={q}")).await;
            assert_eq!(s, 200);
            assert_eq!(slugs(&r), slugs(&base), "{q}");
            assert!(r["suggestion"].is_null());
        }
        let (_, r) = app.json("/api/v1/search?q=Kruschev").await;
        assert!(slugs(&r).contains(&RUSSIA.to_string()), "{r}");
        app.stop().await;
    }
}

backend_test! {
    async fn no_results_suggest_a_search_on_the_page_and_in_the_api(db) {
        // A draft whose title holds a word no published question has.
        let mut draft = studypack_demo::library().questions[0].clone();
        draft.slug = Slug::parse("quixotic-draft").unwrap();
        draft.title = "Quixotically ambitious draft".into();
        draft.text = format!("Quixotically, {}", draft.text);
        draft.status = Status::Draft;
        let app = TestApp::builder().with_question(draft).start_on(db).await;

        let (s, r) = app.json("/api/v1/search?q=collectivisaton").await;
        assert_eq!(s, 200);
        assert_eq!(r["total"], 0);
        assert_eq!(r["suggestion"], "collectivisation");
        let (_, found) = app.json("/api/v1/search?q=Khrushchev").await;
        assert!(found["suggestion"].is_null());

        let (s, _, page) = app.get("/search?q=collectivisaton&board=AQA").await;
        assert_eq!(s, 200);
        let link = "Did you mean <a href=\"/search?q=collectivisation&#38;board=AQA\">collectivisation</a>?";
        assert!(page.contains(link), "{page}");
        let (_, _, followed) = app.get("/search?q=collectivisation&board=AQA").await;
        assert!(!followed.contains("Did you mean"));
        assert!(!followed.contains(">0 results<"), "{followed}");
        // Nothing near: no suggestion.
        let (_, _, page) = app.get("/search?q=zqxwvy").await;
        assert!(!page.contains("Did you mean"));

        // The draft's word is neither found nor suggested.
        let (_, r) = app.json("/api/v1/search?q=Quixotically").await;
        assert_eq!(r["total"], 0);
        let (_, r) = app.json("/api/v1/search?q=Quixoticaly").await;
        assert!(r["suggestion"].is_null(), "{r}");
        let (_, _, page) = app.get("/search?q=Quixoticaly").await;
        assert!(!page.to_lowercase().contains("quixotically"), "{page}");
        app.stop().await;
    }
}

backend_test! {
    async fn on_a_phone_the_results_come_before_the_filters(db) {
        let app = TestApp::builder().start_on(db).await;
        let (_, _, page) = app.get("/search?q=Stalin").await;
        let results = page.find("<ol class=\"results\">").expect("results");
        let filters = page.find("aria-label=\"Refine results\"").expect("filters");
        assert!(results < filters, "the filters come first in the page");
        // The narrow-screen rule keeps that order; the wide one puts the filters in a column.
        let (_, _, css) = app.get("/static/style.css").await;
        assert!(css.contains("grid-template-areas: \"results\" \"facets\""), "{css}");
        assert!(css.contains("grid-template-areas: \"facets results\""));
        app.stop().await;
    }
}
