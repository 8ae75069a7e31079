#!/usr/bin/env bash
# Runs a command with DATABASE_URL and REDIS_URL set.
#
#   bash scripts/with-services.sh CMD [ARGS...]
#
# When both DATABASE_URL and REDIS_URL are already set, CMD is simply exec'd. Otherwise a
# private MariaDB and a private Redis are started from Debian's packages (installed with
# apt-get when missing) under $YIBAO_DATA_DIR (default <repo>/.data), each on a free port
# bound to 127.0.0.1, and stopped again when CMD exits. CMD's exit code is returned.
#
# Exported to CMD (private servers only):
#   DATABASE_URL=mysql://root@127.0.0.1:<port>/yibao   REDIS_URL=redis://127.0.0.1:<port>/0
#   YIBAO_DB_PORT, YIBAO_REDIS_PORT, YIBAO_DATA_DIR, YIBAO_REDIS_PID_FILE,
#   YIBAO_REDIS_START_CMD / YIBAO_REDIS_STOP_CMD (run with `bash -c`: (re)start or stop the
#   same Redis on the same port; both wait until done and are idempotent).
#
# Options (environment):
#   YIBAO_DATA_DIR          where the servers keep their data (default <repo>/.data)
#   YIBAO_FRESH=1           wipe the MariaDB and Redis data in YIBAO_DATA_DIR before starting
#   YIBAO_APT_EXTRA="cmd:pkg ..."  also make sure these commands (or /absolute/files) exist (e.g. docker-compose)
#   YIBAO_SERVICES_TIMEOUT  seconds to wait for each server to become ready (default 60)
#   YIBAO_MARIADB_ARGS      extra mariadbd options, after the defaults (e.g. the peers' benchmark
#                           buffer pool: "--innodb-buffer-pool-size=512M")
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SELF="$ROOT/scripts/with-services.sh"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

log() { printf '[with-services] %s\n' "$*" >&2; }
die() {
  printf '[with-services] ERROR: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------

# free_port, alive, terminate, ensure_commands (shared with scripts/cluster-services.sh).
# shellcheck source=scripts/service-helpers.sh
source "$ROOT/scripts/service-helpers.sh"

# ---------------------------------------------------------------------------------------
# Redis (also used by the __redis-start / __redis-stop subcommands)
# ---------------------------------------------------------------------------------------

redis_ping() {
  [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null || true)" == PONG ]]
}

redis_pid() {
  local f="$1/redis.pid" pid
  [[ -s "$f" ]] || return 1
  pid="$(cat "$f")"
  alive "$pid" || return 1
  printf '%s\n' "$pid"
}

# try_redis_start DIR PORT: start (or keep) the private Redis and wait until it answers.
# Returns 0 when ready, 1 when redis-server exited (e.g. the port was taken), 2 on time-out.
try_redis_start() {
  local dir="$1" port="$2" timeout="${YIBAO_SERVICES_TIMEOUT:-60}" i
  mkdir -p "$dir"
  if redis_ping "$port"; then
    return 0
  fi
  rm -f "$dir/redis.pid"
  # AOF so that a stop/start (tests simulating an outage) keeps queued jobs, like production.
  redis-server --daemonize yes --port "$port" --bind 127.0.0.1 --protected-mode yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --save '' --appendonly yes --appendfsync everysec \
    9>&- </dev/null >/dev/null 2>&1 || return 1
  for ((i = 0; i < timeout * 20; i++)); do
    redis_ping "$port" && return 0
    # The daemon writes its pid file at once; gone after a second means it exited.
    if ((i >= 20)) && ! redis_pid "$dir" >/dev/null; then
      return 1
    fi
    sleep 0.05
  done
  return 2
}

# redis_start DIR PORT: like try_redis_start, but fails with a message.
redis_start() {
  local status=0
  try_redis_start "$1" "$2" || status=$?
  ((status == 0)) && return 0
  tail -n 20 "$1/redis.log" >&2 2>/dev/null || true
  if ((status == 1)); then
    die "redis-server on 127.0.0.1:$2 exited during start-up; see $1/redis.log"
  fi
  die "Redis on 127.0.0.1:$2 not ready after ${YIBAO_SERVICES_TIMEOUT:-60}s; see $1/redis.log"
}

# redis_stop DIR: stop the private Redis started from DIR (no-op when it is not running).
redis_stop() {
  local pid
  if pid="$(redis_pid "$1")"; then
    terminate "$pid" 30
  fi
  return 0
}

case "${1-}" in
  __redis-start)
    redis_start "$2" "$3"
    exit 0
    ;;
  __redis-stop)
    redis_stop "$2"
    exit 0
    ;;
  "")
    die "usage: bash scripts/with-services.sh CMD [ARGS...]"
    ;;
