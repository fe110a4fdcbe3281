//! A mark scheme prepared for matching: each point's terms with weights, glossary groups,
//! alternatives ("A or B"), optional parenthetical detail, and a fuzzy index for misspelt names.

use std::sync::Arc;

use crate::fx::FxHashMap;

use studypack_domain::{GlossaryEntry, MarkScheme, Side};

use crate::bits::{self, BitMatrix};
use crate::vocabulary::stems::{Idf, Lexicon, StemId};
use crate::vocabulary::tokens::{LexedToken, Parsed, scan};
use crate::vocabulary::wordlists::GENERAL_SYNONYMS;

/// Weight factor for terms the question itself uses: echoing the question is not evidence.
pub(super) const QUESTION_TERM_FACTOR: f32 = 0.3;
/// A point is judged against at most this many average terms: long points need not be matched whole.
pub(super) const NEED_TERMS: f32 = 3.5;

#[derive(Debug, Clone)]
pub(crate) struct Alternative {
    pub required: Vec<(u32, f32)>,
    pub optional: Vec<(u32, f32)>,
    pub need: f32,
    /// For each required term, whether the question (or view) does not use it: only such
    /// terms count towards the two distinct terms a covered point needs.
    pub specific: Vec<bool>,
    /// For each sibling point whose required terms are a subset of these, the terms that tell
    /// this point from it: a covered window holds one of each.
    pub distinguish: Vec<Vec<u32>>,
    /// Ordered pairs of terms ("from low to high", "glucose into glycogen"), as the stems of
    /// the first and the second: a window holding both only in the other order does not hold
    /// the second.
    pub order: Vec<(u32, StemId, u32, StemId)>,
}

#[derive(Debug, Clone)]
pub(crate) struct PreparedPoint {
    pub side: Side,
    pub bullet: usize,
    pub text: Arc<str>,
    pub alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone)]
struct GlossaryGroup {
    /// Stem sequences of the term and its aliases.
    phrases: Vec<Vec<StemId>>,
}

#[derive(Debug, Clone)]
pub(crate) struct PreparedScheme {
    pub points: Vec<PreparedPoint>,
    /// Pairs (a, b) of points whose required terms are a subset, a of b's: one statement
    /// earns one of them, not both.
    pub subsets: Vec<(usize, usize)>,
    /// Term id → display form (a stem, or the glossary term).
    pub term_names: Vec<Arc<str>>,
    /// Term id → the place of its name among the names sorted (equal names, equal places).
    pub name_rank: Vec<u32>,
    groups: Vec<(u32, GlossaryGroup)>,
    /// What the scheme does with each of its stems.
    stem_uses: FxHashMap<StemId, StemUse>,
    /// The stems of `stem_uses` as a bit set: most words of an essay are not among them, and a
    /// bit is quicker to test than a map.
    used_stems: Vec<u64>,
    /// (first char, length) → term ids, for near-miss spellings.
    fuzzy: FxHashMap<(char, usize), Vec<u32>>,
    pub bullets: usize,
}

/// What a scheme does with a stem.
#[derive(Debug, Clone, Default)]
struct StemUse {
    /// The term that is this stem.
    term: Option<u32>,
    /// Indexes into `groups` of the glossary groups with a phrase starting with this stem.
    groups: Vec<usize>,
}

/// For each sentence of a text (a row), the scheme terms it contains (columns).
pub(crate) type SentenceTerms = BitMatrix;

/// Splits a point's text into alternatives at " or " when each side has substance.
fn split_alternatives(text: &str) -> Vec<&str> {
    let parts: Vec<&str> = text.split(" or ").collect();
    if parts.len() > 1
        && parts.iter().all(|p| {
            p.split_whitespace()
                .filter(|w| !crate::vocabulary::wordlists::is_stop(&w.to_lowercase()))
                .count()
                >= 3
        })
    {
        parts
    } else {
        vec![text]
    }
}

