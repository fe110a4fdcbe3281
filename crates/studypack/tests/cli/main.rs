//! The `studypack` program, run as a user runs it, each test on a fresh database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/seed/000_359a0cc6bd3e9193.txt"
);
const SEED_SLUG: &str = "aqa-2022-there-were-more-similarities-than-differences-between-stalin";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn db(&self) -> String {
        format!("sqlite://{}", self.dir.path().join("test.db").display())
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    fn run(&self, args: &[&str]) -> Output {
        self.run_stdin(args, None)
    }
    fn run_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_studypack"))
            .args(args)
            .env("STUDYPACK_DATABASE_URL", self.db())
            .env_remove("STUDYPACK_LOG")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            pipe.write_all(s.as_bytes()).unwrap();
        }
        drop(pipe);
        child.wait_with_output().unwrap()
    }
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn slugs(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|q| q["slug"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn seed_import_and_show() {
    let env = Env::new();
    let out = env.ok(&["import", SEED]);
    assert!(out.contains(SEED_SLUG), "{out}");
    // The seed's plan and essay reach opposite judgements (two QA errors): it is held back.
    assert!(out.contains("held as a draft"), "{out}");
    assert!(
        out.contains("1 question(s) held as drafts because of QA errors"),
        "{out}"
    );
    let q = env.json(&["show", SEED_SLUG, "--format", "json"]);
    assert_eq!(q["status"], "draft");
    assert!(env.ok(&["show", SEED_SLUG]).contains("Status: draft"));
    let listed = env.ok(&["list"]);
    let line = listed.lines().find(|l| l.starts_with(SEED_SLUG)).unwrap();
    assert!(line.contains("draft"), "{line}");
    // The operator may publish it anyway.
    let out = env.ok(&["import", "--publish-with-errors", SEED]);
    assert!(!out.contains("held as a draft"), "{out}");
    let q = env.json(&["show", SEED_SLUG, "--format", "json"]);
    assert_eq!(q["status"], "published");
    assert_eq!(q["board"], "AQA");
    assert_eq!(q["level"], "A Level");
    assert_eq!(q["component"]["code"], "7042/1H");
    assert_eq!(q["topic"], "Tsarist and Communist Russia, 1855–1964");
    assert_eq!(q["year"], 2022);
    assert_eq!(q["marks"], 25);
    assert!(
        q["question"]
            .as_str()
            .unwrap()
            .starts_with("‘There were more similarities")
    );
    assert_eq!(q["mark_scheme"]["supporting"].as_array().unwrap().len(), 5);
    assert_eq!(q["mark_scheme"]["challenging"].as_array().unwrap().len(), 5);
    assert!(
        q["plan"]
            .as_str()
            .unwrap()
            .starts_with("This essay will assess the validity")
    );
    assert!(
        q["model_essay"]
            .as_str()
            .unwrap()
            .starts_with("Following the tumultuous years of World War Two")
    );

    let list = env.json(&["list", "--format", "json"]);
    let all = slugs(&list);
    assert!(all.contains(&SEED_SLUG.to_string()));
    assert!(all.len() >= 13, "demo library and the seed: {all:?}");
    for key in ["slug", "board", "level", "topic", "year", "question"] {
        assert!(list[0].get(key).is_some(), "list item has no {key}");
    }

    // Re-importing updates in place and never duplicates.
    env.ok(&["import", SEED]);
    assert_eq!(
        slugs(&env.json(&["list", "--format", "json"])).len(),
        all.len()
    );
}

#[test]
fn list_filters() {
    let env = Env::new();
    let ocr = env.json(&["list", "--board", "OCR", "--format", "json"]);
    assert!(!slugs(&ocr).is_empty());
    assert!(ocr.as_array().unwrap().iter().all(|q| q["board"] == "OCR"));
    let y = env.json(&["list", "--year", "2019", "--format", "json"]);
    assert!(y.as_array().unwrap().iter().all(|q| q["year"] == 2019));
    let as_level = env.json(&["list", "--level", "AS Level", "--format", "json"]);
    assert!(
        as_level
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["level"] == "AS Level")
            && !slugs(&as_level).is_empty()
    );
    let topic = env.json(&["list", "--topic", "tudors", "--format", "json"]);
    assert_eq!(slugs(&topic).len(), 3);
    let bad = env.run(&["list", "--board", "Hogwarts"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).starts_with("error: --board: unknown exam board"),
        "{}",
        stderr(&bad)
    );
}

fn export_dir(env: &Env, name: &str) -> PathBuf {
    let dir = env.path(name);
    env.ok(&["export", dir.to_str().unwrap()]);
    dir
}

fn read_tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in walk(dir) {
        out.push((
            e.strip_prefix(dir).unwrap().display().to_string(),
            std::fs::read_to_string(&e).unwrap(),
        ));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(walk(&p))
        } else {
            v.push(p)
        }
    }
    v
}

