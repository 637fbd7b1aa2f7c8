#!/usr/bin/env bash
# Runs fio and ./jaio bench with the same parameters, alternately, for several rounds, and
# prints a table of medians and ratios (docs/PERFORMANCE.md). fio is the yardstick:
#   jaio uring / fio io_uring, jaio kaio / fio libaio, jaio threads / fio psync,
#   the JDK baselines (jdk-afc, jdk-fc) against fio psync, and jaio's POSIX facade (posix, on
#   the auto engine) against fio posixaio (glibc's POSIX AIO), with a second posix row of
#   jaio's own context API on the facade's engine against the same fio run (the facade must
#   be thin: the table's last line gives facade / context API);
# buffered (warm page cache, --invalidate=0 on both sides) and O_DIRECT; several iodepths.
# Buffered io_uring and libaio get a second pair of rows with fio's best batching
# (--iodepth_batch_submit=N --iodepth_batch_complete_min=N, N = iodepth), jaio run with the
# same flags. Every run's JSON is kept in the output folder; one parser reads both tools'.
#
# Settings (environment variable, or the flag in brackets):
#   ROUNDS   [--rounds N]       alternating rounds                       (default 3)
#   RUNTIME  [--runtime S]      seconds measured per run                 (default 10)
#   RAMP     [--ramp S]         seconds before measuring, per run         (default 1)
#   SIZE     [--size SIZE]      file size, fio syntax                     (default 1g)
#   BS       [--bs SIZE]        block size                                (default 4k)
#   RW       [--rw PATTERN]     randread, read, ...                       (default randread)
#   DEPTHS   [--depths "..."]   iodepths                                  (default "1 32 128")
#   MODES    [--modes "..."]    buffered and/or direct                    (default "buffered direct")
#   ENGINES  [--engines "..."]  jaio engines: uring kaio threads jdk-afc jdk-fc posix (default: all)
#   FILE     [--file PATH]      the data file                             (default /tmp/jaio-compare.dat)
#   OUT      [--out DIR]        where the JSON files and table go         (default bench/results/DATE)
# Example, a short preliminary run:  ROUNDS=2 RUNTIME=5 bench/compare-fio.sh
#
# Job-file mode: bench/compare-fio.sh --jobfile FILE.fio [--jobfile FILE2.fio ...] runs each fio
# job file unchanged with fio and with ./jaio bench, alternately for ROUNDS rounds, and prints
# per job (as the tools report them) the medians and jaio / fio, marking the rows within 10%.
# Variables the job files use (${FILE}, ${SIZE} ...) come from the environment, for both tools.
# Every run's JSON, the table and one latency plot per job file are in the output folder.
#   JOBFILES [--jobfile FILE]   job files, space separated                (default: none)
# Example:  ROUNDS=3 bench/compare-fio.sh --jobfile my-test.fio
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-3}
RUNTIME=${RUNTIME:-10}
RAMP=${RAMP:-1}
SIZE=${SIZE:-1g}
BS=${BS:-4k}
RW=${RW:-randread}
DEPTHS=${DEPTHS:-"1 32 128"}
MODES=${MODES:-"buffered direct"}
ENGINES=${ENGINES:-"uring kaio threads jdk-afc jdk-fc posix"}
FILE=${FILE:-/tmp/jaio-compare.dat}
OUT=${OUT:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)}
JOBFILES=${JOBFILES:-}

die() {
    printf 'compare-fio: %s\n' "$*" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --runtime) RUNTIME=$2; shift 2 ;;
        --ramp) RAMP=$2; shift 2 ;;
        --size) SIZE=$2; shift 2 ;;
        --bs) BS=$2; shift 2 ;;
        --rw) RW=$2; shift 2 ;;
        --depths) DEPTHS=$2; shift 2 ;;
        --modes) MODES=$2; shift 2 ;;
        --engines) ENGINES=$2; shift 2 ;;
        --file) FILE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --jobfile) JOBFILES="${JOBFILES:+$JOBFILES }$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (--help lists them)" ;;
    esac
done

# Installs a Debian package when its command is missing (as root; otherwise says what to do).
need() {
    local cmd=$1 pkg=$2
    command -v "$cmd" >/dev/null 2>&1 && return
    [ "$(id -u)" = 0 ] || die "$cmd is missing: install it (apt-get install -y $pkg) or run this as root"
    echo "compare-fio: installing $pkg ..." >&2
    apt-get install -y -q "$pkg" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$pkg" >/dev/null; } \
        || die "apt-get install $pkg failed"
}
need fio fio
need python3 python3

