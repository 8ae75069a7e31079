#!/usr/bin/env bash
# Runs a command against a private high-availability topology on this machine:
# a three-node MariaDB Galera cluster and a Redis primary + replica watched by three Sentinels.
#
#   bash scripts/cluster-services.sh CMD [ARGS...]
#
# Everything comes from Debian's packages (mariadb-server with galera-4, mariadb-backup for
# state transfers and backups, redis-server, redis-sentinel; installed with apt-get when
# missing) and runs as plain processes under $YIBAO_CLUSTER_DIR (default <repo>/.data/cluster),
# each on a free port bound to 127.0.0.1 — no system service is touched. All of it is stopped
# when CMD exits (or on Ctrl-C); CMD's exit code is returned.
#
# Exported to CMD:
#   DATABASE_URL=mysql://root@127.0.0.1:<port of g1>/yibao
#   DATABASE_HOSTS=127.0.0.1:<g1>,127.0.0.1:<g2>,127.0.0.1:<g3>   (writes go to the first that answers)
#   REDIS_URL=redis://127.0.0.1:<primary>/0  REDIS_SENTINELS=127.0.0.1:<s1>,...  REDIS_SENTINEL_NAME=yibao
#   YIBAO_CLUSTER_DIR   where each server keeps its data; <dir>/<name>/start.sh (re)starts a
#                       server on its port and waits until it is ready (g1..g3, r1, r2, s1..s3),
#                       <dir>/<name>/pid holds its pid (fault tests kill them).
#
# Options (environment):
#   YIBAO_CLUSTER_DIR     data directory (default <repo>/.data/cluster)
#   YIBAO_FRESH=1         wipe it before starting
#   YIBAO_SERVICES_TIMEOUT seconds to wait for each server (default 120)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() {
  printf '[cluster] ERROR: %s\n' "$*" >&2
  exit 1
}

[[ $# -gt 0 ]] || die "usage: bash scripts/cluster-services.sh CMD [ARGS...]"

# The package installer and process helpers of the single-node script, reused.
# shellcheck source=scripts/service-helpers.sh
source "$ROOT/scripts/service-helpers.sh"

# --- Galera --------------------------------------------------------------------------------


# write_galera_node N: its my.cnf (the state-transfer scripts read it) and start.sh.
write_galera_node() {
  local n="$1" d="$DIR/g$1" port gc ist sst
  port="G$n" gc="GC$n" ist="IST$n" sst="SST$n"
  mkdir -p "$d"
  cat >"$d/my.cnf" <<EOF
[mysqld]
user=root
datadir=$d/data
port=${!port}
bind-address=127.0.0.1
skip-name-resolve
socket=$d/mysqld.sock
pid-file=$d/mysqld.pid
log-error=$d/error.log
max-connections=300
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
default-time-zone=+00:00
sql-mode=ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION
# Small: three nodes share a two-core machine with the service.
innodb-buffer-pool-size=64M
innodb-log-file-size=16M
performance-schema=OFF
# Galera's durability is the other nodes' copy; each node flushes once a second.
innodb-flush-log-at-trx-commit=2
# What Galera requires.
binlog-format=ROW
default-storage-engine=InnoDB
innodb-autoinc-lock-mode=2
wsrep-on=ON
wsrep-provider=/usr/lib/galera/libgalera_smm.so
wsrep-cluster-name=yibao
wsrep-cluster-address=$GCOMM
wsrep-node-name=g$n
wsrep-node-address=127.0.0.1
wsrep-node-incoming-address=127.0.0.1:${!port}
# A node that is killed is noticed within ~3 s (defaults: 5-15 s); the write-set cache keeps
# enough for a restarted node to catch up by IST instead of a full copy.
wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${!gc};ist.recv_addr=127.0.0.1:${!ist};gcache.size=64M;gcache.page_size=16M;evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT3S;evs.install_timeout=PT3S;pc.wait_prim_timeout=PT30S
wsrep-sst-method=mariabackup
wsrep-sst-auth=root:
wsrep-sst-receive-address=127.0.0.1:${!sst}
wsrep-slave-threads=2
[mariabackup]
user=root
socket=$d/mysqld.sock
[sst]
transferfmt=socat
EOF
  cat >"$d/start.sh" <<EOF
#!/usr/bin/env bash
# (Re)starts Galera node g$n and waits until it is synced with the cluster. Extra arguments
# go to mariadbd (e.g. --wsrep-new-cluster to bootstrap).
exec bash "$ROOT/scripts/cluster-services.sh" __galera-start "$DIR" $n "\$@"
EOF
}

# galera_status PORT: wsrep_local_state_comment (Synced, Donor/Desynced, Joining...) or empty.
galera_status() {
  mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$1" -uroot --connect-timeout=2 -N -B \
    -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | awk '{ print $2 }' || true
}

# galera_start DIR N [mariadbd options]: start node gN and wait until it is Synced. A joining
# node that dies during its state transfer (seen once: mariadbd aborted in the middle of an IST)
# is started once more with its state position dropped, so that it takes a full SST instead.
galera_start() {
  local dir="$1" n="$2" rc=0
  galera_start_once "$@" || rc=$?
  if ((rc == 3)) && [[ " $* " != *" --wsrep-new-cluster "* ]]; then
    log "g$n exited while joining; starting it again with a full state transfer (SST)"
    rm -f "$dir/g$n/data/grastate.dat"
    rc=0
    galera_start_once "$@" || rc=$?
  fi
  case "$rc" in
    0) return 0 ;;
    3) die "Galera node g$n exited during start-up; see $dir/g$n/error.log" ;;
    *) die "Galera node g$n not synced after ${YIBAO_SERVICES_TIMEOUT}s; see $dir/g$n/error.log" ;;
  esac
}

