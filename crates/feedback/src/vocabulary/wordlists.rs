//! Word lists: stop words, British→American spelling, and the cue words of analysis,
//! narrative and judgement. Written for this project.

/// Function words that carry no content.
pub(crate) const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "became",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "eg",
    "etc",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "ie",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "quite",
    "rather",
    "s",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "thus",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "however",
    "therefore",
    "although",
    "though",
    "whilst",
    "despite",
    "instead",
    "still",
    "many",
    "several",
    "often",
    "whereas",
    "called",
    "known",
    "well",
    "way",
    "ways",
    "made",
    "make",
    "makes",
    "used",
    "use",
    "using",
    "like",
    "get",
    "got",
    "goes",
    "go",
    "went",
    "another",
    "first",
    "second",
    "third",
    "last",
    "next",
    "new",
    "less",
    "least",
    "already",
    "around",
    "among",
    "amongst",
    "always",
    "never",
    "thing",
    "things",
    "lot",
    "lots",
];

static STOP_SET: std::sync::LazyLock<crate::fx::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| STOP_WORDS.iter().copied().collect());

pub(crate) fn is_stop(word: &str) -> bool {
    STOP_SET.contains(word)
}

const OUR_WORDS: &[&str] = &[
    "labour",
    "honour",
    "favour",
    "behaviour",
    "colour",
    "vigour",
    "rumour",
    "harbour",
    "neighbour",
    "armour",
    "endeavour",
    "humour",
    "odour",
    "parlour",
    "rigour",
    "saviour",
    "splendour",
    "tumour",
    "valour",
    "vapour",
    "clamour",
    "fervour",
    "ardour",
];

/// Words ending in -ise/-yse that are not British spellings of -ize/-yze words.
const ISE_EXCEPTIONS: &[&str] = &[
    "advertise",
    "advise",
    "chastise",
    "circumcise",
    "comprise",
    "compromise",
    "concise",
    "demise",
    "despise",
    "devise",
    "disguise",
    "enterprise",
    "excise",
    "exercise",
    "expertise",
    "franchise",
    "improvise",
    "merchandise",
    "noise",
    "otherwise",
    "paradise",
    "poise",
    "praise",
    "precise",
    "premise",
    "promise",
    "raise",
    "revise",
    "rise",
    "arise",
    "sunrise",
    "supervise",
    "surmise",
    "surprise",
    "televise",
    "treatise",
    "wise",
    "likewise",
    "clockwise",
    "cruise",
    "bruise",
    "guise",
    "vise",
    "anise",
    "appraise",
    "incise",
    "reprise",
];

