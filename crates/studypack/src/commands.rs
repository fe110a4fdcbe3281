//! One function per command.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use studypack_domain::authoring::{
    TOPIC_FILE_NAME, question_file_name, render_question, render_topic,
};
use studypack_domain::import::{SourceFile, build_batch, is_content_path};
use studypack_domain::views::QuestionDetail;
use studypack_domain::{Board, Level, Side, Status};
use studypack_store::{LibraryStore, QuestionFilter};

use crate::config::open_library;
use crate::output::{cut, wrap};
use crate::{Cli, Command, Format};

pub async fn run(cli: Cli) -> Result<()> {
    let db = cli.database.as_deref();
    match cli.command {
        Command::Import {
            paths,
            publish_with_errors,
        } => import(db, &paths, publish_with_errors).await,
        Command::List {
            board,
            level,
            topic,
            year,
            format,
        } => {
            let filter = QuestionFilter {
                board: board
                    .map(|b| b.parse::<Board>())
                    .transpose()
                    .map_err(|e| anyhow!("--board: {e}"))?,
                level: level
                    .map(|l| l.parse::<Level>())
                    .transpose()
                    .map_err(|e| anyhow!("--level: {e}"))?,
                topic,
                year,
                // The command line is for the people who run the library: drafts too.
                include_drafts: true,
                ..Default::default()
            };
            list(&*open_library(db).await?, &filter, format).await
        }
        Command::Show { slug, format } => show(&*open_library(db).await?, &slug, format).await,
        Command::Export { dir } => export(&*open_library(db).await?, &dir).await,
        Command::Migrate => {
            let store = crate::config::open_store(db).await?;
            store.ping().await?;
            println!("the database is up to date");
            Ok(())
        }
        Command::Reindex => {
            let store = crate::config::open_store(db).await?;
            let version = store.request_reindex().await?;
            println!(
                "library version {version}: every instance rebuilds its index at its next refresh"
            );
            Ok(())
        }
        Command::Serve {
            addr,
            secure_cookies,
            trust_proxy,
            public_url,
            max_connections,
            max_connections_per_address,
            header_timeout,
            body_timeout,
            idle_timeout,
            index_dir,
        } => {
            let secs = |s: u64| std::time::Duration::from_secs(s.max(1));
            let config = studypack_web::WebConfig {
                secure_cookies,
                trust_proxy,
                limits: studypack_web::ServerLimits {
                    max_connections,
                    max_per_address: max_connections_per_address,
                    header_timeout: secs(header_timeout),
                    body_timeout: secs(body_timeout),
                    idle_timeout: secs(idle_timeout),
                },
                ..Default::default()
            };
            serve(db, addr, config, public_url, index_dir.as_deref()).await
        }
        Command::Codes(c) => crate::accounts::codes(db, c).await,
        Command::Users(c) => crate::accounts::users(db, c).await,
        Command::Audit { limit, format } => crate::accounts::audit(db, limit, format).await,
        Command::Moderated { question, score } => {
            crate::accounts::moderated(db, &question, score).await
        }
        Command::Search {
            query,
            format,
            limit,
        } => search(&*open_library(db).await?, &query, format, limit).await,
        Command::BenchData { questions } => {
            crate::bench::generate(&*open_library(db).await?, questions).await
        }
        Command::BenchSearch { rounds } => {
            crate::bench::search_latency(&*open_library(db).await?, rounds).await
        }
        Command::Plan { slug } => {
            let lib = open_library(db).await?.library().await?;
            let q = lib
                .question(&slug)
                .ok_or_else(|| anyhow!("no question with slug '{slug}' (see `studypack list`)"))?;
            let topic = lib
                .topic(&q.topic)
                .ok_or_else(|| anyhow!("the topic of '{slug}' is missing"))?;
            print!(
                "{}",
                studypack_qa::generate_plan(
                    &studypack_feedback::engine_for_library(&lib),
                    q,
                    topic
                )
            );
            Ok(())
        }
        Command::Check { slugs, all, format } => {
            check(&*open_library(db).await?, &slugs, all, format).await
        }
        Command::Feedback(args) => crate::feedback::run(&*open_library(db).await?, args).await,
        Command::Calibrate(args) => crate::calibrate::run(&*open_library(db).await?, args).await,
        Command::Calibration(c) => crate::calibrate::manage(&*open_library(db).await?, c).await,
    }
}

