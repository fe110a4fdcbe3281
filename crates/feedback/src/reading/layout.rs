//! Paragraphs (prose, headings, bullets) and where sentences end.

const ABBREVIATIONS: &[&str] = &[
    "eg", "ie", "mr", "mrs", "ms", "dr", "st", "vs", "cf", "ca", "etc", "no", "gen", "col", "lt",
    "capt", "sgt", "rev", "jr", "sr", "vol", "pp", "approx", "fig",
];

pub(super) fn paragraph_spans(text: &str) -> Vec<(usize, usize)> {
    // Blank lines separate paragraphs; if there are none but several lines, each line is one.
    let mut spans = Vec::new();
    let mut para_start: Option<usize> = None;
    let mut last_end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content_end = offset + line.trim_end().len();
        if line.trim().is_empty() {
            if let Some(s) = para_start.take() {
                spans.push((s, last_end));
            }
        } else {
            if para_start.is_none() {
                para_start = Some(offset + (line.len() - line.trim_start().len()));
            }
            last_end = content_end;
        }
        offset += line.len();
    }
    if let Some(s) = para_start {
        spans.push((s, last_end));
    }
    if spans.len() == 1 {
        let (s, e) = spans[0];
        let lines: Vec<(usize, usize)> = line_spans(text, s, e);
        if lines.len() >= 3 {
            return lines;
        }
    }
    // Split out bullet and heading lines inside a paragraph.
    let mut out = Vec::new();
    for (s, e) in spans {
        let lines = line_spans(text, s, e);
        if lines.len() > 1
            && lines
                .iter()
                .any(|&(a, b)| is_bullet(&text[a..b]) || is_heading(&text[a..b]))
        {
            let mut cur: Option<(usize, usize)> = None;
            for (a, b) in lines {
                let l = &text[a..b];
                if is_bullet(l) || is_heading(l) {
                    if let Some(c) = cur.take() {
                        out.push(c);
                    }
                    out.push((a, b));
                } else {
                    cur = Some(match cur {
                        Some((cs, _)) => (cs, b),
                        None => (a, b),
                    });
                }
            }
            if let Some(c) = cur {
                out.push(c);
            }
        } else {
            out.push((s, e));
        }
    }
    out
}

fn line_spans(text: &str, s: usize, e: usize) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut off = s;
    for line in text[s..e].split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() {
            let lead = line.len() - line.trim_start().len();
            v.push((off + lead, off + lead + t.len()));
        }
        off += line.len();
    }
    v
}

pub(super) fn is_bullet(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") || {
        let d = t.bytes().take_while(u8::is_ascii_digit).count();
        (1..=2).contains(&d) && (t[d..].starts_with(". ") || t[d..].starts_with(") "))
    }
}

