//! A mark scheme pasted as plain text, the way a teacher would: optional headings naming the
//! side ("Arguments supporting the view", "Challenging:", "Against"), bullets starting with
//! `-`, `*` or `•` (or numbered `1.`), sub-points separated by `;`.

use crate::error::ContentError;
use crate::model::{MarkScheme, SchemeBullet, Side};
use crate::text::normalise_label;

/// The text of a bullet line (`- x`, `* x`, `• x`, `1. x`, `2) x`), or `None` when the line is not a bullet.
pub fn bullet_text(line: &str) -> Option<&str> {
    let t = line.trim_start();
    for marker in ["- ", "* ", "• ", "– ", "· ", "▪ "] {
        if let Some(rest) = t.strip_prefix(marker) {
            return Some(rest.trim());
        }
    }
    if t == "-" || t == "*" || t == "•" {
        return Some("");
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let rest = &t[digits..];
        for marker in [". ", ") "] {
            if let Some(r) = rest.strip_prefix(marker) {
                return Some(r.trim());
            }
        }
    }
    None
}

/// The side a heading line names, if it names one.
pub fn heading_side(line: &str) -> Option<Side> {
    let h = normalise_label(
        line.trim()
            .trim_start_matches('#')
            .trim()
            .trim_end_matches(':'),
    );
    let has = |w: &str| h.split(' ').any(|x| x.starts_with(w));
    if has("challeng") || has("against") || has("disagree") || has("counter") || has("oppos") {
        Some(Side::Challenging)
    } else if has("support") || has("agree") || h == "for" || h.contains("for the view") {
        Some(Side::Supporting)
    } else if has("neutral") || has("other") {
        Some(Side::Neutral)
    } else {
        None
    }
}

fn looks_like_heading(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('#')
        || t.ends_with(':')
        || (t.split_whitespace().count() <= 8 && !t.contains(';') && !t.ends_with('.'))
}

/// Parses a plain-text mark scheme. Bullets before any side heading are neutral.
pub fn parse_scheme_text(file: &str, text: &str) -> Result<MarkScheme, ContentError> {
    let text = fold_bullets(text);
    let mut side = Side::Neutral;
    let mut bullets: Vec<SchemeBullet> = Vec::new();
    let mut in_bullet = false;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            in_bullet = false;
            continue;
        }
        if let Some(b) = bullet_text(t) {
            if !b.is_empty() {
                bullets.push(SchemeBullet {
                    side,
                    text: b.to_string(),
                });
                in_bullet = true;
            }
            continue;
        }
        if looks_like_heading(t) {
            if let Some(s) = heading_side(t) {
                side = s;
                in_bullet = false;
                continue;
            }
            if t.split_whitespace().count() <= 8 && !in_bullet {
                // A title such as "Extracts from Mark Schemes": not content.
                continue;
            }
        }
        let continues =
            line.starts_with([' ', '\t']) || t.chars().next().is_some_and(char::is_lowercase);
        match bullets.last_mut() {
            Some(b) if in_bullet && continues => {
                b.text.push(' ');
                b.text.push_str(t);
            }
            _ => {
                bullets.push(SchemeBullet {
                    side,
                    text: t.to_string(),
                });
                in_bullet = true;
            }
        }
    }
    let scheme = MarkScheme { bullets };
    if scheme.points().is_empty() {
        return Err(ContentError::new(
            file,
            "no mark-scheme points found: write one point per line, as '- point; sub-point'",
        ));
    }
    Ok(scheme)
}

fn fold_bullets(text: &str) -> String {
    text.replace('\r', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headed_bullets() {
        let s = parse_scheme_text(
            "t",
            "Extracts from Mark Schemes\n\nArguments supporting the view\n• a; b\n• c\n\nArguments challenging the view:\n- d; e\n* f\n",
        )
        .unwrap();
        assert_eq!(s.side(Side::Supporting).count(), 2);
        assert_eq!(s.side(Side::Challenging).count(), 2);
        assert_eq!(s.points().len(), 6);
    }

    #[test]
    fn unheaded_lines_are_neutral_points() {
        let s = parse_scheme_text("t", "Stalin used terror and purges against rivals.\nKhrushchev released prisoners from the gulags.\n").unwrap();
        assert_eq!(s.bullets.len(), 2);
        assert!(s.bullets.iter().all(|b| b.side == Side::Neutral));
    }

    #[test]
    fn continuation_lines_join_their_bullet() {
        let s = parse_scheme_text(
            "t",
            "For\n- one long point that\n  carries on here; and more\n",
        )
        .unwrap();
        assert_eq!(
            s.bullets[0].text,
            "one long point that carries on here; and more"
        );
    }

    #[test]
    fn empty_scheme_is_an_error() {
        assert!(parse_scheme_text("t", "  \n\n").is_err());
        assert!(parse_scheme_text("t", "Supporting:\n").is_err());
    }

    #[test]
    fn numbered_bullets() {
        assert_eq!(bullet_text("1. first"), Some("first"));
        assert_eq!(bullet_text("12) twelfth"), Some("twelfth"));
        assert_eq!(bullet_text("1941 was a year"), None);
    }
}