/// Maps British spellings to American ones so both stem alike: -ise/-isation → -ize/-ization,
/// -yse → -yze, -our → -or, -tre → -ter, -ence in defence/offence/licence → -ense.
pub(crate) fn americanise(word: &str) -> Option<String> {
    // Most words cannot change: skip them cheaply.
    let could = word.len() >= 4
        && (word.contains("our")
            || word.contains("is")
            || word.contains("ys")
            || word.contains("tre")
            || word.contains("ence")
            || word.contains("ll")
            || word.contains("gue")
            || word.contains("mme")
            || word.contains("eing")
            || word.contains("sce")
            || word.contains("manoeuv")
            || word.contains("gement")
            || word.ends_with("ise")
            || word == "grey"
            || word.ends_with("ol")
            || word.ends_with("il"));
    if !could {
        return None;
    }
    const SPECIAL: &[(&str, &str)] = &[
        ("defence", "defense"),
        ("offence", "offense"),
        ("licence", "license"),
        ("pretence", "pretense"),
        ("programme", "program"),
        ("programmes", "programs"),
        ("catalogue", "catalog"),
        ("dialogue", "dialog"),
        ("grey", "gray"),
        ("enrol", "enroll"),
        ("fulfil", "fulfill"),
        ("practise", "practice"),
        ("ageing", "aging"),
        ("travelled", "traveled"),
        ("travelling", "traveling"),
        ("labelled", "labeled"),
        ("cancelled", "canceled"),
        ("modelled", "modeled"),
        ("signalled", "signaled"),
        ("fuelled", "fueled"),
        ("levelled", "leveled"),
        ("manoeuvre", "maneuver"),
        ("manoeuvres", "maneuvers"),
        ("judgement", "judgment"),
        ("judgements", "judgments"),
        ("sceptical", "skeptical"),
        ("sceptic", "skeptic"),
        ("sceptics", "skeptics"),
    ];
    if let Some((_, us)) = SPECIAL.iter().find(|(gb, _)| *gb == word) {
        return Some(us.to_string());
    }
    // -our → -or in the words that have it (labour, honour, favour...), with their endings.
    for stem in OUR_WORDS {
        if let Some(rest) = word.strip_prefix(stem)
            && (rest.is_empty()
                || [
                    "s", "ed", "ing", "ite", "ites", "able", "ably", "er", "ers", "ism", "ist",
                    "ists", "less", "ful", "hood", "ly", "ial",
                ]
                .contains(&rest))
        {
            return Some(format!("{}or{rest}", &stem[..stem.len() - 3]));
        }
    }
    // -isation, -ise, -ised, -ises, -ising, -iser → z; -yse → -yze.
    for (gb, us) in [
        ("isation", "ization"),
        ("isations", "izations"),
        ("ise", "ize"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ising", "izing"),
        ("iser", "izer"),
        ("isers", "izers"),
        ("yse", "yze"),
        ("ysed", "yzed"),
        ("yses", "yzes"),
        ("ysing", "yzing"),
    ] {
        if let Some(stem) = word.strip_suffix(gb)
            && stem.len() >= 3
        {
            let base = format!("{stem}{}", if gb.starts_with('y') { "yse" } else { "ise" });
            if !ISE_EXCEPTIONS
                .iter()
                .any(|e| base.ends_with(e) && (base.len() == e.len() || e.len() >= 6))
            {
                return Some(format!("{stem}{us}"));
            }
        }
    }
    // -tre → -ter (centre, theatre, metre), not after a vowel-less stem like "spectre"? keep simple.
    for (gb, us) in [("tre", "ter"), ("tres", "ters")] {
        if let Some(stem) = word.strip_suffix(gb)
            && stem.len() >= 3
            && !stem.ends_with('s')
        {
            return Some(format!("{stem}{us}"));
        }
    }
    None
}

/// Words that show analysis rather than narrative.
pub(crate) const ANALYSIS_CUES: &[&str] = &[
    "because",
    "therefore",
    "thus",
    "consequently",
    "hence",
    "so",
    "since",
    "suggests",
    "suggest",
    "shows",
    "show",
    "demonstrates",
    "demonstrate",
    "indicates",
    "indicate",
    "reveals",
    "reflects",
    "implies",
    "meant",
    "means",
    "significant",
    "significance",
    "important",
    "importance",
    "crucial",
    "decisive",
    "however",
    "whereas",
    "although",
    "nevertheless",
    "nonetheless",
    "yet",
    "despite",
    "arguably",
    "evidence",
    "impact",
    "effect",
    "effects",
    "consequence",
    "consequences",
    "result",
    "reason",
    "reasons",
    "cause",
    "caused",
    "led",
    "extent",
    "degree",
    "outweigh",
    "outweighed",
    "outweighs",
    "contrast",
    "similarly",
    "likewise",
    "ultimately",
    "overall",
    "key",
    "factor",
    "factors",
    "limited",
    "why",
    "explains",
    "explain",
    "undermined",
    "strengthened",
    "weakened",
    "enabled",
    "allowed",
    "prevented",
    "valid",
    "validity",
    "convincing",
    "persuasive",
    "compared",
    "comparison",
    "continuity",
    "change",
];

/// What a word signals about the writing around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// One of [`ANALYSIS_CUES`].
    Analysis,
    /// One of [`NARRATIVE_CUES`].
    Narrative,
}

