#!/usr/bin/env bash
# How the cost of an I/O grows with the work in flight (issue 14, item 7): IOPS and CPU time
# per I/O of warm buffered 4 KiB random reads (the file cached with cat first, --invalidate=0
# on both sides), for each jaio engine against fio, in two sweeps:
#   depth     one job, iodepth 1, 4, 16, 64, 256, 1024, with fio's best batching on both sides
#             (--iodepth_batch_submit=D --iodepth_batch_complete_min=D);
#   contexts  1, 16, 256 jobs in one process (--numjobs=N --group_reporting=1; fio with --thread),
#             each job its own context on its own thread, iodepth 4 each, batched the same way.
# fio's reference engine is io_uring for uring and libaio for kaio; threads has no fio row.
# CPU per I/O is (usr + sys) time over the I/Os: for jaio the whole JVM (JIT, GC and engine
# workers included), for fio its job threads. Rounds alternate which tool goes first. Every
# run's JSON, with the command line that made it (.cmd) and its stderr (.err), is kept in the
# output folder; the table (bench/fio-table.py --growth, the parser compare-fio.sh uses) goes
# to table.md. A point an engine cannot run here (the engine not available, fs.aio-max-nr too
# small for kaio's contexts) or that failed shows why in the notes column; so does a jaio point
# whose slowest context measured less than 90% of the window.
#
# Before each measured run jaio runs a one-job warm-up phase of WARMUP seconds (same engine,
# iodepth and batching; its numbers are not used): with hundreds of job threads busy on a few
# cores the JIT's compiler threads get a small share of the CPU, and a cold JVM would still be
# interpreting the I/O path long after a ramp of a few seconds.
#
# Settings (environment variable, or the flag in brackets):
#   ROUNDS    [--rounds N]        rounds                                    (default 1)
#   RUNTIME   [--runtime S]       seconds measured per run                  (default 5)
#   RAMP      [--ramp S]          seconds before measuring, per run         (default 1)
#   WARMUP    [--warmup S]        jaio's one-job warm-up phase, 0 for none  (default 3)
#   SWEEPS    [--sweeps "..."]    depth and/or contexts                     (default "depth contexts")
#   DEPTHS    [--depths "..."]    iodepths of the depth sweep               (default "1 4 16 64 256 1024")
#   CONTEXTS  [--contexts "..."]  job counts of the contexts sweep          (default "1 16 256")
#   CTX_DEPTH [--ctx-depth N]     iodepth of each job in the contexts sweep (default 4)
#   ENGINES   [--engines "..."]   jaio engines: uring kaio threads          (default: all three)
#   SIZE      [--size SIZE]       file size, fio syntax                     (default 1g)
#   FILE      [--file PATH]       the data file                             (default /tmp/jaio-compare.dat)
#   OUT       [--out DIR]         where the JSON files and table go         (default bench/results/DATE)
# Examples:  bench/cost-growth.sh
#            RUNTIME=1 SIZE=256m SWEEPS=contexts CONTEXTS="1 256" ENGINES=kaio bench/cost-growth.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-1}
RUNTIME=${RUNTIME:-5}
RAMP=${RAMP:-1}
WARMUP=${WARMUP:-3}
SWEEPS=${SWEEPS:-"depth contexts"}
DEPTHS=${DEPTHS:-"1 4 16 64 256 1024"}
CONTEXTS=${CONTEXTS:-"1 16 256"}
CTX_DEPTH=${CTX_DEPTH:-4}
ENGINES=${ENGINES:-"uring kaio threads"}
SIZE=${SIZE:-1g}
FILE=${FILE:-/tmp/jaio-compare.dat}
OUT=${OUT:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)}

TOOL=cost-growth
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --runtime) RUNTIME=$2; shift 2 ;;
        --ramp) RAMP=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --sweeps) SWEEPS=$2; shift 2 ;;
        --depths) DEPTHS=$2; shift 2 ;;
        --contexts) CONTEXTS=$2; shift 2 ;;
        --ctx-depth) CTX_DEPTH=$2; shift 2 ;;
        --engines) ENGINES=$2; shift 2 ;;
        --size) SIZE=$2; shift 2 ;;
        --file) FILE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (--help lists them)" ;;
    esac
