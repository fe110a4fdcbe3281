//! The premium rule: a complete model essay is for Study Pack holders. Until accounts exist,
//! everyone gets the teaser.

/// About sixty words from the start of the essay, ending at a word boundary, with an ellipsis.
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
    let n = words.len().min(60);
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
    }
}