static SIGNALS: std::sync::LazyLock<crate::fx::FxHashMap<&'static str, Signal>> =
    std::sync::LazyLock::new(|| {
        let analysis = ANALYSIS_CUES.iter().map(|w| (*w, Signal::Analysis));
        let narrative = NARRATIVE_CUES.iter().map(|w| (*w, Signal::Narrative));
        analysis.chain(narrative).collect()
    });

/// What a normalised word signals, if anything.
pub(crate) fn signal(word: &str) -> Option<Signal> {
    SIGNALS.get(word).copied()
}

/// Words that mark narrative: telling what happened next.
pub(crate) const NARRATIVE_CUES: &[&str] = &[
    "then",
    "after",
    "afterwards",
    "later",
    "next",
    "subsequently",
    "following",
    "followed",
    "before",
    "when",
    "during",
    "until",
    "began",
    "ended",
];

/// Judgement cues: (phrase, weight). Positive agrees with the view, negative disagrees.
/// Phrases are matched on lowercase words; `not` and similar before a cue flip it.
pub(crate) const AGREE_CUES: &[(&str, f32)] = &[
    ("agree", 1.0),
    ("agrees", 1.0),
    ("valid", 1.0),
    ("accurate", 0.8),
    ("convincing", 0.8),
    ("persuasive", 0.8),
    ("correct", 0.8),
    ("is justified", 0.8),
    ("are justified", 0.8),
    ("be justified", 0.8),
    ("seems justified", 0.8),
    ("accept", 0.8),
    ("accepted", 0.8),
    ("largely true", 1.0),
    ("largely right", 1.0),
    ("holds true", 1.0),
    ("to a large extent", 1.0),
    ("to a great extent", 1.0),
    ("to a considerable extent", 1.0),
    ("above all", 0.6),
    ("most important", 0.6),
    ("decisive", 0.4),
    ("strongly supports", 1.0),
    ("is supported", 0.6),
    ("was responsible", 0.6),
    ("most significant", 0.6),
    ("the main reason", 0.6),
    ("the main cause", 0.6),
];

pub(crate) const DISAGREE_CUES: &[(&str, f32)] = &[
    ("disagree", 1.0),
    ("disagrees", 1.0),
    ("invalid", 1.0),
    ("inaccurate", 0.9),
    ("unconvincing", 0.9),
    ("overstates", 1.0),
    ("overstated", 1.0),
    ("overstate", 1.0),
    ("exaggerates", 1.0),
    ("exaggerated", 1.0),
    ("exaggeration", 1.0),
    ("misleading", 0.9),
    ("flawed", 0.8),
    ("limited extent", 1.0),
    ("only partly", 0.8),
    ("only partially", 0.8),
    ("only in part", 0.8),
    ("less important", 0.6),
    ("less significant", 0.6),
    ("secondary", 0.4),
    ("underestimates", 0.8),
    ("ignores", 0.5),
    ("far from", 0.6),
    ("fails to", 0.5),
    ("cannot be sustained", 1.0),
    ("reject", 1.0),
    ("rejected", 1.0),
    ("only to some extent", 0.8),
    ("only to an extent", 0.8),
    ("only up to a point", 0.8),
    ("not primarily", 1.0),
    ("not mainly", 1.0),
    ("not solely", 0.8),
    ("unpersuasive", 0.9),
    ("little validity", 1.0),
    ("limited validity", 1.0),
];

pub(crate) const BALANCED_CUES: &[&str] = &[
    "to some extent",
    "partly",
    "partially",
    "somewhat",
    "to an extent",
    "partially valid",
    "partly valid",
    "partially true",
    "partly true",
    "some validity",
    "mixed",
    "in part",
    "a degree of",
    "up to a point",
    "equally",
    "similar importance",
    "hard to separate",
];

static CUE_STARTS: std::sync::LazyLock<crate::fx::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        let agree = AGREE_CUES.iter().map(|(c, _)| *c);
        let disagree = DISAGREE_CUES.iter().map(|(c, _)| *c);
        let balanced = BALANCED_CUES.iter().copied();
        agree
            .chain(disagree)
            .chain(balanced)
            .filter_map(|cue| cue.split(' ').next())
            .collect()
    });