done
for n in $DEPTHS $CONTEXTS $CTX_DEPTH; do
    case "$n" in ''|*[!0-9]*|0) die "iodepths and job counts are whole numbers of at least 1, not '$n'" ;; esac
done
for s in $SWEEPS; do
    case "$s" in depth|contexts) ;; *) die "unknown sweep '$s' in SWEEPS (depth, contexts)" ;; esac
done

need fio fio
need python3 python3

mkdir -p "$OUT"
"$ROOT/jaio" build -q >/dev/null || die "the build failed; ./jaio build shows why"

# Each jaio engine: available here, or why not (the engines report for scripts).
ENGINE_STATE=$("$ROOT/jaio" engines --format=json | python3 -c '
import json, sys
for e in json.load(sys.stdin)["engines"]:
    print("%s|%s" % (e["engine"], "" if e["available"] else e["reason"]))') || die "./jaio engines --format=json failed"
unavailable() {  # engine: why it is not available here, or nothing
    local line
    line=$(printf '%s\n' "$ENGINE_STATE" | grep "^$1|") || { echo "not an engine of this jaio"; return; }
    echo "${line#*|}"
}

# The data file, written once with fio (real data, not a hole).
want=$(python3 -c "import sys; s=sys.argv[1].lower(); m={'k':1<<10,'m':1<<20,'g':1<<30,'t':1<<40}; print(int(s[:-1])*m[s[-1]] if s[-1] in m else int(s))" "$SIZE")
if [ ! -f "$FILE" ] || [ "$(stat -c %s "$FILE")" -lt "$want" ]; then
    echo "cost-growth: writing $FILE ($SIZE) with fio ..." >&2
    fio --name=prep --filename="$FILE" --size="$SIZE" --rw=write --bs=1M --ioengine=psync --direct=1 \
        --end_fsync=1 --output=/dev/null
fi

AIO_MAX=$(cat /proc/sys/fs/aio-max-nr 2>/dev/null || echo 0)
AIO_NOW=$(cat /proc/sys/fs/aio-nr 2>/dev/null || echo 0)
{
    echo "fio: $(fio --version)"
    echo "kernel: $(uname -r)"
    echo "cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "jaio: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "settings: ROUNDS=$ROUNDS RUNTIME=$RUNTIME RAMP=$RAMP WARMUP=$WARMUP SWEEPS='$SWEEPS' DEPTHS='$DEPTHS'" \
        "CONTEXTS='$CONTEXTS' CTX_DEPTH=$CTX_DEPTH ENGINES='$ENGINES' SIZE=$SIZE FILE=$FILE"
    echo "jaio engines: $(printf '%s\n' "$ENGINE_STATE" | sed 's/|$/: available/; s/|/: not available: /' | paste -sd ';' -)"
    echo "fs.aio-max-nr: $AIO_MAX (in use before: $AIO_NOW); open files: $(ulimit -n); processes: $(ulimit -u)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

# Linux AIO events N contexts of depth D ask io_setup for, against fs.aio-max-nr: jaio's kaio
# asks for capacity plus its wake-ups, min(capacity, 128) (KaioEngine); fio's libaio for D.
aio_refusal() {  # events
    if [ "$1" -gt $((AIO_MAX - AIO_NOW)) ]; then
        echo "needs $1 AIO events; fs.aio-max-nr $AIO_MAX leaves $((AIO_MAX - AIO_NOW)) (sysctl -w fs.aio-max-nr=$((AIO_NOW + $1 * 2)))"
    fi
}

common() {  # depth: what both tools get (fio's flags; jaio takes the same names)
    echo --filename="$FILE" --size="$SIZE" --rw=randread --bs=4k --direct=0 --invalidate=0 --iodepth="$1" \
        --iodepth_batch_submit="$1" --iodepth_batch_complete_min="$1" --output-format=json
}
# The measured job's own flags: jobs, ramp, runtime.
measured() {  # jobs
    local jobs=""
    [ "$1" -gt 1 ] && jobs="--numjobs=$1 --group_reporting=1"
    echo --name=cmp $jobs --runtime="$RUNTIME" --ramp_time="$RAMP"
}

# The points: sweep|engine|iodepth|contexts|jaio key|jaio why not|fio engine|fio key|fio why not
: > "$OUT/points.txt"
add_point() {  # sweep engine depth contexts
    local sweep=$1 e=$2 d=$3 n=$4 feng jwhy fwhy="" key
    case "$e" in
        uring) feng=io_uring ;;
        kaio) feng=libaio ;;
        threads) feng="" ;;
        *) die "unknown engine '$e' in ENGINES (uring kaio threads)" ;;
    esac
    key="$sweep-d$d-n$n"
    jwhy=$(unavailable "$e")
    [ -n "$jwhy" ] && jwhy="$e is not available here: $jwhy"
    if [ -z "$jwhy" ] && [ "$e" = kaio ]; then
        jwhy=$(aio_refusal $((n * (d + (d < 128 ? d : 128)))))
        [ -n "$jwhy" ] && jwhy="kaio: $n contexts of depth $d $jwhy"
    fi
    if [ "$feng" = libaio ]; then
        fwhy=$(aio_refusal $((n * d)))
        [ -n "$fwhy" ] && fwhy="fio libaio: $n jobs of depth $d $fwhy"
    fi
    printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$sweep" "$e" "$d" "$n" "$key-$e" "$jwhy" "$feng" \
        "${feng:+$key-$feng}" "$fwhy" >> "$OUT/points.txt"
}
for sweep in $SWEEPS; do
    for e in $ENGINES; do
        if [ "$sweep" = depth ]; then
            for d in $DEPTHS; do add_point depth "$e" "$d" 1; done
        else
            for n in $CONTEXTS; do add_point contexts "$e" "$CTX_DEPTH" "$n"; done
        fi
    done