/// Expands folders into the content files below them, in path order.
fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
        if meta.is_dir() {
            let mut stack = vec![p.clone()];
            while let Some(dir) = stack.pop() {
                let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
                    .with_context(|| format!("cannot read the folder {}", dir.display()))?
                    .map(|e| e.map(|e| e.path()))
                    .collect::<Result<_, _>>()
                    .with_context(|| format!("cannot read the folder {}", dir.display()))?;
                entries.sort();
                for e in entries {
                    let hidden = e
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with('.'));
                    if hidden {
                        continue;
                    }
                    if e.is_dir() {
                        stack.push(e);
                    } else if is_content_path(&e.to_string_lossy()) {
                        out.push(e);
                    }
                }
            }
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// A one-line progress bar on stderr, shown only on a terminal and for many files.
struct Progress {
    total: usize,
    shown: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            shown: total >= 20 && std::io::stderr().is_terminal(),
        }
    }
    fn tick(&self, done: usize) {
        if self.shown {
            let width = 30;
            let filled = width * done / self.total.max(1);
            eprint!(
                "\r[{}{}] {done}/{} files",
                "#".repeat(filled),
                " ".repeat(width - filled),
                self.total
            );
            let _ = std::io::stderr().flush();
        }
    }
    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

async fn import(db: Option<&str>, paths: &[PathBuf], publish_with_errors: bool) -> Result<()> {
    let files = collect_files(paths)?;
    if files.is_empty() {
        bail!(
            "no content files (.md, .toml, .txt) found in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let progress = Progress::new(files.len());
    let mut sources = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        // Read at most one byte past the limit: the parser reports a file that is too large.
        let file =
            std::fs::File::open(f).with_context(|| format!("cannot read {}", f.display()))?;
        let mut bytes = Vec::new();
        file.take(studypack_domain::authoring::MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", f.display()))?;
        sources.push(SourceFile {
            name: f.display().to_string(),
            bytes,
        });
        progress.tick(i + 1);
    }
    progress.finish();
    let store = open_library(db).await?;
    let known = store.topics().await?;
    let mut batch = match build_batch(&sources, &known) {
        Ok(b) => b,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            bail!(
                "nothing was imported: {} problem(s) in {} file(s)",
                errors.len(),
                {
                    let mut files: Vec<&str> = errors.iter().map(|e| e.file.as_str()).collect();
                    files.dedup();
                    files.len()
                }
            );
        }
    };
    // The library as it will be, for the engine: the stored one with the batch's topics,
    // which take precedence over stored topics of the same slug.
    let mut lib = store.library().await?;
    lib.topics.extend(batch.topics.iter().cloned());
    let engine = studypack_feedback::engine_for_library(&lib);
    let topic_of =
        |q: &studypack_domain::Question| lib.topics.iter().rev().find(|t| t.slug == q.topic);
    // A question with no plan gets a generated one, marked as generated.
    for q in batch
        .questions
        .iter_mut()
        .filter(|q| q.plan.trim().is_empty())
    {
        if let Some(t) = topic_of(q) {
            q.plan = studypack_qa::generate_plan(&engine, q, t);
            q.plan_generated = true;
        }
    }
    // Every question is checked before it is stored: one with QA errors is held as a draft
    // (students never see it) unless the operator says otherwise.
    let mut checked = Vec::with_capacity(batch.questions.len());
    for q in batch.questions.iter_mut() {
        let findings = topic_of(q)
            .map(|t| studypack_qa::check(&engine, q, t))
            .unwrap_or_default();
        let errors = findings
            .iter()
            .filter(|f| f.severity == studypack_qa::Severity::Error)
            .count();
        let held = errors > 0 && q.status == Status::Published && !publish_with_errors;
        if held {
            q.status = Status::Draft;
        }
        checked.push((q.slug.to_string(), findings.len(), errors, held));
    }
    let r = store
        .import(&batch, studypack_accounts::now())
        .await
        .context("nothing was imported")?;
    println!(
        "imported {} file(s): {} question(s) new, {} updated, {} unchanged; {} topic(s) new, {} updated; {} revision(s) kept",
        sources.len(),
        r.questions_created,
        r.questions_updated,
        r.questions_unchanged,
        r.topics_created,
        r.topics_updated,
        r.revisions_added
    );
    let mut held_count = 0;
    for (slug, findings, errors, held) in checked {
        if findings == 0 {
            println!("  {slug}");
        } else if held {
            held_count += 1;
            println!(
                "  {slug}  ({findings} QA finding(s), {errors} error(s): held as a draft; see `studypack check {slug}`, fix them in the editor, or import with --publish-with-errors)"
            );
        } else {
            println!(
                "  {slug}  ({findings} QA finding(s), {errors} error(s): studypack check {slug})"
            );
        }
    }
    if held_count > 0 {
        println!("{held_count} question(s) held as drafts because of QA errors");
    }
    Ok(())
}

async fn list(store: &dyn LibraryStore, filter: &QuestionFilter, format: Format) -> Result<()> {
    let listing = store.questions(filter).await?;
    match format {
        Format::Json => {
            let items: Vec<serde_json::Value> = listing
                .items
                .iter()
                .map(|q| {
                    serde_json::json!({
                        "slug": q.slug, "title": q.title, "board": q.board, "level": q.level,
                        "component": q.component, "topic": q.topic, "topic_slug": q.topic_slug,
                        "year": q.year, "marks": q.marks, "command": q.command, "question": q.question,
                        "status": q.status,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&items)?);
        }
        Format::Text => {
            for q in &listing.items {
                println!(
                    "{:<60} {:<8} {:<9} {}  {:<9}  {}",
                    q.slug,
                    q.board.map(|b| b.label()).unwrap_or("-"),
                    q.level.map(|l| l.label()).unwrap_or("-"),
                    q.year,
                    q.status.label(),
                    cut(&q.title, 60)
                );
            }
            println!("{} question(s)", listing.total);
        }
    }
    Ok(())
}

async fn show(store: &dyn LibraryStore, slug: &str, format: Format) -> Result<()> {
    let q = store
        .question(slug)
        .await?
        .ok_or_else(|| anyhow!("no question with slug '{slug}' (see `studypack list`)"))?;
    let topic = store
        .topic(q.topic.as_str())
        .await?
        .ok_or_else(|| anyhow!("the topic of '{slug}' is missing"))?;
    let d = QuestionDetail::new(&q, &topic);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&d)?),
        Format::Text => {
            let mut out = String::new();
            out.push_str(&wrap(&d.question, 88, ""));
            out.push('\n');
            let meta = [
                ("Level", d.level.map(|l| l.to_string()).unwrap_or_default()),
                ("Year examined", d.year.to_string()),
                ("Topic", d.topic.clone()),
                ("Board", d.board.map(|b| b.to_string()).unwrap_or_default()),
                (
                    "Component",
                    d.component
                        .as_ref()
                        .map(|c| format!("{} {}", c.code, c.title))
                        .unwrap_or_default(),
                ),
                ("Marks", d.marks.to_string()),
                ("Status", d.status.label().to_string()),
                ("Slug", d.slug.clone()),
            ];
            for (k, v) in meta {
                if !v.is_empty() {
                    out.push_str(&format!("{k:>14}: {v}\n"));
                }
            }
            for (title, side) in [
                ("Arguments supporting the view", Side::Supporting),
                ("Arguments challenging the view", Side::Challenging),
                ("Other points", Side::Neutral),
            ] {
                let bullets: Vec<_> = q.mark_scheme.side(side).collect();
                if !bullets.is_empty() {
                    out.push_str(&format!("\n{title}\n"));
                    for b in bullets {
                        let w = wrap(&b.text, 86, "  ");
                        out.push_str(&format!("•{}", &w[1..]));
                    }
                }
            }
            if !d.plan.is_empty() {
                out.push_str(&format!(
                    "\nEssay plan{}\n\n",
                    if d.plan_generated { " (generated)" } else { "" }
                ));
                out.push_str(&wrap(&d.plan, 88, ""));
            }
            if let Some(essay) = &d.model_essay {
                out.push_str("\nModel essay\n\n");
                out.push_str(&wrap(essay, 88, ""));
            }
            print!("{out}");
        }
    }
    Ok(())
}