pub(super) fn is_heading(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// The most words a heading written as a plain line has. A principle, not a fit: section
/// headings are phrases ("Similarities in Leadership and Control", 5 words); a line of more
/// words without a full stop is a sentence that lost its punctuation. Sensitivity in
/// `docs/feedback.md`.
pub(crate) const MAX_HEADING_WORDS: usize = 10;

/// A heading written as students paste it, without `#`: one short line standing alone, that
/// starts with a capital or a section number, ends without sentence punctuation, and is
/// followed by prose (not by another such line or a bullet). `**Conclusion**` counts too.
pub(super) fn is_plain_heading(line: &str, next: &str) -> bool {
    let t = line.trim().trim_matches(|c| c == '*' || c == '_').trim();
    if t.is_empty() || line.contains('\n') || t.starts_with("- ") || t.starts_with("* ") {
        return false;
    }
    let words = t.split_whitespace().count();
    let first = t.chars().next().unwrap_or(' ');
    let last = t.chars().next_back().unwrap_or('.');
    let next = next.trim();
    words <= MAX_HEADING_WORDS
        && (first.is_uppercase() || first.is_ascii_digit())
        && !matches!(last, '.' | '!' | '?' | ';' | ',' | '"' | '\u{201D}' | '\'' | '\u{2019}' | ')')
        && !is_heading(next)
        && !is_bullet(next)
        // The next paragraph is prose: longer than a heading, or punctuated as a sentence.
        && (next.split_whitespace().count() > MAX_HEADING_WORDS
            || next.ends_with(['.', '!', '?']))
}

/// Whether the word before a full stop (`e.g`, `Mr`, `J`) makes the stop part of an
/// abbreviation or an initial rather than the end of a sentence.
fn is_abbreviation(before: &str) -> bool {
    let word = before.trim_end_matches('.');
    if !word.is_ascii() {
        let lower = word.to_lowercase();
        let plain: String = lower.chars().filter(|c| *c != '.').collect();
        return ABBREVIATIONS.contains(&plain.as_str())
            || (lower.chars().count() == 1 && lower.chars().all(char::is_alphabetic));
    }
    if word.len() == 1 && word.as_bytes()[0].is_ascii_alphabetic() {
        return true;
    }
    // The word without its inner full stops, lowercased; every abbreviation fits.
    let mut plain = [0u8; 8];
    let mut n = 0;
    for b in word.bytes().filter(|&b| b != b'.') {
        if n == plain.len() {
            return false;
        }
        plain[n] = b.to_ascii_lowercase();
        n += 1;
    }
    ABBREVIATIONS.iter().any(|a| a.as_bytes() == &plain[..n])
}

/// Byte offsets where sentences end inside a paragraph.
pub(super) fn sentence_ends(text: &str, start: usize, end: usize) -> Vec<usize> {
    let s = &text[start..end];
    let bytes = s.as_bytes();
    let mut ends = Vec::new();
    let mut from = 0;
    // The marks are ASCII, so a byte search finds them (and only at character boundaries).
    while let Some(at) = memchr::memchr3(b'.', b'!', b'?', &bytes[from..]) {
        let i = from + at;
        let c = bytes[i] as char;
        from = i + 1;
        let mut j = i + 1;
        // closing quotes and brackets stay with the sentence
        while j < s.len() {
            let nc = s[j..].chars().next().unwrap_or(' ');
            if matches!(
                nc,
                '"' | '\'' | '\u{2019}' | '\u{201D}' | ')' | ']' | '.' | '!' | '?'
            ) {
                j += nc.len_utf8();
            } else {
                break;
            }
        }
        if j >= s.len() {
            break;
        }
        let next = s[j..].chars().next().unwrap_or(' ');
        let boundary = if next.is_whitespace() {
            s[j..].trim_start().chars().next().is_some_and(|n| {
                n.is_uppercase()
                    || n.is_ascii_digit()
                    || matches!(
                        n,
                        '"' | '\u{2018}' | '\u{201C}' | '(' | '\'' | '-' | '•' | '*'
                    )
            })
        } else {
            // "ribosome.The": no space, but a capital after a real word.
            c == '.'
                && next.is_uppercase()
                && i >= 3
                && bytes[i - 1].is_ascii_lowercase()
                && bytes[i - 2].is_ascii_lowercase()
        };
        if !boundary {
            continue;
        }
        // Abbreviations and initials do not end sentences.
        if c == '.' {
            let word_start = s[..i]
                .char_indices()
                .rev()
                .find(|&(_, ch)| !ch.is_alphanumeric() && ch != '.')
                .map(|(p, ch)| p + ch.len_utf8())
                .unwrap_or(0);
            if is_abbreviation(&s[word_start..i]) {
                continue;
            }
        }
        ends.push(start + j);
        from = j;
    }
    ends.push(end);
    ends
}

#[cfg(test)]
mod tests {
    use super::is_plain_heading;

    const PROSE: &str = "Both men held the dual positions of head of government and party leader.";

    #[test]
    fn plain_headings() {
        for h in [
            "Conclusion",
            "Similarities in Leadership and Control",
            "1. Leadership style",
            "**Conclusion**",
            "Differences: Style and Approach",
        ] {
            assert!(is_plain_heading(h, PROSE), "{h}");
        }
        for not in [
            // A sentence, even a short one.
            "Stalin ruled by terror.",
            // Lower case: the end of a broken line, not a heading.
            "and the purges continued",
            // Too long to be a heading: a sentence without its full stop.
            "Overall I agree with the view that they were more similar than different in the end",
            "- a bullet",
            "",
        ] {
            assert!(!is_plain_heading(not, PROSE), "{not}");
        }
        // Followed by another heading-like line or a bullet: a list, not a heading.
        assert!(!is_plain_heading("Causes", "Economic problems"));
        assert!(!is_plain_heading("Causes", "- economic problems"));
    }
}