/// A point's wordings with the teacher's aliases: `what materials to test (also: samples,
/// substances)` is also `what samples to test` and `what substances to test`. An `(also: …)`
/// list names other words for the word just before it, or, at the end of the point, for its
/// first key word (the first that is not a stop word). Without a list, the text as written.
pub(crate) fn with_aliases(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let Some(open) = lower.find("(also:") else {
        return vec![text.to_string()];
    };
    // `to_lowercase` can change byte lengths outside ASCII: then take the text as written.
    if lower.len() != text.len() || !text.is_char_boundary(open) {
        return vec![text.to_string()];
    }
    let Some(close) = text[open..].find(')').map(|c| open + c) else {
        return vec![text.to_string()];
    };
    let aliases: Vec<&str> = text[open + "(also:".len()..close]
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    let before = text[..open].trim_end();
    let after = text[close + 1..].trim();
    let base = if after.is_empty() {
        before.to_string()
    } else {
        format!("{before} {after}")
    };
    let word_spans = |t: &str| -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        let mut start = None;
        for (i, c) in t.char_indices() {
            if c.is_alphanumeric() || c == '\'' || c == '-' {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                v.push((s, i));
            }
        }
        if let Some(s) = start {
            v.push((s, t.len()));
        }
        v
    };
    let words = word_spans(before);
    let target = if after.is_empty() {
        words.iter().copied().find(|&(a, b)| {
            let w = before[a..b].to_lowercase();
            w.chars().count() >= 2 && !crate::vocabulary::wordlists::is_stop(&w)
        })
    } else {
        words.last().copied()
    };
    let mut out = vec![base];
    if let Some((a, b)) = target {
        for alias in aliases {
            let mut t = format!("{}{}{}", &before[..a], alias, &before[b..]);
            if !after.is_empty() {
                t.push(' ');
                t.push_str(after);
            }
            out.push(t);
        }
    }
    out
}

/// Byte ranges of parenthesised text.
fn parenthesised(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open = None;
    for (i, c) in text.char_indices() {
        match c {
            '(' if open.is_none() => open = Some(i),
            ')' => {
                if let Some(s) = open.take() {
                    out.push((s, i));
                }
            }
            _ => {}
        }
    }
    out
}