# galera_start_once DIR N [options]: 0 when Synced, 3 when mariadbd exited, 4 on time-out.
galera_start_once() {
  local dir="$1" n="$2" d port pid i status
  shift 2
  d="$dir/g$n"
  port="$(sed -n "s/^G$n=//p" "$dir/ports")"
  if [[ -s "$d/pid" ]] && alive "$(cat "$d/pid")" && [[ "$(galera_status "$port")" == Synced ]]; then
    return 0
  fi
  if [[ ! -d "$d/data/mysql" ]]; then
    rm -rf "$d/data"
    mkdir -p "$d/data"
    mariadb-install-db --defaults-file="$d/my.cnf" --wsrep-on=OFF --auth-root-authentication-method=normal \
      --skip-test-db >"$d/install.log" 2>&1 || {
      tail -n 20 "$d/install.log" >&2
      die "mariadb-install-db failed for g$n; see $d/install.log"
    }
  fi
  rm -f "$d/mysqld.sock" "$d/mysqld.pid"
  # After a crash (kill -9) grastate.dat has no position: recover it from InnoDB first, as
  # Debian's galera_recovery does, so the node catches up by IST instead of a full SST.
  local recovered="" extra=()
  if [[ " $* " != *" --wsrep-new-cluster "* ]] && grep -q '^seqno: *-1' "$d/data/grastate.dat" 2>/dev/null; then
    mariadbd --defaults-file="$d/my.cnf" --wsrep-recover --log-error="$d/recover.log" \
      9>&- </dev/null >/dev/null 2>&1 || true
    recovered="$(sed -n 's/.*WSREP: Recovered position: *//p' "$d/recover.log" 2>/dev/null | tail -n 1)"
    rm -f "$d/recover.log"
    [[ -n "$recovered" ]] && extra=(--wsrep-start-position="$recovered")
  fi
  (cd "$d" && exec setsid mariadbd --defaults-file="$d/my.cnf" ${extra[@]+"${extra[@]}"} "$@" 9>&- </dev/null >>"$d/error.log" 2>&1) &
  pid=$!
  echo "$pid" >"$d/pid"
  for ((i = 0; i < YIBAO_SERVICES_TIMEOUT * 5; i++)); do
    status="$(galera_status "$port")"
    [[ "$status" == Synced ]] && return 0
    if ! alive "$pid"; then
      tail -n 30 "$d/error.log" >&2 || true
      return 3
    fi
    sleep 0.2
  done
  tail -n 30 "$d/error.log" >&2 || true
  return 4
}

