//! The editor workflow: fix the seed essay in the browser, see the finding go, restore it.

use reqwest::StatusCode;
use studypack_domain::Role;
use studypack_test_support::backend_test;

use super::browser::Browser;
use super::{SEED_SLUG, TestApp, unescape};

const PASSWORD: &str = "correct horse battery";
const WRONG: &str = "Khrushchev later establishing the Presidium in 1952";
const FIXED: &str = "the Presidium replacing the Politburo in October 1952";

/// The two texts a revisions page's word diff compares: (old, new), with entities undone.
fn diff_sides(page: &str) -> (String, String) {
    let start = page
        .find("<div class=\"diff\">")
        .expect("a diff on the page")
        + 18;
    let body = &page[start..start + page[start..].find("</div>").unwrap()];
    let drop = |s: &str, tag: &str| {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find(&open) {
            out.push_str(&rest[..i]);
            rest = &rest[i + open.len()..];
            rest = &rest[rest
                .find(&close)
                .map(|j| j + close.len())
                .unwrap_or(rest.len())..];
        }
        out.push_str(rest);
        out
    };
    let untag = |s: String| {
        super::unescape(
            &s.replace("<ins>", "")
                .replace("</ins>", "")
                .replace("<del>", "")
                .replace("</del>", ""),
        )
    };
    (untag(drop(body, "ins")), untag(drop(body, "del")))
}

/// The edit form's current fields, as the browser would send them back.
fn fields(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in [
        "topic",
        "title",
        "text",
        "view",
        "year",
        "marks",
        "command",
        "scheme",
        "plan",
        "model_essay",
    ] {
        let value = if let Some(at) = page.find(&format!("<textarea id=\"{name}\" name=\"{name}\""))
        {
            let rest = &page[at..];
            let start = rest.find('>').unwrap() + 1;
            rest[start..rest.find("</textarea>").unwrap()].to_string()
        } else if let Some(at) = page.find(&format!("<input id=\"{name}\" name=\"{name}\"")) {
            let rest = &page[at..];
            let v = &rest[rest.find("value=\"").unwrap() + 7..];
            v[..v.find('"').unwrap()].to_string()
        } else {
            let at = page
                .find(&format!("<select id=\"{name}\" name=\"{name}\""))
                .unwrap();
            let select = &page[at..at + page[at..].find("</select>").unwrap()];
            // The selected option, or else the first.
            let upto = select
                .find(" selected>")
                .unwrap_or(select.find("<option").unwrap() + 20);
            let v = &select[select[..upto].rfind("value=\"").unwrap() + 7..];
            v[..v.find('"').unwrap()].to_string()
        };
        out.push((name.to_string(), unescape(&value)));
    }
    out.push((
        "status".into(),
        if page.contains("value=\"published\" selected") {
            "published"
        } else {
            "draft"
        }
        .into(),
    ));
    out
}