/// Whether a normalised word is the first word of a judgement cue.
pub(crate) fn starts_cue(word: &str) -> bool {
    CUE_STARTS.contains(word)
}

/// Cues that rank a factor: the main one (+1) or a lesser one (−1). With a view that names
/// one factor as the main one ("due above all to X", "X was the main reason"), such a cue
/// counts for the view when its clause names X and against it when the clause names another
/// thing (or denies X); "more … than" and "rather than" compare the two sides of the clause.
/// With any other view they count only as the plain cues listed above.
pub(crate) const PRIMACY_CUES: &[(&str, f32)] = &[
    ("most important", 1.0),
    ("most significant", 1.0),
    ("most serious", 1.0),
    ("most dangerous", 1.0),
    ("most responsible", 1.0),
    ("most influential", 1.0),
    ("real reason", 1.0),
    ("real cause", 1.0),
    ("real danger", 1.0),
    ("real threat", 1.0),
    ("primarily", 1.0),
    ("mainly", 1.0),
    ("chiefly", 1.0),
    ("largely", 1.0),
    ("mostly", 1.0),
    ("principally", 1.0),
    ("predominantly", 1.0),
    ("above all", 1.0),
    ("first and foremost", 1.0),
    ("came first", 1.0),
    ("mattered most", 1.0),
    ("mattered more", 1.0),
    ("more important", 1.0),
    ("more significant", 1.0),
    ("more serious", 1.0),
    ("more dangerous", 1.0),
    ("more responsible", 1.0),
    ("more influential", 1.0),
    ("more to blame", 1.0),
    ("responsible", 1.0),
    ("to blame", 1.0),
    ("less important", -1.0),
    ("less significant", -1.0),
    ("less serious", -1.0),
    ("less responsible", -1.0),
    ("less to blame", -1.0),
    ("least important", -1.0),
    ("mattered less", -1.0),
    ("secondary", -1.0),
    ("minor", -1.0),
];

/// Adjectives that rank a factor first when a ranking noun or a verb follows within two
/// words, or nothing does ("the decisive factor", "the main reason was", "was decisive"), but
/// not as plain adjectives ("the key statutes"). They count like the primacy cues.
pub(crate) const PRIMACY_ADJECTIVES: &[&str] = &[
    "main",
    "key",
    "chief",
    "principal",
    "primary",
    "decisive",
    "crucial",
    "fundamental",
    "greatest",
    "biggest",
    "gravest",
];

/// Nouns a ranking adjective ranks ("the main reason", "the greatest threat").
pub(crate) const RANKED_NOUNS: &[&str] = &[
    "reason",
    "reasons",
    "cause",
    "causes",
    "factor",
    "factors",
    "explanation",
    "threat",
    "challenge",
    "danger",
    "problem",
    "role",
    "driver",
    "motive",
    "force",
    "influence",
    "figure",
    "one",
    "contribution",
    "aim",
    "priority",
    "concern",
];

/// Words that end a clause for the primacy and claim rules (`because` only when not followed
/// by `of`).
pub(crate) const CLAUSE_BREAKS: &[&str] = &[
    "but", "although", "though", "while", "whereas", "however", "yet", "since", "because", "which",
    "who", "despite", "when", "whenever", "unless", "until", "so",
];

/// Phrases that state a case the writer goes on to weigh, not the writer's own position
/// ("There is a strong case that X was the main reason"): ranking and claims after them in
/// the sentence do not count.
pub(crate) const CONCESSION_FRAMES: &[&str] = &[
    "there is a case",
    "there is a strong case",
    "there is a good case",
    "it could be argued",
    "it can be argued",
    "it may be argued",
    "it is often argued",
    "it has been argued",
    "some historians",
    "historians have argued",
];

/// Evaluations of a view: a ranking adverb before one grades the evaluation ("largely
/// valid"), it does not rank a factor.
pub(crate) const EVALUATIONS: &[&str] = &[
    "valid",
    "invalid",
    "true",
    "right",
    "correct",
    "convincing",
    "unconvincing",
    "accurate",
    "inaccurate",
    "justified",
    "persuasive",
    "sound",
    "wrong",
    "mistaken",
    "agree",
    "disagree",
];

