#!/usr/bin/env bash
# `npm start`: installs dependencies when needed, builds, and runs the service on this machine
# with a private MariaDB and Redis (see scripts/with-services.sh) unless DATABASE_URL and
# REDIS_URL are given.
#
# Defaults for a local run (each only when the variable is unset):
#   JWT_SECRET      random, generated once and kept in .data/jwt-secret (mode 600)
#   ADMIN_USERNAME  admin
#   ADMIN_PASSWORD  random, generated once and kept in .data/admin-password (mode 600)
#   PORT            3000 when free, else a free port
#   ROLE            all
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[serve] %s\n' "$*" >&2; }
die() {
  printf '[serve] ERROR: %s\n' "$*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 || die "node is not installed (Node 20 or newer is needed)"
command -v npm >/dev/null 2>&1 || die "npm is not installed"

# --- dependencies --------------------------------------------------------------------------
# `npm ci` is broken on these machines (see docs): npm install against the committed lockfile.
stamp="node_modules/.package-lock.json"
if [[ ! -d node_modules || ! -f "$stamp" || package.json -nt "$stamp" ||
  (-f package-lock.json && package-lock.json -nt "$stamp") ]]; then
  log "installing npm dependencies"
  npm install --no-audit --no-fund || die "npm install failed"
  touch "$stamp"
fi

# --- build (skipped when dist is newer than every source file) -----------------------------
main="dist/src/main.js"
stale=1
web_index="dist/web/index.html"
if [[ -f "$main" && -f "$web_index" ]]; then
  stale=0
  while IFS= read -r -d '' _; do
    stale=1
    break
  done < <(find src workflows package.json nest-cli.json tsconfig.json tsconfig.build.json \
    -newer "$main" -print0 2>/dev/null)
  # The web app (web/, built by vite into dist/web) as well.
  while IFS= read -r -d '' _; do
    stale=1
    break
  done < <(find web src/common/resident-id.ts package.json -newer "$web_index" -print0 2>/dev/null)
fi
if ((stale)); then
  log "building (npm run build)"
  npm run build || die "build failed"
fi
[[ -f "$main" ]] || die "build did not produce $main"
[[ -f "$web_index" ]] || die "build did not produce $web_index (the web app)"

# --- local defaults ------------------------------------------------------------------------
mkdir -p .data

random_secret() {
  node -e "process.stdout.write(require('crypto').randomBytes(Number(process.argv[1])).toString('base64url'))" "$1"
}

# read_or_create FILE BYTES: a secret kept in FILE (mode 600), created on first use.
read_or_create() {
  local file="$1" bytes="$2"
  if [[ ! -s "$file" ]]; then
    (
      umask 077
      random_secret "$bytes" >"$file.tmp"
      mv "$file.tmp" "$file"
    )
  fi
  chmod 600 "$file"
  cat "$file"
}

port_free() {
  node -e '
    const s = require("net").createServer();
    s.once("error", () => process.exit(1));
    s.listen(Number(process.argv[1]), () => s.close(() => process.exit(0)));
  ' "$1"
}

free_port() {
  node -e '
    const s = require("net").createServer();
    s.listen(0, () => { console.log(s.address().port); s.close(); });
  '
}

if [[ -z "${JWT_SECRET-}" ]]; then
  JWT_SECRET="$(read_or_create .data/jwt-secret 48)"
fi
export JWT_SECRET
export ADMIN_USERNAME="${ADMIN_USERNAME:-admin}"
password_generated=0
if [[ -z "${ADMIN_PASSWORD-}" ]]; then
  if [[ ! -s .data/admin-password ]]; then
    # The users' password rule (3 of lower, upper, digits, other) holds for the generated one too.
    (
      umask 077
      node -e "const c = require('crypto'); let p;
        do { p = c.randomBytes(12).toString('base64url'); } while (!/[a-z]/.test(p) || !/[A-Z]/.test(p) || !/[0-9]/.test(p));
        process.stdout.write(p)" >.data/admin-password.tmp
      mv .data/admin-password.tmp .data/admin-password
    )
    password_generated=1
  fi
  ADMIN_PASSWORD="$(read_or_create .data/admin-password 12)"
fi
export ADMIN_PASSWORD
if [[ -z "${PORT-}" ]]; then
  if port_free 3000; then
    PORT=3000
  else
    PORT="$(free_port)"
    log "port 3000 is taken; using $PORT"
  fi
fi
export PORT
export ROLE="${ROLE:-all}"

# --- banner --------------------------------------------------------------------------------
base="http://127.0.0.1:$PORT"
# The password is printed once, when it is generated; later starts point to where it is kept.
if ((password_generated)); then
  shown_password="$ADMIN_PASSWORD"
  password_note="(generated now, kept in .data/admin-password; shown only this once)"
elif [[ -s .data/admin-password && "$ADMIN_PASSWORD" == "$(cat .data/admin-password)" ]]; then
  shown_password='<the password in .data/admin-password>'
  password_note=''
else
  shown_password='<your ADMIN_PASSWORD>'
  password_note="(from ADMIN_PASSWORD)"
fi
cat <<EOF

  yibao-flow (ROLE=$ROLE) starting on port $PORT
    Workbench:  $base/   (sign in as below; each role starts on its own page)
    API docs:   $base/docs
    Dashboard:  $base/dashboard (managers: SLA, overdue cases, exports)
    Queues:     $base/admin/queues (ADMIN: sign in at /, then 队列监控 in the menu)
    Login:      username $ADMIN_USERNAME, password $shown_password $password_note
    Token:      curl -s -X POST $base/api/v1/auth/login \\
                  -H 'content-type: application/json' \\
                  -d '{"username":"$ADMIN_USERNAME","password":"$shown_password"}'

EOF

exec bash "$ROOT/scripts/with-services.sh" node "$ROOT/$main"
