//! The `studypack` command: library management, feedback and the web server.

mod accounts;
mod bench;
mod calibrate;
mod commands;
mod config;
mod feedback;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "studypack",
    version,
    about = "Exam-essay revision: a library of past-paper questions, mark schemes, plans and model essays."
)]
pub struct Cli {
    /// Database URL: sqlite://PATH (the default is a file in your data folder) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "STUDYPACK_DATABASE_URL",
        value_name = "URL"
    )]
    pub database: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Which of a teacher's figures is the score of a moderated script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScoreScale {
    Level,
    Mark,
}

#[derive(Subcommand)]
pub enum Command {
    /// Import topic files, question files and revision-site pages (files or folders).
    Import {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<std::path::PathBuf>,
        /// Publish questions even when the QA check finds errors in them (otherwise they are
        /// held as drafts, which students do not see, until an editor fixes them).
        #[arg(long)]
        publish_with_errors: bool,
    },
    /// List the questions in the library.
    List {
        #[arg(long)]
        board: Option<String>,
        #[arg(long)]
        level: Option<String>,
        /// A topic slug or words of its title.
        #[arg(long)]
        topic: Option<String>,
        #[arg(long)]
        year: Option<u16>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show one question in full.
    Show {
        slug: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write the whole library to DIR in the authoring format.
    Export { dir: std::path::PathBuf },
    /// Apply the database migrations (serve and every other command also apply them).
    Migrate,
    /// Make every running instance rebuild its search index and caches from the whole
    /// library (they otherwise apply only the changes since the version they loaded).
    Reindex,
    /// Run the website and JSON API (loads the demo library into an empty database).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080", env = "STUDYPACK_ADDR")]
        addr: std::net::SocketAddr,
        /// Mark cookies Secure (serving over TLS, directly or behind a proxy).
        #[arg(long, env = "STUDYPACK_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Read client addresses from X-Forwarded-For (only behind a proxy that sets it).
        #[arg(long, env = "STUDYPACK_TRUST_PROXY")]
        trust_proxy: bool,
        /// The address people use to reach the site, for the first-start setup link.
        #[arg(long, env = "STUDYPACK_PUBLIC_URL", value_name = "URL")]
        public_url: Option<String>,
        /// Connections open at once (more wait in the listen backlog).
        #[arg(long, env = "STUDYPACK_MAX_CONNECTIONS", default_value_t = 1024)]
        max_connections: usize,
        /// Connections open at once from one client address (IPv6: one /64).
        #[arg(
            long,
            env = "STUDYPACK_MAX_CONNECTIONS_PER_ADDRESS",
            default_value_t = 256
        )]
        max_connections_per_address: usize,
        /// Seconds a client has to send a request's headers.
        #[arg(long, env = "STUDYPACK_HEADER_TIMEOUT", default_value_t = 10)]
        header_timeout: u64,
        /// Seconds a client has to send a request's body.
        #[arg(long, env = "STUDYPACK_BODY_TIMEOUT", default_value_t = 30)]
        body_timeout: u64,
        /// Seconds a connection may sit idle before it is closed.
        #[arg(long, env = "STUDYPACK_IDLE_TIMEOUT", default_value_t = 60)]
        idle_timeout: u64,
        /// Keep the search index in this directory on local disk (one per instance): a start
        /// then applies only the library's changes since the last, instead of rebuilding the
        /// index from the whole library. Without it the index is in memory.
        #[arg(long, env = "STUDYPACK_INDEX_DIR", value_name = "DIR")]
        index_dir: Option<std::path::PathBuf>,
    },
    /// Licence codes for Study Packs.
    #[command(subcommand)]
    Codes(CodesCommand),
    /// Accounts: add users, grant and revoke Study Packs.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Print the audit log (grants, redemptions, revocations, editor saves), newest first.
    Audit {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The scripts teachers have moderated for a question, one JSON line each
    /// (`{"id", "text", "score", "level", "mark", "points"}`): the marked answers calibration
    /// learns from. `score` is the teacher's level (or, with `--score mark`, their mark);
    /// scripts without one are left out, and how many is said on standard error.
    Moderated {
        #[arg(long)]
        question: String,
        #[arg(long, value_enum, default_value_t = ScoreScale::Level)]
        score: ScoreScale,
    },
    /// Search the library.
    Search {
        query: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Add N synthetic questions to the database, for benchmarks.
    BenchData {
        #[arg(long)]
        questions: usize,
    },
    /// Time search queries against the library in the database (a benchmark).
    BenchSearch {
        #[arg(long, default_value_t = 50)]
        rounds: usize,
    },
    /// Print an essay plan (Markdown) generated from the question's mark scheme and topic timeline.
    Plan { slug: String },
    /// Check plans and model essays: judgement consistency, dates and offices against the topic timeline, coverage.
    Check {
        /// Question slugs (or --all).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        slugs: Vec<String>,
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Feedback on essays against a question's mark scheme, or a mark scheme of your own.
    Feedback(FeedbackArgs),
    /// Learn a teacher's standard from marked answers: prints the cross-validated agreement
    /// of the calibrated and uncalibrated engine and a learning curve, and writes the
    /// calibration (`--out`) or stores it for the question (`--store`).
    Calibrate(CalibrateArgs),
    /// A library question's stored calibration: show it, store an edited one, or withdraw it.
    #[command(subcommand)]
    Calibration(CalibrationCommand),
}

#[derive(Subcommand)]
pub enum CodesCommand {
    /// Make N licence codes and print them, one per line and nothing else.
    Create {
        /// `all`, or a scope: board:AQA, level:A Level, subject:History, topic:SLUG; or `teacher`
        /// for codes that make their redeemer a teacher.
        #[arg(long, value_name = "PACK")]
        pack: String,
        #[arg(long, value_name = "N")]
        count: usize,
        /// Days the pack lasts from redemption (no end date without it).
        #[arg(long, value_name = "D")]
        days: Option<i64>,
    },
}

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Add an account; the password is read from standard input.
    Add {
        email: String,
        #[arg(long, default_value = "student", value_name = "student|editor|admin")]
        role: String,
        /// Read the password from standard input (its first line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Give an account a Study Pack.
    Grant {
        email: String,
        #[arg(long, value_name = "PACK")]
        pack: String,
        /// Days the pack lasts (no end date without it).
        #[arg(long, value_name = "D")]
        days: Option<i64>,
    },
    /// Revoke an account's active packs of this scope.
    Revoke {
        email: String,
        #[arg(long, value_name = "PACK")]
        pack: String,
    },
    /// Show an account's packs.
    Show { email: String },
}

/// What essays are marked against: a library question, or a plain-text scheme.
#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("against").required(true).args(["question", "scheme"]))]
pub struct Against {
    /// The question (slug) whose mark scheme, rubric and glossary to use.
    #[arg(long)]
    pub question: Option<String>,
    /// A plain-text mark scheme: optional side headings, bullets '-', '*' or '•', sub-points split at ';', other words for a word as '(also: a, b)'.
    #[arg(long, value_name = "FILE")]
    pub scheme: Option<std::path::PathBuf>,
    /// With --scheme: the topic (slug) whose rubric, glossary and period to use.
    #[arg(long, requires = "scheme")]
    pub topic: Option<String>,
    /// With --scheme: the question's wording; a view it quotes is what the judgement is read against.
    #[arg(long, requires = "scheme", value_name = "TEXT")]
    pub question_text: Option<String>,
    /// With --question: do not compare with the model essay, as for a student without the
    /// Study Pack (the website compares only for readers whose pack opens the essay).
    #[arg(long, requires = "question")]
    pub without_model_essay: bool,
}

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["essays", "jsonl"]))]
pub struct FeedbackArgs {
    #[command(flatten)]
    pub against: Against,
    /// A calibration (from `studypack calibrate --out`): each report also carries the mark it
    /// predicts on the teacher's scale. Without it, a library question's active calibration
    /// (`studypack calibration show`) is used, as the website uses it.
    #[arg(long, value_name = "FILE")]
    pub calibration: Option<std::path::PathBuf>,
    /// Mark with the engine alone, even where the question has an active calibration.
    #[arg(long, conflicts_with = "calibration")]
    pub uncalibrated: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// A batch: one JSON object {"id", "text"} per line; prints one report per line.
    #[arg(long, value_name = "FILE", conflicts_with = "essays")]
    pub jsonl: Option<std::path::PathBuf>,
    /// Essay files; '-' reads standard input.
    #[arg(value_name = "ESSAY")]
    pub essays: Vec<String>,
}

