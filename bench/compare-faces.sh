#!/usr/bin/env bash
# The comparisons of issue 13 (jaio.nio's faces against the JDK), for docs/PERFORMANCE.md.
# Benchmarks, not tests: run them on a quiet machine. Each row alternates the two sides for
# ROUNDS rounds and prints every run; take medians. Rows:
#   1. cold reads on virtual threads: buffered 4 KiB random reads of a file that is not cached
#      (--invalidate=1), 64 virtual threads: jaio-fc vs jdk-fc   (target: jaio >= 3x)
#   2. the same, warm (the file cached)                         (target: jaio >= 0.9x)
#   3. AsynchronousFileChannel at iodepth 32, warm buffered and O_DIRECT: jaio-afc vs jdk-afc,
#      IOPS and CPU time per I/O                                (target: >= the JDK's IOPS, <= half its CPU/IO)
#   4. JFR off / on with default settings / on with jaio.IoRequest at 0 ns, jaio-afc iodepth 32
#                                                               (target: within 3%)
#   5. scheduling latency: p99 lateness of a virtual thread sleeping 1 ms while 64 virtual
#      threads do cold reads, jdk-fc vs jaio-fc (LatenessProbe)
#   6. J1: futures against the raw context API at iodepth 32, JMH (target: within 10%):
#      ./jaio jmh 'AsyncFileBenchmark.futures|RandomReadBenchmark' -p engine=uring -prof gc
#
# Settings: ROUNDS (3), RUNTIME seconds (10), SIZE (4g for the cold rows: larger than the page
# cache you can spare), FILE (/tmp/jaio-faces.dat), OUT (bench/results/faces-DATE).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-3}
RUNTIME=${RUNTIME:-10}
SIZE=${SIZE:-4g}
FILE=${FILE:-/tmp/jaio-faces.dat}
OUT=${OUT:-$ROOT/bench/results/faces-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
JAIO="$ROOT/jaio"

# One bench run; prints "name iops cpu_us_per_io" and keeps the JSON.
run() {
    local name=$1
    shift
    local json="$OUT/$name.json"
    "$JAIO" bench --filename="$FILE" --size="$SIZE" --bs=4k --rw=randread --runtime="$RUNTIME" --ramp_time=1 \
        --output-format=json "$@" >"$json"
    python3 - "$json" "$name" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
# JFR announces its recording on stdout before the report: parse from the first brace.
j = json.loads(text[text.index("{"):])["jobs"][0]
iops = j["read"]["iops"]
cpu = (j["usr_cpu"] + j["sys_cpu"]) / 100.0
print(f"{sys.argv[2]:40s} iops={iops:12.0f} cpu_us_per_io={1e6 * cpu / iops if iops else 0:8.2f}")
PY
}

uncache() {
    python3 -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED); os.close(fd)" "$FILE"
}

"$JAIO" bench --filename="$FILE" --size="$SIZE" --rw=write --bs=1m --time_based=0 --runtime=0 --output-format=json >/dev/null

for r in $(seq 1 "$ROUNDS"); do
    echo "# round $r"
    for e in jdk-fc jaio-fc; do
        run "cold-vt64-$e-$r" --engine=$e --numjobs=64 --thread=virtual --invalidate=1 --group_reporting=1
    done
    # The cold rows dropped the file's pages: read it all back once, so that "warm" is warm.
    cat "$FILE" >/dev/null
    for e in jdk-fc jaio-fc; do
        run "warm-vt64-$e-$r" --engine=$e --numjobs=64 --thread=virtual --invalidate=0 --group_reporting=1
    done
    for d in 0 1; do
        for e in jdk-afc jaio-afc; do
            run "afc-qd32-direct$d-$e-$r" --engine=$e --iodepth=32 --direct=$d --invalidate=0
        done
    done
    cat >"$OUT/all.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jaio.IoRequest"><setting name="enabled">true</setting><setting name="latencyThreshold">0 ns</setting></event>
  <event name="jaio.ContextStatistics"><setting name="enabled">true</setting><setting name="period">1 s</setting></event>
</configuration>
JFC
    # The three JFR runs in a rotated order each round, so that a machine that drifts during
    # a round does not always favour the same one.
    jfr_runs=(off default every-request)
    for k in 0 1 2; do
        case ${jfr_runs[$(( (k + r) % 3 ))]} in
            off) run "jfr-off-$r" --engine=jaio-afc --iodepth=32 --invalidate=0 ;;
            default) JAIO_JAVA_OPTS="-XX:StartFlightRecording:filename=$OUT/default-$r.jfr" \
                run "jfr-default-$r" --engine=jaio-afc --iodepth=32 --invalidate=0 ;;
            every-request) JAIO_JAVA_OPTS="-XX:StartFlightRecording:settings=$OUT/all.jfc,filename=$OUT/all-$r.jfr" \
                run "jfr-every-request-$r" --engine=jaio-afc --iodepth=32 --invalidate=0 ;;
        esac
    done
    for e in jdk-fc jaio-fc; do
        uncache
        # Through ./jaio, which finds a JDK >= 25 (the PATH's java may be older).
        "$JAIO" run jaio.bench.LatenessProbe $e "$FILE" 64 "$RUNTIME" | tee -a "$OUT/lateness.txt"
    done
done
echo "JSON and recordings in $OUT"
