//! Small text helpers shared by the parsers.

/// Replaces typographic punctuation with its ASCII form: curly quotes, dashes, ellipsis, NBSP.
pub fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => out.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => out.push('"'),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\u{00A0}' | '\u{2007}' | '\u{202F}' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A label for loose comparison: ASCII-folded, lowercased, hyphens and spaces unified, spaces collapsed.
pub fn normalise_label(s: &str) -> String {
    let folded = fold_ascii(s).to_lowercase();
    let mut out = String::with_capacity(folded.len());
    let mut space = false;
    for c in folded.chars() {
        let c = if c == '-' || c == '_' { ' ' } else { c };
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Counts words: runs of characters separated by white space.
pub fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Splits text into paragraphs at blank lines, each trimmed; empty ones dropped.
pub fn paragraphs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(cur.join("\n"));
                cur.clear();
            }
        } else {
            cur.push(line.trim_end());
        }
    }
    if !cur.is_empty() {
        out.push(cur.join("\n"));
    }
    out
}

/// Trims each line's end, drops leading and trailing blank lines, collapses runs of blank lines
/// to one and ends with no newline. The canonical form of a text body.
pub fn tidy_block(s: &str) -> String {
    paragraphs(s).join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_compare_loosely() {
        assert_eq!(
            normalise_label("Tsarist and Communist Russia, 1855–1964"),
            normalise_label("tsarist and communist  russia, 1855-1964")
        );
    }

    #[test]
    fn tidy_block_collapses_blank_runs() {
        assert_eq!(tidy_block("\n\n a  \n\n\n\nb\nc  \n\n"), " a\n\nb\nc");
    }
}