/// Phrases that assert what follows ("I would argue that X"): with a view naming a main
/// factor, a clause after one that names the factor, and has no other cue, agrees.
pub(crate) const ASSERTION_FRAMES: &[&str] = &[
    "i would argue that",
    "this essay will argue that",
    "this essay argues that",
    "it is clear that",
    "i believe that",
    "i would suggest that",
];

/// Words that neither name a factor nor the view's terms: what a judgement is phrased in.
pub(crate) const JUDGEMENT_WORDS: &[&str] = &[
    "reason",
    "reasons",
    "cause",
    "causes",
    "factor",
    "factors",
    "view",
    "essay",
    "argue",
    "argued",
    "conclusion",
    "conclude",
    "overall",
    "ultimately",
    "clear",
    "clearly",
    "important",
    "significant",
    "role",
    "extent",
    "valid",
    "true",
    "explanation",
    "thing",
    "things",
    "way",
    "part",
    "period",
    "year",
    "years",
    "time",
    "one",
    "anything",
    "something",
    "everything",
    "much",
    "far",
    "own",
    "question",
    "answer",
    "summary",
    "balance",
    "nevertheless",
    "nonetheless",
    "therefore",
    "thus",
    "hence",
    "certainly",
    "indeed",
    "also",
    "still",
    "arguably",
    "undoubtedly",
    "surely",
    "perhaps",
    "evidently",
    "consequently",
    "accordingly",
    "finally",
    "instead",
    "rather",
];

/// Words of a question's frame, not of its view ("To what extent…", "How far…").
pub(crate) const QUESTION_FRAME_WORDS: &[&str] = &[
    "extent", "far", "assess", "valid", "validity", "view", "agree", "year", "years", "how", "what",
];

/// Words that turn a cue around when they come just before it.
/// Apostrophes are removed from tokens, so contractions appear as "dont", "isnt".
pub(crate) const NEGATORS: &[&str] = &[
    "not", "no", "never", "neither", "nor", "hardly", "little", "cannot", "cant", "isnt", "wasnt",
    "arent", "werent", "doesnt", "didnt", "dont", "hasnt", "hadnt", "havent", "wont", "wouldnt",
    "couldnt", "shouldnt", "without",
];

/// Words that open a concluding sentence.
pub(crate) const CONCLUSION_OPENERS: &[&str] = &[
    "in conclusion",
    "to conclude",
    "overall",
    "in summary",
    "to sum up",
    "ultimately",
    "in the final analysis",
    "on balance",
    "therefore",
    "thus",
    "this essay argues",
    "this essay will argue",
    "it will argue",
    "this essay has argued",
];

/// Connectives that open a paragraph by adding to or turning from the one before ("However,
/// these strengths…", "Moreover, the agreements…"): such a paragraph continues the argument, so
/// its opening judgement does not by itself make it the conclusion. By meaning; the climactic
/// ones ("most importantly", and "most … of all" in `judgement.rs`) were added while looking at
/// the February Revolution essay's last body paragraph ("Most decisive of all, the war…").
pub(crate) const CONTINUING_CONNECTIVES: &[&str] = &[
    "however",
    "moreover",
    "furthermore",
    "nevertheless",
    "nonetheless",
    "also",
    "additionally",
    "in addition",
    "besides",
    "similarly",
    "likewise",
    "yet",
    "but",
    "finally",
    "secondly",
    "thirdly",
    "another",
    "most importantly",
    "most significantly",
    "most of all",
];

/// Words by which a sentence asserts that two things are the same ("both men…", "neither
/// leader…", "Khrushchev also…", "continued", "a shared aim"). For a view that there were
/// more similarities than differences (or the reverse), such a sentence argues the side of
/// the similarities.
pub(crate) const SAMENESS_CUES: &[&str] = &[
    "both",
    "neither",
    "also",
    "like",
    "alike",
    "likewise",
    "similar",
    "similarly",
    "same",
    "shared",
    "continued",
    "continuity",
    "echoed",
];

