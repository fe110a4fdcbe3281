//! Classes: an admin makes a teacher; the teacher makes a class; students join with its code,
//! are added by email, leave and are removed; nobody else sees the class.

use reqwest::StatusCode;
use studypack_domain::Role;
use studypack_test_support::backend_test;

use super::browser::Browser;
use super::{SEED_SLUG, TestApp};

const PASSWORD: &str = "correct horse battery";

/// The class code shown on a teacher's class page.
fn class_code(page: &str) -> String {
    let at = page.find("the code <strong><code>").expect("a class code") + 23;
    page[at..at + page[at..].find('<').unwrap()].to_string()
}

/// A teacher (teach@example.com) with a class of this name, and a student (stu@example.com)
/// who joined it with its code: the two browsers and the class's page.
async fn class_with_a_student(app: &TestApp, name: &str) -> (Browser, String, Browser) {
    let teacher = Browser::new(&app.base);
    teacher.sign_up("teach@example.com", PASSWORD).await;
    app.state
        .accounts
        .set_teacher("teach@example.com", true, None)
        .await
        .unwrap();
    let res = teacher
        .submit("/classes", "/classes", &[("name", name)])
        .await;
    let class_path = res.location().split('?').next().unwrap().to_string();
    let code = class_code(&teacher.get(&class_path).await.body);
    let stu = Browser::new(&app.base);
    stu.sign_up("stu@example.com", PASSWORD).await;
    let joined = stu
        .submit("/classes", "/classes/join", &[("code", &code)])
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    (teacher, class_path, stu)
}