#[test]
fn export_round_trip_is_identical() {
    let first = Env::new();
    first.ok(&["import", SEED]);
    let a = export_dir(&first, "a");
    let second = Env::new();
    second.ok(&["import", a.to_str().unwrap()]);
    let b = export_dir(&second, "b");
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert_eq!(
        ta.len(),
        4 + 13,
        "{:?}",
        ta.iter().map(|t| &t.0).collect::<Vec<_>>()
    );
    assert_eq!(ta, tb);
}

#[test]
fn a_folder_with_one_bad_file_imports_nothing() {
    let env = Env::new();
    let before = env.ok(&["list", "--format", "json"]);
    let dir = env.path("in");
    std::fs::create_dir_all(&dir).unwrap();
    let good = export_dir(&env, "good");
    // Two good files (a topic and a changed question) and one bad one.
    let topic_dir = walk(&good)
        .into_iter()
        .find(|p| p.ends_with("topic.toml"))
        .unwrap();
    std::fs::copy(&topic_dir, dir.join("topic.toml")).unwrap();
    let q = walk(&good)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let text = std::fs::read_to_string(&q)
        .unwrap()
        .replace("status = \"published\"", "status = \"draft\"");
    std::fs::write(dir.join("good.md"), text).unwrap();
    std::fs::write(dir.join("bad.md"), "+++\nslug = \"x-y-z\"\ntitle = \n+++\n").unwrap();
    let out = env.run(&["import", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("bad.md:3"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(!err.contains("good.md"), "{err}");
    assert_eq!(
        env.ok(&["list", "--format", "json"]),
        before,
        "the library is unchanged"
    );
}

#[test]
fn bad_inputs_get_clear_errors() {
    let env = Env::new();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.md", vec![], "empty"),
        ("broken.toml", b"slug = \"abc\"\ntitle = [\n".to_vec(), "broken.toml:"),
        ("nonutf8.md", b"+++\nslug = \"a\xff\"\n".to_vec(), "UTF-8"),
        ("big.md", vec![b'a'; 10 * 1024 * 1024], "above the limit"),
        ("nosections.md", b"+++\nslug = \"abc\"\ntitle = \"t\"\ntopic = \"aqa-7042-1h-russia-1855-1964\"\nyear = 2020\nmarks = 25\ncommand = \"c\"\n+++\n# Question\n\nWhy?\n".to_vec(), "missing section"),
        ("note.txt", b"just some notes\n".to_vec(), "not a studypack file"),
    ];
    for (name, bytes, expect) in cases {
        let p = env.path(name);
        std::fs::write(&p, bytes).unwrap();
        let out = env.run(&["import", p.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = stderr(&out);
        assert!(err.contains(expect), "{name}: {err}");
        assert!(err.contains(name), "{name} not named: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{err}"
        );
    }
}

#[test]
fn duplicate_slugs_are_refused() {
    let env = Env::new();
    let good = export_dir(&env, "good");
    let q = walk(&good)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let dir = env.path("dups");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&q, dir.join("one.md")).unwrap();
    std::fs::copy(&q, dir.join("two.md")).unwrap();
    let out = env.run(&["import", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("duplicate question slug") && err.contains("one.md") && err.contains("two.md"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    assert_eq!(env.run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(env.run(&["import"]).status.code(), Some(2));
    assert_eq!(env.run(&["show"]).status.code(), Some(2));
    let missing = env.run(&["show", "no-such-question"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(stderr(&missing).lines().count(), 1, "{}", stderr(&missing));
}

#[test]
fn feedback_json_report_has_the_documented_keys() {
    let env = Env::new();
    env.ok(&["import", SEED]);
    let q = env.json(&["show", SEED_SLUG, "--format", "json"]);
    let essay = env.path("essay.txt");
    std::fs::write(&essay, q["plan"].as_str().unwrap()).unwrap();
    let r = env.json(&[
        "feedback",
        "--question",
        SEED_SLUG,
        "--format",
        "json",
        essay.to_str().unwrap(),
    ]);
    for p in r["points"].as_array().unwrap() {
        for key in ["text", "side", "status", "evidence"] {
            assert!(p.get(key).is_some(), "points[].{key}");
        }
    }
    for key in ["covered", "partial", "missing", "total"] {
        assert!(r["coverage"][key].is_u64(), "coverage.{key}");
    }
    assert_eq!(r["judgement"]["conclusion"], "disagrees");
    assert!(
        r["judgement"]["introduction"].is_string() && r["judgement"]["consistent"].is_boolean()
    );
    assert!(r["level"]["level"].is_u64());
    assert_eq!(r["level"]["marks"].as_array().unwrap().len(), 2);
    assert!(r["flags"].is_array());
    // The model essay is never in a report.
    let essay_text = q["model_essay"].as_str().unwrap();
    let out = serde_json::to_string(&r).unwrap();
    assert!(!out.contains(&essay_text[200..260]));
}

#[test]
fn feedback_from_stdin_and_own_scheme_and_batches() {
    let env = Env::new();
    let scheme = env.path("scheme.txt");
    std::fs::write(&scheme, "Arguments for\n• the secret police kept control; propaganda praised the leader\nArguments against\n• Khrushchev released prisoners from the gulags\n").unwrap();
    let out = env.run_stdin(&["feedback", "--scheme", scheme.to_str().unwrap(), "--format", "json", "-"], Some("The NKVD kept control through fear. Khrushchev released prisoners from the labour camps."));
    assert!(out.status.success(), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["coverage"]["total"], 3);
    assert!(r["level"]["level"].is_null(), "no rubric, no level");

    let batch = env.path("batch.jsonl");
    std::fs::write(&batch, "{\"id\": \"a\", \"text\": \"Khrushchev released prisoners from the gulags.\"}\n\n{\"id\": 7, \"text\": \"\"}\n").unwrap();
    let out = env.ok(&[
        "feedback",
        "--scheme",
        scheme.to_str().unwrap(),
        "--jsonl",
        batch.to_str().unwrap(),
    ]);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["coverage"]["covered"], 1);
    assert_eq!(lines[1]["id"], 7);
    assert!(
        out.lines().next().unwrap().starts_with("{\"id\":\"a\""),
        "id comes first"
    );

    let text = env.ok(&[
        "feedback",
        "--scheme",
        scheme.to_str().unwrap(),
        batch.to_str().unwrap(),
    ]);
    assert!(text.contains("Next steps"), "{text}");
}

/// A batch is assessed on every core, in batches of lines: the reports still come out in the
/// order of the lines, each the same as the essay's report on its own, with errors in place.
#[test]
fn feedback_batches_keep_their_order_across_threads() {
    let env = Env::new();
    let scheme = env.path("scheme.txt");
    std::fs::write(&scheme, "Arguments for\n• the secret police kept control; propaganda praised the leader\nArguments against\n• Khrushchev released prisoners from the gulags\n").unwrap();
    let texts = [
        "Khrushchev released prisoners from the gulags.",
        "The NKVD kept control through fear.",
        "Propaganda praised the leader, and the secret police kept control.",
    ];
    let mut batch = String::new();
    for i in 0..700 {
        if i == 600 {
            batch.push_str("not json\n");
        } else {
            batch.push_str(&serde_json::json!({ "id": i, "text": texts[i % 3] }).to_string());
            batch.push('\n');
        }
    }
    let path = env.path("big.jsonl");
    std::fs::write(&path, batch).unwrap();
    let out = env.run(&[
        "feedback",
        "--scheme",
        scheme.to_str().unwrap(),
        "--jsonl",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "one bad line");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 700);
    let alone: Vec<serde_json::Value> = texts
        .iter()
        .map(|t| {
            let out = env.run_stdin(
                &[
                    "feedback",
                    "--scheme",
                    scheme.to_str().unwrap(),
                    "--format",
                    "json",
                    "-",
                ],
                Some(t),
            );
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect();
    for (i, l) in lines.iter().enumerate() {
        if i == 600 {
            assert!(l["id"].is_null() && l["error"].is_string(), "{l}");
            continue;
        }
        assert_eq!(l["id"], i, "line {i}");
        let mut report = l.clone();
        report.as_object_mut().unwrap().shift_remove("id");
        assert_eq!(report, alone[i % 3], "line {i}");
    }
    assert!(stderr(&out).contains(":601:"), "{}", stderr(&out));
}

#[test]
fn feedback_refuses_bad_essays_clearly() {
    let env = Env::new();
    let bin = env.path("bin.dat");
    std::fs::write(&bin, [0u8, 159, 146, 150, 0, 1]).unwrap();
    let bad_utf8 = env.path("latin1.txt");
    std::fs::write(&bad_utf8, b"caf\xe9 society").unwrap();
    for (p, expect) in [(&bin, "binary"), (&bad_utf8, "UTF-8")] {
        let out = env.run(&[
            "feedback",
            "--question",
            "aqa-2019-khrushchev-destalinisation-style-substance",
            p.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(expect), "{}", stderr(&out));
    }
    assert_eq!(
        env.run(&["feedback", "essay.txt"]).status.code(),
        Some(2),
        "needs --question or --scheme"
    );
}

#[test]
fn check_reports_the_two_seed_problems() {
    let env = Env::new();
    let out = env.ok(&["import", SEED]);
    assert!(out.contains("QA finding"), "{out}");
    let all_of_one = env.json(&["check", SEED_SLUG, "--format", "json"]);
    // The same shape for one question as for many: an array.
    assert_eq!(all_of_one.as_array().map(Vec::len), Some(1), "{all_of_one}");
    let r = all_of_one[0].clone();
    assert_eq!(r["slug"], SEED_SLUG);
    assert_eq!(r["slug"], SEED_SLUG);
    let findings = r["findings"].as_array().unwrap();
    let kinds: Vec<&str> = findings
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"judgement-mismatch"), "{kinds:?}");
    let office = findings
        .iter()
        .find(|f| f["kind"] == "office-conflict")
        .expect("office-conflict");
    assert_eq!(office["target"], "model_essay");
    assert!(
        office["sentence"]["text"]
            .as_str()
            .unwrap()
            .contains("Presidium in 1952")
    );
    for f in findings {
        for key in ["kind", "severity", "message", "target", "sentence"] {
            assert!(f.get(key).is_some(), "{key}");
        }
    }
    // The demo library checks clean of errors.
    let all = env.json(&["check", "--all", "--format", "json"]);
    for q in all.as_array().unwrap() {
        if q["slug"] == SEED_SLUG {
            continue;
        }
        assert!(
            q["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["severity"] != "error"),
            "{}",
            q["slug"]
        );
    }
}

#[test]
fn plans_are_generated_for_every_question_and_on_import_when_missing() {
    let env = Env::new();
    let list = env.json(&["list", "--format", "json"]);
    for slug in slugs(&list) {
        let plan = env.ok(&["plan", &slug]);
        assert!(
            plan.starts_with("## Introduction") && plan.contains("## Conclusion"),
            "{slug}"
        );
    }
    // A question imported without a plan gets a generated one, marked as generated.
    let dir = export_dir(&env, "exp");
    let q = walk(&dir)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let text = std::fs::read_to_string(&q).unwrap();
    let (head, rest) = text.split_once("# Plan").unwrap();
    let essay = rest.split_once("# Model essay").unwrap().1;
    let new = format!(
        "{}# Plan\n\n# Model essay{}",
        head.replace("slug = \"", "slug = \"noplan-"),
        essay
    );
    let file = env.path("noplan.md");
    std::fs::write(&file, new).unwrap();
    env.ok(&["import", file.to_str().unwrap()]);
    let slug = format!("noplan-{}", q.file_stem().unwrap().to_str().unwrap());
    let shown = env.json(&["show", &slug, "--format", "json"]);
    assert_eq!(shown["plan_generated"], true);
    assert!(
        shown["plan"]
            .as_str()
            .unwrap()
            .contains("## Arguments supporting the view")
    );
}

#[test]
fn codes_users_and_the_audit_log() {
    let env = Env::new();
    let out = env.ok(&[
        "codes",
        "create",
        "--pack",
        "board:AQA",
        "--count",
        "5",
        "--days",
        "30",
    ]);
    let codes: Vec<&str> = out.lines().collect();
    assert_eq!(
        codes.len(),
        5,
        "one code per line and nothing else: {out:?}"
    );
    for c in &codes {
        assert_eq!(c.len(), 23, "{c}");
        assert_eq!(c.matches('-').count(), 3, "{c}");
    }
    let bad = env.run(&["codes", "create", "--pack", "board:Nowhere", "--count", "1"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--pack"),
        "a clear error"
    );
    assert!(
        !env.run(&["codes", "create", "--pack", "all", "--count", "0"])
            .status
            .success()
    );

    let add = env.run_stdin(
        &[
            "users",
            "add",
            "Teacher@School.example",
            "--role",
            "editor",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let again = env.run_stdin(
        &["users", "add", "teacher@school.example", "--password-stdin"],
        Some("a long enough password\n"),
    );
    assert!(!again.status.success(), "the address is taken");
    let short = env.run_stdin(
        &["users", "add", "kid@school.example", "--password-stdin"],
        Some("short\n"),
    );
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    env.run_stdin(
        &["users", "add", "kid@school.example", "--password-stdin"],
        Some("a long enough password\n"),
    );
    env.ok(&[
        "users",
        "grant",
        "kid@school.example",
        "--pack",
        "all",
        "--days",
        "10",
    ]);
    let shown = env.ok(&["users", "show", "kid@school.example"]);
    assert!(shown.contains("all active until"), "{shown}");
    env.ok(&["users", "revoke", "kid@school.example", "--pack", "all"]);
    assert!(
        env.ok(&["users", "show", "kid@school.example"])
            .contains("all revoked")
    );
    assert!(
        !env.run(&["users", "revoke", "kid@school.example", "--pack", "all"])
            .status
            .success()
    );
    assert!(
        !env.run(&["users", "grant", "nobody@school.example", "--pack", "all"])
            .status
            .success()
    );

    let log = env.json(&["audit", "--format", "json"]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["revoke", "grant", "user.add", "user.add", "codes.create"]
    );
}

#[test]
fn the_first_start_prints_a_one_time_admin_link() {
    use std::io::BufRead;
    let env = Env::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_studypack"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("STUDYPACK_DATABASE_URL", env.db())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        first.starts_with("studypack is serving on http://127.0.0.1:"),
        "{first}"
    );
    assert!(second.contains("/setup?token="), "{second}");
    let token = second
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    assert_eq!(token.len(), 64);
    // Once an admin exists, no link is printed.
    env.run_stdin(
        &[
            "users",
            "add",
            "head@school.example",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_studypack"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("STUDYPACK_DATABASE_URL", env.db())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("studypack is serving"));
    child.kill().unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    child.wait().unwrap();
    assert!(rest.iter().all(|l| !l.contains("setup")), "{rest:?}");
}

mod crash;

/// `serve` logs warnings only unless asked (docs/deploy.md): no line per request.
#[test]
fn serve_logs_requests_only_when_asked() {
    use std::io::{BufRead, Read, Write};
    let env = Env::new();
    for (filter, expect_request_lines) in [(None, false), (Some("info"), true)] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_studypack"));
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .env("STUDYPACK_DATABASE_URL", env.db())
            .env_remove("STUDYPACK_LOG")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if let Some(f) = filter {
            cmd.env("STUDYPACK_LOG", f);
        }
        let mut child = cmd.spawn().unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let addr = first
            .split("http://")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        std::thread::sleep(std::time::Duration::from_millis(200));
        child.kill().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        child.wait().unwrap();
        assert_eq!(
            err.contains("/healthz"),
            expect_request_lines,
            "STUDYPACK_LOG={filter:?}: {err}"
        );
    }
}

/// `studypack moderated` prints the scripts a teacher has marked for a question as the JSON
/// lines calibration reads: the essay, the teacher's level (or mark) as the score and the
/// points they ticked; scripts without that figure are left out and counted.
#[test]
fn moderated_scripts_are_printed_for_calibration() {
    use studypack_store::{AccountStore, Attempt, ClassStore, PointTick, PracticeStore};
    let env = Env::new();
    env.ok(&["migrate"]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = studypack_store_sqlite::open(&env.db(), 1).await.unwrap();
        let teacher = store
            .create_user("t@example.com", "x", studypack_domain::Role::Student, 1)
            .await
            .unwrap();
        for (i, (level, mark)) in [(Some(3), Some(14)), (None, Some(9)), (Some(1), None)]
            .into_iter()
            .enumerate()
        {
            let id = store
                .submit_attempt(&Attempt {
                    id: 0,
                    user_id: teacher.id,
                    question_slug: SEED_SLUG.into(),
                    body: format!("Essay {i} on \"Stalin\"."),
                    level: Some(2),
                    covered: 1,
                    total: 10,
                    words: 4,
                    created_at: 10 + i as i64,
                    started_at: None,
                    assignment_id: None,
                })
                .await
                .unwrap();
            store
                .set_mark(id, level, mark, "", teacher.id, 20)
                .await
                .unwrap();
            let tick = |point: i64, made: bool| PointTick {
                point,
                text: format!("point {point}"),
                made,
                engine: "missing".into(),
            };
            store
                .set_points(
                    id,
                    &[tick(0, true), tick(1, false), tick(2, true)],
                    teacher.id,
                    20,
                )
                .await
                .unwrap();
        }
    });
    let out = env.run(&["moderated", "--question", SEED_SLUG]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "the script with only a mark is left out");
    assert_eq!(lines[0]["score"], 3);
    assert_eq!(lines[0]["text"], "Essay 0 on \"Stalin\".");
    assert_eq!(lines[0]["points"], serde_json::json!([0, 2]));
    assert_eq!(lines[1]["score"], 1);
    assert!(stderr(&out).contains("1 of 3 moderated scripts have no level"));
    let marks = env.ok(&["moderated", "--question", SEED_SLUG, "--score", "mark"]);
    let scores: Vec<i64> = marks
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["score"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(scores, vec![14, 9]);
    assert_eq!(env.ok(&["moderated", "--question", "no-such-question"]), "");
}

#[test]
fn reindex_records_a_change_of_everything() {
    let env = Env::new();
    let version = |out: &str| -> i64 {
        out.strip_prefix("library version ")
            .and_then(|r| r.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected output: {out}"))
    };
    let first = version(&env.ok(&["reindex"]));
    let second = version(&env.ok(&["reindex"]));
    assert_eq!(second, first + 1, "each reindex is a new library version");
}

/// Six unrelated points, and answers stating the first `i % 7` of them, marked a mark for
/// every two points (stricter than the engine's own a mark a point).
const CAL_POINTS: [&str; 6] = [
    "reparations imposed by the treaty crippled the economy",
    "hyperinflation destroyed middle class savings",
    "the depression brought mass unemployment",
    "propaganda spread through newspapers and radio",
    "paramilitary violence intimidated opponents",
    "backstairs intrigue among conservative elites",
];

fn cal_answer(k: usize) -> String {
    let mut text = String::from("The republic fell for several reasons. ");
    for p in CAL_POINTS.iter().take(k) {
        text.push_str(&format!("Above all, {p}. "));
    }
    text
}

fn write_calibration_inputs(env: &Env, n: usize) -> (PathBuf, PathBuf) {
    let scheme = env.path("scheme.txt");
    let body: String = CAL_POINTS.iter().map(|p| format!("- {p}\n")).collect();
    std::fs::write(&scheme, body).unwrap();
    let marked = env.path("marked.jsonl");
    let lines: String = (0..n)
        .map(|i| {
            serde_json::json!({"id": format!("a{i}"), "text": cal_answer(i % 7), "score": (i % 7) / 2})
                .to_string()
                + "\n"
        })
        .collect();
    std::fs::write(&marked, lines).unwrap();
    (scheme, marked)
}

#[test]
fn calibrate_learns_a_standard_and_feedback_uses_it_in_every_mode() {
    let env = Env::new();
    let (scheme, marked) = write_calibration_inputs(&env, 70);
    let (scheme, marked) = (scheme.to_str().unwrap(), marked.to_str().unwrap());
    let out_file = env.path("cal.json");
    let out = env.json(&[
        "calibrate",
        "--scheme",
        scheme,
        "--marked",
        marked,
        "--max-score",
        "3",
        "--out",
        out_file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let cv = &out["cross_validation"];
    let (cal_qwk, uncal_qwk) = (
        cv["calibrated"]["qwk"].as_f64().unwrap(),
        cv["uncalibrated"]["qwk"].as_f64().unwrap(),
    );
    assert!(cal_qwk > 0.95 && uncal_qwk < cal_qwk, "{cv}");
    assert_eq!(cv["calibrated"]["confusion"].as_array().unwrap().len(), 4);
    assert!(cv["calibrated"]["mae"].as_f64().is_some());
    let sizes: Vec<u64> = out["learning_curve"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["size"].as_u64().unwrap())
        .collect();
    assert_eq!(
        sizes,
        vec![25, 50],
        "sizes that leave answers to measure on"
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    let id = written["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("cal-"));
    assert_eq!(out["calibration"]["id"], id.as_str());
    assert!(!out["learned"].as_array().unwrap().is_empty());

    // The text table says what it measured, and how.
    let text = env.ok(&[
        "calibrate",
        "--scheme",
        scheme,
        "--marked",
        marked,
        "--max-score",
        "3",
    ]);
    for needle in [
        "What was learned:",
        "held out (5-fold cross-validation",
        "calibrated    QWK",
        "uncalibrated  QWK",
        "Learning curve",
        "not written",
    ] {
        assert!(text.contains(needle), "{needle:?} in {text}");
    }

    // Batches: every line carries the calibration and its mark.
    let batch = env.path("batch.jsonl");
    std::fs::write(
        &batch,
        [0, 2, 4, 6]
            .iter()
            .map(|&k| serde_json::json!({"id": k, "text": cal_answer(k)}).to_string() + "\n")
            .collect::<String>(),
    )
    .unwrap();
    let cal = out_file.to_str().unwrap();
    let lines = env.ok(&[
        "feedback",
        "--scheme",
        scheme,
        "--calibration",
        cal,
        "--jsonl",
        batch.to_str().unwrap(),
    ]);
    let scores: Vec<u64> = lines
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["calibration"]["id"], id.as_str());
            assert_eq!(v["calibration"]["version"], 1);
            v["calibration"]["score"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(
        scores,
        vec![0, 1, 2, 3],
        "a mark for every two points, as the teacher marks"
    );
    // One essay, as JSON and as text.
    let essay = env.path("essay.txt");
    std::fs::write(&essay, cal_answer(4)).unwrap();
    let one = env.json(&[
        "feedback",
        "--scheme",
        scheme,
        "--calibration",
        cal,
        "--format",
        "json",
        essay.to_str().unwrap(),
    ]);
    assert_eq!(one["calibration"]["score"], 2);
    let plain = env.ok(&[
        "feedback",
        "--scheme",
        scheme,
        "--calibration",
        cal,
        essay.to_str().unwrap(),
    ]);
    assert!(plain.contains("Calibrated mark 2"), "{plain}");
    // Without a calibration, no calibration key.
    let bare = env.json(&[
        "feedback",
        "--scheme",
        scheme,
        "--format",
        "json",
        essay.to_str().unwrap(),
    ]);
    assert!(bare.get("calibration").is_none());

    // Another scheme, or a damaged file, is refused with a reason.
    let other = env.path("other.txt");
    std::fs::write(&other, "- something else entirely\n").unwrap();
    let o = env.run(&[
        "feedback",
        "--scheme",
        other.to_str().unwrap(),
        "--calibration",
        cal,
        essay.to_str().unwrap(),
    ]);
    assert!(
        !o.status.success() && stderr(&o).contains("different mark scheme"),
        "{}",
        stderr(&o)
    );
    let mut damaged = written.clone();
    damaged["model"]["cuts"] = serde_json::json!([2.0, 1.0, 3.0]);
    damaged["model"]["kind"] = serde_json::json!("points");
    std::fs::write(&out_file, damaged.to_string()).unwrap();
    let o = env.run(&[
        "feedback",
        "--scheme",
        scheme,
        "--calibration",
        cal,
        essay.to_str().unwrap(),
    ]);
    assert!(
        !o.status.success() && stderr(&o).contains("the cuts must rise"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn calibrate_names_the_line_of_bad_input() {
    let env = Env::new();
    let (scheme, _) = write_calibration_inputs(&env, 1);
    let scheme = scheme.to_str().unwrap().to_string();
    let cases: [(&str, &str, &[&str]); 10] = [
        (
            "{\"id\": \"a\", \"text\": \"x\", \"score\": 1}\n{\"id\": \"a\", \"text\": \"y\", \"score\": 0}\n",
            "marked.jsonl:2: the id \"a\" is used twice",
            &[],
        ),
        (
            "{\"id\": \"a\", \"text\": \"x\", \"score\": \"two\"}\n",
            "marked.jsonl:1: the score \"two\" is not a number",
            &[],
        ),
        (
            "{\"id\": \"a\", \"text\": \"x\", \"score\": 1.5}\n",
            "marked.jsonl:1: the score 1.5 is not a whole number",
            &[],
        ),
        (
            "\n{\"id\": 1, \"text\": \"x\", \"score\": 4}\n",
            "marked.jsonl:2: the score 4 is outside the rubric",
            &["--max-score", "3"],
        ),
        (
            "{\"id\": 1, \"text\": \"x\", \"score\": 1}\n{\"id\": 2, \"text\": \"y\", \"score\": 0}\n",
            "fewer than the 5 folds",
            &["--max-score", "3"],
        ),
        (
            "{\"id\": 1, \"text\": \"x\", \"score\": 1}\n",
            "this scheme has no rubric: give its top mark (--max-score N; the highest in the file is 1)",
            &[],
        ),
        (
            "{\"id\": 1, \"text\": \"x\", \"score\": 1}\n",
            "--max-score 101 is above 100",
            &["--max-score", "101"],
        ),
        ("[1, 2]\n", "marked.jsonl:1: not a JSON object", &[]),
        (
            "{\"id\": 1, \"score\": 1}\n",
            "marked.jsonl:1: no \"text\" string",
            &[],
        ),
        (
            "{\"id\": 1, \"text\": \"x\", \"score\": 1, \"points\": [9]}\n",
            "marked.jsonl:1: \"points\" must list point numbers",
            &[],
        ),
    ];
    for (body, expected, extra) in cases {
        let marked = env.path("marked.jsonl");
        std::fs::write(&marked, body).unwrap();
        let mut args = vec![
            "calibrate",
            "--scheme",
            &scheme,
            "--marked",
            marked.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = env.run(&args);
        assert!(!o.status.success(), "{body}");
        assert!(
            stderr(&o).contains(expected),
            "{expected:?} in {}",
            stderr(&o)
        );
    }
    // A question with a rubric bounds the scores by its top mark.
    env.ok(&["import", "--publish-with-errors", SEED]);
    std::fs::write(
        env.path("marked.jsonl"),
        "{\"id\": 1, \"text\": \"x\", \"score\": 26}\n",
    )
    .unwrap();
    let o = env.run(&[
        "calibrate",
        "--question",
        SEED_SLUG,
        "--marked",
        env.path("marked.jsonl").to_str().unwrap(),
    ]);
    assert!(
        stderr(&o).contains(
            "marked.jsonl:1: the score 26 is outside the rubric: above the rubric's top mark, 25"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_calibration_is_stored_for_a_question_with_revisions() {
    let env = Env::new();
    env.ok(&["import", "--publish-with-errors", SEED]);
    let q = env.json(&["show", SEED_SLUG, "--format", "json"]);
    let bullets: Vec<String> = ["supporting", "challenging"]
        .iter()
        .flat_map(|s| q["mark_scheme"][s].as_array().unwrap().clone())
        .map(|b| b.as_str().unwrap().to_string())
        .collect();
    let marked = env.path("marked.jsonl");
    let lines: String = (0..40)
        .map(|i| {
            let k = i % 6;
            let text: String = bullets.iter().take(k).map(|b| format!("{b}. ")).collect();
            serde_json::json!({"id": i, "text": format!("Stalin and Khrushchev. {text}"), "score": (k * 4) as u32}).to_string() + "\n"
        })
        .collect();
    std::fs::write(&marked, lines).unwrap();
    let m = marked.to_str().unwrap();
    let out = env.ok(&[
        "calibrate",
        "--question",
        SEED_SLUG,
        "--marked",
        m,
        "--store",
    ]);
    assert!(out.contains("(version 1)"), "{out}");
    // `feedback --question` marks with the stored calibration, as the website does, unless
    // asked for the engine alone.
    let essay = env.path("essay.txt");
    std::fs::write(
        &essay,
        format!("Stalin and Khrushchev. {}. {}.", bullets[0], bullets[1]),
    )
    .unwrap();
    let essay = essay.to_str().unwrap();
    let marked_by = |extra: &[&str]| -> (serde_json::Value, String) {
        let mut args = vec!["feedback", "--question", SEED_SLUG, "--format", "json"];
        args.extend_from_slice(extra);
        args.push(essay);
        let o = env.run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        (serde_json::from_slice(&o.stdout).unwrap(), stderr(&o))
    };
    let (calibrated, said) = marked_by(&[]);
    assert_eq!(calibrated["calibration"]["version"], 1, "{calibrated}");
    assert!(said.contains("calibration, version 1"), "{said}");
    let (alone, _) = marked_by(&["--uncalibrated"]);
    assert!(alone.get("calibration").is_none(), "{alone}");
    let shown = env.run(&["calibration", "show", SEED_SLUG]);
    let active: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(active["version"], 1);
    assert_eq!(active["scale"], serde_json::json!([0, 25]));
    assert!(stderr(&shown).contains("revision 1"), "{}", stderr(&shown));
    // An edited file is stored as the next revision, with the id of what it now holds.
    let mut edited = active.clone();
    edited["model"]["intercept"] =
        serde_json::json!(edited["model"]["intercept"].as_f64().unwrap() + 0.5);
    let file = env.path("edited.json");
    std::fs::write(&file, edited.to_string()).unwrap();
    let put = env.ok(&["calibration", "put", SEED_SLUG, file.to_str().unwrap()]);
    assert!(put.contains("as version 2"), "{put}");
    let again: serde_json::Value =
        serde_json::from_slice(&env.run(&["calibration", "show", SEED_SLUG]).stdout).unwrap();
    assert_eq!(again["version"], 2);
    assert_ne!(again["id"], active["id"]);
    // Withdrawn: the question is marked uncalibrated, and the revisions say so.
    assert!(
        env.ok(&["calibration", "withdraw", SEED_SLUG])
            .contains("version 3")
    );
    let gone = env.run(&["calibration", "show", SEED_SLUG]);
    assert!(gone.stdout.is_empty());
    assert!(
        marked_by(&[]).0.get("calibration").is_none(),
        "a withdrawn calibration is not used"
    );
    let said = stderr(&gone);
    assert!(
        said.contains("no active calibration") && said.contains("revision 3 (withdrawn)"),
        "{said}"
    );
    // No such question.
    let o = env.run(&["calibration", "withdraw", "no-such-question"]);
    assert!(!o.status.success() && stderr(&o).contains("no question with slug 'no-such-question'"));
}
