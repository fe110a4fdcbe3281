#!/usr/bin/env bash
# Feedback engine speed on one core: a 1,000-word essay against a 40-point scheme
# (bench/inputs/), criterion, then the Python TF-IDF coverage-only baseline on the same inputs.
# Usage: bash bench/run-feedback.sh
set -euo pipefail
cd "$(dirname "$0")/.."
taskset -c 0 cargo bench -p studypack-feedback --bench report -- --warm-up-time 3 --measurement-time 10 2>&1 | grep -E "^feedback/|time:|thrpt:"
taskset -c 0 python3 bench/tfidf_baseline.py bench/inputs/scheme40.txt bench/inputs/essay1000.txt --seconds 10
