//! The catalogue's pages: home, browse, topic, question, search.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use studypack_domain::Side;
use studypack_search::{FacetCount, Hit, SearchRequest};
use studypack_store::QuestionSummary;

use super::api::{run_search, search_index};
use super::params::{ListParams, SearchParams};
use super::question::question_body;
use crate::error::WebError;
use crate::markdown::render;
use crate::render::{Nav, PageError, PageResult, cached, html};
use crate::session::Visitor;
use crate::state::AppState;

fn query_string(pairs: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

// ----------------------------------------------------------------------------------------- home

struct TopicLink {
    slug: String,
    title: String,
    component: String,
    count: usize,
}

struct LevelGroup {
    name: String,
    topics: Vec<TopicLink>,
}

struct BoardGroup {
    name: String,
    levels: Vec<LevelGroup>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    title: String,
    q: String,
    nav: Nav,
    total: u64,
    boards: Vec<BoardGroup>,
}

pub(crate) async fn home(State(st): State<AppState>, v: Visitor) -> PageResult {
    // The home page counts every topic's questions: any change drops it.
    cached(&st, &v, "/".into(), |nav| async {
        Ok((render_home(&st, nav).await?, None))
    })
    .await
}

async fn render_home(st: &AppState, nav: Nav) -> Result<String, PageError> {
    let topics = st.topics();
    let counts: BTreeMap<String, usize> = st
        .store
        .question_counts()
        .await?
        .into_iter()
        .map(|(t, n)| (t, n as usize))
        .collect();
    let mut tree: BTreeMap<String, BTreeMap<String, Vec<TopicLink>>> = BTreeMap::new();
    for t in topics.iter() {
        let count = counts.get(t.slug.as_str()).copied().unwrap_or(0);
        if count == 0 {
            continue;
        }
        let board = t
            .board
            .map(|b| b.label().to_string())
            .unwrap_or_else(|| "Other".into());
        let level = t
            .level
            .map(|l| l.label().to_string())
            .unwrap_or_else(|| "Other".into());
        tree.entry(board)
            .or_default()
            .entry(level)
            .or_default()
            .push(TopicLink {
                slug: t.slug.to_string(),
                title: t.title.clone(),
                component: t
                    .component
                    .as_ref()
                    .map(|c| c.code.clone())
                    .unwrap_or_default(),
                count,
            });
    }
    let boards = tree
        .into_iter()
        .map(|(name, levels)| BoardGroup {
            name,
            levels: levels
                .into_iter()
                .map(|(name, topics)| LevelGroup { name, topics })
                .collect(),
        })
        .collect();
    Ok(HomePage {
        title: "Past-paper essay questions, mark schemes and plans".into(),
        q: String::new(),
        nav,
        total: counts.values().map(|n| *n as u64).sum(),
        boards,
    }
    .render()?)
}

// --------------------------------------------------------------------------------------- browse

struct Option_ {
    value: String,
    label: String,
    selected: bool,
}

struct Select {
    name: &'static str,
    label: &'static str,
    options: Vec<Option_>,
}

#[derive(Template)]
#[template(path = "browse.html")]
struct BrowsePage {
    title: String,
    q: String,
    nav: Nav,
    total: u64,
    items: Vec<QuestionSummary>,
    selects: Vec<Select>,
    /// Some filter is set (the page offers to clear them).
    filtered: bool,
    page: u32,
    pages: u32,
    prev_link: Option<String>,
    next_link: Option<String>,
}

fn select(
    name: &'static str,
    label: &'static str,
    counts: &[FacetCount],
    current: Option<&str>,
    labels: &dyn Fn(&str) -> String,
) -> Select {
    let mut options = vec![Option_ {
        value: String::new(),
        label: "Any".into(),
        selected: current.is_none(),
    }];
    for c in counts {
        options.push(Option_ {
            value: c.value.clone(),
            label: format!("{} ({})", labels(&c.value), c.count),
            selected: current == Some(c.value.as_str()),
        });
    }
    Select {
        name,
        label,
        options,
    }
}

pub(crate) async fn browse(
    State(st): State<AppState>,
    v: Visitor,
    Query(p): Query<ListParams>,
) -> PageResult {
    let filter = p.filter()?;
    let listing = st.store.questions(&filter).await?;
    let facets = run_search(
        &st,
        SearchRequest {
            limit: 1,
            ..Default::default()
        },
    )
    .await?
    .facets;
    let topics = st.topics();
    let topic_title = |slug: &str| {
        topics
            .iter()
            .find(|t| t.slug.as_str() == slug)
            .map(|t| t.title.clone())
            .unwrap_or_else(|| slug.to_string())
    };
    let plain = |s: &str| s.to_string();
    let cur = |o: &Option<String>| o.as_deref().filter(|s| !s.is_empty()).map(str::to_string);
    let (board, level, topic, year, command) = (
        cur(&p.board),
        cur(&p.level),
        cur(&p.topic),
        cur(&p.year),
        cur(&p.command),
    );
    let mut years = facets.year.clone();
    years.sort_by(|a, b| b.value.cmp(&a.value));
    let selects = vec![
        select(
            "board",
            "Exam board",
            &facets.board,
            board.as_deref(),
            &plain,
        ),
        select("level", "Level", &facets.level, level.as_deref(), &plain),
        select(
            "topic",
            "Topic",
            &facets.topic,
            topic.as_deref(),
            &topic_title,
        ),
        select("year", "Year examined", &years, year.as_deref(), &plain),
        select(
            "command",
            "Command wording",
            &facets.command,
            command.as_deref(),
            &plain,
        ),
    ];
    let per_page = p.per_page()?;
    let page = p.page()?;
    let pages = (listing.total as u32).div_ceil(per_page).max(1);
    let link = |n: u32| {
        let n = n.to_string();
        format!(
            "/questions?{}",
            query_string(&[
                ("board", board.as_deref().unwrap_or("")),
                ("level", level.as_deref().unwrap_or("")),
                ("topic", topic.as_deref().unwrap_or("")),
                ("year", year.as_deref().unwrap_or("")),
                ("command", command.as_deref().unwrap_or("")),
                ("page", &n),
            ])
        )
    };
    html(BrowsePage {
        title: "Browse questions".into(),
        q: String::new(),
        nav: Nav::of(&v),
        total: listing.total,
        items: listing.items,
        selects,
        filtered: [&board, &level, &topic, &year, &command]
            .iter()
            .any(|f| f.is_some()),
        page,
        pages,
        prev_link: (page > 1).then(|| link(page - 1)),
        next_link: (page < pages).then(|| link(page + 1)),
    })
}

// ---------------------------------------------------------------------------------------- topic

struct YearGroup {
    year: u16,
    questions: Vec<QuestionSummary>,
}

struct Dated {
    date: String,
    text: String,
}

#[derive(Template)]
#[template(path = "topic.html")]
struct TopicPage {
    title: String,
    q: String,
    nav: Nav,
    topic: studypack_domain::Topic,
    board: String,
    level: String,
    component: String,
    years: Vec<YearGroup>,
    timeline: Vec<Dated>,
    offices: Vec<Dated>,
    /// The page of the topic's questions shown (from 1), and the links to its neighbours.
    page: u32,
    prev_link: Option<String>,
    next_link: Option<String>,
}

/// Questions on one page of a topic: a topic of a large library has thousands.
const TOPIC_PAGE: u32 = 100;

#[derive(Debug, serde::Deserialize)]
pub(crate) struct TopicParams {
    page: Option<String>,
}

pub(crate) async fn topic(
    State(st): State<AppState>,
    v: Visitor,
    Path(slug): Path<String>,
    Query(p): Query<TopicParams>,
) -> PageResult {
    let page = ListParams {
        page: p.page,
        ..Default::default()
    }
    .page()?;
    let key = match page {
        1 => format!("/topics/{slug}"),
        n => format!("/topics/{slug}?page={n}"),
    };
    cached(&st, &v, key, |nav| async {
        Ok((
            render_topic(&st, &slug, page, nav).await?,
            Some(slug.clone()),
        ))
    })
    .await
}

async fn render_topic(st: &AppState, slug: &str, page: u32, nav: Nav) -> Result<String, PageError> {
    let slug = slug.to_string();
    let topic = st.store.topic(&slug).await?.ok_or(WebError::NotFound)?;
    // One more than a page, to know whether another follows.
    let mut listed = st
        .store
        .topic_questions(&slug, (page - 1) * TOPIC_PAGE, TOPIC_PAGE + 1)
        .await?;
    if page > 1 && listed.is_empty() {
        return Err(WebError::NotFound.into());
    }
    let more = listed.len() > TOPIC_PAGE as usize;
    listed.truncate(TOPIC_PAGE as usize);
    let link = |n: u32| match n {
        1 => format!("/topics/{slug}"),
        n => format!("/topics/{slug}?page={n}"),
    };
    let (prev_link, next_link) = (
        (page > 1).then(|| link(page - 1)),
        more.then(|| link(page + 1)),
    );
    let mut by_year: BTreeMap<std::cmp::Reverse<u16>, Vec<QuestionSummary>> = BTreeMap::new();
    for q in listed {
        by_year
            .entry(std::cmp::Reverse(q.year))
            .or_default()
            .push(q);
    }
    let years = by_year
        .into_iter()
        .map(|(y, questions)| YearGroup {
            year: y.0,
            questions,
        })
        .collect();
    let timeline = topic
        .timeline
        .iter()
        .map(|e| Dated {
            date: e.date.to_string(),
            text: e.event.clone(),
        })
        .collect();
    let offices = topic
        .offices
        .iter()
        .map(|o| Dated {
            date: format!(
                "{} – {}",
                o.start,
                o.end.map(|e| e.to_string()).unwrap_or_default()
            ),
            text: format!("{}: {}", o.person, o.office),
        })
        .collect();
    Ok(TopicPage {
        title: topic.title.clone(),
        q: String::new(),
        nav,
        board: topic
            .board
            .map(|b| b.label().to_string())
            .unwrap_or_default(),
        level: topic
            .level
            .map(|l| l.label().to_string())
            .unwrap_or_default(),
        component: topic
            .component
            .as_ref()
            .map(|c| format!("{} {}", c.code, c.title))
            .unwrap_or_default(),
        topic,
        years,
        timeline,
        offices,
        page,
        prev_link,
        next_link,
    }
    .render()?)
}

// ------------------------------------------------------------------------------------- question

#[derive(Template)]
#[template(path = "question.html")]
struct QuestionPage {
    title: String,
    q: String,
    nav: Nav,
    slug: String,
    canonical: String,
    question: String,
    level: String,
    year: u16,
    topic: String,
    topic_slug: String,
    board: String,
    component: String,
    marks: u32,
    teaser: Option<String>,
    /// The complete model essay, for a reader whose pack covers it.
    essay_html: Option<String>,
    /// The reader is signed in (the offer then points at /redeem, not /signin).
    signed_in: bool,
    plan_html: String,
    plan_generated: bool,
    supporting: Vec<String>,
    challenging: Vec<String>,
    neutral: Vec<String>,
    related: Vec<QuestionSummary>,
}

pub(crate) async fn question(
    State(st): State<AppState>,
    v: Visitor,
    Path(slug): Path<String>,
) -> PageResult {
    let key = format!("/questions/{slug}");
    let access = v.access(&st).await?;
    // A question page lists others of its topic: it shows that topic.
    cached(&st, &v, key, |nav| async {
        render_question(&st, &slug, nav, access)
            .await
            .map(|(html, topic)| (html, Some(topic)))
    })
    .await
}

async fn render_question(
    st: &AppState,
    slug: &str,
    nav: Nav,
    access: studypack_accounts::Access,
) -> Result<(String, String), PageError> {
    let signed_in = nav.email.is_some();
    let (body, q, topic) = question_body(st, slug, &access).await?;
    let related = st
        .store
        .topic_questions(topic.slug.as_str(), 0, 6)
        .await?
        .into_iter()
        .filter(|r| r.slug != q.slug.as_str() && r.topic_slug == topic.slug.as_str())
        .take(5)
        .collect();
    let d = body.detail;
    let html = QuestionPage {
        title: q.title.clone(),
        q: String::new(),
        nav,
        slug: q.slug.to_string(),
        essay_html: d.model_essay.as_deref().map(|e| render(e, 3)),
        signed_in,
        canonical: format!("/questions/{}", q.slug),
        question: d.question,
        level: d.level.map(|l| l.label().to_string()).unwrap_or_default(),
        year: d.year,
        topic: d.topic,
        topic_slug: d.topic_slug,
        board: d.board.map(|b| b.label().to_string()).unwrap_or_default(),
        component: d
            .component
            .map(|c| format!("{} {}", c.code, c.title))
            .unwrap_or_default(),
        marks: d.marks,
        teaser: body.model_essay_teaser,
        plan_html: render(&q.plan, 3),
        plan_generated: q.plan_generated,
        supporting: q.mark_scheme.side_texts(Side::Supporting),
        challenging: q.mark_scheme.side_texts(Side::Challenging),
        neutral: q.mark_scheme.side_texts(Side::Neutral),
        related,
    }
    .render()?;
    Ok((html, topic.slug.to_string()))
}

// --------------------------------------------------------------------------------------- search

struct FacetLink {
    label: String,
    count: u64,
    href: String,
    active: bool,
}

struct FacetGroup {
    label: &'static str,
    links: Vec<FacetLink>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    title: String,
    q: String,
    nav: Nav,
    total: usize,
    hits: Vec<Hit>,
    groups: Vec<FacetGroup>,
    year_from: String,
    year_to: String,
    board: String,
    level: String,
    topic: String,
    command: String,
    prev_link: Option<String>,
    next_link: Option<String>,
    page: u32,
    /// "Did you mean": (the query, the link to its search).
    suggestion: Option<(String, String)>,
    /// Drafts matching the query, for editors and admins only (their own index).
    drafts: Vec<Hit>,
    /// The teacher's own questions matching the query, for that teacher only: (id, title,
    /// question).
    own: Vec<(i64, String, String)>,
}

pub(crate) async fn search(
    State(st): State<AppState>,
    visitor: Visitor,
    Query(p): Query<SearchParams>,
) -> PageResult {
    const PER_PAGE: usize = 20;
    let req = p.request(PER_PAGE)?;
    st.caught_up_for(visitor.user().map(|u| u.id)).await;
    let results = run_search(&st, req.clone()).await?;
    let editor = visitor.user().is_some_and(|u| u.role.edits());
    // Drafts are listed for editors only, from the drafts' own index, and only matches of the
    // words: an empty query does not list every draft on the public search page.
    let drafts = if editor && !req.q.trim().is_empty() {
        let draft_req = SearchRequest {
            offset: 0,
            ..req.clone()
        };
        search_index(st.drafts.clone(), draft_req).await?.hits
    } else {
        Vec::new()
    };
    // A teacher's own questions are never in an index: they are few, read for their teacher
    // alone and matched here.
    let own = match visitor.user() {
        Some(u) if u.teacher && !req.q.trim().is_empty() => st
            .store
            .own_questions(u.id)
            .await?
            .into_iter()
            .filter(|o| {
                studypack_search::matches_all_words(
                    &req.q,
                    &[&o.title, &o.text, &o.scheme, &o.plan],
                )
            })
            .map(|o| (o.id, o.title, o.text))
            .collect(),
        _ => Vec::new(),
    };
    let page = (req.offset / PER_PAGE) as u32 + 1;
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let base = |over: &[(&str, &str)], page: Option<u32>| {
        let mut pairs: Vec<(&str, String)> = vec![
            ("q", req.q.clone()),
            ("board", v(&p.board)),
            ("level", v(&p.level)),
            ("topic", v(&p.topic)),
            ("command", v(&p.command)),
            ("year_from", v(&p.year_from)),
            ("year_to", v(&p.year_to)),
        ];
        for (k, val) in over {
            if let Some(e) = pairs.iter_mut().find(|(pk, _)| pk == k) {
                e.1 = val.to_string();
            }
        }
        if let Some(n) = page {
            pairs.push(("page", n.to_string()));
        }
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        format!("/search?{}", query_string(&refs))
    };
    let topics = st.topics();
    let group =
        |label: &'static str, key: &'static str, counts: &[FacetCount], current: &str| FacetGroup {
            label,
            links: counts
                .iter()
                .take(12)
                .map(|c| {
                    let active = current == c.value;
                    let shown = if key == "topic" {
                        topics
                            .iter()
                            .find(|t| t.slug.as_str() == c.value)
                            .map(|t| t.title.clone())
                            .unwrap_or_else(|| c.value.clone())
                    } else {
                        c.value.clone()
                    };
                    let (k, val) = if key == "year" {
                        ("year_from", c.value.as_str())
                    } else {
                        (key, c.value.as_str())
                    };
                    let href = if key == "year" {
                        if active {
                            base(&[("year_from", ""), ("year_to", "")], None)
                        } else {
                            base(&[(k, val), ("year_to", val)], None)
                        }
                    } else if active {
                        base(&[(k, "")], None)
                    } else {
                        base(&[(k, val)], None)
                    };
                    FacetLink {
                        label: shown,
                        count: c.count,
                        href,
                        active,
                    }
                })
                .collect(),
        };
    let year_current = if p.year_from == p.year_to {
        v(&p.year_from)
    } else {
        String::new()
    };
    let groups = vec![
        group("Exam board", "board", &results.facets.board, &v(&p.board)),
        group("Level", "level", &results.facets.level, &v(&p.level)),
        group("Topic", "topic", &results.facets.topic, &v(&p.topic)),
        group("Year examined", "year", &results.facets.year, &year_current),
        group(
            "Command wording",
            "command",
            &results.facets.command,
            &v(&p.command),
        ),
    ];
    let pages = results.total.div_ceil(PER_PAGE).max(1) as u32;
    let suggestion = results
        .suggestion
        .as_deref()
        .map(|s| (s.to_string(), base(&[("q", s)], None)));
    html(SearchPage {
        title: if req.q.is_empty() {
            "Search".into()
        } else {
            format!("Search: {}", req.q)
        },
        q: req.q.clone(),
        nav: Nav::of(&visitor),
        total: results.total,
        prev_link: (page > 1).then(|| base(&[], Some(page - 1))),
        next_link: (page < pages).then(|| base(&[], Some(page + 1))),
        hits: results.hits,
        groups,
        year_from: v(&p.year_from),
        year_to: v(&p.year_to),
        board: v(&p.board),
        level: v(&p.level),
        topic: v(&p.topic),
        command: v(&p.command),
        page,
        suggestion,
        drafts,
        own,
    })
}
