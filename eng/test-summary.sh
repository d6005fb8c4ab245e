#!/usr/bin/env bash
# Adds up the TRX files under $1 into one closing line: "N passed, N failed, N skipped".
set -euo pipefail
passed=0 failed=0 total=0
for trx in "$1"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$((total + $(value total)))
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed)))
done
echo "$passed passed, $failed failed, $((total - passed - failed)) skipped"
