//! The storage suite, run on every backend: SQLite always, PostgreSQL when configured.

use studypack_domain::*;
use studypack_store::*;
use studypack_test_support::{TestDb, backend_test};

/// The time the tests' writes happen at (seconds since the epoch).
const NOW: i64 = 1_000;

fn topic(slug: &str) -> Topic {
    Topic {
        slug: Slug::parse(slug).unwrap(),
        title: format!("Topic {slug}"),
        aliases: vec![],
        board: Some(Board::Aqa),
        level: Some(Level::ALevel),
        subject: "History".into(),
        period: Period::new(1900, 1990).unwrap(),
        component: Some(Component {
            code: "7042/1H".into(),
            title: "Russia".into(),
        }),
        rubric: None,
        glossary: vec![GlossaryEntry {
            term: "secret police".into(),
            aliases: vec!["NKVD".into()],
        }],
        timeline: vec![],
        offices: vec![],
    }
}

fn question(slug: &str, topic: &str) -> Question {
    Question {
        slug: Slug::parse(slug).unwrap(),
        title: "A title".into(),
        topic: Slug::parse(topic).unwrap(),
        year: 2022,
        marks: 25,
        command: "Assess the validity of this view".into(),
        view: Some("A view.".into()),
        period: Some(Period::new(1941, 1964).unwrap()),
        status: Status::Published,
        text: "‘A view.’ Assess the validity of this view.".into(),
        mark_scheme: MarkScheme {
            bullets: vec![
                SchemeBullet {
                    side: Side::Supporting,
                    text: "one; two".into(),
                },
                SchemeBullet {
                    side: Side::Challenging,
                    text: "three".into(),
                },
            ],
        },
        plan: "A plan.".into(),
        plan_generated: false,
        model_essay: "An essay.".into(),
    }
}

backend_test! {
    async fn import_then_read_back(db) {
        import_then_read_back_on(&*db.store).await;
        db.cleanup().await;
    }
}

async fn import_then_read_back_on(s: &dyn LibraryStore) {
    let lib = Library {
        topics: vec![topic("top-ic")],
        questions: vec![question("q-one", "top-ic")],
    };
    let r = s.import(&lib, NOW).await.unwrap();
    assert_eq!(
        (r.topics_created, r.questions_created, r.revisions_added),
        (1, 1, 3),
        "a new question's details, plan and model essay are its first revisions"
    );
    assert_eq!(
        s.question("q-one").await.unwrap().unwrap(),
        lib.questions[0]
    );
    assert_eq!(s.topic("top-ic").await.unwrap().unwrap(), lib.topics[0]);
    assert_eq!(s.library().await.unwrap(), lib);
}

backend_test! {
    async fn reimport_updates_by_slug_and_keeps_revisions(db) {
        reimport_updates_by_slug_and_keeps_revisions_on(&*db.store).await;
        db.cleanup().await;
    }
}

async fn reimport_updates_by_slug_and_keeps_revisions_on(s: &dyn LibraryStore) {
    let mut lib = Library {
        topics: vec![topic("top-ic")],
        questions: vec![question("q-one", "top-ic")],
    };
    s.import(&lib, NOW).await.unwrap();
    let v1 = s.library_version().await.unwrap();
    let again = s.import(&lib, NOW).await.unwrap();
    assert_eq!(
        s.library_version().await.unwrap(),
        v1,
        "an import that changes nothing keeps the version"
    );
    assert_eq!(
        (
            again.questions_unchanged,
            again.questions_created,
            again.revisions_added
        ),
        (1, 0, 0)
    );
    lib.questions[0].model_essay = "A better essay.".into();
    let r = s.import(&lib, NOW).await.unwrap();
    assert_eq!((r.questions_updated, r.revisions_added), (1, 1));
    assert!(s.library_version().await.unwrap() > v1);
    assert_eq!(s.question_count().await.unwrap(), 1);
    let revs = s.revisions("q-one").await.unwrap();
    let essays: Vec<&str> = revs
        .iter()
        .filter(|r| r.field == RevisionField::ModelEssay)
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(essays, ["An essay.", "A better essay."]);
}

