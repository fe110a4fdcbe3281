//! `kill -9` on both backends: a server killed under autosave load loses no acknowledged
//! save, and an import killed part way leaves the library as it was or complete.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use super::Env;

const PASSWORD: &str = "correct horse battery";

/// A database for one test: a SQLite file, or a new PostgreSQL database dropped at the end.
struct Db {
    url: String,
    admin: Option<(String, String)>,
}

impl Db {
    fn sqlite(env: &Env) -> Db {
        Db {
            url: env.db(),
            admin: None,
        }
    }

    fn postgres() -> Option<Db> {
        let base = std::env::var("STUDYPACK_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty());
        let Some(base) = base else {
            assert_ne!(
                std::env::var("STUDYPACK_REQUIRE_POSTGRES").as_deref(),
                Ok("1"),
                "STUDYPACK_REQUIRE_POSTGRES=1 but STUDYPACK_TEST_DATABASE_URL is not set"
            );
            return None;
        };
        let name = format!(
            "studypack_crash_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        psql(
            &base,
            &format!(
                "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            ),
        );
        let at = base.rfind('/').unwrap();
        Some(Db {
            url: format!("{}/{name}", &base[..at]),
            admin: Some((base, name)),
        })
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some((base, name)) = &self.admin
            && !std::thread::panicking()
        {
            psql(
                base,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
        }
    }
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn studypack(db: &Db, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_studypack"));
    c.args(args)
        .env("STUDYPACK_DATABASE_URL", &db.url)
        .env_remove("STUDYPACK_LOG")
        .stdin(Stdio::null());
    c
}

fn run_ok(db: &Db, args: &[&str], stdin: Option<&str>) -> String {
    use std::io::Write;
    let mut child = studypack(db, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        pipe.write_all(s.as_bytes()).unwrap();
    }
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Starts `serve` on a free port; returns the child and its base URL.
fn start_server(db: &Db) -> (Child, String) {
    let mut child = studypack(db, &["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .trim_end_matches('/')
        .to_string();
    // Keep reading standard output so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

async fn sign_in(client: &reqwest::Client, base: &str) -> String {
    let r = client
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"email": "writer@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

fn acknowledged_saves_survive(db: Db) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    run_ok(
        &db,
        &["users", "add", "writer@example.com", "--password-stdin"],
        Some(PASSWORD),
    );
    let slugs: Vec<String> = serde_json::from_str::<serde_json::Value>(&run_ok(
        &db,
        &["list", "--format", "json"],
        None,
    ))
    .unwrap()
    .as_array()
    .unwrap()
    .iter()
    .take(6)
    .map(|q| q["slug"].as_str().unwrap().to_string())
    .collect();
    assert_eq!(slugs.len(), 6);
    let client = reqwest::Client::new();
    // The highest sequence number acknowledged for each writer's draft, across all cycles.
    let acked: Arc<Vec<AtomicU64>> =
        Arc::new((0..slugs.len()).map(|_| AtomicU64::new(0)).collect());
    let mut total_acked = 0u64;
    let mut lost = 0;
    for cycle in 0..4u64 {
        let (mut server, base) = start_server(&db);
        let token = rt.block_on(sign_in(&client, &base));
        // Every acknowledged save from the cycles before is there after the restart.
        for (i, slug) in slugs.iter().enumerate() {
            let seen = rt.block_on(async {
                let r = client
                    .get(format!("{base}/api/v1/drafts/{slug}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                if r.status() == reqwest::StatusCode::NO_CONTENT {
                    return 0;
                }
                let v: serde_json::Value = r.json().await.unwrap();
                let body = v["body"].as_str().unwrap();
                body.split("save: ")
                    .nth(1)
                    .and_then(|r| r.split_whitespace().next())
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
            });
            if seen < acked[i].load(Ordering::SeqCst) {
                lost += 1;
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = slugs
            .iter()
            .enumerate()
            .map(|(i, slug)| {
                let (client, base, token, slug) = (client.clone(), base.clone(), token.clone(), slug.clone());
                let (acked, stop) = (acked.clone(), stop.clone());
                rt.spawn(async move {
                    let mut n = acked[i].load(Ordering::SeqCst);
                    let mut count = 0u64;
                    while !stop.load(Ordering::SeqCst) {
                        n += 1;
                        let text = format!("writer {i} save: {n} — Stalin and Khrushchev both ruled through the Party.");
                        let r = client
                            .put(format!("{base}/api/v1/drafts/{slug}"))
                            .bearer_auth(&token)
                            .json(&serde_json::json!({"text": text}))
                            .send()
                            .await;
                        match r {
                            Ok(r) if r.status().is_success() => {
                                acked[i].fetch_max(n, Ordering::SeqCst);
                                count += 1;
                            }
                            _ => break,
                        }
                    }
                    count
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(700 + 300 * cycle));
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        for w in writers {
            total_acked += rt.block_on(w).unwrap();
        }
    }
    assert!(
        total_acked >= 100,
        "the load was real: {total_acked} saves acknowledged"
    );
    assert_eq!(
        lost, 0,
        "acknowledged saves lost after kill -9 ({total_acked} acknowledged)"
    );
    eprintln!("kill -9: 4 cycles, {total_acked} saves acknowledged, {lost} lost");
}

fn killed_imports_change_all_or_nothing(env: &Env, db: Db) {
    // A folder of 600 question files, written by `export` from a synthetic library.
    let source = Db {
        url: format!("sqlite://{}", env.path("source.db").display()),
        admin: None,
    };
    run_ok(&source, &["bench-data", "--questions", "600"], None);
    let dir = env.path("export");
    run_ok(&source, &["export", dir.to_str().unwrap()], None);
    let count = |db: &Db| -> usize {
        serde_json::from_str::<serde_json::Value>(&run_ok(db, &["list", "--format", "json"], None))
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    let before = count(&db);
    let mut outcomes = Vec::new();
    for delay in [150u64, 400, 900, 1500] {
        let mut child = studypack(&db, &["import", dir.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        child.wait().unwrap();
        let now = count(&db);
        assert!(
            now == before || now >= before + 600,
            "after a kill at {delay} ms: {before} → {now}"
        );
        outcomes.push(now);
        if now != before {
            break;
        }
    }
    eprintln!("import killed at 150/400/900/1500 ms: {before} questions before, then {outcomes:?}");
    assert!(
        outcomes[0] == before,
        "the first kill (150 ms) came before the import finished"
    );
    // And the import, left to finish, is complete.
    run_ok(&db, &["import", dir.to_str().unwrap()], None);
    assert!(count(&db) >= before + 600, "{outcomes:?}");
}

#[test]
fn acknowledged_saves_survive_kill_9_sqlite() {
    let env = Env::new();
    acknowledged_saves_survive(Db::sqlite(&env));
}

#[test]
fn acknowledged_saves_survive_kill_9_postgres() {
    if let Some(db) = Db::postgres() {
        acknowledged_saves_survive(db);
    }
}

#[test]
fn a_killed_import_changes_all_or_nothing_sqlite() {
    let env = Env::new();
    let db = Db::sqlite(&env);
    killed_imports_change_all_or_nothing(&env, db);
}

#[test]
fn a_killed_import_changes_all_or_nothing_postgres() {
    let env = Env::new();
    if let Some(db) = Db::postgres() {
        killed_imports_change_all_or_nothing(&env, db);
    }
}