async fn export(store: &dyn LibraryStore, dir: &Path) -> Result<()> {
    let lib = store.library().await?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for t in &lib.topics {
        let tdir = dir.join(t.slug.as_str());
        std::fs::create_dir_all(&tdir)
            .with_context(|| format!("cannot create {}", tdir.display()))?;
        write_file(&tdir.join(TOPIC_FILE_NAME), &render_topic(t))?;
    }
    for q in &lib.questions {
        let path = dir.join(q.topic.as_str()).join(question_file_name(q));
        write_file(&path, &render_question(q))?;
    }
    println!(
        "exported {} topic(s) and {} question(s) to {}",
        lib.topics.len(),
        lib.questions.len(),
        dir.display()
    );
    Ok(())
}

/// Writes a file through a temporary file and a rename, so a crash never leaves half a file.
fn write_file(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

async fn serve(
    db: Option<&str>,
    addr: std::net::SocketAddr,
    config: studypack_web::WebConfig,
    public_url: Option<String>,
    index_dir: Option<&Path>,
) -> Result<()> {
    let store = open_library(db).await?;
    let started = std::time::Instant::now();
    let state = match index_dir {
        Some(dir) => studypack_web::AppState::kept_in(store, dir)
            .await
            .with_context(|| format!("cannot open the search index in {}", dir.display()))?,
        None => studypack_web::AppState::new(store)
            .await
            .context("cannot build the search index")?,
    }
    .with_config(config);
    let state = match crate::config::change_notices(db).await {
        Ok(Some(notices)) => state.with_notices(notices),
        Ok(None) => state,
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "not listening for other instances' changes: polling");
            state
        }
    };
    tracing::info!(
        ready_ms = started.elapsed().as_millis() as u64,
        "search index and engine ready"
    );
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    println!("studypack is serving on http://{local}/ (Ctrl-C to stop)");
    // No admin yet: a one-time link to create one, instead of a default password.
    if let Some(token) = state.accounts.setup_token_if_needed().await? {
        let base = public_url.unwrap_or_else(|| format!("http://{local}"));
        println!(
            "first start: create the admin account at {}/setup?token={token} (works once, for 24 hours)",
            base.trim_end_matches('/')
        );
    }
    tracing::info!(%local, "listening");
    studypack_web::serve(listener, state, shutdown_signal())
        .await
        .context("the server stopped with an error")?;
    println!("studypack stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn search(store: &dyn LibraryStore, query: &str, format: Format, limit: usize) -> Result<()> {
    let index = studypack_search::SearchIndex::in_memory()?;
    index.rebuild(&store.library().await?, 0)?;
    let results = index.search(&studypack_search::SearchRequest {
        q: query.to_string(),
        limit,
        ..Default::default()
    })?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&results)?),
        Format::Text => {
            for h in &results.hits {
                println!(
                    "{}  ({} {} {})",
                    h.slug,
                    h.board.as_deref().unwrap_or("-"),
                    h.level.as_deref().unwrap_or("-"),
                    h.year
                );
                println!("    {}", cut(&h.question, 100));
            }
            println!("{} result(s)", results.total);
            if let Some(s) = &results.suggestion {
                println!("Did you mean: {s}?");
            }
        }
    }
    Ok(())
}

