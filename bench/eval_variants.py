"""Essay variants for every demo question, through `studypack feedback`: what the engine gives
each (level, flags, stances) beside what a teacher would expect, and whether they agree.

Usage: python3 bench/eval_variants.py BINARY DATABASE_URL   (the database holds the demo library)
Prints a Markdown table per question and a summary line; exits 1 if a variant misbehaves.

The variants (the model essay is assessed as for a student without the Study Pack):
  as written        the model essay                     a level, no flag that caps it
  plain headings    '## X' lines as plain 'X' lines      the same level and conclusion
  one side removed  body paragraphs that make any covered point of the minority side cut
                                                         balance 'one-sided' or 'leans-*' (the flag 'one-sided'
                                                         with the first), a level below as written
  no conclusion     everything from the conclusion on cut 'no-conclusion', conclusion absent
  unmarked ending   the conclusion's heading and opener ('In conclusion,' …) removed
                                                         the conclusion read as written
  partly valid      conclusion replaced by "…the view is partly valid…"
                                                         conclusion balanced, no 'no-judgement', a level
  only partly valid conclusion replaced by "…the view is only partly valid…"
                                                         conclusion disagrees (a limiter, docs/feedback.md),
                                                         no 'no-judgement', a level
  opposite ending   conclusion replaced by the opposite judgement
                                                         read as the opposite; 'inconsistent-judgement'
                                                         when the introduction took the original side
  another question  the model essay of a question of the other period
                                                         'off-topic', no level
  scheme terms      the mark scheme's bullets as a list of words
                                                         'list-not-prose' (or 'too-short'), level <= 2
  scheme pasted     the mark scheme's bullets as sentences  'copied-mark-scheme', level 1
"""

import json
import re
import subprocess
import sys
import tempfile

BIN, DB = sys.argv[1], sys.argv[2]
ENV = {"STUDYPACK_DATABASE_URL": DB, "PATH": "/usr/bin:/bin"}


def run(*args):
    out = subprocess.run([BIN, *args], capture_output=True, text=True, env=ENV)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: {out.stderr}")
    return out.stdout


def report(slug, text):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
    return json.loads(run("feedback", "--question", slug, "--without-model-essay", "--format", "json", f.name))


def paragraphs(text):
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def conclusion_start(text):
    m = re.search(r"^#+\s*Conclusion.*$", text, flags=re.M | re.I)
    if m:
        return m.start()
    paras = paragraphs(text)
    return text.rfind(paras[-1])


def opposite(stance):
    return {"agrees": "disagrees", "disagrees": "agrees"}.get(stance, "disagrees")


ENDINGS = {
    "agrees": "In conclusion, I agree with the view: the evidence for it is stronger than the evidence against it, so the view is valid.",
    "disagrees": "In conclusion, I disagree with the view: the evidence against it is stronger than the evidence for it, so the view is not valid.",
}

PARTLY = "In conclusion, the view is partly valid: the evidence for it is strong in places, but the evidence against it carries as much weight."
ONLY_PARTLY = "In conclusion, the view is only partly valid: there is evidence for it, but the evidence against it is stronger."

slugs = [l.split()[0] for l in run("list").splitlines() if l.strip() and l.split()[0].count("-") > 2]
questions = {s: json.loads(run("show", s, "--format", "json")) for s in slugs}
tudor = lambda s: "tudor" in questions[s]["topic_slug"]