async fn post_edit(
    b: &Browser,
    slug: &str,
    f: &[(String, String)],
    action: &str,
) -> super::browser::Page {
    let path = format!("/editor/questions/{slug}");
    let csrf = b.get(&path).await.csrf();
    let mut all: Vec<(&str, &str)> = vec![("csrf", &csrf), ("action", action)];
    all.extend(f.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    b.post(&path, &all).await
}

backend_test! {
    async fn an_editor_fixes_the_seed_essay_sees_the_finding_go_and_restores_it(db) {
        let app = TestApp::builder().start_on(db).await;
        app.state
            .accounts
            .add_user("ed@example.com", PASSWORD, Role::Editor)
            .await
            .unwrap();
        let b = Browser::new(&app.base);
        b.sign_in("ed@example.com", PASSWORD).await;
        let path = format!("/editor/questions/{SEED_SLUG}");
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("office-conflict"),
            "the seed's Presidium error is shown"
        );
        assert!(page.body.contains("judgement-mismatch"));
        let revisions_before = app.store.revisions(SEED_SLUG).await.unwrap().len();

        let mut f = fields(&page.body);
        let essay = &mut f.iter_mut().find(|(k, _)| k == "model_essay").unwrap().1;
        assert!(essay.contains(WRONG));
        *essay = essay.replace(WRONG, FIXED);
        // Preview: the finding is gone from the preview, nothing is saved.
        let preview = post_edit(&b, SEED_SLUG, &f, "preview").await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(preview.body.contains("this preview (not saved)"));
        assert!(
            !preview.body.contains("office-conflict"),
            "{}",
            preview.body
        );
        assert_eq!(
            app.store.revisions(SEED_SLUG).await.unwrap().len(),
            revisions_before
        );
        // Save.
        let saved = post_edit(&b, SEED_SLUG, &f, "save").await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = b.get(saved.location()).await;
        // The message says whether the change is live.
        let live = app.store.question(SEED_SLUG).await.unwrap().unwrap().status
            == studypack_domain::Status::Published;
        assert!(
            page.body.contains(if live {
                "The question is published: students see the change now"
            } else {
                "Saved as a draft. Only editors can see it"
            }),
            "{}",
            page.body
        );
        assert!(!page.body.contains("office-conflict"));
        let revs = app.store.revisions(SEED_SLUG).await.unwrap();
        assert_eq!(revs.len(), revisions_before + 1);
        assert_eq!(revs.last().unwrap().author.as_deref(), Some("ed@example.com"));
        let (old, new) = (revs[revs.len() - 2].id, revs[revs.len() - 1].id);
        // The diff between the two versions shows the change.
        let diff = b.get(&format!("{path}/revisions?a={old}&b={new}")).await;
        // Read back both sides of the word diff: the old side has the wrong sentence and not
        // the fix, the new side the fix and not the wrong sentence.
        let (before, after) = diff_sides(&diff.body);
        assert!(before.contains(WRONG) && !before.contains(FIXED), "{before}");
        assert!(after.contains(FIXED) && !after.contains(WRONG), "{after}");
        assert!(diff.body.contains("<del>") && diff.body.contains("<ins>"));
        // Revisions name who saved them and when.
        let list = b.get(&format!("{path}/revisions")).await;
        assert!(list.body.contains("ed@example.com"), "the save's author is shown");
        assert!(list.body.contains(" UTC"), "revisions show a time of day");
        // Restore asks first: the confirmation page shows what the restore changes, and a
        // post that did not come from it changes nothing.
        let confirm = b.get(&format!("{path}/restore?revision={old}")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(confirm.body.contains(&format!("Restore revision {old}?")));
        let (live, restored) = diff_sides(&confirm.body);
        assert!(live.contains(FIXED) && restored.contains(WRONG), "{live}");
        let csrf = confirm.csrf();
        let unconfirmed = b
            .post(
                &format!("{path}/restore"),
                &[("csrf", &csrf), ("revision", &old.to_string())],
            )
            .await;
        assert_eq!(unconfirmed.status, StatusCode::SEE_OTHER);
        assert!(unconfirmed.location().contains("/restore?revision="));
        assert!(!app.store.question(SEED_SLUG).await.unwrap().unwrap().model_essay.contains(WRONG));
        // Restore the old text: the finding is back, and history only grew.
        let res = b
            .post(
                &format!("{path}/restore"),
                &[("csrf", &csrf), ("revision", &old.to_string()), ("confirm", "yes")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let restored = b.get(res.location()).await;
        assert!(restored.body.contains("office-conflict"));
        assert!(restored.body.contains("Restored."));
        assert_eq!(
            app.store.revisions(SEED_SLUG).await.unwrap().len(),
            revisions_before + 2
        );
        assert!(
            app.store
                .question(SEED_SLUG)
                .await
                .unwrap()
                .unwrap()
                .model_essay
                .contains(WRONG)
        );
        let log = app.store.audit_log(5).await.unwrap();
        assert_eq!(log[0].action, "question.restore");
        assert_eq!(log[1].action, "question.save");
        app.stop().await;
    }
}

backend_test! {
    async fn drafts_stay_with_editors_and_published_changes_reach_search_at_once(db) {
        let app = TestApp::builder().start_on(db).await;
        app.state
            .accounts
            .add_user("ed@example.com", PASSWORD, Role::Editor)
            .await
            .unwrap();
        let b = Browser::new(&app.base);
        b.sign_in("ed@example.com", PASSWORD).await;
        let new = b.get("/editor/new").await;
        let mut f = fields(&new.body);
        let set = |f: &mut Vec<(String, String)>, k: &str, v: &str| {
            f.iter_mut().find(|(n, _)| n == k).unwrap().1 = v.to_string()
        };
        let topic = f.iter().find(|(k, _)| k == "topic").unwrap().1.clone();
        set(&mut f, "title", "Zemstvo question");
        set(
            &mut f,
            "text",
            "‘The zemstvos transformed local government.’ Assess the validity of this view.",
        );
        set(&mut f, "year", "2020");
        set(
            &mut f,
            "scheme",
            "Supporting\n- zemstvos ran schools and roads\n\nChallenging\n- nobles dominated the zemstvos",
        );
        set(&mut f, "status", "draft");
        let mut all: Vec<(&str, &str)> =
            vec![("csrf", ""), ("action", "save"), ("slug", "zemstvo-draft")];
        let csrf = new.csrf();
        all[0].1 = &csrf;
        all.extend(f.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let res = b.post("/editor/new", &all).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert!(!topic.is_empty());
        // A draft: the editor sees it, the public does not, search does not.
        assert_eq!(
            b.get("/editor/questions/zemstvo-draft").await.status,
            StatusCode::OK
        );
        assert!(b.get("/editor").await.body.contains("zemstvos transformed"));
        assert_eq!(
            app.get("/questions/zemstvo-draft").await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.json("/api/v1/search?q=zemstvos").await.1["total"], 0);
        // The editor practises the draft (the public still cannot) and gets its report.
        let practice = b.get("/questions/zemstvo-draft/practice").await;
        assert_eq!(practice.status, StatusCode::OK, "{}", practice.body);
        assert_eq!(app.get("/questions/zemstvo-draft/practice").await.0, StatusCode::NOT_FOUND);
        let tried = b
            .post("/questions/zemstvo-draft/practice", &[("csrf", &practice.csrf()), ("text", "The zemstvos ran schools and roads, though nobles dominated the zemstvos.")])
            .await;
        assert_eq!(tried.status, StatusCode::SEE_OTHER, "{}", tried.body);
        assert!(b.get(tried.location()).await.body.contains("Your essay, marked"));
        // Published: on the site as soon as the save returns, and in the editor's own search
        // (which waits the milliseconds the index takes to apply the change), then everyone's.
        let page = b.get("/editor/questions/zemstvo-draft").await;
        let mut f = fields(&page.body);
        set(&mut f, "status", "published");
        assert_eq!(
            post_edit(&b, "zemstvo-draft", &f, "save").await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(app.get("/questions/zemstvo-draft").await.0, StatusCode::OK);
        let own: serde_json::Value =
            serde_json::from_str(&b.get("/api/v1/search?q=zemstvos").await.body).unwrap();
        assert_eq!(own["total"], 1);
        assert!(b.get("/search?q=zemstvos").await.body.contains("zemstvos transformed"));
        assert_eq!(app.json("/api/v1/search?q=zemstvos").await.1["total"], 1);
        let published = b.get("/editor/questions/zemstvo-draft?saved=published").await;
        assert!(published.body.contains("The question is published: students see the change now"));
        // Taken out of public view, it is out of everyone's search and pages (the cached one
        // too) as soon as the save returns; then published again for what follows.
        set(&mut f, "status", "draft");
        assert_eq!(post_edit(&b, "zemstvo-draft", &f, "save").await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.json("/api/v1/search?q=zemstvos").await.1["total"], 0);
        assert_eq!(app.get("/questions/zemstvo-draft").await.0, StatusCode::NOT_FOUND);
        set(&mut f, "status", "published");
        assert_eq!(post_edit(&b, "zemstvo-draft", &f, "save").await.status, StatusCode::SEE_OTHER);
        // Saving again without a change says so, and adds no revision.
        let revs = app.store.revisions("zemstvo-draft").await.unwrap().len();
        let again = post_edit(&b, "zemstvo-draft", &f, "save").await;
        assert!(again.location().ends_with("saved=unchanged"), "{}", again.location());
        assert!(b.get(again.location()).await.body.contains("Nothing to save"));
        assert_eq!(app.store.revisions("zemstvo-draft").await.unwrap().len(), revs);
        // A title edit is a revision (of the question and mark scheme), and restoring the one
        // before brings the old title back while the question stays published.
        let before_title = app
            .store
            .revisions("zemstvo-draft")
            .await
            .unwrap()
            .into_iter()
            .rev()
            .find(|r| r.field == studypack_store::RevisionField::Details)
            .expect("a details revision")
            .id;
        set(&mut f, "title", "Zemstvo question, retitled");
        post_edit(&b, "zemstvo-draft", &f, "save").await;
        let revs_now = app.store.revisions("zemstvo-draft").await.unwrap();
        assert_eq!(revs_now.len(), revs + 1);
        let last = revs_now.last().unwrap();
        assert_eq!(last.field, studypack_store::RevisionField::Details);
        assert!(last.text.contains("Zemstvo question, retitled"));
        let confirm = b
            .get(&format!("/editor/questions/zemstvo-draft/restore?revision={before_title}"))
            .await;
        assert!(confirm.body.contains("question and mark scheme"));
        let csrf = confirm.csrf();
        b.post(
            "/editor/questions/zemstvo-draft/restore",
            &[("csrf", &csrf), ("revision", &before_title.to_string()), ("confirm", "yes")],
        )
        .await;
        let q = app.store.question("zemstvo-draft").await.unwrap().unwrap();
        assert_eq!(q.title, "Zemstvo question");
        assert_eq!(q.status, studypack_domain::Status::Published);
        set(&mut f, "title", "Zemstvo question");
        // Bad input keeps the text and says what is wrong.
        set(&mut f, "year", "last year");
        let bad = post_edit(&b, "zemstvo-draft", &f, "save").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Year: a year such as 2022"));
        assert!(bad.body.contains("nobles dominated the zemstvos"));
        // Students cannot edit: refused for their role, with a valid CSRF token (so that it
        // is the role check that refuses), and nothing changes.
        let s = Browser::new(&app.base);
        s.sign_up("stu@example.com", PASSWORD).await;
        assert_eq!(s.get("/editor").await.status, StatusCode::FORBIDDEN);
        let csrf = s.get("/account").await.csrf();
        let mut attempt: Vec<(String, String)> = f.clone();
        set(&mut attempt, "title", "Defaced by a student");
        let mut refs: Vec<(&str, &str)> = vec![("csrf", &csrf), ("action", "save")];
        refs.extend(attempt.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let res = s.post("/editor/questions/zemstvo-draft", &refs).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        let q = app.store.question("zemstvo-draft").await.unwrap().unwrap();
        assert_ne!(q.title, "Defaced by a student");
        app.stop().await;
    }
}

backend_test! {
    async fn the_editor_list_shows_every_question_with_qa_errors_and_its_findings(db) {
        let app = TestApp::builder().start_on(db).await;
        app.state
            .accounts
            .add_user("ed@example.com", PASSWORD, Role::Editor)
            .await
            .unwrap();
        let b = Browser::new(&app.base);
        b.sign_in("ed@example.com", PASSWORD).await;
        let page = b.get("/editor").await;
        assert_eq!(page.status, StatusCode::OK);
        let body = unescape(&page.body);
        let start = body.find("Questions with QA errors").expect("the QA section");
        let end = body.find("All questions").expect("the full list");
        let section = &body[start..end];
        // The imported seed page has two QA errors (its plan and essay reach opposite
        // judgements; the Presidium is dated before Khrushchev led it): listed with the count,
        // the findings and a link to its editor page.
        let link = format!("href=\"/editor/questions/{SEED_SLUG}\"");
        assert!(section.contains(&link), "{section}");
        assert!(section.contains("2 QA errors"), "{section}");
        assert!(section.contains("students get opposite advice"), "{section}");
        assert!(section.contains("1 question has QA errors"), "{section}");
        // A clean question is in the full list but not among those with errors.
        let clean = "aqa-2019-khrushchev-destalinisation-style-substance";
        assert!(!section.contains(clean), "{section}");
        assert!(body[end..].contains(&format!("href=\"/editor/questions/{clean}\"")));
        // The editor page it links to shows the findings.
        let edit = unescape(&b.get(&format!("/editor/questions/{SEED_SLUG}")).await.body);
        assert!(edit.contains("students get opposite advice"));
        // Fixed, it leaves the list.
        let mut q = app.store.question(SEED_SLUG).await.unwrap().unwrap();
        // (No plan, so none to contradict the essay; the Presidium dated right.)
        q.plan = String::new();
        q.model_essay = q.model_essay.replace(WRONG, FIXED);
        app.import_question(q).await;
        app.state.refresh_search().await.unwrap();
        let after = unescape(&b.get("/editor").await.body);
        assert!(after.contains("No question has QA errors."), "{after}");
        app.stop().await;
    }
}

backend_test! {
    /// Issue 18 item 4: drafts are searchable by editors only, from their own index, so that no
    /// draft moves what anyone else's search finds, counts or suggests.
    async fn drafts_are_searchable_by_editors_only(db) {
        let app = TestApp::builder().start_on(db).await;
        let (_, everything_before) = app.json("/api/v1/search?q=").await;
        let mut q = studypack_demo::library().questions[3].clone();
        q.slug = studypack_domain::Slug::parse("xylophonic-draft").unwrap();
        q.text = format!("Xylophonic wording. {}", q.text);
        q.status = studypack_domain::Status::Draft;
        app.import_question(q.clone()).await;
        app.state.refresh_search().await.unwrap();
        // Anyone else: nothing found, counted or suggested.
        let (_, found) = app.json("/api/v1/search?q=xylophonic").await;
        assert_eq!(found["total"], 0);
        let (_, near) = app.json("/api/v1/search?q=xylophonik").await;
        assert!(near["suggestion"].is_null(), "{near}");
        let (_, everything_after) = app.json("/api/v1/search?q=").await;
        assert_eq!(everything_before, everything_after, "counts and facets unchanged");
        let (_, _, anon) = app.get("/search?q=xylophonic").await;
        assert!(!anon.contains("xylophonic-draft") && !anon.contains("Drafts"));
        for (email, role) in [
            ("student@example.com", Role::Student),
            ("ed@example.com", Role::Editor),
        ] {
            app.state
                .accounts
                .add_user(email, PASSWORD, role)
                .await
                .unwrap();
            let b = Browser::new(&app.base);
            b.sign_in(email, PASSWORD).await;
            let page = b.get("/search?q=xylophonic").await;
            assert_eq!(page.status, StatusCode::OK);
            let listed = page.body.contains("href=\"/editor/questions/xylophonic-draft\"");
            assert_eq!(listed, role == Role::Editor, "{email}: {}", page.body);
            assert_eq!(page.body.contains("only editors see these"), role == Role::Editor);
        }
        // Published: out of the drafts' index, into everyone's.
        q.status = studypack_domain::Status::Published;
        app.import_question(q).await;
        app.state.refresh_search().await.unwrap();
        let (_, live) = app.json("/api/v1/search?q=xylophonic").await;
        assert_eq!(live["total"], 1);
        let b = Browser::new(&app.base);
        b.sign_in("ed@example.com", PASSWORD).await;
        let page = b.get("/search?q=xylophonic").await;
        assert!(!page.body.contains("only editors see these"), "no longer a draft");
        app.stop().await;
    }
}