backend_test! {
    async fn a_teacher_makes_a_class_that_students_join_and_leave(db) {
        let app = TestApp::builder().start_on(db).await;
        app.state.accounts.add_user("head@example.com", PASSWORD, Role::Admin).await.unwrap();
        let admin = Browser::new(&app.base);
        admin.sign_in("head@example.com", PASSWORD).await;
        let teacher = Browser::new(&app.base);
        teacher.sign_up("teach@example.com", PASSWORD).await;
        // Before an admin makes them a teacher, they cannot make a class.
        let page = teacher.get("/classes").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("New class name"));
        let refused = teacher.submit("/classes", "/classes", &[("name", "12B History")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let made = admin
            .submit("/admin", "/admin/teachers", &[("action", "grant"), ("email", "teach@example.com")])
            .await;
        assert!(made.body.contains("teach@example.com is a teacher"), "{}", made.body);
        // The teacher makes a class; a bad name is refused and kept nothing.
        let page = teacher.get("/classes").await;
        assert!(page.body.contains("<a href=\"/classes\">Classes</a>"), "the nav links to classes");
        let bad = teacher.submit("/classes", "/classes", &[("name", "   ")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("Give the class a name"));
        let res = teacher.submit("/classes", "/classes", &[("name", "  12B   <History> ")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let class_path = res.location().split('?').next().unwrap().to_string();
        let page = teacher.get(res.location()).await;
        assert!(page.body.contains("<h1>12B &#60;History&#62;</h1>"), "the name is tidied and escaped: {}", page.body);
        assert!(page.body.contains("Class made. Give your students the code"));
        let code = class_code(&page.body);
        assert_eq!(code.len(), 9, "XXXX-XXXX: {code}");
        // A student joins with the code as they might type it; a wrong code keeps what they typed.
        let stu = Browser::new(&app.base);
        stu.sign_up("stu@example.com", PASSWORD).await;
        let wrong = stu.submit("/classes", "/classes/join", &[("code", "ZZZZ-ZZZZ")]).await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        assert!(wrong.body.contains("No class has that code") && wrong.body.contains("ZZZZ-ZZZZ"));
        let typed = code.to_lowercase().replace('-', " ");
        let joined = stu.submit("/classes", "/classes/join", &[("code", &typed)]).await;
        assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
        let mine = stu.get(joined.location()).await;
        assert!(mine.body.contains("You have joined the class"));
        assert!(mine.body.contains("12B &#60;History&#62;"));
        // Joining twice changes nothing.
        stu.submit("/classes", "/classes/join", &[("code", &code)]).await;
        let page = teacher.get(&class_path).await;
        assert!(page.body.contains("<td>stu@example.com</td>"));
        assert!(page.body.contains("Students (1)"), "{}", page.body);
        // Nobody but its teacher sees the class: a student is refused, another teacher finds nothing.
        assert_eq!(stu.get(&class_path).await.status, StatusCode::FORBIDDEN);
        let other = Browser::new(&app.base);
        other.sign_up("other@example.com", PASSWORD).await;
        app.state.accounts.set_teacher("other@example.com", true, None).await.unwrap();
        assert_eq!(other.get(&class_path).await.status, StatusCode::NOT_FOUND);
        let csrf = other.get("/classes").await.csrf();
        let res = other
            .post(&format!("{class_path}/members"), &[("csrf", &csrf), ("email", "other@example.com")])
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "another teacher cannot add to it");
        assert_eq!(other.get("/classes/not-a-number").await.status, StatusCode::NOT_FOUND);
        // A class belongs to its teachers: a co-teacher must be a teacher, and then sees it.
        let not_teacher = teacher
            .submit(&class_path, &format!("{class_path}/teachers"), &[("email", "stu@example.com")])
            .await;
        assert_eq!(not_teacher.status, StatusCode::BAD_REQUEST);
        assert!(not_teacher.body.contains("stu@example.com is not a teacher&#39;s account"), "{}", not_teacher.body);
        let co = teacher
            .submit(&class_path, &format!("{class_path}/teachers"), &[("email", "other@example.com")])
            .await;
        assert_eq!(co.status, StatusCode::SEE_OTHER, "{}", co.body);
        let seen = other.get(&class_path).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.body.contains("Taught by other@example.com, teach@example.com."), "{}", seen.body);
        // The teacher adds a student by email; an unknown email says what to do.
        let second = Browser::new(&app.base);
        second.sign_up("second@example.com", PASSWORD).await;
        let unknown = teacher
            .submit(&class_path, &format!("{class_path}/members"), &[("email", "nobody@example.com")])
            .await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        assert!(unknown.body.contains("there is no account for nobody@example.com"), "{}", unknown.body);
        let added = teacher
            .submit(&class_path, &format!("{class_path}/members"), &[("email", "Second@Example.com")])
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        assert!(second.get("/classes").await.body.contains("12B &#60;History&#62;"));
        // Removal by the teacher, leaving by the student.
        let second_id = app.store.user_by_email("second@example.com").await.unwrap().unwrap().0.id;
        let removed = teacher
            .submit(&class_path, &format!("{class_path}/remove"), &[("user_id", &second_id.to_string())])
            .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
        assert!(!teacher.get(&class_path).await.body.contains("second@example.com"));
        let left = stu.submit("/classes", &format!("{class_path}/leave"), &[]).await;
        assert_eq!(left.status, StatusCode::SEE_OTHER);
        assert!(stu.get("/classes?done=left").await.body.contains("You are not in a class yet"));
        let again = stu.submit("/classes", &format!("{class_path}/leave"), &[]).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        // Every change is in the audit log.
        let actions: Vec<String> =
            app.store.audit_log(20).await.unwrap().into_iter().map(|e| e.action).collect();
        for a in ["teacher.grant", "class.create", "class.join", "class.add", "class.remove", "class.leave"] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
        assert_eq!(actions.iter().filter(|x| *x == "class.join").count(), 1, "joining twice is one join");
        // Taking the teacher's capability away closes the class pages to them.
        admin
            .submit("/admin", "/admin/teachers", &[("action", "revoke"), ("email", "teach@example.com")])
            .await;
        assert_eq!(teacher.get(&class_path).await.status, StatusCode::FORBIDDEN);
        app.stop().await;
    }
}

backend_test! {
    /// A school licence opens the model essays to every member of a class, and only while
    /// they are in it.
    async fn a_school_licence_opens_essays_to_members_only(db) {
        let app = TestApp::builder().start_on(db).await;
        app.state.accounts.add_user("head@example.com", PASSWORD, Role::Admin).await.unwrap();
        let admin = Browser::new(&app.base);
        admin.sign_in("head@example.com", PASSWORD).await;
        let (teacher, class_path, stu) = class_with_a_student(&app, "13A").await;
        let code = class_code(&teacher.get(&class_path).await.body);
        let outsider = Browser::new(&app.base);
        outsider.sign_up("out@example.com", PASSWORD).await;
        let seed = format!("/api/v1/questions/{}", SEED_SLUG);
        assert_eq!(stu.get(&seed).await.json()["unlocked"], false);
        let bad = admin
            .submit("/admin", "/admin/class-packs", &[("code", "ZZZZ-ZZZZ"), ("pack", "board:AQA"), ("days", "")])
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("No class has that code"));
        let granted = admin
            .submit("/admin", "/admin/class-packs", &[("code", &code), ("pack", "board:AQA"), ("days", "365")])
            .await;
        assert!(granted.body.contains("Granted AQA model essays to every student in 13A"), "{}", granted.body);
        assert_eq!(stu.get(&seed).await.json()["unlocked"], true, "a member reads the essay");
        assert_eq!(outsider.get(&seed).await.json()["unlocked"], false, "others do not");
        assert!(stu.get("/account").await.body.contains("AQA model essays, from your class 13A"));
        assert!(teacher.get(&class_path).await.body.contains("School licence: every student in this class reads AQA model essays, until"));
        // Leaving the class closes the essay again.
        stu.submit("/classes", &format!("{class_path}/leave"), &[]).await;
        assert_eq!(stu.get(&seed).await.json()["unlocked"], false, "a former member does not");
        app.stop().await;
    }
}

backend_test! {
    /// A teacher's licence code makes its redeemer a teacher, on the page and in the API.
    async fn a_teacher_code_makes_a_teacher(db) {
        let app = TestApp::builder().start_on(db).await;
        app.state.accounts.add_user("head@example.com", PASSWORD, Role::Admin).await.unwrap();
        let admin = Browser::new(&app.base);
        admin.sign_in("head@example.com", PASSWORD).await;
        let made = admin
            .submit("/admin", "/admin/codes", &[("pack", "teacher"), ("count", "2"), ("days", "")])
            .await;
        assert!(made.body.contains("Made 2 codes for teacher accounts"), "{}", made.body);
        assert_eq!(made.body.matches("<td>a teacher&#39;s account</td>").count(), 2, "{}", made.body);
        let at = made.body.find("<textarea id=\"codes-made\"").unwrap();
        let start = at + made.body[at..].find('>').unwrap() + 1;
        let codes: Vec<String> = made.body[start..start + made.body[start..].find("</textarea>").unwrap()]
            .lines()
            .map(str::to_string)
            .collect();
        let t = Browser::new(&app.base);
        t.sign_up("new.teacher@example.com", PASSWORD).await;
        let done = t.submit("/redeem", "/redeem", &[("code", &codes[0])]).await;
        assert!(done.body.contains("your account is now a teacher&#39;s"), "{}", done.body);
        assert!(t.get("/classes").await.body.contains("New class name"));
        let (user, _) = app.store.user_by_email("new.teacher@example.com").await.unwrap().unwrap();
        assert!(user.teacher);
        assert!(app.store.entitlements(user.id).await.unwrap().is_empty(), "a teacher's code is not a pack");
        // The API says the same.
        let api = Browser::new(&app.base);
        api.sign_up("api@example.com", PASSWORD).await;
        let csrf = api.get("/account").await.csrf();
        let res = api
            .api(reqwest::Method::POST, "/api/v1/redeem", Some(serde_json::json!({"code": codes[1]})), None, Some(&csrf))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["pack"], "teacher");
        assert!(app.store.user_by_email("api@example.com").await.unwrap().unwrap().0.teacher);
        app.stop().await;
    }
}