backend_test! {
    async fn failed_import_changes_nothing(db) {
        failed_import_changes_nothing_on(&*db.store).await;
        db.cleanup().await;
    }
}

async fn failed_import_changes_nothing_on(s: &dyn LibraryStore) {
    let lib = Library {
        topics: vec![topic("top-ic")],
        questions: vec![question("q-one", "top-ic")],
    };
    s.import(&lib, NOW).await.unwrap();
    let before = s.library().await.unwrap();
    let mut changed = question("q-one", "top-ic");
    changed.plan = "Changed plan.".into();
    let bad = Library {
        topics: vec![topic("new-topic")],
        questions: vec![changed, question("q-two", "no-such-topic")],
    };
    let err = s.import(&bad, NOW).await.unwrap_err();
    assert!(err.to_string().contains("no-such-topic"), "{err}");
    assert_eq!(s.library().await.unwrap(), before);
    assert_eq!(s.revisions("q-one").await.unwrap().len(), 3);
}

backend_test! {
    async fn every_field_is_versioned_with_its_author(db) {
        every_field_is_versioned_with_its_author_on(&*db.store, &*db.store).await;
        db.cleanup().await;
    }
}

async fn every_field_is_versioned_with_its_author_on(
    s: &dyn LibraryStore,
    accounts: &dyn studypack_store::AccountStore,
) {
    let mut lib = Library {
        topics: vec![topic("top-ic")],
        questions: vec![question("q-one", "top-ic")],
    };
    s.import(&lib, NOW).await.unwrap();
    let editor = accounts
        .create_user(
            "ed@example.com",
            "hash",
            studypack_domain::Role::Editor,
            NOW,
        )
        .await
        .unwrap();
    lib.questions[0].title = "A new title".into();
    lib.questions[0].marks = 30;
    let r = s.import_by(&lib, Some(editor.id), NOW + 60).await.unwrap();
    assert_eq!(
        r.revisions_added, 1,
        "one details revision for the title and marks"
    );
    let revs = s.revisions("q-one").await.unwrap();
    let details: Vec<_> = revs
        .iter()
        .filter(|r| r.field == RevisionField::Details)
        .collect();
    assert_eq!(details.len(), 2);
    assert_eq!(
        details[0].author, None,
        "the import's revision has no author"
    );
    assert!(!details[0].text.contains("A new title"));
    assert_eq!(details[1].author.as_deref(), Some("ed@example.com"));
    assert_eq!(details[1].created_at, NOW + 60);
    assert!(
        details[1].text.contains("title = \"A new title\"")
            && details[1].text.contains("marks = 30")
    );
    // A details revision reads back as the question it was (all but plan and essay).
    let old = studypack_domain::authoring::parse_question("revision", &details[0].text).unwrap();
    assert_eq!(old.title, question("q-one", "top-ic").title);
    assert!(old.model_essay.is_empty() && old.plan.is_empty());
}

backend_test! {
    async fn filters_and_pages(db) {
        filters_and_pages_on(&*db.store).await;
        db.cleanup().await;
    }
}

