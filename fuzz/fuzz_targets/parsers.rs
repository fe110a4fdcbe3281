//! Every parser of outside input on arbitrary bytes: errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use studypack_domain::authoring::{decode, parse_question, parse_topic, render_question};
use studypack_domain::page::parse_page;
use studypack_domain::scheme_text::parse_scheme_text;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode("fuzz", data) else { return };
    if let Ok(q) = parse_question("fuzz.md", text) {
        // What parses must survive the round trip.
        let again = parse_question("fuzz.md", &render_question(&q)).expect("a rendered question parses");
        assert_eq!(again, q);
    }
    let _ = parse_topic("fuzz.toml", text);
    let _ = parse_page("fuzz.txt", text);
    let _ = parse_scheme_text("fuzz.txt", text);
});
