#!/usr/bin/env bash
# `npm run bench`: build, then run the side-by-side benchmark (writes bench/RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build.mjs
node bench/run.mjs
