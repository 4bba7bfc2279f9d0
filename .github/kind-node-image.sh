#!/usr/bin/env bash
# The kind leg's engine and node image: seedbed's engine (the runner's Docker, else a dockerd seedbed
# starts from Debian's docker.io), then kindest/node:<Kubernetes version pinned in tools/kubernetes>
# pulled where a registry answers, else seedbed's own image built offline from the pinned sources.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=$([ "$(id -u)" = 0 ] || echo sudo)
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if ((${#missing[@]})); then $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; fi
}
# no Docker answering: seedbed starts its own dockerd from docker.io
docker info >/dev/null 2>&1 || apt_install docker.io
out=$(npx seedbed engine up)
echo "$out"
export "$(echo "$out" | sed -n 's/^use it: *export //p')"
version=$(grep -oE 'k8s\.io/kubernetes v[0-9][^ ]*' tools/kubernetes/go.mod | head -1 | cut -d' ' -f2)
if docker image inspect "kindest/node:${version}" >/dev/null 2>&1 || docker pull "kindest/node:${version}"; then
  echo "using kindest/node:${version}"
else
  echo "kindest/node:${version} cannot be pulled here: building seedbed's node image offline"
  apt_install debootstrap libseccomp-dev pkg-config
  npx seedbed node-image build
fi
