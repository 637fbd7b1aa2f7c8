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
# same flags. Every run's JSON is kept in the output folder, with the command line that made
# it (.cmd); one parser reads both tools'.
#
# Settings (environment variable, or the flag in brackets):
#   ROUNDS   [--rounds N]       alternating rounds                       (default 3)
#   RUNTIME  [--runtime S]      seconds measured per run                 (default 10)
#   RAMP     [--ramp S]         seconds before measuring, per run         (default 1)
#   SIZE     [--size SIZE]      file size, fio syntax                     (default 1g)
#   BS       [--bs SIZE]        block size                                (default 4k)
#   RW       [--rw PATTERN]     randread, read, write, randwrite, ...     (default randread)
#   DEPTHS   [--depths "..."]   iodepths                                  (default "1 32 128")
#   MODES    [--modes "..."]    buffered and/or direct                    (default "buffered direct")
#   ENGINES  [--engines "..."]  jaio engines: uring kaio threads jdk-afc jdk-fc posix (default: all)
#   FILE     [--file PATH]      the data file                             (default /tmp/jaio-compare.dat)
#   OUT      [--out DIR]        where the JSON files and table go         (default bench/results/DATE)
#   NUMJOBS  [--numjobs N]      jobs per run, each its own thread and context (jaio) or
#                               process (fio), summed with --group_reporting=1; the psync
#                               reference runs N jobs too                 (default 1)
#   FSYNC    [--fsync N]        --fsync=N on both sides: an fsync after every N writes
#                               (for RW=write/randwrite; fio 3.33 on io_uring and posixaio
#                               issues about iodepth of them instead of one: the table marks
#                               such rows * and says why)                 (default 0: none)
#   EXTRA    [--extra "FLAGS"]  flags both tools get on every row, space separated
#                               (e.g. "--fixedbufs=1 --registerfiles=1")  (default none)
#   JAIO_EXTRA [--jaio-extra "FLAGS"]  flags for ./jaio bench only (e.g. --single_issuer=1)
#   FIO_EXTRA  [--fio-extra "FLAGS"]   flags for fio only
# A row whose engine cannot take one of these flags is skipped, with the reason on stderr,
# in machine.txt and under the table, rather than compared with a different setup: fio's
# verdict comes from fio --parse-only with the row's fio engine (fio 3.33 rejects io_uring's
# fixedbufs, registerfiles, sqthread_poll, nonvectored and hipri on libaio, psync and
# posixaio), jaio's from what ./jaio bench --help says each engine acts on (fixedbufs,
# registerfiles, sqthread_poll: uring only; single_issuer, nonvectored: uring, kaio,
# threads; hipri: none; jaio accepts the others and ignores them). A flag set to 0 is off
# and never skips a row. machine.txt also records the io_uring setup flags each tool's ring
# had (strace, when installed): fio 3.33 sets SINGLE_ISSUER and DEFER_TASKRUN on its own,
# jaio only with --single_issuer=1.
# Example, a short preliminary run:  ROUNDS=2 RUNTIME=5 bench/compare-fio.sh
# Examples:  NUMJOBS=2 MODES=buffered ENGINES="uring kaio" bench/compare-fio.sh
#            EXTRA="--fixedbufs=1 --registerfiles=1" ENGINES=uring bench/compare-fio.sh
#            RW=randwrite FSYNC=32 bench/compare-fio.sh
#
# Job-file mode: bench/compare-fio.sh --jobfile FILE.fio [--jobfile FILE2.fio ...] runs each fio
# job file unchanged with fio and with ./jaio bench, alternately for ROUNDS rounds, and prints
# per job (as the tools report them) the medians and jaio / fio, marking the rows within 10%.
# Variables the job files use (${FILE}, ${SIZE} ...) come from the environment, for both tools.
# NUMJOBS, FSYNC and the EXTRA flags are for the rows: set them in the job files instead.
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
NUMJOBS=${NUMJOBS:-1}
FSYNC=${FSYNC:-0}
EXTRA=${EXTRA:-}
JAIO_EXTRA=${JAIO_EXTRA:-}
FIO_EXTRA=${FIO_EXTRA:-}

TOOL=compare-fio
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

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
        --numjobs) NUMJOBS=$2; shift 2 ;;
        --fsync) FSYNC=$2; shift 2 ;;
        --extra) EXTRA=$2; shift 2 ;;
        --jaio-extra) JAIO_EXTRA=$2; shift 2 ;;
        --fio-extra) FIO_EXTRA=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (--help lists them)" ;;
    esac
done

case "$NUMJOBS" in ''|*[!0-9]*|0) die "NUMJOBS must be a whole number of at least 1, not '$NUMJOBS'" ;; esac
case "$FSYNC" in ''|*[!0-9]*) die "FSYNC must be a whole number (0: none), not '$FSYNC'" ;; esac
if [ -n "$JOBFILES" ] && { [ "$NUMJOBS" != 1 ] || [ "$FSYNC" != 0 ] || [ -n "$EXTRA$JAIO_EXTRA$FIO_EXTRA" ]; }; then
    die "NUMJOBS, FSYNC, EXTRA, JAIO_EXTRA and FIO_EXTRA are for the rows; with job files, put them in the files"