mkdir -p "$OUT"
"$ROOT/jaio" build -q >/dev/null || die "the build failed; ./jaio build shows why"
# --- job-file mode: the same job files through fio and ./jaio bench, alternately (then exit).
if [ -n "$JOBFILES" ]; then
    : > "$OUT/jobrows.txt"
    for f in $JOBFILES; do
        [ -f "$f" ] || die "no such job file: $f"
        key=$(basename "$f" .fio)
        printf '%s|%s\n' "$key" "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" >> "$OUT/jobrows.txt"
    done
    {
        echo "fio: $(fio --version)"
        echo "kernel: $(uname -r)"
        echo "cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
        echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "jaio: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
        echo "settings: ROUNDS=$ROUNDS JOBFILES='$JOBFILES'"
    } > "$OUT/machine.txt"
    cat "$OUT/machine.txt" >&2
    for round in $(seq 1 "$ROUNDS"); do
        while IFS='|' read -r key f; do
            # Alternate which tool goes first, so neither always meets a cache the other warmed.
            for tool in $( [ $((round % 2)) = 1 ] && echo "fio jaio" || echo "jaio fio"); do
                out="$OUT/${tool}__${key}__r$round.json"
                echo "compare-fio: round $round/$ROUNDS: $tool $key" >&2
                if [ "$tool" = fio ]; then
                    (cd "$(dirname "$f")" && fio "$f" --output-format=json --output="$out") >"$out.err" 2>&1 \
                        || { echo "compare-fio: fio $key failed: $(head -c 300 "$out.err")" >&2; rm -f "$out"; }
                else
                    (cd "$(dirname "$f")" && "$ROOT/jaio" bench "$f" --output-format=json --output="$out" --eta=never) \
                        >"$out.err" 2>&1 \
                        || { echo "compare-fio: jaio $key failed: $(head -c 300 "$out.err")" >&2; rm -f "$out"; }
                fi
            done
        done < "$OUT/jobrows.txt"
    done
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
    python3 "$ROOT/bench/fio-table.py" --jobs "$OUT" | tee "$OUT/table.md"
    mkdir -p "$OUT/plots"
    while IFS='|' read -r key f; do
        fj="$OUT/fio__${key}__r1.json"
        jj="$OUT/jaio__${key}__r1.json"
        if [ -f "$fj" ] && [ -f "$jj" ]; then
            "$ROOT/jaio" plot -o "$OUT/plots/$key.svg" --title "$key: fio vs jaio, round 1" "$fj" "$jj" >/dev/null \
                || echo "compare-fio: the plot of $key failed" >&2
        fi
    done < "$OUT/jobrows.txt"
    echo "compare-fio: JSON of every run, machine.txt, table.md and plots/ are in $OUT" >&2
    exit 0
fi

# Which jaio engines this machine allows, one a line, from the engines report for scripts.
AVAILABLE=$("$ROOT/jaio" engines --format=json \
    | python3 -c 'import json, sys; print("\n".join(e["engine"] for e in json.load(sys.stdin)["engines"] if e["available"]))') \
    || die "./jaio engines --format=json failed"
jaio_has() {
    case "$1" in
        jdk-*|posix) return 0 ;;
        *) printf '%s\n' "$AVAILABLE" | grep -qx "$1" ;;
    esac
}

# The data file, written once with fio (real data, not a hole).
want=$(python3 -c "import sys; s=sys.argv[1].lower(); m={'k':1<<10,'m':1<<20,'g':1<<30,'t':1<<40}; print(int(s[:-1])*m[s[-1]] if s[-1] in m else int(s))" "$SIZE")
if [ ! -f "$FILE" ] || [ "$(stat -c %s "$FILE")" -lt "$want" ]; then
    echo "compare-fio: writing $FILE ($SIZE) with fio ..." >&2
    fio --name=prep --filename="$FILE" --size="$SIZE" --rw=write --bs=1M --ioengine=psync --direct=1 \
        --end_fsync=1 --output=/dev/null
fi

