#!/usr/bin/env bash
# `npm run bench`: every benchmark in turn (against the MariaDB and Redis of DATABASE_URL and
# REDIS_URL; scripts/with-services.sh starts private ones when unset), then the summary lines
# again at the very end:
#   transitions: <n>/s at <c> clients, p50 <x> ms, p99 <y> ms, cpu <s> s/1k (per process) [...]
#   transitions: raw durable limit <m>/s at <c> clients
#   deadlines: <k> pending, burst of <B> committed p50 <a> ms, p99 <b> ms after its due time (…), lost <l>, duplicated <d>
# Benchmarks print figures; they never pass or fail on them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
run() {
  echo "== $*" >&2
  node -r ts-node/register/transpile-only "$@" 2>&1 | tee -a "$log"
}
run bench/inspection-draw.ts
# The SLA and early-warning benches generate 1,000,000 rows each (the SLA one takes ~40 min here):
# BENCH_SLA_CASES / BENCH_MONITORING_ROWS make a quicker run; 0 skips one.
if [[ "${BENCH_SLA_CASES:-1000000}" != 0 ]]; then run bench/sla-summary.ts "${BENCH_SLA_CASES:-1000000}"; fi
if [[ "${BENCH_MONITORING_ROWS:-1000000}" != 0 ]]; then
  run bench/monitoring.ts "${BENCH_MONITORING_ROWS:-1000000}"
fi
run bench/transitions.ts "${BENCH_SECONDS:-15}" 1,16,64
run bench/deadlines.ts "${BENCH_PENDING:-100000}" "${BENCH_BURST:-500}"
echo
echo "== summary"
grep -E '^(transitions|deadlines): ' "$log"