esac

# ---------------------------------------------------------------------------------------
# External servers given: nothing to start.
# ---------------------------------------------------------------------------------------

read -r -a EXTRA <<<"${YIBAO_APT_EXTRA-}"

if [[ -n "${DATABASE_URL-}" && -n "${REDIS_URL-}" ]]; then
  ((${#EXTRA[@]} == 0)) || ensure_commands "${EXTRA[@]}"
  unset YIBAO_REDIS_START_CMD YIBAO_REDIS_STOP_CMD
  exec "$@"
fi
if [[ -n "${DATABASE_URL-}" || -n "${REDIS_URL-}" ]]; then
  log "only one of DATABASE_URL / REDIS_URL is set; starting private servers for both"
fi

ensure_commands \
  mariadbd:mariadb-server mariadb-install-db:mariadb-server \
  mariadb:mariadb-client mariadb-admin:mariadb-client \
  redis-server:redis-server redis-cli:redis-tools \
  flock:util-linux setsid:util-linux \
  ${EXTRA[@]+"${EXTRA[@]}"}

# ---------------------------------------------------------------------------------------
# Private servers
# ---------------------------------------------------------------------------------------

DATA="${YIBAO_DATA_DIR:-$ROOT/.data}"
mkdir -p "$DATA"
DATA="$(cd "$DATA" && pwd)"
MDIR="$DATA/mariadb"
RDIR="$DATA/redis"
TIMEOUT="${YIBAO_SERVICES_TIMEOUT:-60}"

# One live run per data directory. The lock fd is closed for the servers and for CMD, so a
# run killed with -9 does not leave the lock held.
exec 9>"$DATA/.with-services.lock"
if ! flock -n 9; then
  die "another with-services.sh run is using $DATA. Stop it first, or use another data" \
    "directory (YIBAO_DATA_DIR=...), or point DATABASE_URL/REDIS_URL at existing servers."
fi

# Leftovers of an earlier run that was killed (kill -9, power loss): stop them.
stale_pids() {
  local p comm
  for p in /proc/[0-9]*; do
    comm="$(cat "$p/comm" 2>/dev/null || true)"
    case "$comm" in
      mariadbd | mysqld)
        tr '\0' '\n' <"$p/cmdline" 2>/dev/null | grep -qxF -- "--datadir=$MDIR" &&
          printf '%s\n' "${p#/proc/}"
        ;;
      redis-server)
        [[ "$(readlink "$p/cwd" 2>/dev/null || true)" == "$RDIR" ]] && printf '%s\n' "${p#/proc/}"
        ;;
    esac
  done
  return 0
}
for pid in $(stale_pids); do
  log "stopping a server left over by an earlier run (pid $pid)"
  terminate "$pid" 30
done

if [[ "${YIBAO_FRESH-}" == 1 ]]; then
  rm -rf "$MDIR" "$RDIR"
fi
mkdir -p "$MDIR" "$RDIR"

MARIADB_PID=""
REDIS_PORT=""
CHILD=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [[ -n "$CHILD" ]] && alive "$CHILD"; then
    terminate "$CHILD" 20
  fi
  redis_stop "$RDIR"
  if [[ -n "$MARIADB_PID" ]]; then
    terminate "$MARIADB_PID" 60
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- MariaDB -------------------------------------------------------------------------------

ROOT_OPT=()
[[ "$(id -u)" == 0 ]] && ROOT_OPT=(--user=root)

if [[ ! -f "$MDIR/.yibao-initialised" ]]; then
  rm -rf "$MDIR"
  mkdir -p "$MDIR"
  log "initialising MariaDB in $MDIR"
  if ! mariadb-install-db --no-defaults --datadir="$MDIR" "${ROOT_OPT[@]}" \
    --auth-root-authentication-method=normal --skip-test-db \
    >"$DATA/mariadb-install.log" 2>&1; then
    tail -n 30 "$DATA/mariadb-install.log" >&2 || true
    die "mariadb-install-db failed; see $DATA/mariadb-install.log"
  fi
  touch "$MDIR/.yibao-initialised"
fi

read -r -a MARIADB_EXTRA <<<"${YIBAO_MARIADB_ARGS:-}"

start_mariadb() {
  local port="$1" i
  rm -f "$MDIR/mysqld.pid" "$MDIR/mysqld.sock"
  # MySQL 8's defaults where MariaDB differs, so that SQL which works here works there. The redo
  # log keeps MariaDB's own size (96 MiB; a data directory made with a smaller one is resized at
  # start): with the 8 MiB this script used to set, InnoDB checkpointed every few hundred
  # transitions, and mariadbd spent 10-15% more CPU per transition (bench/README.md).
  setsid mariadbd --no-defaults --datadir="$MDIR" "${ROOT_OPT[@]}" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
    --socket="$MDIR/mysqld.sock" --pid-file="$MDIR/mysqld.pid" --log-error="$MDIR/error.log" \
    --max-connections=500 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --default-time-zone=+00:00 \
    --sql-mode=ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION \
    "${MARIADB_EXTRA[@]}" \
    9>&- </dev/null >>"$MDIR/error.log" 2>&1 &
  MARIADB_PID=$!
  for ((i = 0; i < TIMEOUT * 10; i++)); do
    if mariadb-admin --no-defaults --protocol=tcp -h127.0.0.1 -P"$port" -uroot \
      --connect-timeout=2 ping >/dev/null 2>&1; then
      return 0
    fi
    alive "$MARIADB_PID" || return 1
    sleep 0.1
  done
  return 2
}

DB_PORT=""
for attempt in 1 2 3; do
  port="$(free_port)"
  if start_mariadb "$port"; then
    DB_PORT="$port"
    break
  else
    status=$?
  fi
  if ((status == 2)); then
    tail -n 20 "$MDIR/error.log" >&2 || true
    die "MariaDB on 127.0.0.1:$port not ready after ${TIMEOUT}s; see $MDIR/error.log"
  fi
  MARIADB_PID=""
  log "MariaDB exited during start-up (attempt $attempt); see $MDIR/error.log"
done
if [[ -z "$DB_PORT" ]]; then
  tail -n 20 "$MDIR/error.log" >&2 || true
  die "MariaDB did not start; see $MDIR/error.log"
fi

mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$DB_PORT" -uroot -e \
  'CREATE DATABASE IF NOT EXISTS yibao CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci' ||
  die "could not create database yibao on 127.0.0.1:$DB_PORT"

# --- Redis ---------------------------------------------------------------------------------

# A free port can be taken between the check and the bind: try another one then.
for attempt in 1 2 3; do
  REDIS_PORT="$(free_port)"
  status=0
  try_redis_start "$RDIR" "$REDIS_PORT" || status=$?
  ((status == 0)) && break
  if pid="$(redis_pid "$RDIR")"; then
    terminate "$pid" 10
  fi
  if ((status == 2)); then
    tail -n 20 "$RDIR/redis.log" >&2 || true
    die "Redis on 127.0.0.1:$REDIS_PORT not ready after ${TIMEOUT}s; see $RDIR/redis.log"
  fi
  if ((attempt == 3)); then
    tail -n 20 "$RDIR/redis.log" >&2 || true
    die "redis-server did not start; see $RDIR/redis.log"
  fi
  log "Redis exited during start-up (attempt $attempt); see $RDIR/redis.log"
done

# --- Run CMD -------------------------------------------------------------------------------

export DATABASE_URL="mysql://root@127.0.0.1:$DB_PORT/yibao"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export YIBAO_DB_PORT="$DB_PORT"
export YIBAO_REDIS_PORT="$REDIS_PORT"
export YIBAO_DATA_DIR="$DATA"
export YIBAO_REDIS_PID_FILE="$RDIR/redis.pid"
printf -v YIBAO_REDIS_START_CMD 'bash %q __redis-start %q %q' "$SELF" "$RDIR" "$REDIS_PORT"
printf -v YIBAO_REDIS_STOP_CMD 'bash %q __redis-stop %q' "$SELF" "$RDIR"
export YIBAO_REDIS_START_CMD YIBAO_REDIS_STOP_CMD

log "MariaDB on 127.0.0.1:$DB_PORT, Redis on 127.0.0.1:$REDIS_PORT (data in $DATA)"

# CMD runs in the background so that INT/TERM reach this script at once; they are forwarded
# to CMD, then the servers are stopped. Background jobs ignore SIGINT in a non-interactive
# shell, so TERM is what CMD receives. Stdin is passed through explicitly.
forward() {
  [[ -n "$CHILD" ]] && kill -TERM "$CHILD" 2>/dev/null
  return 0
}
trap forward INT TERM
"$@" 9>&- <&0 &
CHILD=$!
set +e
while :; do
  wait "$CHILD"
  rc=$?
  # Interrupted by a forwarded signal while CMD is still running (or not yet reaped): wait again.
  kill -0 "$CHILD" 2>/dev/null || break
done
set -e
CHILD=""
exit "$rc"
