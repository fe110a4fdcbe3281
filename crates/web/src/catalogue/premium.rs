//! The teaser of a premium model essay: what readers without the Study Pack see of it.
//! (Who may read the whole essay is `studypack_accounts::Access::can_read`.)

/// About sixty words from the start of the essay (at most a third of it, so a short essay is
/// not given away), ending at a word boundary, with an ellipsis.
pub fn teaser(essay: &str) -> Option<String> {
    let plain: String = essay
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = plain.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let n = words.len().min(60).min(words.len() / 3).max(1);
    let mut t = words[..n].join(" ");
    if n < words.len() {
        t.push('…');
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    #[test]
    fn teaser_is_sixty_words() {
        let essay = (1..=200)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let t = super::teaser(&format!("## Heading\n\n{essay}")).unwrap();
        assert_eq!(t.split_whitespace().count(), 60);
        assert!(t.ends_with("w60…"));
        assert!(!t.contains("w61"));
        assert_eq!(super::teaser("  "), None);
        // A short essay: a third of it at most.
        let short = super::teaser("one two three four five six seven eight nine").unwrap();
        assert_eq!(short, "one two three…");
    }
}