{
    echo "fio: $(fio --version)"
    echo "kernel: $(uname -r)"
    echo "cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "jaio: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "settings: ROUNDS=$ROUNDS RUNTIME=$RUNTIME RAMP=$RAMP SIZE=$SIZE BS=$BS RW=$RW DEPTHS='$DEPTHS' MODES='$MODES' ENGINES='$ENGINES'"
    echo "jaio engines available: $(echo $AVAILABLE)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

common_fio() {  # mode depth
    local direct=0
    [ "$1" = direct ] && direct=1
    echo --name=cmp --filename="$FILE" --size="$SIZE" --rw="$RW" --bs="$BS" --iodepth="$2" --direct=$direct \
        --runtime="$RUNTIME" --time_based --ramp_time="$RAMP" --invalidate=0 --norandommap --output-format=json
}
common_jaio() {  # mode depth
    local direct=0
    [ "$1" = direct ] && direct=1
    echo --name=cmp --filename="$FILE" --size="$SIZE" --rw="$RW" --bs="$BS" --iodepth="$2" --direct=$direct \
        --runtime="$RUNTIME" --time_based=1 --ramp_time="$RAMP" --invalidate=0 --output-format=json
}
batch_flags() {  # depth
    echo --iodepth_batch_submit="$1" --iodepth_batch_complete_min="$1"
}

# One run of fio: key, mode, depth, fio engine, extra flags. Key names the output file.
run_fio() {
    local key=$1 mode=$2 depth=$3 engine=$4 extra=$5 round=$6
    local out="$OUT/fio__${key}__r$round.json"
    [ -f "$out" ] && return
    # shellcheck disable=SC2046 # word splitting of the option lists is intended
    if ! fio $(common_fio "$mode" "$depth") --ioengine="$engine" $extra --output="$out" 2>"$out.err"; then
        echo "compare-fio: fio $key failed: $(head -c 300 "$out.err")" >&2
        rm -f "$out"
    fi
}
run_jaio() {
    local key=$1 mode=$2 depth=$3 engine=$4 extra=$5 round=$6
    local out="$OUT/jaio__${key}__r$round.json"
    jaio_has "$engine" || return 0
    # shellcheck disable=SC2046
    if ! "$ROOT/jaio" bench $(common_jaio "$mode" "$depth") --engine="$engine" $extra >"$out" 2>"$out.err"; then
        echo "compare-fio: jaio $key failed: $(head -c 300 "$out.err")" >&2
        rm -f "$out"
    fi
}

# The rows: key|mode|depth|jaio engine|fio engine|extra flags (both sides)
rows=()
for mode in $MODES; do
    for d in $DEPTHS; do
        for e in $ENGINES; do
            case "$e" in
                uring)
                    rows+=("$mode-d$d-uring|$mode|$d|uring|io_uring|")
                    if [ "$mode" = buffered ] && [ "$d" -gt 1 ]; then
                        rows+=("$mode-d$d-uring-batch|$mode|$d|uring|io_uring|$(batch_flags "$d")")
                    fi ;;
                kaio)
                    rows+=("$mode-d$d-kaio|$mode|$d|kaio|libaio|")
                    if [ "$mode" = buffered ] && [ "$d" -gt 1 ]; then
                        rows+=("$mode-d$d-kaio-batch|$mode|$d|kaio|libaio|$(batch_flags "$d")")
                    fi ;;
                threads) rows+=("$mode-d$d-threads|$mode|$d|threads|psync|") ;;
                jdk-afc) rows+=("$mode-d$d-jdk-afc|$mode|$d|jdk-afc|psync|") ;;
                jdk-fc) [ "$d" = "$(echo $DEPTHS | cut -d' ' -f1)" ] && rows+=("$mode-d1-jdk-fc|$mode|1|jdk-fc|psync|") ;;
                posix)
                    # The facade runs on the auto engine; the -ctx row is jaio's context API on
                    # that same engine, against the same fio posixaio run.
                    auto=$(printf '%s\n' "$AVAILABLE" | head -n 1)
                    rows+=("$mode-d$d-posix|$mode|$d|posix|posixaio|")
                    rows+=("$mode-d$d-posix-ctx|$mode|$d|$auto|posixaio|") ;;
                *) die "unknown engine '$e' in ENGINES" ;;
            esac
        done
    done
done
printf '%s\n' "${rows[@]}" > "$OUT/rows.txt"

total=$(( ${#rows[@]} * ROUNDS ))
n=0
for round in $(seq 1 "$ROUNDS"); do
    for mode in $MODES; do
        if [ "$mode" = buffered ]; then
            cat "$FILE" > /dev/null   # warm the page cache; --invalidate=0 keeps both tools from dropping it
        fi
        for row in "${rows[@]}"; do
            IFS='|' read -r key rmode depth jeng feng extra <<<"$row"
            [ "$rmode" = "$mode" ] || continue
            n=$((n + 1))
            echo "compare-fio: round $round/$ROUNDS, $n/$total: $key" >&2
            # fio's psync is synchronous: one run at depth 1 serves every row compared with it.
            fkey="$mode-d$depth-$feng${extra:+-batch}"
            fdepth=$depth
            if [ "$feng" = psync ]; then
                fkey="$mode-d1-psync"
                fdepth=1
            fi
            run_fio "$fkey" "$mode" "$fdepth" "$feng" "$extra" "$round"
            run_jaio "$key" "$mode" "$depth" "$jeng" "$extra" "$round"
        done
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

python3 "$ROOT/bench/fio-table.py" "$OUT" | tee "$OUT/table.md"

# --- one latency plot per row: jaio's and fio's round-1 runs on one picture.
mkdir -p "$OUT/plots"
while IFS='|' read -r key mode depth jeng feng extra; do
    fkey="$mode-d$depth-$feng${extra:+-batch}"
    [ "$feng" = psync ] && fkey="$mode-d1-psync"
    fj="$OUT/fio__${fkey}__r1.json"
    jj="$OUT/jaio__${key}__r1.json"
    if [ -f "$fj" ] && [ -f "$jj" ]; then
        "$ROOT/jaio" plot -o "$OUT/plots/$key.svg" --title "$key: jaio $jeng vs fio $feng, round 1" "$fj" "$jj" >/dev/null \
            || echo "compare-fio: the plot of $key failed" >&2
    fi
done < "$OUT/rows.txt"
echo "compare-fio: JSON of every run, machine.txt, table.md and plots/ are in $OUT" >&2