#[derive(Subcommand)]
pub enum CalibrationCommand {
    /// Print the active calibration (JSON), what it learned and its revisions.
    Show { question: String },
    /// Store a calibration file (one edited by hand, say) as the question's active one.
    Put {
        question: String,
        file: std::path::PathBuf,
    },
    /// Withdraw the active calibration: the question is marked uncalibrated again.
    Withdraw { question: String },
}

#[derive(clap::Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub against: Against,
    /// The marked answers: one JSON object {"id", "text", "score"} per line (optionally
    /// "points"), as `studypack moderated` prints them.
    #[arg(long, value_name = "FILE.jsonl")]
    pub marked: std::path::PathBuf,
    /// Folds of the cross-validation the agreement is measured by.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Write the calibration (JSON) to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// With --question: store the calibration as the question's active one (a new revision).
    #[arg(long, requires = "question")]
    pub store: bool,
    /// What the scores are: the question rubric's marks or its levels.
    #[arg(long, value_enum, default_value_t = ScoreScale::Mark)]
    pub score: ScoreScale,
    /// The top mark, for a scheme without a rubric (it needs this or --points-for).
    #[arg(long)]
    pub max_score: Option<u32>,
    /// For a scheme without a rubric, its rule from points covered to marks: the points needed
    /// for each mark above 0, rising ("1,3,4": 1–2 points earn 1, 3 earn 2, 4 or more 3).
    /// Without it, the uncalibrated engine gives a mark a point.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        conflicts_with = "max_score"
    )]
    pub points_for: Vec<u32>,
    /// A learning setting other than its default, NAME=VALUE (for measuring how much each
    /// matters: see docs/calibration.md).
    #[arg(long, value_name = "NAME=VALUE", hide = true)]
    pub setting: Vec<String>,
    /// Write every held-out answer's marks (teacher, calibrated, uncalibrated) as JSON lines.
    #[arg(long, value_name = "FILE")]
    pub held_out: Option<std::path::PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// mimalloc rather than the system allocator: the engine and the server allocate many small,
/// short-lived values, and the feedback benchmark ran about a fifth faster with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        eprintln!(
            "error: internal error (a bug in studypack): {}",
            msg.lines().next().unwrap_or("")
        );
    }));
    let cli = Cli::parse();
    // Warnings and errors by default; `STUDYPACK_LOG=info` adds a line per request.
    let default_filter = "warn";
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STUDYPACK_LOG")
                .unwrap_or_else(|_| default_filter.into()),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", output::one_line(&e));
            ExitCode::FAILURE
        }
    }
}