impl PreparedScheme {
    /// Prepares a scheme, reading its texts with `lexicon` (the question's).
    pub(crate) fn new(
        scheme: &MarkScheme,
        question_text: &str,
        glossary: &[GlossaryEntry],
        lexicon: &mut Lexicon,
        idf: &Idf,
    ) -> PreparedScheme {
        let mut term_index: FxHashMap<StemId, u32> = FxHashMap::default();
        // Other forms of a term's word (comparatives and base forms): (stem, term).
        let mut extra_forms: Vec<(StemId, u32)> = Vec::new();
        let mut term_names: Vec<Arc<str>> = Vec::new();

        // Glossary groups become single terms.
        let mut groups: Vec<(u32, GlossaryGroup)> = Vec::new();
        // The stems of each glossary group's phrases, for its weight.
        let mut glossary_keys: FxHashMap<u32, Vec<String>> = FxHashMap::default();
        // General English synonyms are groups too, after the question's own glossary; they
        // weigh as their commonest word (a group's document frequency is at least its
        // commonest word's), where a glossary group of names weighs as its rarest.
        let general: Vec<GlossaryEntry> = GENERAL_SYNONYMS
            .iter()
            .map(|(term, aliases)| GlossaryEntry {
                term: (*term).into(),
                aliases: aliases.iter().map(|a| (*a).into()).collect(),
            })
            .collect();
        let mut general_groups: Vec<u32> = Vec::new();
        for (gi, g) in glossary.iter().chain(&general).enumerate() {
            let mut phrases = Vec::new();
            let mut keys = Vec::new();
            for p in std::iter::once(&g.term).chain(g.aliases.iter()) {
                let an = scan(p, lexicon).resolve(lexicon);
                let content = an.tokens.iter().filter(|t| !t.stop);
                let seq: Vec<StemId> = content.clone().map(|t| t.stem_id).collect();
                if !seq.is_empty() {
                    phrases.push(seq);
                    keys.extend(content.map(|t| t.stem.to_string()));
                }
            }
            if phrases.is_empty() {
                continue;
            }
            term_names.push(g.term.as_str().into());
            let id = (term_names.len() - 1) as u32;
            glossary_keys.insert(id, keys);
            if gi >= glossary.len() {
                general_groups.push(id);
            }
            groups.push((id, GlossaryGroup { phrases }));
        }
        let mut group_first: FxHashMap<StemId, Vec<usize>> = FxHashMap::default();
        for (i, (_, g)) in groups.iter().enumerate() {
            for p in &g.phrases {
                group_first.entry(p[0]).or_default().push(i);
            }
        }

        let question = scan(question_text, lexicon).resolve(lexicon);
        let question_stems: Vec<String> = question
            .tokens
            .iter()
            .filter(|t| !t.stop)
            .map(|t| t.stem.to_string())
            .collect();

        // First pass: each point's raw terms, to count in how many points a term appears.
        struct RawAlt {
            required: Vec<u32>,
            optional: Vec<u32>,
            order: Vec<(u32, StemId, u32, StemId)>,
        }
        let mut raw_points: Vec<(Side, usize, String, Vec<RawAlt>)> = Vec::new();
        let mut point_df: FxHashMap<u32, u32> = FxHashMap::default();
        for p in scheme.points() {
            let mut alts = Vec::new();
            let mut all_terms: Vec<u32> = Vec::new();
            let wordings = with_aliases(&p.text);
            for alt_text in wordings.iter().flat_map(|w| split_alternatives(w)) {
                let an = scan(alt_text, lexicon).resolve(lexicon);
                let parens = parenthesised(alt_text);
                let mut required = Vec::new();
                let mut optional = Vec::new();
                let mut i = 0;
                let toks = &an.tokens;
                while i < toks.len() {
                    let t = &toks[i];
                    // Glossary phrase at this token?
                    let mut consumed = 0;
                    if let Some(cands) = group_first.get(&t.stem_id) {
                        for &gi in cands {
                            for phrase in &groups[gi].1.phrases {
                                let Some(len) = phrase_at(toks, i, phrase) else {
                                    continue;
                                };
                                if len > consumed {
                                    consumed = len;
                                    let in_paren =
                                        parens.iter().any(|&(a, b)| t.start > a && t.start < b);
                                    let id = groups[gi].0;
                                    if in_paren {
                                        optional.push(id)
                                    } else {
                                        required.push(id)
                                    }
                                }
                            }
                        }
                    }
                    if consumed > 0 {
                        i += consumed;
                        continue;
                    }
                    if !t.stop && (t.word.chars().count() >= 2 || t.numeric) {
                        let id = *term_index.entry(t.stem_id).or_insert_with(|| {
                            term_names.push(t.stem.into());
                            (term_names.len() - 1) as u32
                        });
                        let in_paren = parens.iter().any(|&(a, b)| t.start > a && t.start < b);
                        if in_paren {
                            optional.push(id)
                        } else {
                            required.push(id)
                        }
                    }
                    i += 1;
                }
                let order = ordered_pairs(toks, &term_index);
                required.sort_unstable();
                required.dedup();
                optional.sort_unstable();
                optional.dedup();
                optional.retain(|o| !required.contains(o));
                all_terms.extend(&required);
                all_terms.extend(&optional);
                alts.push(RawAlt {
                    required,
                    optional,
                    order,
                });
            }
            all_terms.sort_unstable();
            all_terms.dedup();
            for t in all_terms {
                *point_df.entry(t).or_insert(0) += 1;
            }
            raw_points.push((p.side, p.bullet, p.text.clone(), alts));
        }

        // A glossary group counts as a question word if any of its words is one.
        let in_question = |id: u32, term_names: &[Arc<str>]| -> bool {
            match glossary_keys.get(&id) {
                Some(stems) => stems.iter().any(|s| question_stems.contains(s)),
                None => question_stems
                    .iter()
                    .any(|q| **q == *term_names[id as usize]),
            }
        };
        let weight = |id: u32, term_names: &[Arc<str>]| -> f32 {
            let name = &term_names[id as usize];
            // A glossary group weighs as its rarest word.
            let base = match glossary_keys.get(&id) {
                Some(stems) if general_groups.contains(&id) => stems
                    .iter()
                    .map(|s| idf.weight(s))
                    .fold(f32::INFINITY, f32::min),
                Some(stems) => stems.iter().map(|s| idf.weight(s)).fold(0.0f32, f32::max),
                None => idf.weight(name),
            };
            let in_question = in_question(id, term_names);
            let df = point_df.get(&id).copied().unwrap_or(1).max(1) as f32;
            let specificity = 1.0 / df;
            let q = if in_question {
                QUESTION_TERM_FACTOR
            } else {
                1.0
            };
            base * specificity * q
        };

        let points = raw_points
            .into_iter()
            .map(|(side, bullet, text, alts)| {
                let alternatives: Vec<Alternative> = alts
                    .into_iter()
                    .map(|a| {
                        let required: Vec<(u32, f32)> = a
                            .required
                            .iter()
                            .map(|&t| (t, weight(t, &term_names)))
                            .collect();
                        let optional: Vec<(u32, f32)> = a
                            .optional
                            .iter()
                            .map(|&t| (t, weight(t, &term_names)))
                            .collect();
                        let total: f32 = required.iter().map(|r| r.1).sum();
                        let n = required.len().max(1) as f32;
                        let need = if required.is_empty() {
                            optional.iter().map(|o| o.1).sum::<f32>().max(f32::EPSILON)
                        } else {
                            total.min(NEED_TERMS * total / n)
                        };
                        let specific = a
                            .required
                            .iter()
                            .map(|&t| !in_question(t, &term_names))
                            .collect();
                        Alternative {
                            required,
                            optional,
                            need,
                            specific,
                            distinguish: Vec::new(),
                            order: a.order,
                        }
                    })
                    .collect();
                PreparedPoint {
                    side,
                    bullet,
                    text: text.into(),
                    alternatives,
                }
            })
            .collect();
        let mut points: Vec<PreparedPoint> = points;
        let subsets = near_duplicates(&mut points);
        // Comparatives and superlatives meet their base forms, for words the scheme writes in
        // lower case ("from low to high concentration" is met by "higher"; "the Great Bible"
        // is not met by "greater").
        let lower_written = lower_case_stems(scheme, lexicon);
        for &(form, base) in COMPARATIVES {
            let stem_of = |w: &str, lexicon: &mut Lexicon| {
                let an = scan(w, lexicon).resolve(lexicon);
                an.tokens.first().map(|t| t.stem_id)
            };
            let (Some(f), Some(b)) = (stem_of(form, lexicon), stem_of(base, lexicon)) else {
                continue;
            };
            for (from, to) in [(f, b), (b, f)] {
                if term_index.contains_key(&from) || !lower_written.contains(&to) {
                    continue;
                }
                if let Some(&term) = term_index.get(&to) {
                    extra_forms.push((from, term));
                }
            }
        }

        let mut fuzzy: FxHashMap<(char, usize), Vec<u32>> = FxHashMap::default();
        let mut stem_uses: FxHashMap<StemId, StemUse> = FxHashMap::default();
        for (stem, groups) in group_first {
            stem_uses.entry(stem).or_default().groups = groups;
        }
        for (&stem, &term) in &term_index {
            stem_uses.entry(stem).or_default().term = Some(term);
        }
        for &(stem, term) in &extra_forms {
            stem_uses.entry(stem).or_default().term.get_or_insert(term);
        }
        let mut used_stems = Vec::new();
        for &stem in stem_uses.keys() {
            bits::insert(&mut used_stems, stem as usize);
        }
        for &id in term_index.values() {
            let name = &term_names[id as usize];
            let n = name.chars().count();
            if n >= 5
                && let Some(c) = name.chars().next()
            {
                fuzzy.entry((c, n)).or_default().push(id);
            }
        }
        for v in fuzzy.values_mut() {
            v.sort_unstable();
        }
        let mut by_name: Vec<usize> = (0..term_names.len()).collect();
        by_name.sort_by(|&a, &b| term_names[a].cmp(&term_names[b]));
        let mut name_rank = vec![0u32; term_names.len()];
        for (place, &id) in by_name.iter().enumerate() {
            let same_as_before = place > 0 && term_names[by_name[place - 1]] == term_names[id];
            name_rank[id] = if same_as_before {
                name_rank[by_name[place - 1]]
            } else {
                place as u32
            };
        }
        PreparedScheme {
            points,
            subsets,
            term_names,
            name_rank,
            groups,
            stem_uses,
            used_stems,
            fuzzy,
            bullets: scheme.bullets.len(),
        }
    }

