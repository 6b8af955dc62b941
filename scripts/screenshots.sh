#!/usr/bin/env bash
# Regenerates the README's screenshots of report.html from the seed corpus:
#   docs/report-overview.png   the overview page
#   docs/report-story.png      the story of 000_a6270511e6b8fb87 and 002_8cef7475aeed4c23
# Needs Chromium (/usr/bin/chromium) and `npm ci` in tests/browser (see .ci/run).
# Usage: scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./target/release/neardup analyze seeds --out "$out" -q
node tests/browser/check_report.mjs "$out/report.html" --screenshot docs/report-overview.png >/dev/null
node tests/browser/check_report.mjs "$out/report.html" --story 000_a6270511e6b8fb87 \
  --screenshot docs/report-story.png >/dev/null
echo "wrote docs/report-overview.png docs/report-story.png"
