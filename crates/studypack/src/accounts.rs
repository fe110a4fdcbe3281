//! `studypack codes`, `studypack users` and `studypack audit`.

use std::io::{BufRead, Write};

use anyhow::{Context, Result, anyhow, bail};
use studypack_accounts::{Accounts, now};
use studypack_domain::{PackScope, Role};

use crate::config::open_store;
use crate::{CodesCommand, Format, ScoreScale, UsersCommand};

fn scope(pack: &str) -> Result<PackScope> {
    pack.parse()
        .map_err(|e: studypack_domain::error::InvalidValue| anyhow!("--pack: {}", e.0))
}

pub async fn codes(db: Option<&str>, c: CodesCommand) -> Result<()> {
    let accounts = Accounts::new(open_store(db).await?);
    match c {
        CodesCommand::Create { pack, count, days } => {
            let codes = if pack == studypack_store::TEACHER_CODE_SCOPE {
                if days.is_some() {
                    bail!("--days: a teacher's code does not expire");
                }
                accounts.create_teacher_codes(count, None).await?
            } else {
                accounts
                    .create_codes(&scope(&pack)?, count, days, None)
                    .await?
            };
            let mut out = String::with_capacity(codes.len() * 24);
            for c in codes {
                out.push_str(&c);
                out.push('\n');
            }
            print!("{out}");
            Ok(())
        }
    }
}

pub async fn users(db: Option<&str>, c: UsersCommand) -> Result<()> {
    let store = open_store(db).await?;
    let accounts = Accounts::new(store.clone());
    match c {
        UsersCommand::Add {
            email,
            role,
            password_stdin,
        } => {
            let role: Role = role
                .parse()
                .map_err(|e: studypack_domain::error::InvalidValue| anyhow!("--role: {}", e.0))?;
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            let password = line.trim_end_matches(['\n', '\r']);
            let user = accounts.add_user(&email, password, role).await?;
            store
                .audit(
                    None,
                    "user.add",
                    Some(user.id),
                    &format!("{} as {}", user.email, user.role),
                    now(),
                )
                .await?;
            eprintln!("added {} ({})", user.email, user.role);
            Ok(())
        }
        UsersCommand::Grant { email, pack, days } => {
            let scope = scope(&pack)?;
            if days.is_some_and(|d| !(1..=36_500).contains(&d)) {
                bail!("--days must be from 1 to 36500");
            }
            let e = accounts
                .grant(&email, &scope, days.map(|d| now() + d * 86_400), None)
                .await?;
            eprintln!(
                "granted {} to {email} (entitlement {})",
                scope.describe(),
                e.id
            );
            Ok(())
        }
        UsersCommand::Revoke { email, pack } => {
            let scope = scope(&pack)?.to_string().to_lowercase();
            let user = accounts.user(&email).await?;
            let mut n = 0;
            for e in accounts.entitlements(&user).await? {
                if e.scope.to_lowercase() == scope
                    && e.revoked_at.is_none()
                    && accounts.revoke(e.id, None).await?
                {
                    n += 1;
                }
            }
            if n == 0 {
                bail!("{email} holds no pack {scope} to revoke");
            }
            eprintln!("revoked {n} pack(s) {scope} from {email}");
            Ok(())
        }
        UsersCommand::Show { email } => {
            let user = accounts.user(&email).await?;
            println!("{} ({})", user.email, user.role);
            let at = now();
            for e in accounts.entitlements(&user).await? {
                let state = if e.revoked_at.is_some() {
                    "revoked"
                } else if e.active_at(at) {
                    "active"
                } else {
                    "expired"
                };
                let until = e
                    .expires_at
                    .map(|x| format!(" until {x}"))
                    .unwrap_or_default();
                println!("  #{} {} {state}{until} ({})", e.id, e.scope, e.source);
            }
            Ok(())
        }
    }
}

pub async fn audit(db: Option<&str>, limit: u32, format: Format) -> Result<()> {
    let store = open_store(db).await?;
    let log = store.audit_log(limit).await?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&log)?),
        Format::Text => {
            for e in log {
                let actor = e
                    .actor_id
                    .map(|a| format!("user {a}"))
                    .unwrap_or_else(|| "command line".into());
                let whom = e.user_id.map(|u| format!(" user {u}")).unwrap_or_default();
                println!("{} {} by {actor}{whom}: {}", e.at, e.action, e.detail);
            }
        }
    }
    Ok(())
}

/// `studypack moderated`: a question's moderated scripts as JSON lines.
pub async fn moderated(db: Option<&str>, question: &str, scale: ScoreScale) -> Result<()> {
    let store = open_store(db).await?;
    let scripts = store.moderated_scripts(question).await?;
    let mut out = std::io::stdout().lock();
    let mut left_out = 0;
    for s in &scripts {
        let score = match scale {
            ScoreScale::Level => s.level,
            ScoreScale::Mark => s.mark,
        };
        let Some(score) = score else {
            left_out += 1;
            continue;
        };
        let line = serde_json::json!({
            "id": format!("attempt-{}", s.attempt_id),
            "text": s.body,
            "score": score,
            "level": s.level,
            "mark": s.mark,
            "points": s.points.iter().filter(|p| p.made).map(|p| p.point).collect::<Vec<_>>(),
        });
        writeln!(out, "{line}")?;
    }
    if left_out > 0 {
        eprintln!(
            "{left_out} of {} moderated scripts have no {} and are left out",
            scripts.len(),
            match scale {
                ScoreScale::Level => "level",
                ScoreScale::Mark => "mark",
            }
        );
    }
    Ok(())
}