fi

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
    echo "settings: NUMJOBS=$NUMJOBS FSYNC=$FSYNC EXTRA='$EXTRA' JAIO_EXTRA='$JAIO_EXTRA' FIO_EXTRA='$FIO_EXTRA'"
    echo "jaio engines available: $(echo $AVAILABLE)"
} > "$OUT/machine.txt"

# Flags both tools get on every row, from the settings (none at the defaults, so the default
# command lines are what they always were).
shared_flags() {
    if [ "$NUMJOBS" -gt 1 ]; then
        printf -- '--numjobs=%s --group_reporting=1 ' "$NUMJOBS"
    fi
    if [ "$FSYNC" -gt 0 ]; then
        printf -- '--fsync=%s ' "$FSYNC"
    fi
    printf '%s' "$EXTRA"
}
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
# What each tool gets after its engine (fio reads an engine's own options only once the engine
# is named): the row's flags, then the settings'.
after_fio() {  # row flags
    echo $1 $(shared_flags) $FIO_EXTRA
}
after_jaio() {  # row flags
    echo $1 $(shared_flags) $JAIO_EXTRA
}

# --- which rows can take the flags. fio's verdict: fio --parse-only on the rows' command line
# with each fio engine they use, once (empty when it takes every flag fio gets).
declare -A FIO_REFUSES
for fe in io_uring libaio psync posixaio; do
    # shellcheck disable=SC2046
    if ! why=$(fio --parse-only $(common_fio buffered 1) --ioengine="$fe" $(after_fio "") 2>&1); then
        FIO_REFUSES[$fe]="fio $fe refuses the flags: $(printf '%s\n' "$why" | grep -m1 . | sed 's/^fio: //')"
    fi
