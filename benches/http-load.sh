#!/usr/bin/env bash
# Load benchmark for the public pages: cold start on a fresh SQLite database, then wrk against
# `/` and `/api/v1/programs`, with the server's peak memory. See benches/README.md.
#
# Usage: benches/http-load.sh            (PORT=18181 and DURATION=20 seconds per path by default)
#        PORT=19000 DURATION=5 benches/http-load.sh
set -euo pipefail

PORT=${PORT:-18181}
DURATION=${DURATION:-20}
THREADS=2
CONNECTIONS=64
PATHS=(/ /api/v1/programs)
BASE="http://127.0.0.1:$PORT"

# Work from the repository root, so that a relative CARGO_TARGET_DIR means what cargo thinks it means.
cd "$(dirname "$0")/.."

# --- Load generator -------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
    echo "wrk not found: installing it from Debian"
    SUDO=""
    [[ $(id -u) -eq 0 ]] || SUDO=sudo
    $SUDO apt-get update -qq
    # `env` because sudo drops the caller's environment variables.
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
command -v curl >/dev/null 2>&1 || { echo "error: curl is required" >&2; exit 1; }

# --- Release binary --------------------------------------------------------------------------------
cargo build --release --locked
BIN=$(realpath "${CARGO_TARGET_DIR:-target}/release/summer-school")

# --- Server lifecycle: always stopped, temporary data always removed -------------------------------
TMP=$(mktemp -d)
PID=""
cleanup() {
    if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
        kill "$PID"
        # The server drains in-flight requests on SIGTERM; don't wait forever for it.
        for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # so that Ctrl-C also goes through the EXIT trap

# A server already on the port would answer /healthz and make every number below meaningless.
if curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then
    echo "error: something already answers on port $PORT (set PORT=...)" >&2
    exit 1
fi

# Header: enough to compare runs later.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
echo
echo "# summer-school HTTP load benchmark"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit: $commit  nproc: $(nproc)"
echo "wrk: -t$THREADS -c$CONNECTIONS -d${DURATION}s per path, on the same machine as the server"
echo

# --- Cold start ------------------------------------------------------------------------------------
# Run from the empty temporary folder so that no .env from the repository is picked up, and name the
# database explicitly so that a DATABASE_URL in the caller's environment cannot point elsewhere.
# RUST_LOG keeps everything at warn except the one startup line that carries `startup_ms`.
start_ns=$(date +%s%N)
(
    cd "$TMP"
    exec env DATA_DIR="$TMP" DATABASE_URL="sqlite://$TMP/summer-school.db" BIND_ADDR="127.0.0.1:$PORT" \
        RUST_LOG=warn,summer_school::startup=info LOG_FORMAT=json "$BIN" serve
) >"$TMP/server.log" 2>&1 &
PID=$!

# The port is bound before migrations run, so a connection may wait: --max-time bounds each try.
until curl -sf -o /dev/null --max-time 2 "$BASE/healthz"; do
    if ! kill -0 "$PID" 2>/dev/null; then
        echo "error: the server exited during startup; its log:" >&2
        cat "$TMP/server.log" >&2
        exit 1
    fi
    if (( $(date +%s%N) - start_ns > 60000000000 )); then
        echo "error: /healthz did not answer within 60 s; server log:" >&2
        cat "$TMP/server.log" >&2
        exit 1
    fi
    sleep 0.01
done
cold_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
startup_ms=$(grep -o '"startup_ms":[0-9]*' "$TMP/server.log" | head -n1 | cut -d: -f2 || true)
echo "cold start: ${cold_ms} ms until /healthz answered (server's own startup_ms: ${startup_ms:-not logged})"

# Memory, from the kernel: VmHWM is the peak resident set since launch, VmRSS the current one.
mib() { awk -v k="$1" '$1 == k":" { printf "%.1f MiB", $2 / 1024 }' "/proc/$PID/status"; }
echo "memory after start: VmRSS $(mib VmRSS), peak $(mib VmHWM)"

# --- Warm-up: first requests fill caches and the connection pool; keep them out of the numbers ------
for path in "${PATHS[@]}"; do
    for _ in $(seq 20); do curl -sf -o /dev/null "$BASE$path"; done
done

# --- Load ------------------------------------------------------------------------------------------
rows=()
for path in "${PATHS[@]}"; do
    out="$TMP/wrk.txt"
    echo
    echo "## wrk $BASE$path"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$BASE$path" | tee "$out"
    kill -0 "$PID" 2>/dev/null || { echo "error: the server died under load" >&2; cat "$TMP/server.log" >&2; exit 1; }

    rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$out")
    p50=$(awk '$1 == "50%" { print $2 }' "$out")
    p99=$(awk '$1 == "99%" { print $2 }' "$out")
    # wrk prints these two lines only when there is something to report.
    errors=$(awk '
        /Non-2xx or 3xx responses:/ { parts = parts sep $NF " non-2xx"; sep = ", " }
        /Socket errors:/ {
            # "Socket errors: connect 0, read 3, write 0, timeout 1"
            for (i = 3; i < NF; i += 2) { n = $(i + 1) + 0; if (n > 0) { parts = parts sep n " " $i; sep = ", " } }
        }
        END { print (parts == "" ? "0" : parts) }' "$out")
    peak="$(mib VmHWM) (now $(mib VmRSS))"
    rows+=("| \`$path\` | $rps | $p50 | $p99 | $errors | $peak |")
done

# --- Summary ---------------------------------------------------------------------------------------
echo
echo "## summary (commit $commit, nproc $(nproc), ${DURATION}s per path, $CONNECTIONS connections)"
echo
echo "| path | requests/s | p50 | p99 | errors | peak RSS |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "cold start (fresh SQLite, migrations + catalog): ${cold_ms} ms"
