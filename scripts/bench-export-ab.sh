#!/usr/bin/env bash
# The whole gc-export process of this checkout against another checkout (e.g. a commit before a
# refactor, built with npm ci), alternating in one run so machine noise hits both alike; prints the
# median of each and their ratio (< 1: this checkout is faster).
#   git worktree add /tmp/gc-base <commit> && (cd /tmp/gc-base && npm ci)
#   bash scripts/bench-export-ab.sh /tmp/gc-base [runs]
set -euo pipefail
base=${1:?usage: bench-export-ab.sh BASELINE_CHECKOUT [RUNS]}
runs=${2:-15}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for _ in $(seq 1 "$runs"); do
  for side in base here; do
    dir=$here; [ "$side" = base ] && dir=$base
    s=$(date +%s%N)
    (cd "$dir" && node packages/exporter/bin/gc-export.js examples/cyclegan-horse2zebra/subnet.json -o "$out/$side.onnx" -q)
    echo "$side $(( $(date +%s%N) - s ))" >> "$out/times"
  done
done
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const of = (side) => med(rows.filter((r) => r[0] === side).map((r) => Number(r[1]) / 1e9));
const [b, h] = [of("base"), of("here")];
console.log(`gc-export horse2zebra, whole process, ${rows.length / 2} alternating runs each`);
console.log(`  baseline median ${b.toFixed(3)} s, this checkout ${h.toFixed(3)} s, ratio ${(h / b).toFixed(3)}`);
' "$out/times"
