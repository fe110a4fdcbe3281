#!/usr/bin/env python3
"""A plain TF-IDF matcher doing only the coverage part of essay feedback, as a speed baseline.

    python3 bench/tfidf_baseline.py SCHEME ESSAY [--seconds 5]

Each sub-point of the mark scheme and each sentence of the essay is a document. IDF is computed
over all of them; a point is covered when its best cosine similarity with any sentence is at
least 0.3. Every iteration does what a per-request matcher must: tokenise the essay, recompute
IDF (it depends on the essay's sentences), build the vectors and compare every point with every
sentence. Only the scheme's tokenising and its document counts are done once.
Python 3 standard library only.
"""

import argparse
import math
import re
import time
from collections import Counter

STOP_WORDS = frozenset("""
a an and are as at be been but by for from had has have he his in into is it its of on or
that the their them there these they this those to was were which who will with would
""".split())
NON_ALNUM = re.compile(r"[^a-z0-9]+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
THRESHOLD = 0.3


def tokenize(text):
    return [w for w in NON_ALNUM.split(text.lower()) if w and w not in STOP_WORDS]


def read_scheme(path):
    points = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith(("- ", "• ")):  # anything else is a heading
                points += [p.strip() for p in line[2:].split(";") if p.strip()]
    return points


def vector(counts, idf):
    return {t: n * idf[t] for t, n in counts.items()}


def norm(v):
    return math.sqrt(sum(w * w for w in v.values()))


def coverage(point_counts, point_df, essay):
    sentences = [Counter(tokenize(s)) for s in SENTENCE_END.split(essay) if s.strip()]
    df = Counter(point_df)
    for s in sentences:
        df.update(s.keys())
    n_docs = len(point_counts) + len(sentences)
    idf = {t: math.log((1 + n_docs) / (1 + d)) + 1 for t, d in df.items()}
    sent_vecs = [vector(s, idf) for s in sentences]
    sent_norms = [norm(v) for v in sent_vecs]
    covered = []
    for counts in point_counts:
        p = vector(counts, idf)
        p_norm = norm(p)
        best = 0.0
        for s, s_norm in zip(sent_vecs, sent_norms):
            if p_norm and s_norm:
                dot = sum(w * s.get(t, 0.0) for t, w in p.items())
                best = max(best, dot / (p_norm * s_norm))
        covered.append(best >= THRESHOLD)
    return covered


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scheme")
    ap.add_argument("essay")
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    points = read_scheme(args.scheme)
    with open(args.essay, encoding="utf-8") as f:
        essay = f.read()
    point_counts = [Counter(tokenize(p)) for p in points]  # the scheme, prepared once
    point_df = Counter(t for c in point_counts for t in c)
    iterations = 0
    start = time.perf_counter()
    while True:
        covered = coverage(point_counts, point_df, essay)
        iterations += 1
        elapsed = time.perf_counter() - start
        if elapsed >= args.seconds:
            break
    print(f"tfidf-baseline: {iterations / elapsed:.1f} reports/s "
          f"({iterations} iterations, {len(points)} points, {len(essay.split())} essay words)")
    print(f"covered: {sum(covered)} of {len(points)}")


if __name__ == "__main__":
    main()
