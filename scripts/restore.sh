#!/usr/bin/env bash
# `npm run restore -- <folder> [--datadir DIR] [--port PORT] [--start]`: brings a backup made by
# `npm run backup` back into a FRESH data directory (DIR, default <repo>/.data/restore/<folder
# name>; it must be empty or absent).
#
# --start   also starts a standalone MariaDB on that directory (127.0.0.1:PORT, a free port by
#           default) and prints its DATABASE_URL; it keeps running (its pid in DIR.pid).
# Without --start the directory is ready for any MariaDB 10.11 server. To rebuild a Galera
# cluster from it, start it as the first node with --wsrep-new-cluster; the other nodes, empty,
# join by state transfer.
#
# The database is the truth: once the service runs on the restored database, the worker's
# reconcilers rebuild Redis — pending deadlines are re-enqueued (and fired when due), outbox rows
# not yet handed over are sent, cross-case jobs not yet settled are carried out (docs/operations.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
log() { printf '[restore] %s\n' "$*" >&2; }
die() {
  printf '[restore] ERROR: %s\n' "$*" >&2
  exit 1
}
# shellcheck source=scripts/service-helpers.sh
source "$ROOT/scripts/service-helpers.sh"
ensure_commands mariadb-backup:mariadb-backup mariadbd:mariadb-server mariadb-admin:mariadb-client

[[ $# -ge 1 ]] || die "usage: npm run restore -- <backup folder> [--datadir DIR] [--port PORT] [--start]"
SRC="$1"
shift
[[ -f "$SRC/xtrabackup_checkpoints" ]] || die "$SRC is not a backup made by npm run backup"
grep -Eq '^backup_type = (full-prepared|log-applied)' "$SRC/xtrabackup_checkpoints" ||
  die "$SRC is not prepared (run: mariadb-backup --prepare --target-dir=$SRC)"
DIR="" PORT="" START=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --datadir) DIR="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --start) START=1; shift ;;
    *) die "unknown option $1" ;;
  esac
done
DIR="${DIR:-$ROOT/.data/restore/$(basename "$SRC")}"
if [[ -e "$DIR" && -n "$(ls -A "$DIR" 2>/dev/null)" ]]; then
  die "$DIR is not empty: restore into a fresh directory"
fi
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
started=$(date +%s%3N)
mariadb-backup --no-defaults --copy-back --target-dir="$SRC" --datadir="$DIR" >"$DIR.restore.log" 2>&1 || {
  tail -n 30 "$DIR.restore.log" >&2
  die "mariabackup --copy-back failed (log: $DIR.restore.log)"
}
log "restored into $DIR in $(($(date +%s%3N) - started)) ms"
((START)) || {
  echo "$DIR"
  exit 0
}

PORT="${PORT:-$(free_port)}"
ROOT_OPT=()
[[ "$(id -u)" == 0 ]] && ROOT_OPT=(--user=root)
# The flags of scripts/with-services.sh: a standalone server, no Galera.
(cd "$DIR" && exec setsid mariadbd --no-defaults --datadir="$DIR" "${ROOT_OPT[@]}" \
  --port="$PORT" --bind-address=127.0.0.1 --skip-name-resolve \
  --socket="$DIR/mysqld.sock" --pid-file="$DIR/mysqld.pid" --log-error="$DIR/error.log" \
  --innodb-buffer-pool-size=64M --max-connections=300 \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --default-time-zone=+00:00 \
  --sql-mode=ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION \
  9>&- </dev/null >>"$DIR.restore.log" 2>&1) &
pid=$!
echo "$pid" >"$DIR.pid"
for ((i = 0; i < 1200; i++)); do
  if mariadb-admin --no-defaults --protocol=tcp -h127.0.0.1 -P"$PORT" -uroot --connect-timeout=2 ping >/dev/null 2>&1; then
    log "MariaDB on the restored data: pid $pid, ready $(($(date +%s%3N) - started)) ms after the start of the restore"
    echo "DATABASE_URL=mysql://root@127.0.0.1:$PORT/yibao"
    exit 0
  fi
  alive "$pid" || break
  sleep 0.1
done
tail -n 30 "$DIR/error.log" >&2 || true
die "MariaDB did not start on the restored data; see $DIR/error.log"
