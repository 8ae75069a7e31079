#!/usr/bin/env bash
# `npm run cluster`: the whole high-availability topology on this machine — three MariaDB Galera
# nodes, a Redis primary + replica + three Sentinels (scripts/cluster-services.sh), two API and
# two worker processes of the service — prints the URLs and stops everything on Ctrl-C.
#
#   API_PORTS     the API processes' ports (default "3000 3001"; a taken one is replaced)
#   WORKER_PORTS  the workers' ports, /health and /metrics only (default "3002 3003")
#   YIBAO_CLUSTER_DIR, YIBAO_FRESH=1   see scripts/cluster-services.sh
# JWT_SECRET / ADMIN_USERNAME / ADMIN_PASSWORD as for `npm start` (scripts/serve.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() {
  printf '[cluster] ERROR: %s\n' "$*" >&2
  exit 1
}

if [[ "${1-}" != __apps ]]; then
  # --- dependencies and build, as `npm start` does ----------------------------------------
  stamp="node_modules/.package-lock.json"
  if [[ ! -d node_modules || ! -f "$stamp" || package.json -nt "$stamp" ]]; then
    log "installing npm dependencies"
    npm install --no-audit --no-fund || die "npm install failed"
    touch "$stamp"
  fi
  if [[ ! -f dist/src/main.js || ! -f dist/web/index.html ]] ||
    [[ -n "$(find src workflows web package.json -newer dist/src/main.js -print -quit 2>/dev/null)" ]]; then
    log "building (npm run build)"
    npm run build || die "build failed"
  fi
  mkdir -p .data
  # The same local secrets as `npm start` (generated once, kept in .data/, mode 600).
  for f in jwt-secret admin-password; do
    if [[ ! -s ".data/$f" ]]; then
      (
        umask 077
        node -e "const c = require('crypto'); let p;
          do { p = c.randomBytes(12).toString('base64url'); } while (!/[a-z]/.test(p) || !/[A-Z]/.test(p) || !/[0-9]/.test(p));
          process.stdout.write(p + ('$f' === 'jwt-secret' ? c.randomBytes(24).toString('base64url') : ''))" >".data/$f"
      )
    fi
  done
  export JWT_SECRET="${JWT_SECRET:-$(cat .data/jwt-secret)}"
  export ADMIN_USERNAME="${ADMIN_USERNAME:-admin}"
  export ADMIN_PASSWORD="${ADMIN_PASSWORD:-$(cat .data/admin-password)}"
  exec bash "$ROOT/scripts/cluster-services.sh" bash "$ROOT/scripts/cluster.sh" __apps
fi

# --- inside cluster-services.sh: the service's processes -----------------------------------
# shellcheck source=scripts/service-helpers.sh
source "$ROOT/scripts/service-helpers.sh"

port_free() {
  node -e '
    const s = require("net").createServer();
    s.once("error", () => process.exit(1));
    s.listen(Number(process.argv[1]), () => s.close(() => process.exit(0)));
  ' "$1"
}

pick_ports() {
  local p out=()
  for p in "$@"; do
    if port_free "$p"; then out+=("$p"); else out+=("$(free_port)"); fi
  done
  echo "${out[*]}"
}

read -r -a API < <(pick_ports ${API_PORTS:-3000 3001})
read -r -a WORKERS < <(pick_ports ${WORKER_PORTS:-3002 3003})
LOGS="$YIBAO_CLUSTER_DIR/logs"
mkdir -p "$LOGS"
PIDS=()

stop_apps() {
  trap - EXIT INT TERM
  local pid
  for pid in "${PIDS[@]}"; do terminate "$pid" 20; done
}
trap stop_apps EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_healthy() {
  local port="$1" pid="$2" i
  for ((i = 0; i < 1200; i++)); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    alive "$pid" || return 1
    sleep 0.1
  done
  return 1
}

start_app() {
  local role="$1" port="$2" n="$3"
  shift 3
  ROLE="$role" PORT="$port" "$@" setsid node "$ROOT/dist/src/main.js" \
    </dev/null >>"$LOGS/$role-$n.log" 2>&1 &
  PIDS+=($!)
  echo $! >"$LOGS/$role-$n.pid"
}

# The first API applies the migrations; the others start once it is healthy.
start_app api "${API[0]}" 1 env
wait_healthy "${API[0]}" "${PIDS[0]}" || die "the first API process did not start; see $LOGS/api-1.log"
start_app api "${API[1]}" 2 env MIGRATIONS_RUN=false
start_app worker "${WORKERS[0]}" 1 env MIGRATIONS_RUN=false
start_app worker "${WORKERS[1]}" 2 env MIGRATIONS_RUN=false
for i in 1 2 3; do
  port=$([[ $i == 1 ]] && echo "${API[1]}" || echo "${WORKERS[$((i - 2))]}")
  wait_healthy "$port" "${PIDS[$i]}" || die "a process did not start; see $LOGS/"
done

source "$YIBAO_CLUSTER_DIR/ports"
cat <<EOF

  yibao-flow cluster is up (Ctrl-C stops all of it)
    API:        http://127.0.0.1:${API[0]}/  and  http://127.0.0.1:${API[1]}/   (put a load balancer in front)
    API docs:   http://127.0.0.1:${API[0]}/docs
    Workers:    http://127.0.0.1:${WORKERS[0]}/health  http://127.0.0.1:${WORKERS[1]}/health
    Galera:     DATABASE_HOSTS=$DATABASE_HOSTS  (writes go to the first that is up)
    Redis:      primary 127.0.0.1:$R1, replica 127.0.0.1:$R2, Sentinels $REDIS_SENTINELS (name $REDIS_SENTINEL_NAME)
    Login:      username $ADMIN_USERNAME, password in .data/admin-password (or your ADMIN_PASSWORD)
    Logs:       $LOGS/   data: $YIBAO_CLUSTER_DIR/
    Backup:     npm run backup   (from a node that takes no writes)

EOF

# Runs until Ctrl-C (or one process dies: then everything stops, so nothing runs half-up).
while :; do
  for pid in "${PIDS[@]}"; do
    alive "$pid" || die "process $pid exited; see $LOGS/"
  done
  sleep 1
done