async fn filters_and_pages_on(s: &dyn LibraryStore) {
    let mut t2 = topic("other-topic");
    t2.board = Some(Board::Ocr);
    t2.title = "The Cold War".into();
    let mut q3 = question("q-three", "other-topic");
    q3.year = 2019;
    // Schemes of their own (three bullets; none), so that a batch giving a question another's
    // bullets, or dropping or reordering them, is seen.
    q3.mark_scheme.bullets.insert(
        0,
        SchemeBullet {
            side: Side::Challenging,
            text: "q-three's own first bullet".into(),
        },
    );
    let mut draft = question("q-draft", "top-ic");
    draft.status = Status::Draft;
    draft.mark_scheme.bullets.clear();
    let lib = Library {
        topics: vec![topic("top-ic"), t2],
        questions: vec![
            question("q-one", "top-ic"),
            question("q-two", "top-ic"),
            q3,
            draft,
        ],
    };
    s.import(&lib, NOW).await.unwrap();
    let all = s.questions(&QuestionFilter::default()).await.unwrap();
    assert_eq!(all.total, 3, "drafts are hidden by default");
    let ocr = s
        .questions(&QuestionFilter {
            board: Some(Board::Ocr),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        ocr.items
            .iter()
            .map(|q| q.slug.as_str())
            .collect::<Vec<_>>(),
        ["q-three"]
    );
    let by_title = s
        .questions(&QuestionFilter {
            topic: Some("cold war".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_title.total, 1);
    let y = s
        .questions(&QuestionFilter {
            year: Some(2022),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(y.total, 2);
    let page = s
        .questions(&QuestionFilter {
            limit: Some(1),
            offset: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((page.total, page.items.len()), (3, 1));
    let with_drafts = s
        .questions(&QuestionFilter {
            include_drafts: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(with_drafts.total, 4);
    // A topic's first questions, exactly as its listing orders them, drafts left out; and the
    // published questions counted by topic.
    let listed: Vec<String> = s
        .questions(&QuestionFilter {
            topic: Some("top-ic".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|q| q.topic_slug == "top-ic")
        .map(|q| q.slug)
        .collect();
    let first: Vec<String> = s
        .topic_questions("top-ic", 0, 6)
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.slug)
        .collect();
    assert_eq!(first, listed);
    assert_eq!(first.len(), 2, "the draft is not shown");
    assert_eq!(s.topic_questions("top-ic", 0, 1).await.unwrap().len(), 1);
    // The next page starts where the first ended.
    let second: Vec<String> = s
        .topic_questions("top-ic", 1, 6)
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.slug)
        .collect();
    assert_eq!(second, first[1..].to_vec());
    assert!(
        s.topic_questions("no-such-topic", 0, 6)
            .await
            .unwrap()
            .is_empty()
    );
    let counts = s.question_counts().await.unwrap();
    let total: u64 = counts.iter().map(|c| c.1).sum();
    assert_eq!(total, all.total);
    assert!(counts.contains(&("top-ic".to_string(), 2)), "{counts:?}");
    // The whole library a batch at a time: every question (drafts too) once, in slug order,
    // as the library reads it.
    let whole = s.library().await.unwrap().questions;
    let mut batched = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let batch = s.questions_after(after.as_deref(), 3).await.unwrap();
        assert!(batch.questions.len() <= 3);
        let Some(next) = batch.next else { break };
        assert_eq!(
            batch.questions.last().map(|q| q.slug.to_string()),
            Some(next.clone())
        );
        after = Some(next);
        batched.extend(batch.questions);
    }
    assert_eq!(batched, whole);
    assert_eq!(batched.len() as u64, with_drafts.total);
    // Asked for more than a batch holds, it reads a batch.
    let at_once = s.questions_after(None, u32::MAX).await.unwrap();
    assert_eq!(at_once.questions, whole);
    let past = s.questions_after(Some("zzzz"), 3).await.unwrap();
    assert_eq!((past.questions.len(), past.next), (0, None));
}

backend_test! {
    async fn a_batch_of_the_library_holds_at_most_a_thousand_questions(db) {
        let lib = Library {
            topics: vec![topic("top-ic")],
            questions: (0..1001).map(|i| question(&format!("q-{i:04}"), "top-ic")).collect(),
        };
        db.store.import(&lib, NOW).await.unwrap();
        let first = db.store.questions_after(None, u32::MAX).await.unwrap();
        assert_eq!(first.questions.len(), 1000);
        assert_eq!(first.next.as_deref(), Some("q-0999"));
        assert!(first.questions.iter().all(|q| q.mark_scheme.bullets.len() == 2));
        let rest = db.store.questions_after(first.next.as_deref(), u32::MAX).await.unwrap();
        assert_eq!(
            rest.questions.iter().map(|q| q.slug.as_str()).collect::<Vec<_>>(),
            ["q-1000"]
        );
        db.cleanup().await;
    }
}

backend_test! {
    async fn data_survives_reopen_and_migrations_are_idempotent(db) {
        db.store
            .import(&Library {
                topics: vec![topic("top-ic")],
                questions: vec![question("q-one", "top-ic")],
            }, NOW)
            .await
            .unwrap();
        let again: std::sync::Arc<dyn Store> = db.reopen().await;
        assert_eq!(again.question_count().await.unwrap(), 1, "{}", db.label);
        assert_eq!(
            again.question("q-one").await.unwrap().unwrap(),
            question("q-one", "top-ic"),
            "{}",
            db.label
        );
        again.ping().await.unwrap();
        drop(again);
        let _: &TestDb = &db;
        db.cleanup().await;
    }
}

backend_test! {
    async fn both_backends_order_listings_alike(db) {
        let mut orders = Vec::new();
        let mut t2 = topic("b-topic");
        t2.board = None;
        let lib = Library {
            topics: vec![topic("top-ic"), t2],
            questions: vec![
                question("q-b", "top-ic"),
                question("q-a", "top-ic"),
                question("q-c", "b-topic"),
            ],
        };
        db.store.import(&lib, NOW).await.unwrap();
        let l = db
            .store
            .questions(&QuestionFilter::default())
            .await
            .unwrap();
        orders.push(l.items.iter().map(|q| q.slug.clone()).collect::<Vec<_>>());
        db.cleanup().await;
        assert_eq!(orders[0], ["q-c", "q-a", "q-b"]);
        for o in &orders {
            assert_eq!(o, &orders[0]);
        }
    }
}

// ------------------------------------------------------------------------------- accounts

backend_test! {
    async fn users_sessions_and_setup_tokens(db) {
        let s = &db.store;
        let u = s
            .create_user("ann@example.com", "$argon2id$x", Role::Student, NOW)
            .await
            .unwrap();
        assert_eq!(u.email, "ann@example.com");
        assert_eq!(u.created_at, NOW);
        assert_eq!(u.role, Role::Student);
        assert!(
            matches!(
                s.create_user("ann@example.com", "h", Role::Admin, NOW).await,
                Err(StoreError::Conflict(_))
            ),
            "{}",
            db.label
        );
        let (found, hash) = s.user_by_email("ann@example.com").await.unwrap().unwrap();
        assert_eq!((found, hash.as_str()), (u.clone(), "$argon2id$x"));
        assert!(s.user_by_email("bob@example.com").await.unwrap().is_none());
        assert_eq!(s.count_admins().await.unwrap(), 0);

        // Far in the future: creating a session clears the ones expired by its time.
        const END: i64 = 4_000_000_000;
        s.create_session("h1", u.id, "csrf1", END, NOW).await.unwrap();
        s.create_session("h2", u.id, "csrf2", END, NOW).await.unwrap();
        let live = s.session("h1", END - 1).await.unwrap().unwrap();
        assert_eq!((live.user.id, live.csrf.as_str()), (u.id, "csrf1"));
        assert!(
            s.session("h1", END).await.unwrap().is_none(),
            "expired at its time"
        );
        assert!(s.session("nope", 0).await.unwrap().is_none());
        s.delete_sessions_of(u.id, Some("h2")).await.unwrap();
        assert!(s.session("h1", 0).await.unwrap().is_none());
        assert!(s.session("h2", 0).await.unwrap().is_some());
        s.delete_session("h2").await.unwrap();
        assert!(s.session("h2", 0).await.unwrap().is_none());

        s.create_session("old", u.id, "c", NOW + 1, NOW).await.unwrap();
        // Still live at NOW; expired by the time the next session is made.
        assert!(s.session("old", NOW).await.unwrap().is_some());
        s.create_session("h3", u.id, "c", END, NOW + 1).await.unwrap();
        assert!(
            s.session("old", 0).await.unwrap().is_none(),
            "expired sessions are cleared"
        );
        s.create_setup_token("t", 100).await.unwrap();
        assert!(!s.take_setup_token("t", 100).await.unwrap(), "expired");
        s.create_setup_token("t2", 100).await.unwrap();
        assert!(s.take_setup_token("t2", 50).await.unwrap());
        assert!(!s.take_setup_token("t2", 50).await.unwrap(), "only once");
        db.cleanup().await;
    }
}

backend_test! {
    async fn rate_limits_count_events_in_the_window(db) {
        let s = &db.store;
        let mut ids = Vec::new();
        for t in [100, 110, 120] {
            match s.hit_rate("k", 60, 3, t).await.unwrap() {
                RateHit::Allowed(id) => ids.push(id),
                other => panic!("{}: {other:?}", db.label),
            }
        }
        // Three events in the last 60 s: wait until the oldest (100) leaves the window; the
        // refused attempt is not counted.
        assert_eq!(
            s.hit_rate("k", 60, 3, 130).await.unwrap(),
            RateHit::Limited(30)
        );
        assert_eq!(
            s.hit_rate("k", 60, 3, 131).await.unwrap(),
            RateHit::Limited(29)
        );
        assert!(matches!(
            s.hit_rate("other", 60, 3, 130).await.unwrap(),
            RateHit::Allowed(_)
        ));
        assert!(matches!(
            s.hit_rate("k", 60, 3, 161).await.unwrap(),
            RateHit::Allowed(_)
        ));
        // A forgotten event frees its place.
        s.forget_rate_event(ids[2]).await.unwrap();
        assert!(matches!(
            s.hit_rate("k", 60, 3, 162).await.unwrap(),
            RateHit::Allowed(_)
        ));
        assert!(matches!(
            s.hit_rate("k", 60, 3, 163).await.unwrap(),
            RateHit::Limited(_)
        ));
        // Many at once: never more than the limit get through.
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let store = db.store.clone();
            set.spawn(async move { store.hit_rate("burst", 60, 4, 500).await.unwrap() });
        }
        let hits = set.join_all().await;
        let allowed = hits
            .iter()
            .filter(|h| matches!(h, RateHit::Allowed(_)))
            .count();
        assert!(
            (1..=4).contains(&allowed),
            "{}: {allowed} allowed",
            db.label
        );
        db.cleanup().await;
    }
}

backend_test! {
    async fn packs_codes_and_the_audit_log(db) {
        let s = &db.store;
        let ann = s
            .create_user("ann@example.com", "h", Role::Student, NOW)
            .await
            .unwrap();
        let bob = s
            .create_user("bob@example.com", "h", Role::Student, NOW)
            .await
            .unwrap();
        let e = s.grant(ann.id, "board:AQA", Some(500), None, NOW).await.unwrap();
        assert!(e.active_at(499) && !e.active_at(500));
        assert_eq!(e.source, "grant");
        assert!(s.revoke(e.id, Some(bob.id), NOW + 5).await.unwrap());
        assert!(!s.revoke(e.id, None, NOW + 6).await.unwrap(), "revoked once");
        let listed = s.entitlements(ann.id).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].revoked_at.is_some() && !listed[0].active_at(0));
        assert_eq!((e.created_at, listed[0].revoked_at), (NOW, Some(NOW + 5)), "the times passed in");

        s.create_codes(&["c1".into(), "c2".into()], "all", Some(30), None, NOW)
            .await
            .unwrap();
        let Redemption::Granted(g) = s.redeem("c1", bob.id, 1_000).await.unwrap() else {
            panic!("{}: the code should work", db.label)
        };
        assert_eq!(
            (g.user_id, g.scope.as_str(), g.expires_at, g.source.as_str()),
            (bob.id, "all", Some(1_000 + 30 * 86_400), "code")
        );
        assert_eq!(
            s.redeem("c1", ann.id, 1_001).await.unwrap(),
            Redemption::AlreadyUsed
        );
        assert_eq!(
            s.redeem("c9", ann.id, 1_001).await.unwrap(),
            Redemption::Unknown
        );
        assert!(
            s.entitlements(ann.id)
                .await
                .unwrap()
                .iter()
                .all(|e| e.scope != "all")
        );

        // Two redemptions of one code at once: exactly one wins.
        let (a, b) = tokio::join!(s.redeem("c2", ann.id, 2_000), s.redeem("c2", bob.id, 2_000));
        let wins = [a.unwrap(), b.unwrap()]
            .iter()
            .filter(|r| matches!(r, Redemption::Granted(_)))
            .count();
        assert_eq!(wins, 1, "{}", db.label);

        let log = s.audit_log(10).await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["redeem", "redeem", "codes.create", "revoke", "grant"],
            "{}",
            db.label
        );
        assert_eq!(log[3].actor_id, Some(bob.id));
        // Every line is dated by the time its write was given.
        let times: Vec<i64> = log.iter().map(|e| e.at).collect();
        assert_eq!(times[2..], [NOW, NOW + 5, NOW], "{}", db.label);
        assert!(times[..2].iter().all(|t| [1_000, 2_000].contains(t)), "{times:?}");
        s.audit(None, "user.add", None, "by hand", 3_000).await.unwrap();
        assert_eq!(s.audit_log(1).await.unwrap()[0].at, 3_000);
        assert!(
            log[2].detail.contains("2 codes for all"),
            "{}",
            log[2].detail
        );
        assert!(log[4].detail.contains("board:AQA"), "{}", log[4].detail);
        db.cleanup().await;
    }
}

backend_test! {
    async fn drafts_and_attempts(db) {
        let s = &db.store;
        let u = s
            .create_user("ann@example.com", "h", Role::Student, NOW)
            .await
            .unwrap();
        assert!(s.draft(u.id, "q1").await.unwrap().is_none());
        s.save_draft(u.id, "q1", "first words", 10, 10).await.unwrap();
        let d = s
            .save_draft(u.id, "q1", "first words, more", 10, 20)
            .await
            .unwrap();
        assert_eq!(
            (d.body.as_str(), d.started_at, d.updated_at),
            ("first words, more", 10, 20)
        );
        assert_eq!(s.draft(u.id, "q1").await.unwrap(), Some(d));
        let a = Attempt {
            id: 0,
            user_id: u.id,
            question_slug: "q1".into(),
            body: "essay".into(),
            level: Some(3),
            covered: 4,
            total: 9,
            words: 1,
            created_at: 30,
            started_at: Some(10),
            assignment_id: None,
        };
        let id = s.submit_attempt(&a).await.unwrap();
        assert!(
            s.draft(u.id, "q1").await.unwrap().is_none(),
            "submitting clears the draft"
        );
        // The submitted sitting is final: a late save of it is refused and keeps no draft;
        // a new sitting saves.
        assert!(matches!(
            s.save_draft(u.id, "q1", "late words", 10, 35).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(s.draft(u.id, "q1").await.unwrap().is_none());
        let next = s.save_draft(u.id, "q1", "a new go", 36, 36).await.unwrap();
        assert_eq!(next.started_at, 36);
        s.submit_attempt(&Attempt {
            level: None,
            created_at: 40,
            started_at: Some(36),
            ..a.clone()
        })
        .await
        .unwrap();
        let all = s.attempts(u.id, "q1").await.unwrap();
        assert_eq!(
            all.iter().map(|a| a.level).collect::<Vec<_>>(),
            [Some(3), None]
        );
        assert_eq!(s.attempt(u.id, id).await.unwrap().unwrap().body, "essay");
        let other = s
            .create_user("bob@example.com", "h", Role::Student, NOW)
            .await
            .unwrap();
        assert!(
            s.attempt(other.id, id).await.unwrap().is_none(),
            "only the author's"
        );
        db.cleanup().await;
    }
}

// ----------------------------------------------------------------------------- migrations

/// How many migrations a fresh database has applied: every one of its backend (both backends
/// have the same list).
fn applied_migrations() -> i64 {
    assert_eq!(
        studypack_store_sqlite::MIGRATIONS.len(),
        studypack_store_postgres::MIGRATIONS.len()
    );
    studypack_store_sqlite::MIGRATIONS.len() as i64
}

backend_test! {
    /// Opening a database again checks the applied migrations and applies none of them twice.
    async fn reopening_does_not_rerun_migrations(db) {
        db.execute_raw("UPDATE studypack_migrations SET applied_at = 42").await;
        let n = db.scalar("SELECT count(*) FROM studypack_migrations").await;
        assert_eq!(n, applied_migrations(), "{}", db.label);
        drop(db.reopen().await);
        drop(db.reopen().await);
        assert_eq!(db.scalar("SELECT count(*) FROM studypack_migrations").await, n);
        assert_eq!(
            db.scalar("SELECT count(*) FROM studypack_migrations WHERE applied_at = 42 AND checksum IS NOT NULL").await,
            n,
            "{}",
            db.label
        );
        db.cleanup().await;
    }
}

backend_test! {
    /// A migration whose SQL changed after it was applied is refused, with a message that
    /// says which and what to do.
    async fn a_changed_applied_migration_is_refused(db) {
        db.execute_raw("UPDATE studypack_migrations SET checksum = 'not-the-sql-of-today' WHERE version = 2").await;
        let err = db.try_reopen().await.err().expect("refused");
        let msg = err.to_string();
        assert!(matches!(err, StoreError::Invalid(_)), "{}: {msg}", db.label);
        assert!(
            msg.contains("migration 2 (library_version) has changed since it was applied"),
            "{}: {msg}",
            db.label
        );
        assert!(msg.contains("new migration"), "{msg}");
        db.cleanup().await;
    }
}

backend_test! {
    /// A database made before migrations were checksummed (no `checksum` column) opens as
    /// before, and its applied migrations get their checksums recorded.
    async fn a_database_from_before_checksums_opens(db) {
        db.store
            .import(&Library { topics: vec![topic("top-ic")], questions: vec![question("q-one", "top-ic")] }, NOW)
            .await
            .unwrap();
        db.execute_raw("ALTER TABLE studypack_migrations DROP COLUMN checksum").await;
        let again = db.reopen().await;
        assert_eq!(again.question_count().await.unwrap(), 1, "{}", db.label);
        assert_eq!(
            db.scalar("SELECT count(*) FROM studypack_migrations WHERE checksum IS NOT NULL").await,
            applied_migrations(),
            "{}",
            db.label
        );
        // And from then on a changed one is noticed.
        db.execute_raw("UPDATE studypack_migrations SET checksum = 'x' WHERE version = 1").await;
        assert!(db.try_reopen().await.is_err(), "{}", db.label);
        db.cleanup().await;
    }
}

backend_test! {
    async fn each_library_version_records_what_it_changed(db) {
        each_library_version_records_what_it_changed_on(&*db.store).await;
        // A version bumped without a record, as a binary from before the change log does
        // during a rolling upgrade, is reported: only a full rebuild is safe across it.
        let before = db.store.library_version().await.unwrap();
        db.execute_raw("UPDATE library_version SET version = version + 1 WHERE id = 1").await;
        db.store.import(
            &Library { topics: vec![topic("late-topic")], questions: vec![] },
            NOW,
        )
        .await
        .unwrap();
        let mixed = db.store.library_changes(before).await.unwrap();
        assert_eq!(mixed.version, before + 2);
        assert!(mixed.unrecorded, "{mixed:?}");
        assert!(!db.store.library_changes(before + 1).await.unwrap().unrecorded);
        db.cleanup().await;
    }
}

async fn each_library_version_records_what_it_changed_on(s: &dyn LibraryStore) {
    let q = |slug: &str, topic: &str| LibraryChange::Question {
        slug: slug.into(),
        topic: topic.into(),
    };
    let v0 = s.library_version().await.unwrap();
    let mut lib = Library {
        topics: vec![topic("top-ic"), topic("other-topic")],
        questions: vec![question("q-one", "top-ic"), question("q-two", "top-ic")],
    };
    s.import(&lib, NOW).await.unwrap();
    let first = s.library_changes(v0).await.unwrap();
    assert_eq!(first.version, v0 + 1, "one import, one version");
    assert!(!first.unrecorded);
    assert_eq!(
        first.changes,
        vec![
            q("q-one", "top-ic"),
            q("q-two", "top-ic"),
            LibraryChange::Topic {
                slug: "other-topic".into()
            },
            LibraryChange::Topic {
                slug: "top-ic".into()
            },
        ]
    );
    // Nothing changed: no version, no change.
    s.import(&lib, NOW).await.unwrap();
    assert_eq!(
        s.library_changes(first.version).await.unwrap().changes,
        vec![]
    );
    // A question moved to another topic is a change under both; the other question is not.
    lib.questions[0].topic = Slug::parse("other-topic").unwrap();
    s.import(&lib, NOW).await.unwrap();
    let moved = s.library_changes(first.version).await.unwrap();
    assert_eq!(moved.version, first.version + 1);
    assert_eq!(
        moved.changes,
        vec![q("q-one", "other-topic"), q("q-one", "top-ic")]
    );
    // Changes since an older version are the union of the versions after it.
    assert_eq!(s.library_changes(v0).await.unwrap().changes.len(), 5);
    // A version bumped without a record (by a binary from before the change log) is
    // reported as such; here, the versions up to v0, made before this test.
    assert_eq!(s.library_changes(-1).await.unwrap().unrecorded, v0 > 0);
    // A reindex is a version that changes everything.
    let v = s.request_reindex().await.unwrap();
    let all = s.library_changes(moved.version).await.unwrap();
    assert_eq!((all.version, all.changes), (v, vec![LibraryChange::All]));
}

backend_test! {
    async fn a_questions_calibration_is_kept_with_its_revisions(db) {
        let s: &dyn LibraryStore = &*db.store;
        s.import(
            &Library { topics: vec![topic("top-ic")], questions: vec![question("q-cal", "top-ic"), question("q-other", "top-ic")] },
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(s.calibration("q-cal").await.unwrap(), None);
        assert_eq!(s.store_calibration("q-cal", Some("{\"first\": 1}"), NOW).await.unwrap(), 1);
        assert_eq!(s.store_calibration("q-cal", Some("{\"second\": 2}"), NOW + 5).await.unwrap(), 2);
        let active = s.calibration("q-cal").await.unwrap().unwrap();
        assert_eq!((active.version, active.body.as_str()), (2, "{\"second\": 2}"));
        // Another question's calibration is its own.
        assert_eq!(s.calibration("q-other").await.unwrap(), None);
        assert_eq!(s.store_calibration("q-other", Some("{}"), NOW).await.unwrap(), 1);
        // Withdrawn: no active calibration, and every revision kept.
        assert_eq!(s.store_calibration("q-cal", None, NOW + 9).await.unwrap(), 3);
        assert_eq!(s.calibration("q-cal").await.unwrap(), None);
        let revisions = s.calibration_revisions("q-cal").await.unwrap();
        assert_eq!(
            revisions.iter().map(|r| (r.version, r.created_at, r.withdrawn)).collect::<Vec<_>>(),
            vec![(1, NOW, false), (2, NOW + 5, false), (3, NOW + 9, true)]
        );
        assert!(matches!(s.store_calibration("no-such", Some("{}"), NOW).await, Err(StoreError::Invalid(_))));
        db.cleanup().await;
    }
}

/// PostgreSQL announces each change of a library's version to the instances listening for
/// that library (its schema), and only to them: another library's changes in the same
/// database wake no one here.
#[tokio::test]
async fn postgres_announces_a_librarys_changes_to_its_own_listeners() {
    let Some(url) = studypack_test_support::postgres_url() else {
        return;
    };
    let (mine, other) = (TestDb::postgres(&url).await, TestDb::postgres(&url).await);
    let mut notices = mine.change_notices().await.unwrap();
    let import = |db: &TestDb, slug: &'static str| {
        let store = db.store.clone();
        async move {
            store
                .import(
                    &Library {
                        topics: vec![topic("top-ic")],
                        questions: vec![question(slug, "top-ic")],
                    },
                    NOW,
                )
                .await
                .unwrap()
        }
    };
    let wait = std::time::Duration::from_millis(500);
    assert!(import(&other, "q-other").await.version.is_some());
    assert!(
        tokio::time::timeout(wait, notices.next()).await.is_err(),
        "another library's change woke this library's listener"
    );
    let report = import(&mine, "q-mine").await;
    assert_eq!(
        report.version,
        Some(mine.store.library_version().await.unwrap())
    );
    tokio::time::timeout(std::time::Duration::from_secs(5), notices.next())
        .await
        .expect("this library's change was announced")
        .unwrap();
    // An import that changes nothing makes no version, and no notice.
    assert_eq!(import(&mine, "q-mine").await.version, None);
    assert!(tokio::time::timeout(wait, notices.next()).await.is_err());
    mine.cleanup().await;
    other.cleanup().await;
}
