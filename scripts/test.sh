#!/usr/bin/env bash
# `npm test`: installs dependencies when needed, runs eslint and tsc, then every jest test
# against a private MariaDB and Redis (scripts/with-services.sh; fresh data under .data/test)
# unless DATABASE_URL and REDIS_URL are given. Extra arguments go to jest, e.g.
#   npm test -- test/docker-compose.e2e-spec.ts
# The last line of output is always `N passed, N failed`.
#
#   YIBAO_TEST_TIMEOUT  hard limit for the jest run in seconds (default 1080 = 18 min)
#   YIBAO_SKIP_STATIC=1 skip eslint and tsc (for a quick local re-run only)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RESULTS=".data/jest-results.json"
summary_printed=0

log() { printf '\n[test] %s\n' "$*" >&2; }

# Whatever happens, the last line is the count.
finish() {
  local rc=$?
  if ((summary_printed == 0)); then
    echo "0 passed, 1 failed"
    ((rc != 0)) || rc=1
  fi
  exit "$rc"
}
trap finish EXIT

fail() {
  printf '\n[test] FAILED: %s\n' "$*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 || fail "node is not installed (Node 20 or newer is needed)"
command -v npm >/dev/null 2>&1 || fail "npm is not installed"

# --- dependencies (npm ci is broken on these machines: npm install against the lockfile) -----
stamp="node_modules/.package-lock.json"
if [[ ! -d node_modules || ! -f "$stamp" || package.json -nt "$stamp" ||
  (-f package-lock.json && package-lock.json -nt "$stamp") ]]; then
  log "installing npm dependencies"
  npm install --no-audit --no-fund || fail "npm install failed"
  touch "$stamp"
fi

# --- static checks -------------------------------------------------------------------------
if [[ "${YIBAO_SKIP_STATIC-}" != 1 ]]; then
  log "eslint"
  npx --no-install eslint . || fail "eslint reported problems (see above); fix them or run 'npx eslint . --fix'"
  log "tsc --noEmit"
  npx --no-install tsc -p tsconfig.json --noEmit || fail "type errors (see above)"
  log "tsc --noEmit (web app)"
  npx --no-install tsc -p web/tsconfig.json --noEmit || fail "type errors in web/ (see above)"
  # The web app's API types are generated from docs/openapi.json: they must match it.
  log "web API client up to date with docs/openapi.json"
  generated="$(mktemp --suffix=.d.ts)"
  npx --no-install openapi-typescript docs/openapi.json -o "$generated" >/dev/null 2>&1 ||
    fail "openapi-typescript could not read docs/openapi.json"
  if ! cmp -s "$generated" web/src/api/schema.d.ts; then
    rm -f "$generated"
    fail "web/src/api/schema.d.ts is stale: run 'npm run web:client' and commit it"
  fi
  rm -f "$generated"
fi

# --- the web app (the browser tests and the serving test need dist/web) -------------------
web_index="dist/web/index.html"
web_stale=1
if [[ -f "$web_index" ]]; then
  web_stale=0
  while IFS= read -r -d '' _; do
    web_stale=1
    break
  done < <(find web src/common/resident-id.ts package.json -newer "$web_index" -print0 2>/dev/null)
fi
if ((web_stale)); then
  log "building the web app (npm run web:build)"
  npm run --silent web:build >/dev/null || fail "the web app did not build (npm run web:build)"
fi

# --- jest against real MariaDB and Redis ---------------------------------------------------
mkdir -p .data
rm -f "$RESULTS"
# Private servers start from empty data every run (and never touch the data of `npm start`).
export YIBAO_DATA_DIR="${YIBAO_DATA_DIR:-$ROOT/.data/test}"
export YIBAO_FRESH="${YIBAO_FRESH:-1}"
# test/docker-compose.e2e-spec.ts validates docker/compose.yml with docker-compose (v1);
# test/*.browser.e2e-spec.ts drive Debian's chromium (/usr/bin/chromium) with playwright-core;
# fonts-noto-cjk draws the Chinese of the screenshots (boxes without it).
export YIBAO_APT_EXTRA="${YIBAO_APT_EXTRA:-docker-compose:docker-compose chromium:chromium /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:fonts-noto-cjk}"

log "jest"
set +e
# --foreground keeps Ctrl-C working; on time-out with-services.sh forwards TERM to jest and
# stops the servers.
timeout --foreground -k 60 "${YIBAO_TEST_TIMEOUT:-1080}" \
  bash scripts/with-services.sh \
  "$ROOT/node_modules/.bin/jest" --ci --maxWorkers=2 --json --outputFile="$RESULTS" \
  --testLocationInResults "$@"
jest_rc=$?
set -e
if ((jest_rc == 124 || jest_rc == 137)); then
  printf '\n[test] jest was stopped after %ss (YIBAO_TEST_TIMEOUT)\n' \
    "${YIBAO_TEST_TIMEOUT:-1080}" >&2
fi

if [[ ! -s "$RESULTS" ]]; then
  printf '\n[test] FAILED: jest wrote no results to %s (exit code %s)\n' "$RESULTS" "$jest_rc" >&2
  exit 1
fi

# Summary from the JSON; the last line is `N passed, N failed`.
set +e
summary="$(node - "$RESULTS" "$jest_rc" <<'EOF'
const fs = require('node:fs');
const path = require('node:path');
const [file, rcText] = process.argv.slice(2);
const rc = Number(rcText);
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
const rel = (p) => path.relative(process.cwd(), p);
const lines = ['', '==== jest summary ===='];
lines.push(
  `Suites: ${r.numPassedTestSuites} passed, ${r.numFailedTestSuites} failed, ` +
    `${r.numPendingTestSuites} skipped, ${r.numTotalTestSuites} total`,
);
lines.push(
  `Tests:  ${r.numPassedTests} passed, ${r.numFailedTests} failed, ` +
    `${r.numPendingTests + (r.numTodoTests || 0)} skipped, ${r.numTotalTests} total`,
);
let extra = 0;
for (const suite of r.testResults || []) {
  const failed = (suite.assertionResults || []).filter((a) => a.status === 'failed');
  if (suite.status === 'failed' && failed.length === 0) {
    // The file could not run at all (syntax error, failing beforeAll, ...): count it once.
    extra += 1;
    const msg =
      (suite.message || '')
        .replace(/\u001b\[[0-9;]*m/g, '')
        .split('\n')
        .find((l) => l.trim() && !l.includes('Test suite failed to run')) || 'suite failed';
    lines.push(`FAIL ${rel(suite.name)}: ${msg.trim()}`);
  }
  for (const a of failed) {
    const at = a.location ? `:${a.location.line}` : '';
    lines.push(`FAIL ${rel(suite.name)}${at} > ${a.fullName}`);
  }
}
const passed = r.numPassedTests;
let failed = r.numFailedTests + extra;
if (failed === 0 && (rc !== 0 || !r.success)) {
  lines.push(`jest exited with code ${rc} although no test failed (see its output above)`);
  failed = 1;
}
lines.push(`${passed} passed, ${failed} failed`);
console.log(lines.join('\n'));
process.exit(failed === 0 ? 0 : 1);
EOF
)"
summary_rc=$?
set -e
printf '%s\n' "$summary"
if [[ "$(tail -n 1 <<<"$summary")" =~ ^[0-9]+\ passed,\ [0-9]+\ failed$ ]]; then
  summary_printed=1
else
  printf '\n[test] FAILED: could not read %s\n' "$RESULTS" >&2
  exit 1
fi
if ((summary_rc != 0 || jest_rc != 0)); then
  exit 1
fi
exit 0
