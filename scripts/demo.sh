#!/usr/bin/env bash
# `npm run demo`: install what is missing, build pkg/, serve www/ on 127.0.0.1 and print the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build.mjs
exec node scripts/serve.mjs
