#!/usr/bin/env bash
# `npm run test:e2e`: the provider, turn-loop, proxy and demo tests against a real llama.cpp server (both wire formats).
# Builds the server the first time (~10 minutes, cached in ~/.cache/contextwise-llm) and stops it
# at the end. Separate from `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build.mjs
LLM=../shared/tools/llm-server.sh
trap 'bash "$LLM" stop >/dev/null 2>&1 || true' EXIT
LLM_BASE=$(bash "$LLM" start | tail -n 1)
export LLM_BASE
echo "llm server: $LLM_BASE"
node --test --test-concurrency=1 tests/e2e/