    /// For each sentence of a text, the terms it contains (exactly, through a glossary alias,
    /// or as a near-miss spelling of a scheme term).
    pub(crate) fn sentence_terms(&self, an: &Parsed) -> SentenceTerms {
        let mut out = SentenceTerms::new(an.sentences.len(), self.term_names.len());
        let mut near_misses: FxHashMap<StemId, Option<u32>> = FxHashMap::default();
        let toks = &an.tokens;
        for (i, t) in toks.iter().enumerate() {
            if t.stop {
                continue;
            }
            let s = t.sentence;
            let uses = bits::contains(&self.used_stems, t.stem_id as usize)
                .then(|| self.stem_uses.get(&t.stem_id))
                .flatten();
            if let Some(id) = uses.and_then(|u| u.term) {
                out.insert(s, id as usize);
            } else if !t.numeric && !t.known {
                let hit = *near_misses
                    .entry(t.stem_id)
                    .or_insert_with(|| self.near_miss(t.stem));
                if let Some(id) = hit {
                    out.insert(s, id as usize);
                }
            }
            for &gi in uses.map_or(&[][..], |u| &u.groups) {
                let (id, g) = &self.groups[gi];
                let sentence = &toks[..an.sentences[s].tokens.end];
                if g.phrases
                    .iter()
                    .any(|phrase| phrase_at(sentence, i, phrase).is_some())
                {
                    out.insert(s, *id as usize);
                }
            }
        }
        out
    }

