#!/usr/bin/env bash
# Build the real Heketi server from the source archive and patch in SRC_DIR
# (shared/heketi: heketi-src-e08cc22d.tar.gz, build.patch, shim/), as
# shared/heketi/README.md describes, into OUT_DIR/heketi.  Debian 12, root.
#   bash scripts/build-heketi.sh SRC_DIR OUT_DIR
set -euo pipefail
SRC=$(cd "$1" && pwd); OUT=$2
PKGS=(golang-go golang-github-gorilla-mux-dev golang-github-boltdb-bolt-dev golang-github-lpabon-godbc-dev
      golang-github-urfave-negroni-dev golang-github-spf13-cobra-dev golang-github-golang-jwt-jwt-dev
      golang-github-prometheus-client-golang-dev golang-golang-x-crypto-dev golang-github-go-ozzo-ozzo-validation.v4-dev)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
GOPATH=$(mktemp -d); trap 'rm -rf "$GOPATH"' EXIT
DEST=$GOPATH/src/github.com/heketi/heketi/v10
mkdir -p "$DEST" "$GOPATH/src/github.com/auth0/go-jwt-middleware" "$OUT"
tar -xzf "$SRC"/heketi-src-*.tar.gz -C "$DEST" --strip-components=1
(cd "$DEST" && patch -p1 -s < "$SRC/build.patch")
cp "$SRC/shim/jwtmiddleware.go" "$GOPATH/src/github.com/auth0/go-jwt-middleware/"
cd "$DEST"
GOPATH=$GOPATH:/usr/share/gocode GO111MODULE=off GOPROXY=off CGO_ENABLED=0 \
  go build -ldflags "-X main.HEKETI_VERSION=v10.4.1-1-ge08cc22d-localbuild" -o "$(cd "$OUT" && pwd)/heketi" .
echo "built $OUT/heketi"
