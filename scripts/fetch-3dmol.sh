#!/usr/bin/env bash
# Puts 3Dmol.js's minified build and licence where the notebook kernel's jar picks them up,
# so the 3D view works offline. The package comes from the npm registry once, is checked
# against the integrity hash pinned here, and is kept in a cache for offline rebuilds.
# The Maven build of acquire-notebook runs this; to move to another version, change both lines below.
# Usage: scripts/fetch-3dmol.sh <directory>
set -euo pipefail
version=2.5.5
integrity=sha512-kqNHouGqq3YfW58174tdERvm0XYTmP0tavQKOqIw1ouc2OJ7epkXEFrtEkVXV0clBZT2Ze2xHRC/qxX0u0qCdw==
target=${1:?usage: fetch-3dmol.sh <directory>}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/acquire
tarball=$cache/3dmol-$version.tgz

if [[ -f "$target/3Dmol-min.js" && "$(cat "$target/VERSION" 2>/dev/null)" == "$version" ]]; then
  exit 0
fi
matches() { [[ "sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)" == "$integrity" ]]; }
if [[ ! -f "$tarball" ]] || ! matches "$tarball"; then
  if ! command -v npm >/dev/null; then
    echo "fetch-3dmol: the notebook's 3D view bundles 3Dmol.js $version from the npm registry, and npm is not" \
      "installed: install Node.js and npm (Debian: apt-get install npm), or put 3dmol-$version.tgz in $cache" >&2
    exit 1
  fi
  mkdir -p "$cache"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  if ! (cd "$work" && npm pack --silent "3dmol@$version" >/dev/null); then
    echo "fetch-3dmol: could not fetch 3dmol@$version from the npm registry; check the network, or put" \
      "3dmol-$version.tgz in $cache" >&2
    exit 1
  fi
  if ! matches "$work/3dmol-$version.tgz"; then
    echo "fetch-3dmol: 3dmol-$version.tgz from the registry does not match the pinned integrity hash; not using it" >&2
    exit 1
  fi
  mv "$work/3dmol-$version.tgz" "$tarball"
fi
unpacked=$(mktemp -d)
tar -xzf "$tarball" -C "$unpacked" package/build/3Dmol-min.js package/build/3Dmol-min.js.LICENSE.txt package/LICENSE
mkdir -p "$target"
cp "$unpacked/package/build/3Dmol-min.js" "$unpacked/package/build/3Dmol-min.js.LICENSE.txt" "$target/"
cp "$unpacked/package/LICENSE" "$target/LICENSE"
echo "$version" > "$target/VERSION"
rm -rf "$unpacked"