/// The id in the first `/assignments/N` link of a page.
fn assignment_link(page: &str) -> String {
    let at = page
        .find("href=\"/assignments/")
        .expect("an assignment link")
        + 19;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

backend_test! {
    /// A teacher sets a question for a class; its students see it with their status, write
    /// it (untimed here) and submit no more than it allows; nobody else reaches it.
    async fn a_teacher_sets_work_and_students_submit_it(db) {
        let app = TestApp::builder().start_on(db).await;
        let (teacher, class_path, stu) = class_with_a_student(&app, "12C").await;
        let set = format!("{class_path}/assignments");
        let now = studypack_accounts::now();
        let at = |secs: i64| studypack_web::datetime_value(secs);
        let (opened, due) = (at(now - 3600), at(now + 7 * 86_400));
        // Refused forms say why and keep what was typed.
        let bad = teacher
            .submit(&class_path, &set, &[("question", "no-such-question"), ("opens", &opened), ("due", &due), ("attempts", "1")])
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("paste the address of a question"), "{}", bad.body);
        assert!(bad.body.contains("value=\"no-such-question\""));
        let backwards = teacher
            .submit(&class_path, &set, &[("question", SEED_SLUG), ("opens", &due), ("due", &opened), ("attempts", "1")])
            .await;
        assert!(backwards.body.contains("Due: after it opens"));
        let address = format!("http://127.0.0.1/questions/{SEED_SLUG}");
        let made = teacher
            .submit(&class_path, &set, &[("question", &address), ("opens", &opened), ("due", &due), ("attempts", "1")])
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let page = teacher.get(made.location()).await;
        assert!(page.body.contains("Work set: the class sees it"));
        assert!(page.body.contains("untimed, 1 attempt</td><td>0 of 1</td>"), "{}", page.body);
        // The student sees it, not started, and opens it: the practice page writes for it.
        let mine = stu.get("/classes").await;
        assert!(mine.body.contains("<strong>not started</strong>"), "{}", mine.body);
        let id = assignment_link(&mine.body);
        let go = stu.get(&format!("/assignments/{id}")).await;
        assert_eq!(go.location(), format!("/questions/{SEED_SLUG}/practice?assignment={id}"));
        let practice = stu.get(go.location()).await;
        assert!(practice.body.contains("Work set for your class 12C"), "{}", practice.body);
        assert!(practice.body.contains("This is submission 1 of 1.") && practice.body.contains("Untimed."));
        assert!(!practice.body.contains("id=\"timer\""), "untimed work has no clock");
        assert!(practice.body.contains(&format!("name=\"assignment\" value=\"{id}\"")));
        // Nobody outside the class reaches it.
        let out = Browser::new(&app.base);
        out.sign_up("out@example.com", PASSWORD).await;
        assert_eq!(out.get(&format!("/assignments/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(out.get(go.location()).await.status, StatusCode::NOT_FOUND);
        let csrf = out.get("/classes").await.csrf();
        let sneak = out
            .post(&format!("/questions/{SEED_SLUG}/practice"), &[("csrf", &csrf), ("text", "Mine."), ("assignment", &id)])
            .await;
        assert_eq!(sneak.status, StatusCode::NOT_FOUND);
        // A draft, then the submission; a second one is more than it allows.
        let csrf = practice.csrf();
        let draft = stu
            .api(reqwest::Method::PUT, &format!("/api/v1/drafts/{SEED_SLUG}"), Some(serde_json::json!({"text": "Stalin and"})), None, Some(&csrf))
            .await;
        assert_eq!(draft.status, StatusCode::OK);
        assert!(stu.get("/classes").await.body.contains("<strong>draft</strong>"));
        let essay = "Stalin and Khrushchev both kept the one-party state, but Khrushchev ended mass terror.";
        let sent = stu
            .post(&format!("/questions/{SEED_SLUG}/practice"), &[("csrf", &csrf), ("text", essay), ("assignment", &id)])
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let user = app.store.user_by_email("stu@example.com").await.unwrap().unwrap().0;
        let attempts = app.store.attempts(user.id, SEED_SLUG).await.unwrap();
        assert_eq!(attempts.last().unwrap().assignment_id, Some(id.parse().unwrap()));
        assert!(stu.get("/classes").await.body.contains("<strong>submitted</strong>"));
        assert!(teacher.get(&class_path).await.body.contains("<td>1 of 1</td>"));
        let again = stu.get(go.location()).await;
        assert!(again.body.contains("You have made all 1 submissions it allows."));
        let more = stu
            .post(&format!("/questions/{SEED_SLUG}/practice"), &[("csrf", &csrf), ("text", "A second essay."), ("assignment", &id)])
            .await;
        assert_eq!(more.status, StatusCode::CONFLICT);
        assert!(more.body.contains("You have made all 1 submissions this work allows") && more.body.contains("A second essay."));
        assert_eq!(app.store.attempts(user.id, SEED_SLUG).await.unwrap().len(), attempts.len());
        // Work that is not open yet is listed but cannot be submitted.
        teacher
            .submit(&class_path, &set, &[("question", SEED_SLUG), ("opens", &at(now + 86_400)), ("due", &at(now + 2 * 86_400)), ("timed", "on"), ("attempts", "2")])
            .await;
        let listed = stu.get("/classes").await;
        assert!(listed.body.contains("<strong>not open yet</strong>"), "{}", listed.body);
        let later: i64 = id.parse::<i64>().unwrap() + 1;
        let early = stu
            .post(&format!("/questions/{SEED_SLUG}/practice"), &[("csrf", &csrf), ("text", "Too soon."), ("assignment", &later.to_string())])
            .await;
        assert_eq!(early.status, StatusCode::BAD_REQUEST);
        assert!(early.body.contains("This work opens on"));
        app.stop().await;
    }
}

backend_test! {
    /// The marking queue: the teacher sees each submission with the machine's level, sets
    /// their own level, mark and comment, and releases it; the student sees nothing before
    /// the release and the teacher's mark after; every change is kept.
    async fn a_teacher_moderates_and_releases_marks(db) {
        let app = TestApp::builder().start_on(db).await;
        let (teacher, class_path, stu) = class_with_a_student(&app, "13B").await;
        let now = studypack_accounts::now();
        let at = |secs: i64| studypack_web::datetime_value(secs);
        teacher
            .submit(&class_path, &format!("{class_path}/assignments"), &[("question", SEED_SLUG), ("opens", &at(now - 60)), ("due", &at(now + 86_400)), ("attempts", "1")])
            .await;
        let id = assignment_link(&stu.get("/classes").await.body);
        let practice = stu.get(&format!("/questions/{SEED_SLUG}/practice?assignment={id}")).await;
        let essay = "Stalin and Khrushchev both kept the one-party state, but Khrushchev ended mass terror.";
        let sent = stu
            .post(&format!("/questions/{SEED_SLUG}/practice"), &[("csrf", &practice.csrf()), ("text", essay), ("assignment", &id)])
            .await;
        let attempt_path = sent.location().to_string();
        let attempt = attempt_path.trim_start_matches("/attempts/").to_string();
        // The queue lists it, unmarked, with the machine's level.
        let queue = teacher.get(&format!("/work/{id}")).await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
        assert!(queue.body.contains(">stu@example.com</a>") && queue.body.contains("<td>not marked</td>"), "{}", queue.body);
        let other = Browser::new(&app.base);
        other.sign_up("other@example.com", PASSWORD).await;
        app.state.accounts.set_teacher("other@example.com", true, None).await.unwrap();
        assert_eq!(other.get(&format!("/work/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.get(&format!("/work/{id}/submissions/{attempt}")).await.status, StatusCode::NOT_FOUND);
        // The submission page: the essay, escaped, and a mark form.
        let sub_path = format!("/work/{id}/submissions/{attempt}");
        let page = teacher.get(&sub_path).await;
        assert!(page.body.contains("Khrushchev ended mass terror."));
        let bad = teacher.submit(&sub_path, &sub_path, &[("level", "9"), ("mark", ""), ("comment", "x"), ("action", "save")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("Level: from 0 to"), "{}", bad.body);
        let saved = teacher
            .submit(&sub_path, &sub_path, &[("level", "3"), ("mark", "14"), ("comment", "Good <b>range</b>; now weigh the differences."), ("action", "save")])
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        // Not released: the student sees nothing of it.
        let report = stu.get(&attempt_path).await;
        assert!(!report.body.contains("Your teacher's mark") && !report.body.contains("weigh the differences"));
        assert!(stu.get("/classes").await.body.contains("<strong>submitted</strong>"));
        // Released from the queue: the student reads the mark and the comment, escaped.
        let queue = teacher.get(&format!("/work/{id}")).await;
        assert!(queue.body.contains("Release 1 marked essay"));
        let released = teacher.submit(&format!("/work/{id}"), &format!("/work/{id}/release"), &[]).await;
        assert!(released.location().ends_with("released=1"), "{}", released.location());
        let report = stu.get(&attempt_path).await;
        assert!(report.body.contains("Your teacher's mark: Level 3, 14 marks"), "{}", report.body);
        assert!(report.body.contains("Good &#60;b&#62;range&#60;/b&#62;; now weigh the differences."));
        assert!(stu.get("/classes").await.body.contains("<strong>returned</strong>"));
        // A change is kept: who, when, from what to what.
        teacher.submit(&sub_path, &sub_path, &[("level", "4"), ("mark", "17"), ("comment", "Better on reflection."), ("action", "save")]).await;
        let page = teacher.get(&sub_path).await;
        assert!(page.body.contains("teach@example.com: not marked → level 3, 14 marks"), "{}", page.body);
        assert!(page.body.contains("teach@example.com: level 3, 14 marks → level 4, 17 marks"));
        assert!(stu.get(&attempt_path).await.body.contains("Level 4, 17 marks"), "a released mark stays released");
        let actions: Vec<String> = app.store.audit_log(30).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions.iter().filter(|a| *a == "mark.change").count(), 2, "{actions:?}");
        assert_eq!(actions.iter().filter(|a| *a == "mark.release").count(), 1);
        app.stop().await;
    }
}

/// The point boxes of a marking page: (index, ticked), in scheme order.
fn point_boxes(page: &str) -> Vec<(usize, bool)> {
    page.split("<input type=\"checkbox\" form=\"mark-form\" id=\"point-")
        .skip(1)
        .map(|rest| {
            let n: usize = rest[..rest.find('"').unwrap()].parse().unwrap();
            let tag = &rest[..rest.find('>').unwrap()];
            (n, tag.contains("checked"))
        })
        .collect()
}

backend_test! {
    /// Moderation in detail: the teacher ticks and unticks the scheme's points against the
    /// machine's, comments on sentences of the essay, and releases; the student then reads
    /// the comments after the sentences they are on and where the teacher differs from the
    /// machine. The decisions are stored beside the engine's for calibration, and audited.
    async fn a_teacher_ticks_points_and_comments_on_sentences(db) {
        let app = TestApp::builder().start_on(db).await;
        let (teacher, class_path, stu) = class_with_a_student(&app, "13C").await;
        let now = studypack_accounts::now();
        let at = |secs: i64| studypack_web::datetime_value(secs);
        teacher
            .submit(&class_path, &format!("{class_path}/assignments"), &[("question", SEED_SLUG), ("opens", &at(now - 60)), ("due", &at(now + 86_400)), ("attempts", "1")])
            .await;
        let id = assignment_link(&stu.get("/classes").await.body);
        let practice = stu.get(&format!("/questions/{SEED_SLUG}/practice?assignment={id}")).await;
        let essay = "Stalin and Khrushchev both kept the one-party state. Khrushchev ended mass terror and released prisoners from the Gulag. Both men believed in communism.";
        let sent = stu
            .post(&format!("/questions/{SEED_SLUG}/practice"), &[("csrf", &practice.csrf()), ("text", essay), ("assignment", &id)])
            .await;
        let attempt_path = sent.location().to_string();
        let attempt: i64 = attempt_path.trim_start_matches("/attempts/").parse().unwrap();
        let sub_path = format!("/work/{id}/submissions/{attempt}");
        let page = teacher.get(&sub_path).await;
        assert!(page.body.contains("<sup class=\"sentence-n\">3</sup> Both men believed in communism."), "{}", page.body);
        let boxes = point_boxes(&page.body);
        assert!(boxes.len() >= 10, "every scheme point has a box: {boxes:?}");
        assert!(page.body.contains("Ticked where the machine found a point made"));
        // The teacher credits one point the machine did not, and takes back every one it did.
        let credited = boxes.iter().find(|(_, t)| !t).unwrap().0;
        let machine: Vec<usize> = boxes.iter().filter(|(_, t)| *t).map(|(i, _)| *i).collect();
        let name = format!("point-{credited}");
        let saved = teacher
            .submit(&sub_path, &sub_path, &[("level", "2"), ("mark", "8"), ("comment", "See my notes."), ("points_shown", "1"), (&name, "made"), ("action", "save")])
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = teacher.get(&sub_path).await;
        assert!(page.body.contains("Your decisions."));
        let after = point_boxes(&page.body);
        assert_eq!(after.iter().filter(|(_, t)| *t).map(|(i, _)| *i).collect::<Vec<_>>(), vec![credited]);
        let ticks = app.store.points(attempt).await.unwrap();
        assert_eq!(ticks.len(), boxes.len());
        assert!(ticks.iter().all(|t| t.made == (t.point as usize == credited)));
        assert_eq!(ticks.iter().filter(|t| t.engine == "covered").count(), machine.len());
        // Comments on sentences: a bad number says why; a good one is placed, escaped.
        let comments = format!("{sub_path}/comments");
        let bad = teacher.submit(&sub_path, &comments, &[("sentence", "9"), ("body", "Where?")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("Choose a sentence from 1 to 3."), "{}", bad.body);
        let added = teacher.submit(&sub_path, &comments, &[("sentence", "2"), ("body", "Date the <i>release</i>: 1956?")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        assert!(added.location().ends_with("#s2"));
        teacher.submit(&sub_path, &comments, &[("sentence", "3"), ("body", "Too vague.")]).await;
        let other = Browser::new(&app.base);
        other.sign_up("other@example.com", PASSWORD).await;
        app.state.accounts.set_teacher("other@example.com", true, None).await.unwrap();
        let csrf = other.get("/classes").await.csrf();
        let sneak = other.post(&comments, &[("csrf", &csrf), ("sentence", "1"), ("body", "Mine.")]).await;
        assert_eq!(sneak.status, StatusCode::NOT_FOUND);
        let page = teacher.get(&sub_path).await;
        let s2 = page.body.find("released prisoners from the Gulag.").unwrap();
        let note = page.body.find("Date the &#60;i&#62;release&#60;/i&#62;: 1956?").expect("escaped comment");
        let s3 = page.body.find("Both men believed in communism.").unwrap();
        assert!(s2 < note && note < s3, "the comment follows its sentence");
        // One is deleted again; only its own submission's comments can be.
        let stored = app.store.comments(attempt).await.unwrap();
        assert_eq!(stored.len(), 2);
        let vague = stored.iter().find(|c| c.body == "Too vague.").unwrap().id;
        let gone = teacher.submit(&sub_path, &format!("{comments}/{vague}/delete"), &[]).await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER);
        assert_eq!(teacher.submit(&sub_path, &format!("{comments}/{vague}/delete"), &[]).await.status, StatusCode::NOT_FOUND);
        assert!(!teacher.get(&sub_path).await.body.contains("Too vague."));
        // Before release the student sees none of it; after, all of it, in place.
        let report = stu.get(&attempt_path).await;
        assert!(!report.body.contains("1956?") && !report.body.contains("Your teacher counts"));
        teacher.submit(&format!("/work/{id}"), &format!("/work/{id}/release"), &[]).await;
        let report = stu.get(&attempt_path).await;
        assert!(report.body.contains("Your teacher counts 1 of"), "{}", report.body);
        assert!(report.body.contains("counts as made (the machine did not find it)"));
        assert_eq!(report.body.matches("does not count (the machine thought it made)").count(), machine.len());
        let marked = &report.body[report.body.find("class=\"marked\"").unwrap()..];
        let s2 = marked.find("released prisoners from the Gulag.").unwrap();
        let note = marked.find("<strong>Your teacher:</strong> Date the &#60;i&#62;release&#60;/i&#62;: 1956?").expect("placed comment");
        let s3 = marked.find("Both men believed in communism.").unwrap();
        assert!(s2 < note && note < s3, "the comment follows its sentence in the student's essay");
        // Stored for calibration: the moderated script with the teacher's mark and points.
        let scripts = app.store.moderated_scripts(SEED_SLUG).await.unwrap();
        assert_eq!(scripts.len(), 1);
        assert_eq!((scripts[0].level, scripts[0].mark), (Some(2), Some(8)));
        assert_eq!(scripts[0].body, essay);
        assert_eq!(scripts[0].points.iter().filter(|p| p.made).count(), 1);
        let actions: Vec<String> = app.store.audit_log(40).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions.iter().filter(|a| *a == "mark.points").count(), 1, "{actions:?}");
        assert_eq!(actions.iter().filter(|a| *a == "mark.comment").count(), 2);
        assert_eq!(actions.iter().filter(|a| *a == "mark.comment.delete").count(), 1);
        app.stop().await;
    }
}

backend_test! {
    /// Class insight: each student's latest essay read point by point (the machine's reading
    /// where the teacher has not decided, the teacher's ticks where they have), the level
    /// distribution, the most-missed points with the essays that made them, levels over
    /// time, and the same as CSV; only for the class's teachers.
    async fn a_teacher_sees_what_the_class_made_of_the_work(db) {
        let app = TestApp::builder().start_on(db).await;
        let (teacher, class_path, stu) = class_with_a_student(&app, "12D").await;
        let code = class_code(&teacher.get(&class_path).await.body);
        let stu2 = Browser::new(&app.base);
        stu2.sign_up("=cmd@example.com", PASSWORD).await;
        stu2.submit("/classes", "/classes/join", &[("code", &code)]).await;
        let now = studypack_accounts::now();
        let at = |secs: i64| studypack_web::datetime_value(secs);
        teacher
            .submit(&class_path, &format!("{class_path}/assignments"), &[("question", SEED_SLUG), ("opens", &at(now - 60)), ("due", &at(now + 86_400)), ("attempts", "1")])
            .await;
        let id = assignment_link(&stu.get("/classes").await.body);
        let essays = [
            (&stu, "Neither leader would brook any opposition: both played off major figures against one another, as Stalin did with Zhdanov and Malenkov. Under Khrushchev the coercive machinery was dismantled, the secret police reduced in size and the gulags dismantled, with political amnesties."),
            (&stu2, "Both were driven by Marxist belief and maintained a one-party structure with a command economy and economic controls. Both maintained cultural control: dissidents were attacked and there was little respect for human rights."),
        ];
        let mut expected: Vec<Vec<String>> = Vec::new();
        for (b, essay) in essays {
            let practice = b.get(&format!("/questions/{SEED_SLUG}/practice?assignment={id}")).await;
            let sent = b
                .post(&format!("/questions/{SEED_SLUG}/practice"), &[("csrf", &practice.csrf()), ("text", essay), ("assignment", &id)])
                .await;
            assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
            // What the engine says of this essay, through the public API.
            let r = b
                .api(reqwest::Method::POST, "/api/v1/feedback", Some(serde_json::json!({"question": SEED_SLUG, "text": essay})), None, Some(&practice.csrf()))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            expected.push(
                r.json()["points"].as_array().unwrap().iter().map(|p| match p["status"].as_str().unwrap() {
                    "covered" => "made", "partial" => "partly", _ => "missing",
                }.to_string()).collect(),
            );
        }
        // Columns are students by email: "=cmd@…" sorts before "stu@…".
        expected.swap(0, 1);
        let path = format!("/work/{id}/insight");
        let page = teacher.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let rows: Vec<Vec<String>> = page.body.split("<tr class=\"").skip(1).map(|row| {
            row.split("<td class=\"cell ").skip(1).map(|c| c[..c.find('"').unwrap()].to_string()).collect()
        }).collect();
        assert_eq!(rows.len(), expected[0].len(), "one row per point");
        for (p, row) in rows.iter().enumerate() {
            assert_eq!(row, &vec![expected[0][p].clone(), expected[1][p].clone()], "point {p}");
        }
        assert!(expected.iter().flatten().any(|s| s != "missing"), "the essays make some points");
        assert!(page.body.contains("½ partly") && page.body.contains("– missing"), "each cell says it in text");
        assert!(page.body.contains("Most missed points"));
        // The teacher's ticks replace the machine's reading for that essay.
        let queue = teacher.get(&format!("/work/{id}")).await;
        let at = queue.body.find("/submissions/").unwrap() + 13;
        let first = &queue.body[at..at + queue.body[at..].find('"').unwrap()];
        let sub_path = format!("/work/{id}/submissions/{first}");
        teacher.submit(&sub_path, &sub_path, &[("level", "2"), ("mark", ""), ("comment", ""), ("points_shown", "1"), ("point-0", "made"), ("action", "save")]).await;
        let page = teacher.get(&path).await;
        assert!(page.body.contains("1 of 2 marked point by point"), "{}", page.body);
        assert!(page.body.contains("✓ made"));
        assert!(page.body.contains("<th scope=\"row\">Level 2</th><td><span class=\"bar\" aria-hidden=\"true\">■</span> 1 of 2 (50%)</td>"), "{}", page.body);
        // CSV: a header with every point, one row per student, a formula-like email made inert.
        let csv = teacher.get(&format!("/work/{id}/export.csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/csv"));
        assert!(csv.headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment"));
        let lines: Vec<&str> = csv.body.lines().collect();
        assert_eq!(lines.len(), 3, "{}", csv.body);
        assert!(lines[0].starts_with("student,submitted (UTC),late,machine level,teacher level,teacher mark,released,points decided by,"));
        assert!(lines[1].starts_with("'=cmd@example.com,") || lines[2].starts_with("'=cmd@example.com,"), "{}", csv.body);
        let decided = lines.iter().find(|l| l.contains(",teacher,")).expect("the teacher's row");
        assert!(decided.contains(",teacher,made,missing,"), "{decided}");
        // Levels over time, and its CSV.
        let over = teacher.get(&format!("{class_path}/insight")).await;
        assert_eq!(over.status, StatusCode::OK);
        assert!(over.body.contains("<th scope=\"row\">stu@example.com</th><td>2</td>"), "{}", over.body);
        assert!(over.body.contains("<th scope=\"row\">=cmd@example.com</th><td>"), "the machine's level, or none: {}", over.body);
        let class_csv = teacher.get(&format!("{class_path}/export.csv")).await;
        assert!(class_csv.body.lines().count() == 3 && class_csv.body.contains(",2,teacher"), "{}", class_csv.body);
        // Nobody else sees it.
        let other = Browser::new(&app.base);
        other.sign_up("other@example.com", PASSWORD).await;
        assert_eq!(other.get(&path).await.status, StatusCode::FORBIDDEN);
        app.state.accounts.set_teacher("other@example.com", true, None).await.unwrap();
        for p in [path.clone(), format!("/work/{id}/export.csv"), format!("{class_path}/insight"), format!("{class_path}/export.csv")] {
            assert_eq!(other.get(&p).await.status, StatusCode::NOT_FOUND, "{p}");
        }
        assert_eq!(stu.get(&path).await.status, StatusCode::FORBIDDEN);
        app.stop().await;
    }
}

backend_test! {
    /// A teacher's own question: written with a pasted scheme, previewed and practised by
    /// its teacher, set for a class by its key, practised by that class's students with
    /// the same report as a library question; never seen by anyone else, never in the
    /// library's pages, search or API, and its model answer never shown to a student.
    async fn a_teacher_writes_a_question_of_their_own(db) {
        let app = TestApp::builder().start_on(db).await;
        let (teacher, class_path, stu) = class_with_a_student(&app, "12E").await;
        let page = teacher.get("/own-questions").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let at = page.body.find("<option value=\"").unwrap() + 15;
        let at = at + page.body[at..].find("<option value=\"").unwrap() + 15;
        let topic = page.body[at..at + page.body[at..].find('"').unwrap()].to_string();
        let text = "‘Stalin’s leadership was the main reason for Soviet victory in the war.’ Assess the validity of this view.";
        let scheme = "Arguments supporting the view\n- Stalin chaired the State Defence Committee (also: GKO)\n- he stayed in Moscow in October 1941\nArguments challenging the view\n- Zhukov planned the encirclement at Stalingrad\n- Soviet industry outproduced Germany in tanks";
        let model = "MODEL-SECRET: Stalin chaired the State Defence Committee.";
        let fields = |title: &'static str, scheme: &'static str| vec![("title", title), ("text", text), ("marks", "25"), ("topic", topic.as_str()), ("scheme", scheme), ("plan", "Intro, three factors, judgement."), ("model_essay", model)];
        // A scheme with no point is refused, and what was typed is kept.
        let bad = teacher.submit("/own-questions", "/own-questions", &fields("Victory 1945", "")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("Mark scheme:") && bad.body.contains("value=\"Victory 1945\""), "{}", bad.body);
        let made = teacher.submit("/own-questions", "/own-questions", &fields("Victory 1945", scheme)).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let id: i64 = made.location().trim_start_matches("/own-questions/").split('?').next().unwrap().parse().unwrap();
        let key = format!("own--{id}");
        let preview = teacher.get(made.location()).await;
        assert!(preview.body.contains(&format!("<code>{key}</code>")));
        assert!(preview.body.contains("<li>Zhukov planned the encirclement at Stalingrad</li>"), "{}", preview.body);
        assert!(preview.body.contains("MODEL-SECRET"), "the teacher sees their model answer");
        // The teacher practises it and gets a report like a library question's.
        let practice_path = format!("/questions/{key}/practice");
        let practice = teacher.get(&practice_path).await;
        assert_eq!(practice.status, StatusCode::OK);
        assert!(practice.body.contains(&format!("href=\"/own-questions/{id}\"")), "back to its page");
        let essay = "Stalin chaired the GKO from 1941. However, Zhukov planned the encirclement at Stalingrad and Soviet industry outproduced Germany in tanks.";
        let sent = teacher.post(&practice_path, &[("csrf", &practice.csrf()), ("text", essay)]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let report = teacher.get(sent.location()).await;
        assert!(report.body.contains("Your essay, marked") && report.body.contains("class=\"tag supporting\""), "{}", report.body);
        assert!(!report.body.contains("Compare with the free essay plan"), "no library page to send them to");
        // Nobody else reaches it before it is set; it is in no library surface.
        assert_eq!(stu.get(&practice_path).await.status, StatusCode::NOT_FOUND);
        let other = Browser::new(&app.base);
        other.sign_up("other@example.com", PASSWORD).await;
        app.state.accounts.set_teacher("other@example.com", true, None).await.unwrap();
        assert_eq!(other.get(&format!("/own-questions/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.get(&practice_path).await.status, StatusCode::NOT_FOUND);
        let sneak = other.submit("/own-questions", &format!("/own-questions/{id}"), &fields("Mine now", scheme)).await;
        assert_eq!(sneak.status, StatusCode::NOT_FOUND);
        for p in ["/browse", "/api/v1/questions", "/api/v1/search?q=encirclement"] {
            let b = teacher.get(p).await.body;
            assert!(!b.contains("Victory 1945") && !b.contains(&key), "{p} shows the own question");
        }
        // Its teacher finds it on the search page (issue 18 item 4), apart from the library's
        // results; nobody else does.
        let search = "/search?q=encirclement+Stalingrad+Zhukov";
        let found = teacher.get(search).await.body;
        assert!(found.contains("Your own questions") && found.contains(&format!("href=\"/own-questions/{id}\">Victory 1945</a>")), "{found}");
        assert!(!teacher.get("/search?q=encirclement+Trotsky").await.body.contains("Victory 1945"), "every word must match");
        for (who, b) in [("another teacher", &other), ("a student", &stu)] {
            let page = b.get(search).await.body;
            assert!(!page.contains("Victory 1945") && !page.contains("Your own questions"), "{who} finds it");
        }
        assert!(!Browser::new(&app.base).get(search).await.body.contains("Victory 1945"), "anonymous search finds it");
        // Another teacher cannot set it; its teacher can, by its key.
        let now = studypack_accounts::now();
        let at = |secs: i64| studypack_web::datetime_value(secs);
        let csrf = other.get("/classes").await.csrf();
        let theirs = other.post("/classes", &[("csrf", &csrf), ("name", "Other class")]).await;
        let their_class = theirs.location().split('?').next().unwrap().to_string();
        let refused = other
            .submit(&their_class, &format!("{their_class}/assignments"), &[("question", &key), ("opens", &at(now - 60)), ("due", &at(now + 86_400)), ("attempts", "1")])
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        let set = teacher
            .submit(&class_path, &format!("{class_path}/assignments"), &[("question", &key), ("opens", &at(now - 60)), ("due", &at(now + 86_400)), ("attempts", "1")])
            .await;
        assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
        let listed = stu.get("/classes").await;
        assert!(listed.body.contains("Victory 1945"), "the work shows the question's title: {}", listed.body);
        let work = assignment_link(&listed.body);
        // The class's student practises it; the model answer is never shown or compared.
        let page = stu.get(&format!("{practice_path}?assignment={work}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(!page.body.contains("MODEL-SECRET"));
        let sent = stu.post(&practice_path, &[("csrf", &page.csrf()), ("text", model), ("assignment", &work)]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let report = stu.get(sent.location()).await;
        assert!(report.body.contains("Your essay, marked"));
        assert!(!report.body.contains("Much of the essay repeats the model essay"), "no comparison with the teacher's model answer");
        // The teacher marks it in the queue like any other.
        let queue = teacher.get(&format!("/work/{work}")).await;
        assert!(queue.body.contains("Marking: Victory 1945") && queue.body.contains("stu@example.com"), "{}", queue.body);
        // Changes are saved and audited.
        let changed = teacher.submit(&format!("/own-questions/{id}"), &format!("/own-questions/{id}"), &fields("Victory in 1945", scheme)).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER);
        assert!(teacher.get("/own-questions").await.body.contains("Victory in 1945"));
        let actions: Vec<String> = app.store.audit_log(50).await.unwrap().into_iter().map(|e| e.action).collect();
        assert!(actions.contains(&"own_question.create".to_string()) && actions.contains(&"own_question.update".to_string()), "{actions:?}");
        app.stop().await;
    }
}