    /// A scheme term one edit away from `stem`, a word the library does not know
    /// (misspelt names such as "Khruschev"). Only words of five letters or more.
    fn near_miss(&self, stem: &str) -> Option<u32> {
        let n = stem.chars().count();
        if n < 5 {
            return None;
        }
        let first = stem.chars().next()?;
        for len in [n, n - 1, n + 1] {
            if let Some(ids) = self.fuzzy.get(&(first, len)) {
                for &id in ids {
                    if within_one_edit(stem, &self.term_names[id as usize]) {
                        return Some(id);
                    }
                }
            }
        }
        None
    }
}

/// Comparatives and superlatives of common adjectives, and their base forms. Only lower-case
/// words of a scheme are met by their other forms, so a name ("the Great Bible") is not.
const COMPARATIVES: &[(&str, &str)] = &[
    ("higher", "high"),
    ("highest", "high"),
    ("lower", "low"),
    ("lowest", "low"),
    ("greater", "great"),
    ("greatest", "great"),
    ("larger", "large"),
    ("largest", "large"),
    ("smaller", "small"),
    ("smallest", "small"),
    ("bigger", "big"),
    ("biggest", "big"),
    ("faster", "fast"),
    ("fastest", "fast"),
    ("slower", "slow"),
    ("slowest", "slow"),
    ("stronger", "strong"),
    ("strongest", "strong"),
    ("weaker", "weak"),
    ("weakest", "weak"),
    ("longer", "long"),
    ("longest", "long"),
    ("shorter", "short"),
    ("shortest", "short"),
    ("wider", "wide"),
    ("widest", "wide"),
    ("deeper", "deep"),
    ("deepest", "deep"),
    ("warmer", "warm"),
    ("warmest", "warm"),
    ("colder", "cold"),
    ("coldest", "cold"),
    ("hotter", "hot"),
    ("hottest", "hot"),
    ("richer", "rich"),
    ("richest", "rich"),
    ("poorer", "poor"),
    ("poorest", "poor"),
    ("older", "old"),
    ("oldest", "old"),
    ("younger", "young"),
    ("youngest", "young"),
    ("heavier", "heavy"),
    ("heaviest", "heavy"),
    ("lighter", "light"),
    ("lightest", "light"),
];

