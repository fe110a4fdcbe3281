use super::*;
use studypack_domain::Status;

fn index() -> (SearchIndex, Library) {
    let lib = studypack_demo::library();
    let idx = SearchIndex::in_memory().unwrap();
    idx.rebuild(&lib, 1).unwrap();
    (idx, lib)
}

fn find(idx: &SearchIndex, q: &str) -> SearchResults {
    idx.search(&SearchRequest {
        q: q.into(),
        limit: 20,
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn indexes_every_published_question() {
    let (idx, lib) = index();
    assert_eq!(
        idx.len() as usize,
        lib.questions
            .iter()
            .filter(|q| q.status == Status::Published)
            .count()
    );
    let all = find(&idx, "");
    assert_eq!(all.total, lib.questions.len());
}

#[test]
fn stemming_matches_word_forms() {
    let (idx, _) = index();
    let a = find(&idx, "purges");
    let b = find(&idx, "purged");
    assert!(a.total > 0);
    assert_eq!(a.total, b.total);
}

#[test]
fn misspelt_names_are_found() {
    let (idx, _) = index();
    let exact = find(&idx, "Khrushchev");
    let typo = find(&idx, "Khruschev");
    assert!(exact.total > 0);
    assert!(typo.total > 0, "no results for a misspelt name");
    let exact_slugs: Vec<&str> = exact.hits.iter().map(|h| h.slug.as_str()).collect();
    assert!(
        typo.hits
            .iter()
            .all(|h| exact_slugs.contains(&h.slug.as_str()))
    );
}

#[test]
fn phrase_queries_need_the_words_together() {
    let (idx, _) = index();
    let phrase = find(&idx, "\"Virgin Lands\"");
    assert!(phrase.total > 0);
    let odd = find(&idx, "\"Lands Virgin\"");
    assert_eq!(
        odd.total,
        0,
        "{:?}",
        odd.hits.iter().map(|h| &h.slug).collect::<Vec<_>>()
    );
}

#[test]
fn question_and_title_matches_rank_first() {
    let (idx, _) = index();
    let r = find(&idx, "Gorbachev");
    assert!(
        r.hits[0].title.contains("Gorbachev") || r.hits[0].question.contains("Gorbachev"),
        "{:?}",
        r.hits[0]
    );
}

#[test]
fn facets_count_and_filter() {
    let (idx, lib) = index();
    let all = find(&idx, "");
    let aqa = all
        .facets
        .board
        .iter()
        .find(|f| f.value == "AQA")
        .unwrap()
        .count;
    let filtered = idx
        .search(&SearchRequest {
            board: Some("AQA".into()),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(filtered.total as u64, aqa);
    assert!(
        filtered
            .hits
            .iter()
            .all(|h| h.board.as_deref() == Some("AQA"))
    );
    let years: u64 = all.facets.year.iter().map(|f| f.count).sum();
    assert_eq!(years as usize, lib.questions.len());
    let range = idx
        .search(&SearchRequest {
            year_from: Some(2021),
            year_to: Some(2022),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert!(range.total > 0 && range.hits.iter().all(|h| (2021..=2022).contains(&h.year)));
}

#[test]
fn snippets_highlight_and_escape() {
    let (idx, mut lib) = index();
    let r = find(&idx, "collectivisation");
    assert!(
        r.hits.iter().any(|h| h.snippet_html.contains("<mark>")),
        "{:?}",
        r.hits.first()
    );
    // Hostile text in a question is escaped in snippets.
    lib.questions[0].text = "<script>alert('x')</script> Was the Tsar to blame?".into();
    let t = lib.topic(&lib.questions[0].topic).unwrap().clone();
    idx.apply(&[(&lib.questions[0], &t)], &[], 2).unwrap();
    let r = find(&idx, "script alert Tsar");
    let h = r
        .hits
        .iter()
        .find(|h| h.slug == lib.questions[0].slug.as_str())
        .unwrap();
    assert!(!h.snippet_html.contains("<script>"), "{}", h.snippet_html);
    assert!(
        h.snippet_html.contains("&lt;script&gt;") || h.snippet_html.contains("&lt;"),
        "{}",
        h.snippet_html
    );
}

#[test]
fn model_essays_are_never_searchable() {
    let (idx, lib) = index();
    // A word that appears in a model essay and nowhere else in the library's indexed text.
    let indexed: String = lib
        .questions
        .iter()
        .map(|q| {
            format!(
                "{} {} {} {}",
                q.title,
                q.text,
                q.plan,
                q.mark_scheme
                    .bullets
                    .iter()
                    .map(|b| b.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let word = lib
        .questions
        .iter()
        .flat_map(|q| q.model_essay.split(|c: char| !c.is_alphabetic()))
        .find(|w| w.len() >= 9 && !indexed.contains(&w.to_lowercase()[..7]))
        .expect("an essay-only word")
        .to_string();
    let r = find(&idx, &format!("\"{word}\""));
    assert_eq!(r.total, 0, "essay-only word {word} was found");
}

#[test]
fn upsert_replaces_and_drafts_leave() {
    let (idx, mut lib) = index();
    let n = idx.len();
    lib.questions[0].title = "Zanzibar special title".into();
    let t = lib.topic(&lib.questions[0].topic).unwrap().clone();
    idx.apply(&[(&lib.questions[0], &t)], &[], 2).unwrap();
    assert_eq!(idx.len(), n);
    assert_eq!(find(&idx, "Zanzibar").total, 1);
    lib.questions[0].status = Status::Draft;
    idx.apply(&[(&lib.questions[0], &t)], &[], 2).unwrap();
    assert_eq!(idx.len(), n - 1);
    assert_eq!(find(&idx, "Zanzibar").total, 0);
}

#[test]
fn odd_queries_do_not_fail() {
    let (idx, _) = index();
    for q in [
        "\"",
        "((",
        "AND",
        "title:",
        "year:[2020 TO",
        "*",
        "-",
        "<script>",
        "ß∂ƒ",
        &"a".repeat(5000),
    ] {
        idx.search(&SearchRequest {
            q: q.into(),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    }
}

#[test]
fn every_word_must_match_unless_none_match_them_all() {
    let (idx, _) = index();
    let both = find(&idx, "Khrushchev agriculture");
    let one = find(&idx, "Khrushchev");
    assert!(
        both.total > 0 && both.total < one.total,
        "{} vs {}",
        both.total,
        one.total
    );
    let fallback = find(&idx, "Khrushchev Zanzibarish");
    assert!(fallback.total > 0, "falls back to any word");
}

fn slugs(r: &SearchResults) -> Vec<String> {
    let mut v: Vec<String> = r.hits.iter().map(|h| h.slug.clone()).collect();
    v.sort();
    v
}

#[test]
fn hyphens_case_and_british_or_american_spellings_meet() {
    let (idx, _) = index();
    let base = find(&idx, "de-Stalinisation");
    assert!(base.total > 0);
    for q in [
        "destalinisation",
        "destalinization",
        "De-Stalinization",
        "DESTALINISATION",
        "de‐stalinisation", // U+2010 hyphen
    ] {
        let r = find(&idx, q);
        assert_eq!(slugs(&r), slugs(&base), "{q}");
    }
    // The other way round: a joined spelling in the text is found by its hyphenated form.
    assert_eq!(
        slugs(&find(&idx, "collectivization")),
        slugs(&find(&idx, "collectivisation"))
    );
    assert!(find(&idx, "collectivization").total > 0);
}

#[test]
fn hyphenated_phrases_match_written_either_way() {
    let (idx, _) = index();
    let hyphen = find(&idx, "\"anti-party group\"");
    assert!(hyphen.total > 0);
    assert_eq!(slugs(&find(&idx, "\"antiparty group\"")), slugs(&hyphen));
    assert_eq!(slugs(&find(&idx, "\"anti party group\"")), slugs(&hyphen));
    // A part of a compound still finds it.
    assert!(find(&idx, "brained").total > 0);
}

#[test]
fn two_edits_are_forgiven_in_long_names_only() {
    let (idx, _) = index();
    let exact = find(&idx, "Khrushchev");
    let typo = find(&idx, "Kruschev");
    assert!(typo.total > 0, "no results for Kruschev");
    let exact_slugs = slugs(&exact);
    assert!(typo.hits.iter().all(|h| exact_slugs.contains(&h.slug)));
    assert_eq!(spelling::edits_allowed("Kruschev".len()), 2);
    assert_eq!(spelling::edits_allowed("Lenn".len()), 0);
    assert_eq!(spelling::edits_allowed("Stalni".len()), 1);
    // Seven letters get one edit: "Gorbachev" less two letters is not found.
    assert_eq!(find(&idx, "Grbchev").total, 0);
}

#[test]
fn distances_count_swaps_as_one_edit() {
    let c = |s: &str| s.chars().collect::<Vec<_>>();
    assert_eq!(
        spelling::distance_within(&c("kruschev"), &c("khrushchev"), 2),
        Some(2)
    );
    assert_eq!(
        spelling::distance_within(&c("stlain"), &c("stalin"), 1),
        Some(1)
    );
    assert_eq!(
        spelling::distance_within(&c("lenin"), &c("stalin"), 2),
        None
    );
    assert_eq!(spelling::distance_within(&c(""), &c("ab"), 2), Some(2));
}

#[test]
fn no_results_suggest_a_query_from_the_index_vocabulary() {
    let (idx, _) = index();
    let r = find(&idx, "collectivisaton purges");
    // "purges" matches on its own, so the any-word fallback finds something: no suggestion.
    assert!(r.total > 0 && r.suggestion.is_none());
    let r = find(&idx, "collectivisaton");
    assert_eq!(r.total, 0);
    assert_eq!(r.suggestion.as_deref(), Some("collectivisation"));
    // Two unknown words, one a compound (suggested joined, as the vocabulary holds it).
    let r = find(&idx, "hare-braned collectivisaton");
    assert_eq!(r.total, 0);
    let s = r.suggestion.expect("a suggestion");
    assert_eq!(s, "harebrained collectivisation");
    assert!(find(&idx, &s).total > 0);
    // Capitalised as typed; nothing to suggest for a word far from every other.
    assert_eq!(
        find(&idx, "Collectivisaton").suggestion.as_deref(),
        Some("Collectivisation")
    );
    // A misspelt name is found, so needs no suggestion.
    let name = find(&idx, "Gorbachof");
    assert!(name.total > 0 && name.suggestion.is_none());
    assert_eq!(find(&idx, "Zqxwvy").suggestion, None);
    // Results, then no suggestion.
    assert_eq!(find(&idx, "Gorbachev").suggestion, None);
}

#[test]
fn drafts_give_no_results_and_no_suggestions() {
    // The word is indexed with the rest of the library, in one segment.
    let mut lib = studypack_demo::library();
    lib.questions[0].title = "Quixotically".into();
    let idx = SearchIndex::in_memory().unwrap();
    idx.rebuild(&lib, 1).unwrap();
    let t = lib.topic(&lib.questions[0].topic).unwrap().clone();
    assert_eq!(
        find(&idx, "Quixoticaly").suggestion.as_deref(),
        Some("Quixotically")
    );
    lib.questions[0].status = Status::Draft;
    idx.apply(&[(&lib.questions[0], &t)], &[], 2).unwrap();
    assert_eq!(find(&idx, "Quixotically").total, 0);
    // The word is still in a segment's term dictionary (deletes are not merged away yet), but
    // is held by no live question: it is not suggested.
    assert_eq!(find(&idx, "Quixoticaly").suggestion, None);
    // Nor beside a word that is corrected (whose results would let it through).
    let s = find(&idx, "Quixoticaly collectivisaton").suggestion;
    assert_eq!(s.as_deref(), Some("Quixoticaly collectivisation"));
}

/// An index kept in a directory reopens as it was left, with the version it recorded.
#[test]
fn a_kept_index_reopens_with_its_contents_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let lib = studypack_demo::library();
    let path = dir.path().join("public");
    {
        let idx = SearchIndex::open(&path, "lib-a", Status::Published).unwrap();
        assert_eq!(idx.version(), None);
        assert!(idx.is_empty());
        idx.rebuild(&lib, 7).unwrap();
        assert_eq!(idx.version(), Some(7));
        // While it is open, no other instance may use the directory.
        match SearchIndex::open(&path, "lib-a", Status::Published) {
            Err(SearchError::Directory { reason, .. }) => assert!(reason.contains("another")),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("a second instance opened the same directory"),
        }
    }
    let reopened = SearchIndex::open(&path, "lib-a", Status::Published).unwrap();
    assert_eq!(reopened.version(), Some(7));
    let published = lib
        .questions
        .iter()
        .filter(|q| q.status == Status::Published)
        .count();
    assert_eq!(reopened.len() as usize, published);
    assert_eq!(
        find(&reopened, "Khrushchev").total,
        find(&index().0, "Khrushchev").total
    );
    drop(reopened);
    // Another library's index, or the drafts' index, holds nothing of this one.
    let other = SearchIndex::open(&path, "lib-b", Status::Published).unwrap();
    assert_eq!(other.version(), None);
    drop(other);
    let drafts = SearchIndex::open(&path, "lib-a", Status::Draft).unwrap();
    assert_eq!(drafts.version(), None);
}

#[test]
fn a_directory_holding_something_else_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let Err(SearchError::Directory { reason, .. }) =
        SearchIndex::open(dir.path(), "lib-a", Status::Published)
    else {
        panic!("a directory of other files was used");
    };
    assert!(reason.contains("not empty"), "{reason}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(SearchIndex::open(dir.path(), "two words", Status::Published).is_err());
}

/// What the index keeps of each question is what the engine's statistics count: the question,
/// the plan and the bullets, as written, for every question it holds and no other.
#[test]
fn stored_texts_are_the_questions_as_written() {
    let (idx, mut lib) = index();
    let q = lib
        .questions
        .iter()
        .find(|q| q.status == Status::Published)
        .unwrap()
        .clone();
    let stored = idx.stored_texts(q.slug.as_str()).unwrap().unwrap();
    assert_eq!(stored.question, q.text);
    assert_eq!(stored.plan, q.plan);
    let bullets: Vec<String> = q
        .mark_scheme
        .bullets
        .iter()
        .map(|b| b.text.clone())
        .collect();
    assert_eq!(stored.bullets, bullets);
    assert!(idx.stored_texts("no-such-question").unwrap().is_none());
    assert!(idx.holds(q.slug.as_str()).unwrap() && !idx.holds("no-such-question").unwrap());
    let mut all = Vec::new();
    idx.each_stored(|t| all.push(t.slug)).unwrap();
    all.sort();
    let mut published: Vec<String> = lib
        .questions
        .iter()
        .filter(|q| q.status == Status::Published)
        .map(|q| q.slug.to_string())
        .collect();
    published.sort();
    assert_eq!(all, published);
    // A question taken out is gone from what is stored too.
    lib.questions.retain(|x| x.slug != q.slug);
    idx.apply(&[], &[q.slug.to_string()], 3).unwrap();
    assert!(idx.stored_texts(q.slug.as_str()).unwrap().is_none());
    assert!(!idx.holds(q.slug.as_str()).unwrap());
    let mut n = 0;
    idx.each_stored(|_| n += 1).unwrap();
    assert_eq!(n, published.len() - 1);
}

#[test]
fn a_few_texts_are_searched_as_the_index_searches() {
    let texts = [
        "Collectivisation and the kulaks",
        "How far did Stalin's purges weaken the Red Army?",
    ];
    assert!(matches_all_words("collectivization kulak", &texts));
    assert!(matches_all_words("Stalin purge", &texts));
    assert!(!matches_all_words("Stalin Trotsky", &texts));
    assert!(!matches_all_words("", &texts));
    assert!(!matches_all_words("  ", &texts));
}

/// A rebuild a question at a time serves the old contents until it is finished, and one
/// dropped unfinished (the library's read failed half-way) changes nothing, then or later.
#[test]
fn an_unfinished_rebuild_changes_nothing() {
    let lib = studypack_demo::library();
    let (idx, _) = index();
    let before = (idx.len(), find(&idx, "Khrushchev").total, idx.version());
    assert!(before.1 > 0);
    {
        let mut r = idx.rebuilding().unwrap();
        let q = &lib.questions[0];
        r.add(q, lib.topic(&q.topic).unwrap()).unwrap();
        // Dropped here, unfinished.
    }
    assert_eq!(
        (idx.len(), find(&idx, "Khrushchev").total, idx.version()),
        before
    );
    // The writer still leaves a rebuild's large segments alone.
    let policy = format!("{:?}", idx.writer.lock().unwrap().get_merge_policy());
    assert!(
        policy.contains(&format!("max_docs_before_merge: {MAX_DOCS_MERGED_LIVE},")),
        "{policy}"
    );
    // The next change commits that change alone, not the abandoned rebuild.
    let q = lib
        .questions
        .iter()
        .find(|q| q.status == Status::Published)
        .unwrap();
    idx.apply(&[(q, lib.topic(&q.topic).unwrap())], &[], 5)
        .unwrap();
    assert_eq!(
        (idx.len(), find(&idx, "Khrushchev").total),
        (before.0, before.1)
    );
    // Finished, it holds what it was given.
    let mut r = idx.rebuilding().unwrap();
    r.add(q, lib.topic(&q.topic).unwrap()).unwrap();
    r.finish(6).unwrap();
    assert_eq!((idx.len(), idx.version()), (1, Some(6)));
}
