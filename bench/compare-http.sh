#!/usr/bin/env bash
# Serves one directory (a 4 KiB and a 1 MiB file) with nginx (one worker process, sendfile on,
# access log off), the JDK's jwebserver, and jaio's example server (./jaio serve) on each
# engine, alternately for several rounds, and loads each with wrk (1 thread, 64 keep-alive
# connections, loopback). Prints per server and file the medians of requests per second,
# transfer rate and p99 latency, with ratios to nginx (docs/PERFORMANCE.md). Installs nginx and
# wrk with apt-get when they are missing.
#
# Settings (environment variables):
#   ROUNDS    alternating rounds                         (default 3)
#   DURATION  seconds of wrk per run                     (default 10)
#   WARMUP    seconds of wrk before each measured run    (default 2)
#   ENGINES   jaio engines                               (default "uring kaio threads")
#   SERVERS   servers, in the order they alternate       (default "nginx jwebserver jaio")
#   PORT      the port every server listens on, in turn  (default 18181)
#   OUT       where the wrk outputs and the table go     (default bench/results/http-DATE)
# Example, a short run:  ROUNDS=1 DURATION=3 bench/compare-http.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
ENGINES=${ENGINES:-uring kaio threads}
SERVERS=${SERVERS:-nginx jwebserver jaio}
PORT=${PORT:-18181}
OUT=${OUT:-$ROOT/bench/results/http-$(date -u +%Y%m%dT%H%M%SZ)}
FILES="4k.bin 1m.bin"

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "compare-http: installing $2 with apt-get" >&2
    apt-get install -y "$2" >/dev/null || { echo "compare-http: cannot install $2" >&2; exit 1; }
}
need wrk wrk
need nginx nginx
# The JDK >= 25 that ./jaio finds (JAVA_HOME when it fits; the PATH's java may be older, and
# jwebserver came with JDK 18).
JAVA_HOME=$("$ROOT/jaio" java-home) || exit 1
[ -x "$JAVA_HOME/bin/jwebserver" ] || { echo "compare-http: no jwebserver in $JAVA_HOME/bin" >&2; exit 1; }

mkdir -p "$OUT/www" "$OUT/nginx/logs"
head -c 4096 /dev/urandom > "$OUT/www/4k.bin"
head -c 1048576 /dev/urandom > "$OUT/www/1m.bin"
cat > "$OUT/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000000;
    keepalive_timeout 65;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$PORT;
        root $OUT/www;
    }
}
EOF
"$ROOT/jaio" build -q >/dev/null

SERVER_PID=
start() {  # start NAME [ENGINE]
    case "$1" in
        nginx) nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" >"$OUT/server.log" 2>&1 & ;;
        jwebserver) "$JAVA_HOME/bin/jwebserver" -b 127.0.0.1 -p "$PORT" -d "$OUT/www" -o none >"$OUT/server.log" 2>&1 & ;;
        jaio) JAVA_HOME=$JAVA_HOME "$ROOT/jaio" serve "$OUT/www" --port "$PORT" --engine "$2" >"$OUT/server.log" 2>&1 & ;;
    esac
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/4k.bin" && return 0
        sleep 0.1
    done
    echo "compare-http: $1 $2 did not start:" >&2
    cat "$OUT/server.log" >&2
    exit 1
}
stop() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/" || return 0
        sleep 0.1
    done
}
trap stop EXIT

# One wrk run: prints "req/s MB/s p99-ms".
measure() {
    local url=$1 file=$2
    wrk -t1 -c64 -d"${WARMUP}s" "$url" >/dev/null 2>&1 || true
    wrk -t1 -c64 -d"${DURATION}s" --latency "$url" >"$file" 2>&1
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        function mb(v) { if (v ~ /GB$/) return v * 1024; if (v ~ /MB$/) return v + 0; if (v ~ /KB$/) return v / 1024; return v / 1048576 }
        /Requests\/sec:/ { r = $2 }
        /Transfer\/sec:/ { t = mb($2) }
        $1 == "99%" { p = ms($2) }
        END { printf "%.0f %.1f %.2f\n", r, t, p }' "$file"
}

names=()
for s in $SERVERS; do
    if [ "$s" = jaio ]; then
        for e in $ENGINES; do names+=("jaio-$e"); done
    else
        names+=("$s")
    fi
done

for round in $(seq 1 "$ROUNDS"); do
    for n in "${names[@]}"; do
        case "$n" in jaio-*) start jaio "${n#jaio-}" ;; *) start "$n" ;; esac
        for f in $FILES; do
            m=$(measure "http://127.0.0.1:$PORT/$f" "$OUT/$n-$f-$round.txt")
            echo "$n $f $round $m" | tee -a "$OUT/runs.txt" >&2
        done
        stop
    done
done

{
    echo "wrk -t1 -c64 -d${DURATION}s on loopback, $ROUNDS alternating rounds, medians; $(nproc) cores, $(uname -r)"
    echo
    echo "| server | file | requests/s | MB/s | p99 ms | req/s vs nginx | MB/s vs nginx |"
    echo "|---|---|---:|---:|---:|---:|---:|"
    awk '
        { k = $1 " " $2; n[k]++; r[k, n[k]] = $4; t[k, n[k]] = $5; p[k, n[k]] = $6; if (!(k in seen)) { seen[k] = 1; order[++o] = k } }
        function med(a, k, c,   i, j, x, v) {
            for (i = 1; i <= c; i++) v[i] = a[k, i]
            for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
            return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
        }
        END {
            for (i = 1; i <= o; i++) { k = order[i]; R[k] = med(r, k, n[k]); T[k] = med(t, k, n[k]); P[k] = med(p, k, n[k]) }
            for (i = 1; i <= o; i++) {
                k = order[i]; split(k, a, " "); base = "nginx " a[2]
                printf "| %s | %s | %.0f | %.1f | %.2f | %.2f | %.2f |\n", a[1], a[2], R[k], T[k], P[k],
                    (base in R && R[base] > 0) ? R[k] / R[base] : 0, (base in T && T[base] > 0) ? T[k] / T[base] : 0
            }
        }' "$OUT/runs.txt"
} | tee "$OUT/table.md"