done

run_fio() {  # key engine depth jobs round
    local out="$OUT/fio__${1}__r$5.json" thread=""
    [ "$4" -gt 1 ] && thread=--thread
    # shellcheck disable=SC2046 # word splitting of the option lists is intended
    set -- fio $(common "$3") $(measured "$4") $thread --time_based --norandommap --ioengine="$2" --output="$out"
    echo "$@" > "${out%.json}.cmd"
    "$@" 2>"$out.err" || { echo "cost-growth: fio failed: $(head -c 300 "$out.err")" >&2; rm -f "$out"; }
}
run_jaio() {  # key engine depth jobs round
    local out="$OUT/jaio__${1}__r$5.json" warm=""
    [ "$WARMUP" != 0 ] && warm="--name=warm --runtime=$WARMUP --ramp_time=0"
    # shellcheck disable=SC2046
    set -- "$ROOT/jaio" bench $(common "$3") --time_based=1 --engine="$2" $warm $(measured "$4") \
        ${warm:+--stonewall=1} --output="$out"
    echo "$@" > "${out%.json}.cmd"
    "$@" 2>"$out.err" || { echo "cost-growth: jaio failed: $(head -c 300 "$out.err")" >&2; rm -f "$out"; }
}

total=$(( $(wc -l < "$OUT/points.txt") * ROUNDS ))
i=0
for round in $(seq 1 "$ROUNDS"); do
    cat "$FILE" > /dev/null   # warm the page cache; --invalidate=0 keeps both tools from dropping it
    while IFS='|' read -r sweep e d n jkey jwhy feng fkey fwhy; do
        i=$((i + 1))
        echo "cost-growth: round $round/$ROUNDS, $i/$total: $sweep $e iodepth $d, $n contexts" >&2
        for tool in $( [ $((round % 2)) = 1 ] && echo "fio jaio" || echo "jaio fio"); do
            if [ "$tool" = fio ] && [ -n "$fkey" ] && [ -z "$fwhy" ]; then
                run_fio "$fkey" "$feng" "$d" "$n" "$round"
            elif [ "$tool" = jaio ] && [ -z "$jwhy" ]; then
                run_jaio "$jkey" "$e" "$d" "$n" "$round"
            fi
        done
    done < "$OUT/points.txt"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

python3 "$ROOT/bench/fio-table.py" --growth "$OUT" | tee "$OUT/table.md"
echo "cost-growth: JSON of every run, machine.txt and table.md are in $OUT" >&2
