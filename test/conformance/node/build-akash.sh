#!/usr/bin/env bash
# Builds the real Akash node (`akash`, module pkg.akt.dev/node/v2) from the Go module proxy, for the
# conformance tests. Nothing from Akash is copied into the project: a throw-away wrapper module
# requires the pinned version and repeats that version's own `replace` block, read from its go.mod
# with `go mod download -json` + `go mod edit -json` (the Go command refuses `go install mod@ver` for
# modules that have replaces, so the wrapper is the one way to build it as a dependency).
#
# Usage: build-akash.sh [VERSION]     (default: the pinned version below; `latest` asks the proxy)
# Prints progress on stderr and, at the end, the path of the binary on stdout.
# The binary and the libwasmvm shared library it links are cached in
#   ${EDGE_CACHE_DIR:-$HOME/.cache/edge}/akash-node/<VERSION>/
# so a second run costs seconds. Exit codes: 0 ok, 1 build failed, 2 usage,
# 69 the Go module proxy here does not serve the node module (nothing can be built on this machine).
set -euo pipefail

# Mainnet has run v2.1.0 since the Mainnet 18 upgrade (2026-06); provider v0.x requires the same.
PINNED_VERSION=v2.1.0
MODULE=pkg.akt.dev/node/v2
EX_UNAVAILABLE=69

log() { printf '[build-akash %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $1"; exit "${2:-1}"; }

[[ $# -le 1 ]] || die "usage: build-akash.sh [VERSION]" 2
VERSION=${1:-$PINNED_VERSION}

# 69 (unavailable), like a refused module: the suite then skips the real-node backend with this reason.
command -v go >/dev/null || die "go is not on PATH (need Go >= 1.26)" 69
command -v gcc >/dev/null || die "gcc is not on PATH (cgo links libwasmvm)" 69
command -v node >/dev/null || die "node is not on PATH (used to read go's JSON output)"

# The node's go.mod names go 1.26.x; never let the go command fetch another toolchain on its own.
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
export GOFLAGS=${GOFLAGS:--mod=mod}
export CGO_ENABLED=1

case "$(uname -m)" in
  x86_64) WASMVM_LIB=libwasmvm.x86_64.so ;;
  aarch64 | arm64) WASMVM_LIB=libwasmvm.aarch64.so ;;
  *) die "unsupported CPU $(uname -m): wasmvm ships shared libraries for x86_64 and aarch64 only" ;;
esac

# Reads one field of a JSON document on stdin (go prints JSON; jq is not on every machine).
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];process.stdout.write(v==null?"":String(v))})' "$1"; }

# Turns a `go mod download/list` failure into the right exit code: a proxy that refuses the module
# is a fact about this machine, not a build failure, and callers report it differently.
proxy_refused() {
  grep -q -E 'not permitted|module-host allowlist|This module version is not available|403 Forbidden|410 Gone' "$1"
}

CACHE_ROOT=${EDGE_CACHE_DIR:-$HOME/.cache/edge}/akash-node

if [[ $VERSION == latest ]]; then
  out=$(mktemp)
  if ! VERSION=$(cd "$(mktemp -d)" && go list -m -f '{{.Version}}' "$MODULE@latest" 2>"$out"); then
    cat "$out" >&2
    proxy_refused "$out" && die "the Go module proxy refuses $MODULE on this machine" $EX_UNAVAILABLE
    die "could not resolve $MODULE@latest"
  fi
  rm -f "$out"
  log "latest is $VERSION"