done
# jaio's: which engines act on an engine-specific flag (./jaio bench --help); jaio accepts the
# others' flags and ignores them, so a row with one of those would not run what fio runs.
jaio_acts_on() {  # option name, jaio engine
    case "$1" in
        fixedbufs|registerfiles|sqthread_poll) [ "$2" = uring ] ;;
        single_issuer|nonvectored) case "$2" in uring|kaio|threads) return 0 ;; *) return 1 ;; esac ;;
        hipri) return 1 ;;
        *) return 0 ;;
    esac
}
# Why a row cannot run as asked, or nothing when it can: jaio engine, fio engine.
row_refusal() {
    local jeng=$1 feng=$2 f name value
    if [ -n "${FIO_REFUSES[$feng]:-}" ]; then
        printf '%s' "${FIO_REFUSES[$feng]}"
        return
    fi
    for f in $EXTRA $JAIO_EXTRA; do
        name=${f#--}
        value=1
        case "$name" in *=*) value=${name#*=}; name=${name%%=*} ;; esac
        [ "$value" = 0 ] && continue
        if ! jaio_acts_on "$name" "$jeng"; then
            printf 'jaio %s does not act on %s (./jaio bench --help)' "$jeng" "$f"
            return
        fi
    done
}

# The io_uring setup flags a run's ring had (the last io_uring_setup of the process), by
# strace, with the bits this strace has no names for named (linux/io_uring.h).
ring_flags() {
    local t
    t=$(mktemp)
    strace -f -qq -e trace=io_uring_setup -o "$t" "$@" >/dev/null 2>&1 || true
    grep 'io_uring_setup(' "$t" | tail -n 1 | grep -o 'flags=[^,]*' | head -n 1 | cut -d= -f2 | python3 -c '
import sys
names = {0x1000: "SINGLE_ISSUER", 0x2000: "DEFER_TASKRUN", 0x4000: "NO_MMAP", 0x8000: "REGISTERED_FD_ONLY",
         0x10000: "NO_SQARRAY", 0x20000: "HYBRID_IOPOLL"}
out = []
for part in sys.stdin.read().strip().split("|"):
    if part.startswith("0x"):
        v = int(part, 16)
        out += ["IORING_SETUP_" + n for b, n in sorted(names.items()) if v & b]
        rest = v & ~sum(names)
        if rest:
            out.append(hex(rest))
    elif part:
        out.append(part)
print(" ".join(o.replace("IORING_SETUP_", "") for o in out) or "unknown")'
    rm -f "$t"
}
if command -v strace >/dev/null 2>&1 && printf ' %s ' $ENGINES | grep -q ' uring '; then
    # shellcheck disable=SC2046
    {
        echo "fio io_uring ring flags: $(ring_flags fio $(common_fio buffered 4) --ioengine=io_uring $(after_fio "") \
            --runtime=100ms --ramp_time=0 --output=/dev/null)"
        echo "jaio uring ring flags: $(ring_flags "$ROOT/jaio" bench $(common_jaio buffered 4) --engine=uring $(after_jaio "") \
            --runtime=100ms --ramp_time=0 --output=/dev/null)"
    } >> "$OUT/machine.txt"
fi
cat "$OUT/machine.txt" >&2

batch_flags() {  # depth
    echo --iodepth_batch_submit="$1" --iodepth_batch_complete_min="$1"
}

# One run of fio: key, mode, depth, fio engine, extra flags. Key names the output file.
run_fio() {
    local key=$1 mode=$2 depth=$3 engine=$4 extra=$5 round=$6
    local out="$OUT/fio__${key}__r$round.json"
    [ -f "$out" ] && return
    # shellcheck disable=SC2046 # word splitting of the option lists is intended
    echo fio $(common_fio "$mode" "$depth") --ioengine="$engine" $(after_fio "$extra") --output="$out" > "${out%.json}.cmd"
    # shellcheck disable=SC2046
    if ! fio $(common_fio "$mode" "$depth") --ioengine="$engine" $(after_fio "$extra") --output="$out" 2>"$out.err"; then
        echo "compare-fio: fio $key failed: $(head -c 300 "$out.err")" >&2
        rm -f "$out"
    fi
}
run_jaio() {
    local key=$1 mode=$2 depth=$3 engine=$4 extra=$5 round=$6
    local out="$OUT/jaio__${key}__r$round.json"
    jaio_has "$engine" || return 0
    # shellcheck disable=SC2046
    echo ./jaio bench $(common_jaio "$mode" "$depth") --engine="$engine" $(after_jaio "$extra") > "${out%.json}.cmd"
    # shellcheck disable=SC2046
    if ! "$ROOT/jaio" bench $(common_jaio "$mode" "$depth") --engine="$engine" $(after_jaio "$extra") >"$out" 2>"$out.err"; then
        echo "compare-fio: jaio $key failed: $(head -c 300 "$out.err")" >&2
        rm -f "$out"
    fi
}

# The rows: key|mode|depth|jaio engine|fio engine|extra flags (both sides); a row that cannot
# take the settings' flags goes to skipped instead, with why.
rows=()
skipped=()
add_row() {
    local row=$1 jeng feng why
    IFS='|' read -r _ _ _ jeng feng _ <<<"$row"
    why=$(row_refusal "$jeng" "$feng")
    if [ -n "$why" ]; then
        skipped+=("${row%%|*}: $why")
    else
        rows+=("$row")
    fi
}
for mode in $MODES; do
    for d in $DEPTHS; do
        for e in $ENGINES; do
            case "$e" in
                uring)
                    add_row "$mode-d$d-uring|$mode|$d|uring|io_uring|"
                    if [ "$mode" = buffered ] && [ "$d" -gt 1 ]; then
                        add_row "$mode-d$d-uring-batch|$mode|$d|uring|io_uring|$(batch_flags "$d")"
                    fi ;;
                kaio)
                    add_row "$mode-d$d-kaio|$mode|$d|kaio|libaio|"
                    if [ "$mode" = buffered ] && [ "$d" -gt 1 ]; then
                        add_row "$mode-d$d-kaio-batch|$mode|$d|kaio|libaio|$(batch_flags "$d")"
                    fi ;;
                threads) add_row "$mode-d$d-threads|$mode|$d|threads|psync|" ;;
                jdk-afc) add_row "$mode-d$d-jdk-afc|$mode|$d|jdk-afc|psync|" ;;
                jdk-fc) [ "$d" = "$(echo $DEPTHS | cut -d' ' -f1)" ] && add_row "$mode-d1-jdk-fc|$mode|1|jdk-fc|psync|" ;;
                posix)
                    # The facade runs on the auto engine; the -ctx row is jaio's context API on
                    # that same engine, against the same fio posixaio run.
                    auto=$(printf '%s\n' "$AVAILABLE" | head -n 1)
                    add_row "$mode-d$d-posix|$mode|$d|posix|posixaio|"
                    add_row "$mode-d$d-posix-ctx|$mode|$d|$auto|posixaio|" ;;
                *) die "unknown engine '$e' in ENGINES" ;;
            esac
        done
    done
done
: > "$OUT/notes.txt"
if [ "${#skipped[@]}" -gt 0 ]; then
    for sk in "${skipped[@]}"; do
        echo "compare-fio: skipping $sk" >&2
        echo "skipped $sk" >> "$OUT/machine.txt"
        echo "Skipped $sk." >> "$OUT/notes.txt"
    done
fi
[ "${#rows[@]}" -gt 0 ] || die "every row was skipped (see above)"
both=$(shared_flags | sed 's/ *$//')
[ -z "$both" ] || echo "Both tools on every row: $both." >> "$OUT/notes.txt"
[ -z "$JAIO_EXTRA" ] || echo "jaio only, every row: $JAIO_EXTRA." >> "$OUT/notes.txt"
[ -z "$FIO_EXTRA" ] || echo "fio only, every row: $FIO_EXTRA." >> "$OUT/notes.txt"
if [ "$NUMJOBS" -gt 1 ]; then
    echo "IOPS are the $NUMJOBS jobs' summed; cpu% is the cores busy x 100: jaio's whole process, fio's jobs summed." \
        >> "$OUT/notes.txt"
fi
if [ "$FSYNC" -gt 0 ]; then
    case "$RW" in read|randread) echo "compare-fio: FSYNC=$FSYNC has no effect with RW=$RW (no writes)" >&2 ;; esac
fi
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
