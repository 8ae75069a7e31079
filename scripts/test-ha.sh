#!/usr/bin/env bash
# `npm run test:ha`: the fault tests of the high-availability topology (test/ha/ha-driver.ts) on
# a fresh private Galera cluster and Redis Sentinel set (scripts/cluster-services.sh, data under
# .data/ha). Builds the service first when dist/ is stale. Every process it starts is stopped
# when it ends, fails or is interrupted. The last line is always `N passed, N failed`.
#
#   YIBAO_HA_TIMEOUT  hard limit in seconds (default 900)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
summary=0
finish() {
  local rc=$?
  if ((summary == 0)); then
    echo "0 passed, 1 failed"
    ((rc != 0)) || rc=1
  fi
  exit "$rc"
}
trap finish EXIT

stamp="node_modules/.package-lock.json"
if [[ ! -d node_modules || ! -f "$stamp" || package.json -nt "$stamp" ]]; then
  npm install --no-audit --no-fund
  touch "$stamp"
fi
if [[ ! -f dist/src/main.js ]] ||
  [[ -n "$(find src workflows package.json tsconfig.json tsconfig.build.json -newer dist/src/main.js -print -quit 2>/dev/null)" ]]; then
  echo "[test:ha] building the service (nest build)" >&2
  npx --no-install nest build
fi

out="$(mktemp "${TMPDIR:-/tmp}/yibao-ha.XXXXXX")"
set +e
YIBAO_FRESH=1 YIBAO_CLUSTER_DIR="${YIBAO_CLUSTER_DIR:-$ROOT/.data/ha}" \
  timeout --signal=TERM --kill-after=60 "${YIBAO_HA_TIMEOUT:-900}" \
  bash scripts/cluster-services.sh \
  node -r ts-node/register/transpile-only test/ha/ha-driver.ts 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e
# The driver's own count (servers stopping may print after it): repeated as the last line.
last="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1 || true)"
rm -f "$out"
if [[ -n "$last" ]]; then
  summary=1
  echo "$last"
  exit "$rc"
fi
exit $((rc == 0 ? 1 : rc))