/// Words by which a sentence asserts that two things differ ("whereas", "in contrast",
/// "unlike", "differed"); "more … than" and "less … than" count too (see `sides`).
pub(crate) const CONTRAST_CUES: &[&str] = &[
    "whereas",
    "contrast",
    "unlike",
    "differed",
    "differ",
    "differs",
    "different",
    "contrasted",
    "departure",
];

/// Phrases by which a body sentence says it argues for the view ("The strongest case for the
/// view rests on…", "Stalin's supporters can also point to…").
pub(crate) const FOR_THE_VIEW: &[&str] = &[
    "case for the view",
    "evidence for the view",
    "in support of the view",
    "supports the view",
    "support the view",
    "supporting the view",
    "supporters of the view",
    "supporters can",
    "supporters of this view",
];

/// Phrases by which a body sentence says it argues against the view ("The case against the
/// view rests on…", "Yet these points are outweighed by…").
pub(crate) const AGAINST_THE_VIEW: &[&str] = &[
    "case against the view",
    "evidence against the view",
    "against the view",
    "challenges the view",
    "challenge the view",
    "challenging the view",
    "undermines the view",
    "critics of the view",
    "against this",
    "are outweighed",
    "is outweighed",
    "were outweighed",
    "was outweighed",
    "must be qualified",
    "should be qualified",
];

/// Words treated as equal when comparing a view's terms (after stemming).
pub(crate) const GENERAL_EQUIVALENTS: &[(&str, &str)] = &[
    ("alik", "similar"),
    ("similar", "similar"),
    ("likeness", "similar"),
    ("distinct", "differ"),
    ("distinction", "differ"),
    ("contrast", "differ"),
    ("continu", "similar"),
];

/// General English verbs that students use for one another in any subject, as groups (the
/// first word names the group): moving, leaving, joining and making. A scheme
/// point's word from a group is met by any word of the group ("travels to the ribosome" by
/// "moves to the ribosome", "bonded" by "joined"). Polysemous words whose other sense is common
/// in essays are left out ("pass" a law, "head" of state, "form" of government, "cut"), and so are
/// stop words ("go", "get").
/// The groups were written while looking at ASAP set 5's missed answers; see docs/feedback.md
/// for the sensitivity of its QWK to each group. Groups for rising and falling were tried and
/// left out: "decline" met by "drop" weakened an economic-decline point of a demo scheme.
pub(crate) const GENERAL_SYNONYMS: &[(&str, &[&str])] = &[
    ("travel", &["move"]),
    ("exit", &["leave", "depart"]),
    (
        "join",
        &["link", "bond", "attach", "connect", "bind", "combine"],
    ),
    ("make", &["create", "produce", "build"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals() {
        assert!(ANALYSIS_CUES.iter().all(|w| !NARRATIVE_CUES.contains(w)));
        assert_eq!(signal("because"), Some(Signal::Analysis));
        assert_eq!(signal("afterwards"), Some(Signal::Narrative));
        assert_eq!(signal("stalin"), None);
        assert!(starts_cue("agree") && starts_cue("to") && !starts_cue("stalin"));
    }

    #[test]
    fn stop_words() {
        assert!(is_stop("the") && is_stop("however") && !is_stop("stalin"));
    }

    #[test]
    fn british_spellings() {
        for (gb, us) in [
            ("labour", "labor"),
            ("organisation", "organization"),
            ("centralised", "centralized"),
            ("analyse", "analyze"),
            ("centre", "center"),
            ("defence", "defense"),
            ("favourite", "favorite"),
            ("honoured", "honored"),
        ] {
            assert_eq!(americanise(gb).as_deref(), Some(us), "{gb}");
        }
        for word in [
            "four",
            "hour",
            "your",
            "tour",
            "exercise",
            "surprise",
            "otherwise",
            "promise",
            "rise",
            "precise",
            "enterprise",
            "compromise",
            "labor",
            "centers",
        ] {
            assert_eq!(americanise(word), None, "{word}");
        }
    }
}
