#!/usr/bin/env bash
# `npm run backup [-- DEST]`: a consistent online backup of the database with mariabackup (Debian's
# mariadb-backup, installed when missing) into DEST/yibao-<UTC date and time>/ (DEST defaults to
# <repo>/backups), prepared at once so the folder is ready to restore (`npm run restore -- <folder>`).
#
# Which server: YIBAO_BACKUP_HOST (host:port), else the LAST of DATABASE_HOSTS — on a Galera
# cluster the node that takes no writes (writes go to the first), so the brief commit block at
# the end of the copy does not fall on the writing node — else DATABASE_URL's host. mariabackup
# copies the data files, so it runs on the machine of that server (or one that mounts its
# datadir). The service keeps running: InnoDB is copied hot, and the backup's point is the
# moment its copy ends (the Galera position is kept in xtrabackup_galera_info).
# With no DATABASE_URL, the cluster of `npm run cluster` on this machine is backed up.
# The last line printed is the backup folder.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
log() { printf '[backup] %s\n' "$*" >&2; }
die() {
  printf '[backup] ERROR: %s\n' "$*" >&2
  exit 1
}
# shellcheck source=scripts/service-helpers.sh
source "$ROOT/scripts/service-helpers.sh"
ensure_commands mariadb-backup:mariadb-backup mariadb:mariadb-client

# Nothing given: the cluster of `npm run cluster` on this machine, when there is one.
if [[ -z "${DATABASE_URL-}" && -s "${YIBAO_CLUSTER_DIR:-$ROOT/.data/cluster}/ports" ]]; then
  # shellcheck disable=SC1091
  source "${YIBAO_CLUSTER_DIR:-$ROOT/.data/cluster}/ports"
  DATABASE_URL="mysql://root@127.0.0.1:$G1/yibao"
  DATABASE_HOSTS="127.0.0.1:$G1,127.0.0.1:$G2,127.0.0.1:$G3"
fi
[[ -n "${DATABASE_URL-}" ]] || die "DATABASE_URL is not set (the user, password and database to back up)"
DEST="${1:-$ROOT/backups}"
mkdir -p "$DEST"
DEST="$(cd "$DEST" && pwd)"

# user, password from the URL (mysql://user:pass@host:port/db)
rest="${DATABASE_URL#mysql://}"
auth=""
[[ "$rest" == *@* ]] && auth="${rest%%@*}"
user="${auth%%:*}"
password=""
[[ "$auth" == *:* ]] && password="${auth#*:}"
user="$(node -e 'process.stdout.write(decodeURIComponent(process.argv[1]))' "${user:-root}")"
password="$(node -e 'process.stdout.write(decodeURIComponent(process.argv[1]))' "$password")"
hostport="${rest#*@}"
hostport="${hostport%%/*}"
if [[ -n "${YIBAO_BACKUP_HOST-}" ]]; then
  target="$YIBAO_BACKUP_HOST"
elif [[ -n "${DATABASE_HOSTS-}" ]]; then
  target="${DATABASE_HOSTS##*,}"
else
  target="${hostport##*,}"
fi
host="${target%%:*}"
port="${target##*:}"
[[ "$port" == "$target" ]] && port=3306

conn=(--host="$host" --port="$port" --user="$user")
[[ -n "$password" ]] && conn+=(--password="$password")
datadir="$(mariadb --no-defaults --protocol=tcp "${conn[@]}" -N -B -e 'SELECT @@datadir')" ||
  die "cannot reach the database on $target"
[[ -d "$datadir" ]] || die "the datadir of $target ($datadir) is not on this machine: run the backup there"

folder="$DEST/yibao-$(date -u +%Y%m%d-%H%M%S)"
[[ -e "$folder" ]] && folder="$folder-$$"
started=$(date +%s%3N)
log "backing up $target (datadir $datadir) into $folder"
if ! mariadb-backup --no-defaults --backup --galera-info --target-dir="$folder" --datadir="$datadir" \
  "${conn[@]}" --protocol=tcp >"$DEST/.backup.log" 2>&1; then
  tail -n 30 "$DEST/.backup.log" >&2
  die "mariabackup --backup failed (log: $DEST/.backup.log)"
fi
copied=$(date +%s%3N)
# Prepared now (the redo log applied): the folder is a consistent data directory.
if ! mariadb-backup --no-defaults --prepare --target-dir="$folder" >>"$DEST/.backup.log" 2>&1; then
  tail -n 30 "$DEST/.backup.log" >&2
  die "mariabackup --prepare failed (log: $DEST/.backup.log)"
fi
mv "$DEST/.backup.log" "$folder/backup.log"
done_at=$(date +%s%3N)
cat >"$folder/yibao-backup.txt" <<INFO
node=$target
finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
copy_ms=$((copied - started))
prepare_ms=$((done_at - copied))
galera_position=$(cat "$folder/xtrabackup_galera_info" 2>/dev/null || echo none)
INFO
log "done in $((done_at - started)) ms (copy $((copied - started)) ms, prepare $((done_at - copied)) ms)"
echo "$folder"