# A node restarted by a fault test (<dir>/gN/start.sh): no lock, nothing else touched.
if [[ "$1" == __galera-start ]]; then
  shift
  export YIBAO_SERVICES_TIMEOUT="${YIBAO_SERVICES_TIMEOUT:-120}"
  galera_start "$@"
  exit 0
fi

ensure_commands \
  mariadbd:mariadb-server mariadb-install-db:mariadb-server \
  mariadb:mariadb-client mariadb-admin:mariadb-client \
  /usr/lib/galera/libgalera_smm.so:galera-4 \
  mariadb-backup:mariadb-backup socat:socat \
  redis-server:redis-server redis-cli:redis-tools redis-sentinel:redis-sentinel \
  flock:util-linux setsid:util-linux

DIR="${YIBAO_CLUSTER_DIR:-$ROOT/.data/cluster}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
export YIBAO_SERVICES_TIMEOUT="${YIBAO_SERVICES_TIMEOUT:-120}"

exec 9>"$DIR/.lock"
flock -n 9 || die "another cluster run is using $DIR; stop it first (or set YIBAO_CLUSTER_DIR)"

# Leftovers of a run killed with -9: servers whose working directory is under $DIR.
for p in /proc/[0-9]*; do
  case "$(cat "$p/comm" 2>/dev/null || true)" in
    mariadbd | redis-server | redis-sentinel | redis-check-rdb)
      if [[ "$(readlink "$p/cwd" 2>/dev/null || true)" == "$DIR"/* ]]; then
        log "stopping a server left over by an earlier run (pid ${p#/proc/})"
        terminate "${p#/proc/}" 30
      fi
      ;;
  esac
done

if [[ "${YIBAO_FRESH-}" == 1 ]]; then
  find "$DIR" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
fi

# Ports are chosen once and kept in $DIR/ports, so a restarted node or a second
# `npm run cluster` finds the others where they were.
if [[ ! -s "$DIR/ports" ]] || ! grep -q '^S3=' "$DIR/ports"; then
  names=(G1 G2 G3 GC1 GC2 GC3 IST1 IST2 IST3 SST1 SST2 SST3 R1 R2 S1 S2 S3)
  mapfile -t picked < <(free_ports "${#names[@]}")
  for i in "${!names[@]}"; do
    printf '%s=%s\n' "${names[$i]}" "${picked[$i]}"
  done >"$DIR/ports"
fi
# shellcheck disable=SC1091
source "$DIR/ports"
GCOMM="gcomm://127.0.0.1:$GC1,127.0.0.1:$GC2,127.0.0.1:$GC3"

# --- Redis and Sentinel --------------------------------------------------------------------

write_redis_node() {
  local name="$1" port="$2" extra="$3" d="$DIR/$1"
  mkdir -p "$d"
  cat >"$d/start.sh" <<EOF
#!/usr/bin/env bash
# (Re)starts Redis $name on port $port (AOF, as in production) and waits until it answers.
d="$d"
if [[ "\$(redis-cli -h 127.0.0.1 -p $port ping 2>/dev/null)" == PONG ]]; then exit 0; fi
cd "\$d"
# A restarted old primary comes back as the replica of whoever Sentinel promoted.
master="\$(redis-cli -h 127.0.0.1 -p $S1 sentinel get-master-addr-by-name yibao 2>/dev/null | tr '\n' ' ')"
opts=($extra)
if [[ -n "\${master// /}" && "\$master" != "127.0.0.1 $port " ]]; then opts=(--replicaof \$master); fi
setsid redis-server --port $port --bind 127.0.0.1 --protected-mode yes --dir "\$d" \\
  --logfile "\$d/redis.log" --save '' --appendonly yes --appendfsync everysec \\
  --maxmemory-policy noeviction "\${opts[@]}" 9>&- </dev/null >/dev/null 2>&1 &
echo \$! >"\$d/pid"
for ((i = 0; i < 600; i++)); do
  [[ "\$(redis-cli -h 127.0.0.1 -p $port ping 2>/dev/null)" == PONG ]] && exit 0
  sleep 0.1
done
echo "Redis $name did not start; see \$d/redis.log" >&2
exit 1
EOF
}

write_sentinel() {
  local name="$1" port="$2" d="$DIR/$1"
  mkdir -p "$d"
  # Sentinel rewrites its own config file (what it learns): a fresh one per fresh cluster.
  if [[ ! -s "$d/sentinel.conf" ]]; then
    cat >"$d/sentinel.conf" <<EOF
port $port
bind 127.0.0.1
dir $d
logfile $d/sentinel.log
sentinel monitor yibao 127.0.0.1 $R1 2
sentinel down-after-milliseconds yibao 1000
sentinel failover-timeout yibao 5000
sentinel parallel-syncs yibao 1
EOF
  fi
  cat >"$d/start.sh" <<EOF
#!/usr/bin/env bash
d="$d"
if [[ "\$(redis-cli -h 127.0.0.1 -p $port ping 2>/dev/null)" == PONG ]]; then exit 0; fi
cd "\$d"
setsid redis-sentinel "\$d/sentinel.conf" 9>&- </dev/null >/dev/null 2>&1 &
echo \$! >"\$d/pid"
for ((i = 0; i < 600; i++)); do
  [[ "\$(redis-cli -h 127.0.0.1 -p $port ping 2>/dev/null)" == PONG ]] && exit 0
  sleep 0.1
done
echo "Sentinel $name did not start; see \$d/sentinel.log" >&2
exit 1
EOF
}


for n in 1 2 3; do write_galera_node "$n"; done
write_redis_node r1 "$R1" ""
write_redis_node r2 "$R2" "--replicaof 127.0.0.1 $R1"
write_sentinel s1 "$S1"
write_sentinel s2 "$S2"
write_sentinel s3 "$S3"

CHILD=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [[ -n "$CHILD" ]] && alive "$CHILD"; then
    terminate "$CHILD" 30
  fi
  local name
  for name in s1 s2 s3 r2 r1; do
    [[ -s "$DIR/$name/pid" ]] && terminate "$(cat "$DIR/$name/pid")" 20
  done
  # The node that stops last may bootstrap the cluster next time (safe_to_bootstrap: 1).
  for name in g3 g2 g1; do
    [[ -s "$DIR/$name/pid" ]] && terminate "$(cat "$DIR/$name/pid")" 60
  done
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Bootstrap from the node that stopped last (its grastate says so), else g1: a fresh cluster.
first=1
for n in 1 2 3; do
  if grep -q '^safe_to_bootstrap: 1' "$DIR/g$n/data/grastate.dat" 2>/dev/null; then
    first=$n
    break
  fi
done
if [[ -f "$DIR/g$first/data/grastate.dat" ]] && ! grep -q '^safe_to_bootstrap: 1' "$DIR/g$first/data/grastate.dat"; then
  log "no node stopped cleanly last; bootstrapping from g$first"
  sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$DIR/g$first/data/grastate.dat"
fi
log "starting Galera node g$first (bootstrap)"
galera_start "$DIR" "$first" --wsrep-new-cluster
for n in 1 2 3; do
  ((n == first)) && continue
  log "starting Galera node g$n (joins by state transfer)"
  galera_start "$DIR" "$n"
done
mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$G1" -uroot -e \
  'CREATE DATABASE IF NOT EXISTS yibao CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci' ||
  die "could not create database yibao"

log "starting Redis primary, replica and three Sentinels"
for name in r1 r2 s1 s2 s3; do
  bash "$DIR/$name/start.sh" || die "$name did not start"
done

export DATABASE_URL="mysql://root@127.0.0.1:$G1/yibao"
export DATABASE_HOSTS="127.0.0.1:$G1,127.0.0.1:$G2,127.0.0.1:$G3"
export REDIS_URL="redis://127.0.0.1:$R1/0"
export REDIS_SENTINELS="127.0.0.1:$S1,127.0.0.1:$S2,127.0.0.1:$S3"
export REDIS_SENTINEL_NAME=yibao
export YIBAO_CLUSTER_DIR="$DIR"
log "Galera on 127.0.0.1:$G1,$G2,$G3; Redis $R1 (replica $R2); Sentinels $S1,$S2,$S3 (data in $DIR)"

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
  kill -0 "$CHILD" 2>/dev/null || break
done
set -e
CHILD=""
exit "$rc"
