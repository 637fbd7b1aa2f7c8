#!/usr/bin/env bash
# At-least-N delivery (SPEC C5) measured with the bench tool: for each engine, mode and N, a
# run at a fixed iodepth whose reaps ask for at least N events (--iodepth_batch_complete_min=N),
# alternating over the settings for several rounds. Prints medians of IOPS, the context's
# wakeups per event (a waiter woken, or a kernel wait that returned, per event reaped) and
# context switches per I/O (whole process, and the job thread alone).
#
# Settings (environment): ROUNDS (3), RUNTIME seconds (5), DEPTH (64), NS ("1 8 32"),
# ENGINES ("threads uring"), MODES ("buffered direct"), SIZE (1g), FILE (/tmp/jaio-delivery.dat),
# OUT (bench/results/delivery-DATE). Buffered runs use a warm page cache (--invalidate=0).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-3}
RUNTIME=${RUNTIME:-5}
DEPTH=${DEPTH:-64}
NS=${NS:-"1 8 32"}
ENGINES=${ENGINES:-"threads uring"}
MODES=${MODES:-"buffered direct"}
SIZE=${SIZE:-1g}
FILE=${FILE:-/tmp/jaio-delivery.dat}
OUT=${OUT:-$ROOT/bench/results/delivery-$(date +%Y%m%d-%H%M%S)}
command -v python3 >/dev/null 2>&1 || { echo "delivery-n: python3 is needed to read the JSON" >&2; exit 2; }

mkdir -p "$OUT"
"$ROOT/jaio" build -q >/dev/null
# Which jaio engines this machine allows, one a line, from the engines report for scripts.
AVAILABLE=$("$ROOT/jaio" engines --format=json \
    | python3 -c 'import json, sys; print("\n".join(e["engine"] for e in json.load(sys.stdin)["engines"] if e["available"]))')
# Lay the file out once (and warm it) with a short write-free run.
"$ROOT/jaio" bench --filename="$FILE" --size="$SIZE" --runtime=1 --engine=threads --invalidate=0 >/dev/null
cat "$FILE" >/dev/null

for r in $(seq 1 "$ROUNDS"); do
    for mode in $MODES; do
        for e in $ENGINES; do
            if ! grep -qx "$e" <<<"$AVAILABLE"; then
                echo "delivery-n: $e is not available here, left out" >&2
                continue
            fi
            for n in $NS; do
                direct=0
                [ "$mode" = direct ] && direct=1
                echo "delivery-n: round $r/$ROUNDS: $mode $e N=$n" >&2
                "$ROOT/jaio" bench --filename="$FILE" --size="$SIZE" --engine="$e" --direct=$direct --invalidate=0 \
                    --rw=randread --bs=4k --iodepth="$DEPTH" --iodepth_batch_complete_min="$n" \
                    --runtime="$RUNTIME" --ramp_time=1 --output-format=json >"$OUT/$mode-$e-n$n-r$r.json"
            done
        done
    done
done

python3 - "$OUT" "$DEPTH" <<'PY'
import glob, json, os, re, statistics, sys
out, depth = sys.argv[1], sys.argv[2]
rows = {}
for f in sorted(glob.glob(os.path.join(out, "*.json"))):
    m = re.match(r"(\w+)-([\w-]+)-n(\d+)-r\d+\.json", os.path.basename(f))
    j = json.load(open(f))["jobs"][0]
    x = j["jaio"]
    key = (m.group(1), m.group(2), int(m.group(3)))
    rows.setdefault(key, []).append((j["read"]["iops"], x["context_stats"]["wakeups_per_event"],
                                     x["ctx_per_io"], x["job_threads"]["ctx_per_io"]))
lines = ["| mode | engine | iodepth | N (complete_min) | IOPS | wakeups / event | ctx / I/O (process) | ctx / I/O (job thread) | rounds |",
         "|---|---|---|---|---|---|---|---|---|"]
for (mode, e, n) in sorted(rows, key=lambda k: (k[0], k[1], k[2])):
    v = rows[(mode, e, n)]
    med = lambda i: statistics.median(r[i] for r in v)
    lines.append(f"| {mode} | {e} | {depth} | {n} | {med(0)/1000:.1f}k | {med(1):.3f} | {med(2):.3f} | {med(3):.3f} | {len(v)} |")
table = "\n".join(lines)
open(os.path.join(out, "table.md"), "w").write(table + "\n")
print(table)
PY
echo "delivery-n: JSON of every run and table.md are in $OUT" >&2