/// The stems of the words a scheme writes in lower case somewhere.
fn lower_case_stems(scheme: &MarkScheme, lexicon: &mut Lexicon) -> Vec<StemId> {
    let mut out = Vec::new();
    for b in &scheme.bullets {
        let an = scan(&b.text, lexicon).resolve(lexicon);
        out.extend(an.tokens.iter().filter(|t| !t.capital).map(|t| t.stem_id));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Ordered pairs of a point's words: "from X to Y" and "X into Y" (the nearest content word
/// on each side), as (term, stem) of X and of Y.
fn ordered_pairs(
    toks: &[LexedToken],
    term_index: &FxHashMap<StemId, u32>,
) -> Vec<(u32, StemId, u32, StemId)> {
    let content = |t: &LexedToken| !t.stop && !t.numeric;
    let term = |t: &LexedToken| term_index.get(&t.stem_id).map(|&id| (id, t.stem_id));
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let (x, after) = match t.word {
            "from" => {
                let Some(to) = (i + 1..(i + 5).min(toks.len())).find(|&k| toks[k].word == "to")
                else {
                    continue;
                };
                (toks[i + 1..to].iter().find(|t| content(t)), to + 1)
            }
            "into" => (toks[..i].iter().rev().take(3).find(|t| content(t)), i + 1),
            _ => continue,
        };
        let y = toks[after.min(toks.len())..]
            .iter()
            .take(3)
            .find(|t| content(t));
        if let (Some(x), Some(y)) = (x.and_then(term), y.and_then(term))
            && x.0 != y.0
        {
            out.push((x.0, x.1, y.0, y.1));
        }
    }
    out
}

/// Finds the points whose required terms (in some wording) are a strict subset of another
/// point's (in some wording), gives the larger point's wording the terms that tell the two
/// apart, and returns the pairs (smaller, larger).
fn near_duplicates(points: &mut [PreparedPoint]) -> Vec<(usize, usize)> {
    let terms = |a: &Alternative| -> Vec<u32> { a.required.iter().map(|r| r.0).collect() };
    let mut pairs = Vec::new();
    let mut sets: Vec<(usize, usize, Vec<u32>)> = Vec::new();
    for b in 0..points.len() {
        for (bi, alt) in points[b].alternatives.iter().enumerate() {
            let bt = terms(alt);
            for (a, pa) in points.iter().enumerate() {
                if a == b {
                    continue;
                }
                for aa in &pa.alternatives {
                    let at = terms(aa);
                    if !at.is_empty() && at.len() < bt.len() && at.iter().all(|t| bt.contains(t)) {
                        let diff: Vec<u32> =
                            bt.iter().copied().filter(|t| !at.contains(t)).collect();
                        sets.push((b, bi, diff));
                        if !pairs.contains(&(a, b)) {
                            pairs.push((a, b));
                        }
                    }
                }
            }
        }
    }
    for (b, bi, diff) in sets {
        let d = &mut points[b].alternatives[bi].distinguish;
        if !d.contains(&diff) {
            d.push(diff);
        }
    }
    pairs
}

/// The number of tokens from `i` that spell `phrase` (its stems in order, stop words between
/// them skipped), if they do.
fn phrase_at(toks: &[LexedToken], i: usize, phrase: &[StemId]) -> Option<usize> {
    let mut j = i;
    let mut k = 0;
    while j < toks.len() && k < phrase.len() {
        if toks[j].stop {
            j += 1;
            continue;
        }
        if toks[j].stem_id != phrase[k] {
            return None;
        }
        j += 1;
        k += 1;
    }
    (k == phrase.len()).then_some(j - i)
}

/// Whether two words differ by at most one insertion, deletion, substitution or swap of neighbours.
pub(super) fn within_one_edit(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return one_edit(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    one_edit(&a, &b)
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let mut i = 0;
    while i < la.min(lb) && a[i] == b[i] {
        i += 1;
    }
    if la == lb {
        // substitution, or a swap of neighbours
        if a[i + 1..] == b[i + 1..] {
            return true;
        }
        return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..];
    }
    if la > lb {
        a[i + 1..] == b[i..]
    } else {
        a[i..] == b[i + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        assert!(within_one_edit("khruschev", "khrushchev"));
        assert!(within_one_edit("protien", "protein"));
        assert!(within_one_edit("condon", "codon"));
        assert!(!within_one_edit("stalin", "lenin"));
        assert!(!within_one_edit("abc", "abcde"));
    }

    #[test]
    fn alternatives_and_parentheses() {
        assert_eq!(split_alternatives("travels to the ribosome through the cytoplasm or enters the rough endoplasmic reticulum").len(), 2);
        assert_eq!(split_alternatives("Stalin or Khrushchev").len(), 1);
    }

    #[test]
    fn aliases_are_other_words_for_a_word() {
        assert_eq!(
            with_aliases("what materials to test (also: samples, substances)"),
            [
                "what materials to test",
                "what samples to test",
                "what substances to test"
            ]
        );
        assert_eq!(
            with_aliases("the amount (also: volume) of vinegar used"),
            ["the amount of vinegar used", "the volume of vinegar used"]
        );
        assert_eq!(with_aliases("no list here"), ["no list here"]);
        assert_eq!(with_aliases("(also: unclosed"), ["(also: unclosed"]);
        assert_eq!(with_aliases("(also: x)"), [""]);
        assert_eq!(
            with_aliases("Émigrés returned (also: exiles)")[1],
            "exiles returned"
        );
        assert_eq!(with_aliases("İİ (also: x)").len(), 1);
        assert_eq!(parenthesised("a (b) c (d e)"), vec![(2, 4), (8, 12)]);
    }
}
