//! A small, safe Markdown renderer for plans and essays: paragraphs, `##`/`###` headings and
//! `-` lists. All text is escaped; no raw HTML passes through.

use studypack_search::escape;

/// Renders `text`; `##` becomes `<h{base}>`, `###` `<h{base+1}>`.
pub fn render(text: &str, base: u8) -> String {
    let mut out = String::new();
    for block in studypack_domain::text::paragraphs(text) {
        let lines: Vec<&str> = block.lines().collect();
        if lines.iter().all(|l| l.trim_start().starts_with("- ")) {
            out.push_str("<ul>");
            for l in lines {
                out.push_str(&format!("<li>{}</li>", escape(l.trim_start()[2..].trim())));
            }
            out.push_str("</ul>\n");
            continue;
        }
        let first = lines[0].trim_start();
        let hashes = first.bytes().take_while(|&b| b == b'#').count();
        if hashes >= 2 && first[hashes..].starts_with(' ') && lines.len() == 1 {
            let level = (base as usize + hashes - 2).min(6);
            out.push_str(&format!(
                "<h{level}>{}</h{level}>\n",
                escape(first[hashes..].trim())
            ));
            continue;
        }
        out.push_str(&format!("<p>{}</p>\n", escape(&lines.join(" "))));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_and_escapes() {
        let html = super::render(
            "## Big <b>idea</b>\n\nA & B.\n\n- one\n- <two>\n\n### 1. Sub",
            3,
        );
        assert_eq!(
            html,
            "<h3>Big &lt;b&gt;idea&lt;/b&gt;</h3>\n<p>A &amp; B.</p>\n<ul><li>one</li><li>&lt;two&gt;</li></ul>\n<h4>1. Sub</h4>\n"
        );
    }
}
