#!/usr/bin/env bash
# Applicants' submissions per second (benches/submissions.rs), once on SQLite and once on Postgres,
# then both summaries together. See benches/README.md.
#
# BENCH_SCENARIO=seats or BENCH_SCENARIO=webhooks runs those scenarios instead (see the top of
# benches/submissions.rs).
#
# Usage: benches/submissions.sh
#        BACKENDS=sqlite benches/submissions.sh
#        BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test BENCH_SECONDS=10 benches/submissions.sh
# Every BENCH_* setting of the benchmark passes through (BENCH_APPLICATIONS, BENCH_CONCURRENCY,
# BENCH_DB_CONNECTIONS, BENCH_PG_SETTINGS, …: see the top of benches/submissions.rs).
set -euo pipefail

BACKENDS=${BACKENDS:-sqlite postgres}
# The server on which the benchmark creates (and drops) its own database `ss_bench_<uuid>`.
PG_URL=${BENCH_PG_URL:-${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}}
unset BENCH_DATABASE_URL

# Work from the repository root, so that a relative CARGO_TARGET_DIR means what cargo thinks it means.
cd "$(dirname "$0")/.."

# `cargo bench` builds with the `bench` profile, which inherits `release` (thin LTO, 4 codegen units).
cargo bench --locked --bench submissions --no-run

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

for backend in $BACKENDS; do
    case $backend in
    sqlite)
        cargo bench --locked --bench submissions 2>&1 | tee "$OUT/sqlite.txt"
        ;;
    postgres)
        if ! pg_isready -q -h 127.0.0.1; then
            echo "Postgres is not answering on 127.0.0.1: starting the local cluster"
            SUDO=""
            [[ $(id -u) -eq 0 ]] || SUDO=sudo
            $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
            for _ in $(seq 60); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
            pg_isready -h 127.0.0.1
        fi
        BENCH_DATABASE_URL=$PG_URL cargo bench --locked --bench submissions 2>&1 | tee "$OUT/postgres.txt"
        ;;
    *)
        echo "error: unknown backend '$backend' (sqlite or postgres)" >&2
        exit 2
        ;;
    esac
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
echo
echo "# Summary: commit $commit, $(nproc) CPUs"
echo
# The table's header as the scenario printed it (submissions, seats or webhooks).
first=${BACKENDS%% *}
grep -m 1 -E "^\| backend \|" "$OUT/$first.txt" || echo "| backend | (no header) |"
grep -m 1 -E "^\|---" "$OUT/$first.txt" || true
for backend in $BACKENDS; do
    grep -E "^\| $backend \|" "$OUT/$backend.txt" || echo "| $backend | (no result: see its output above) |"
done
echo
for backend in $BACKENDS; do
    grep -E "^(seeded|check|CPU|note)" "$OUT/$backend.txt" | sed "s/^/$backend: /" || true
done