async fn check(
    store: &dyn LibraryStore,
    slugs: &[String],
    all: bool,
    format: Format,
) -> Result<()> {
    let lib = store.library().await?;
    let engine = studypack_feedback::engine_for_library(&lib);
    let chosen: Vec<&studypack_domain::Question> = if all {
        lib.questions.iter().collect()
    } else {
        slugs
            .iter()
            .map(|s| {
                lib.question(s)
                    .ok_or_else(|| anyhow!("no question with slug '{s}' (see `studypack list`)"))
            })
            .collect::<Result<_>>()?
    };
    let mut results = Vec::new();
    for q in chosen {
        let topic = lib
            .topic(&q.topic)
            .ok_or_else(|| anyhow!("the topic of '{}' is missing", q.slug))?;
        results.push((q.slug.to_string(), studypack_qa::check(&engine, q, topic)));
    }
    match format {
        Format::Json => {
            let items: Vec<serde_json::Value> = results
                .iter()
                .map(|(slug, f)| serde_json::json!({ "slug": slug, "findings": f }))
                .collect();
            // Always an array, one entry per question, however many were asked for.
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::Value::Array(items))?
            );
        }
        Format::Text => {
            for (slug, findings) in &results {
                println!("{slug}: {} finding(s)", findings.len());
                for f in findings {
                    let target = match f.target {
                        studypack_qa::Target::Plan => "plan",
                        studypack_qa::Target::ModelEssay => "model essay",
                    };
                    println!("  [{:?}] {} ({target}): {}", f.severity, f.kind, f.message);
                    if let Some(s) = &f.sentence {
                        println!(
                            "{}",
                            wrap(
                                &format!("“{}” (bytes {}–{})", s.text, s.start, s.end),
                                88,
                                "      "
                            )
                        );
                    }
                }
            }
        }
    }
    Ok(())
}
