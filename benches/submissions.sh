#!/usr/bin/env bash
# Applicants' submissions per second, on SQLite then on Postgres (see benches/README.md).
# Usage: benches/submissions.sh            (BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_DB_CONNECTIONS… pass through)
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/test}

# Build first, so that compiling is not measured and both runs use the same binary.
cargo bench --bench submissions --no-run

echo "== SQLite"
cargo bench --bench submissions

echo "== Postgres"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi
BENCH_DATABASE_URL="$PG_URL" cargo bench --bench submissions
