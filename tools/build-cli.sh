#!/usr/bin/env bash
# Builds a Terraform or OpenTofu CLI from source, fetched through the Go module proxy, into
# bin/<name>-<version>, once: a binary already there is reused.
#   tools/build-cli.sh terraform github.com/hashicorp/terraform v1.5.7 .
#   tools/build-cli.sh tofu github.com/opentofu/opentofu v1.10.10 ./cmd/tofu
set -euo pipefail
name=$1 module=$2 version=$3 pkg=$4
bin="$(cd "$(dirname "$0")/.." && pwd)/bin"
out="$bin/$name-$version"
if [ -x "$out" ]; then
  exit 0
fi
mkdir -p "$bin"
echo "building $name $version from source (about 2 minutes on 2 cores; cached in bin/ afterwards)" >&2
dir=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$dir" ]; then
  echo "error: the Go module proxy did not serve $module@$version" >&2
  exit 1
fi
src=$(mktemp -d)
trap 'chmod -R u+w "$src"; rm -rf "$src"' EXIT
cp -R "$dir/." "$src/"
chmod -R u+w "$src"
# Terraform 1.9 and later keep their remote-state backends in nested modules, which module zips
# leave out and the proxy does not serve: build without them (the local backend remains).
missing=$(cd "$src" && sed -n 's/^replace \([^ ]*\) => \.\/\(.*\)$/\1 \2/p' go.mod | while read -r mod path; do [ -d "$path" ] || echo "$mod"; done)
if [ -n "$missing" ]; then
  echo "leaving out nested modules the proxy does not serve:" $missing >&2
  for mod in $missing; do
    sed -i "\#^replace $mod =>#d; \#^[[:space:]]*$mod v0.0.0#d" "$src/go.mod"
    pkg_alias=$(sed -n "s#^[[:space:]]*\([A-Za-z0-9_]*\) \"$mod\"\$#\1#p" "$src/internal/backend/init/init.go")
    if [ -n "$pkg_alias" ]; then
      sed -i "\#\"$mod\"#d; /$pkg_alias\./d" "$src/internal/backend/init/init.go"
    fi
  done
fi
# Release builds say they are no development build; older versions have no such switch.
ldflags="-X $module/version.dev=no"
(cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "$pkg")
mv "$out.tmp" "$out"
"$out" version | sed -n 1p >&2
