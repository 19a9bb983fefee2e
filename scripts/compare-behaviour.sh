#!/usr/bin/env bash
# Compares what the working tree's build does with what commit REV's build does (scripts/behaviour-snapshot.mjs):
# same runs, steps and violations for every scenario x profile and every zoo mutant, same explorations.
# Usage: bash scripts/compare-behaviour.sh REV [--quick]
set -euo pipefail
rev=${1:?usage: compare-behaviour.sh REV [--quick]}; shift
top=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$top" worktree add -q --detach "$tmp/base" "$rev"
trap 'git -C "$top" worktree remove --force "$tmp/base"; rm -rf "$tmp"' EXIT
(cd "$tmp/base" && npm ci --no-audit --no-fund >/dev/null && npm run build --silent)
(cd "$top" && npm run build --silent)
node "$top/scripts/behaviour-snapshot.mjs" "$tmp/base/dist/cli/main.js" "$@" > "$tmp/before.json" &
node "$top/scripts/behaviour-snapshot.mjs" "$top/dist/cli/main.js" "$@" > "$tmp/after.json"
wait
if diff -u "$tmp/before.json" "$tmp/after.json" > "$tmp/diff.txt"; then
  echo "behaviour unchanged against $rev: $(grep -c '"runs"' "$tmp/after.json") reports identical"
else
  cat "$tmp/diff.txt" | head -200
  echo "behaviour differs from $rev"
  exit 1
fi