failures = 0
total = 0
for slug in slugs:
    q = questions[slug]
    essay = q["model_essay"]
    if not essay:
        continue
    base = report(slug, essay)
    level = base["level"]["level"]
    concl = base["judgement"]["conclusion"]
    variants = []

    def check(name, text, expect, ok):
        r = report(slug, text)
        variants.append((name, r, expect, ok(r)))

    check("as written", essay, "a level, conclusion clear",
          lambda r: r["level"]["level"] is not None and r["judgement"]["conclusion"] in ("agrees", "disagrees", "balanced"))
    check("plain headings", re.sub(r"^#+\s*", "", essay, flags=re.M), f"level {level}, conclusion {concl}",
          lambda r: r["level"]["level"] == level and r["judgement"]["conclusion"] == concl)
    # One side removed: cut the body paragraphs that make any covered point of the side the
    # essay argues less (the introduction and conclusion are kept as written).
    minority_starts = set()
    minority = "challenging" if base["coverage"]["supporting"]["covered"] >= base["coverage"]["challenging"]["covered"] else "supporting"
    for p in base["points"]:
        if p["status"] == "covered" and p["side"] == minority:
            minority_starts.update(e["start"] for e in p["evidence"])
    start = conclusion_start(essay)
    kept = []
    offset = 0
    for para in paragraphs(essay):
        at = essay.find(para, offset)
        offset = at + len(para)
        if 0 < at < start and any(at <= pos < offset for pos in minority_starts):
            continue
        kept.append(para)
    one_sided = "\n\n".join(kept)
    check("one side removed", one_sided, f"one-sided or leaning, level below {level}",
          lambda r: r["balance"]["verdict"] in ("one-sided", "leans-supporting", "leans-challenging")
          and (r["level"]["level"] or 0) < (level or 0))
    check("no conclusion", essay[:start].rstrip(), "no-conclusion, conclusion absent",
          lambda r: "no-conclusion" in r["flags"] and r["judgement"]["conclusion"] == "absent")
    unmarked = re.sub(r"^#+\s*Conclusion.*\n+", "", essay, flags=re.M | re.I)
    unmarked = re.sub(r"^#+\s*", "", unmarked, flags=re.M)
    unmarked = re.sub(r"(^|\n\n)(In conclusion|Overall|To conclude|In summary|Ultimately),\s*(\w)",
                      lambda m: m.group(1) + m.group(3).upper(), unmarked)
    check("unmarked ending", unmarked, f"conclusion {concl}",
          lambda r: r["judgement"]["conclusion"] == concl)
    for name, ending, stance in (("partly valid", PARTLY, "balanced"),
                                 ("only partly valid", ONLY_PARTLY, "disagrees")):
        check(name, essay[:start].rstrip() + "\n\n" + ending,
              f"conclusion {stance}, no no-judgement, a level",
              lambda r, stance=stance: r["judgement"]["conclusion"] == stance
              and "no-judgement" not in r["flags"] and r["level"]["level"] is not None)
    flip = opposite(concl)
    intro = base["judgement"]["introduction"]
    check("opposite ending", essay[:start].rstrip() + "\n\n" + ENDINGS[flip],
          f"conclusion {flip}" + (", inconsistent-judgement" if intro == concl else ""),
          lambda r: r["judgement"]["conclusion"] == flip
          and (intro != concl or "inconsistent-judgement" in r["flags"]))
    other = next(s for s in slugs if tudor(s) != tudor(slug) and questions[s]["model_essay"])
    check("another question", questions[other]["model_essay"], "off-topic, no level",
          lambda r: "off-topic" in r["flags"] and r["level"]["level"] is None)
    bullets = q["mark_scheme"]["supporting"] + q["mark_scheme"]["challenging"] + q["mark_scheme"]["neutral"]
    words = sorted({w for b in bullets for w in re.findall(r"[A-Za-z]{5,}", b)})
    check("scheme terms", "\n".join(words[:120]), "list-not-prose or too-short, level <= 2",
          lambda r: any(f in r["flags"] for f in ("list-not-prose", "too-short")) and (r["level"]["level"] or 0) <= 2)
    check("scheme pasted", " ".join(b.rstrip(".") + "." for b in bullets), "copied-mark-scheme, level 1",
          lambda r: "copied-mark-scheme" in r["flags"] and r["level"]["level"] == 1)

    print(f"\n### {slug}\n")
    print("| variant | level | conclusion | balance | flags | a teacher expects | as expected |")
    print("|---|---|---|---|---|---|---|")
    for name, r, expect, ok in variants:
        total += 1
        failures += not ok
        print(f"| {name} | {r['level']['level']} | {r['judgement']['conclusion']} | {r['balance']['verdict']} | {', '.join(r['flags']) or '—'} | {expect} | {'yes' if ok else '**no**'} |")

print(f"\nvariants: {total - failures} of {total} as a teacher would expect")
sys.exit(1 if failures else 0)