fi
[[ $VERSION =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || die "not a module version: $VERSION" 2

DEST=$CACHE_ROOT/$VERSION
GOVER=$(go env GOVERSION)
STAMP="module=$MODULE version=$VERSION go=$GOVER tags=netgo,osusergo"

# Warm path: a stamp written by a finished build of the same version with the same Go, and a binary
# that still runs (it loads libwasmvm through its $ORIGIN rpath).
if [[ -x $DEST/akash && -f $DEST/$WASMVM_LIB && -f $DEST/stamp ]] &&
  [[ $(head -n1 "$DEST/stamp") == "$STAMP" ]] && "$DEST/akash" version >/dev/null 2>&1; then
  log "cached: $DEST/akash ($(head -n1 "$DEST/stamp"))"
  printf '%s\n' "$DEST/akash"
  exit 0
fi

started=$(date +%s)
mkdir -p "$CACHE_ROOT"
WORK=$(mktemp -d "$CACHE_ROOT/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ERR=$WORK/go.err

log "building $MODULE@$VERSION with $GOVER (cold build: expect 10+ minutes on 2 cores)"

# 1. The module's own go.mod, straight from the proxy.
log "downloading $MODULE@$VERSION"
if ! dl=$(cd "$WORK" && go mod download -json "$MODULE@$VERSION" 2>"$ERR"); then
  cat "$ERR" >&2
  printf '%s\n' "$dl" >&2
  if proxy_refused "$ERR" || printf '%s' "$dl" | proxy_refused /dev/stdin; then
    die "the Go module proxy refuses $MODULE@$VERSION on this machine (host not on its allowlist); the real node cannot be built here" $EX_UNAVAILABLE
  fi
  die "go mod download $MODULE@$VERSION failed"
fi
UPSTREAM_GOMOD=$(printf '%s' "$dl" | json_field GoMod)
[[ -f $UPSTREAM_GOMOD ]] || die "go mod download gave no go.mod for $MODULE@$VERSION"

# 2. The wrapper module: same go directive, the node as its only requirement, the same replaces.
mkdir -p "$WORK/wrapper"
cd "$WORK/wrapper"
go mod init edge.local/akash-node-build >/dev/null 2>&1
upstream_json=$(go mod edit -json "$UPSTREAM_GOMOD")
go_directive=$(printf '%s' "$upstream_json" | json_field Go)
[[ -n $go_directive ]] && go mod edit -go="$go_directive"
go mod edit -require="$MODULE@$VERSION"

# One `old[@v]=new[@v]` per line; a replace by a local directory cannot be repeated outside the
# module's own tree, so it is reported and left out (none in v2.x).
replaces=$(printf '%s' "$upstream_json" | node -e '
  let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    for (const r of JSON.parse(s).Replace ?? []) {
      const old = r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : "")
      const neu = r.New.Path + (r.New.Version ? "@" + r.New.Version : "")
      process.stdout.write((r.New.Version ? "" : "LOCAL ") + old + "=" + neu + "\n")
    }
  })')
count=0
while IFS= read -r line; do
  [[ -z $line ]] && continue
  if [[ $line == LOCAL\ * ]]; then
    log "skipping a replace by a local directory: ${line#LOCAL }"
    continue
  fi
  go mod edit -replace="$line"
  count=$((count + 1))
done <<<"$replaces"
log "wrapper go.mod: go $go_directive, requires $MODULE $VERSION, $count replace directives copied"

# 3. Resolve the build list (adds the node's requirements and go.sum lines, checked against the
#    checksum database like any other download).
log "resolving dependencies (go get)"
if ! go get "$MODULE/cmd/akash@$VERSION" 2>"$ERR"; then
  tail -n 40 "$ERR" >&2
  proxy_refused "$ERR" && die "the Go module proxy refuses a module that $MODULE@$VERSION needs (see above); the real node cannot be built here" $EX_UNAVAILABLE
  die "go get $MODULE/cmd/akash@$VERSION failed"
fi

# 4. Build. No `muslc` (its static library is not in any Go module) and no `ledger` (no hardware
#    wallets in tests): wasmvm then links the libwasmvm shared library that its Go module ships.
#    $ORIGIN makes the binary find the copy placed next to it, wherever the cache moves.
sdk=github.com/cosmos/cosmos-sdk/version
ldflags="-X $sdk.Name=akash -X $sdk.AppName=akash -X $sdk.Version=${VERSION#v} -X $sdk.BuildTags=netgo,osusergo"
ldflags+=' -extldflags=-Wl,-rpath,$ORIGIN'
log "compiling (CGO_ENABLED=1, tags netgo osusergo)"
OUT=$WORK/out
mkdir -p "$OUT"
if ! go build -trimpath -tags 'netgo osusergo' -ldflags "$ldflags" -o "$OUT/akash" "$MODULE/cmd/akash" 2>"$ERR"; then
  tail -n 60 "$ERR" >&2
  die "go build failed"
fi

wasmvm_dir=$(go list -m -f '{{.Dir}}' github.com/CosmWasm/wasmvm/v3 2>"$ERR") || {
  cat "$ERR" >&2
  die "could not locate the wasmvm module"
}
[[ -f $wasmvm_dir/internal/api/$WASMVM_LIB ]] || die "$WASMVM_LIB is not in $wasmvm_dir/internal/api"
cp "$wasmvm_dir/internal/api/$WASMVM_LIB" "$OUT/"
chmod u+w "$OUT/$WASMVM_LIB"

# 5. Check that the binary starts and loads the library from next to itself, then publish.
if ! "$OUT/akash" version >"$WORK/version" 2>&1; then
  cat "$WORK/version" >&2
  ldd "$OUT/akash" >&2 || true
  die "the built binary does not start"
fi
{
  printf '%s\n' "$STAMP"
  printf 'built=%s seconds=%s\n' "$(date -u +%FT%TZ)" "$(($(date +%s) - started))"
  printf 'wasmvm=%s\n' "$(go list -m -f '{{.Path}} {{.Version}}' github.com/CosmWasm/wasmvm/v3)"
  printf 'akash version: %s\n' "$(cat "$WORK/version")"
} >"$OUT/stamp"

rm -rf "$DEST.old"
[[ -e $DEST ]] && mv "$DEST" "$DEST.old"
mv "$OUT" "$DEST"
rm -rf "$DEST.old"
log "built in $(($(date +%s) - started))s: $DEST/akash"
printf '%s\n' "$DEST/akash"
