# Process and package helpers shared by scripts/with-services.sh (one MariaDB, one Redis) and
# scripts/cluster-services.sh (Galera + Sentinel). Sourced; the caller defines log and die.

free_port() {
  node -e '
    const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
  '
}

# N distinct free ports, one per line, below the kernel's ephemeral range (32768 and up on
# Linux): a server that starts later on a port from that range can find it taken meanwhile by an
# outgoing connection (Galera nodes open many to each other).
free_ports() {
  node -e '
    const net = require("net");
    const want = Number(process.argv[1]);
    const ports = new Set();
    const tryOne = () => {
      if (ports.size === want) { console.log([...ports].join("\n")); return; }
      const port = 20000 + Math.floor(Math.random() * 12000);
      if (ports.has(port)) { tryOne(); return; }
      const s = net.createServer();
      s.once("error", tryOne);
      s.listen(port, "127.0.0.1", () => { ports.add(port); s.close(tryOne); });
    };
    tryOne();
  ' "$1"
}

# Is pid alive (and not a zombie)?
alive() {
  local pid="$1" state
  [[ -n "$pid" && -e "/proc/$pid" ]] || return 1
  state="$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != "Z" ]]
}

# Send TERM, wait up to $2 seconds, then KILL.
terminate() {
  local pid="$1" secs="${2:-30}" i
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < secs * 10; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  log "process $pid did not stop after ${secs}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
}

# Ensure commands exist; args are "command:package" pairs. Installs the missing packages with
# apt-get (through sudo when not root).
ensure_commands() {
  local pair cmd pkg
  local -a missing=()
  for pair in "$@"; do
    cmd="${pair%%:*}"
    pkg="${pair#*:}"
    # A path (e.g. a font file) is checked for existence; anything else is a command.
    local present=1
    if [[ "$cmd" == /* ]]; then
      [[ -e "$cmd" ]] || present=0
    else
      command -v "$cmd" >/dev/null 2>&1 || present=0
    fi
    if ((present == 0)); then
      [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
    fi
  done
  ((${#missing[@]} > 0)) || return 0

  local -a run=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 ||
      die "missing Debian packages: ${missing[*]}. Not root and no sudo: install them with" \
        "'apt-get install --no-install-recommends ${missing[*]}' or set DATABASE_URL and REDIS_URL."
    run=(sudo)
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "missing packages: ${missing[*]} and no apt-get on this machine; install them" \
      "or set DATABASE_URL and REDIS_URL to existing servers."

  local aptlog
  aptlog="$(mktemp "${TMPDIR:-/tmp}/yibao-apt.XXXXXX")"
  log "installing Debian packages (once): ${missing[*]}"
  if ! "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update >"$aptlog" 2>&1 ||
    ! "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2 || true
    die "apt-get failed installing ${missing[*]} (full log: $aptlog)"
  fi
  rm -f "$aptlog"
  for pair in "$@"; do
    if [[ "${pair%%:*}" == /* ]]; then
      [[ -e "${pair%%:*}" ]] || die "'${pair%%:*}' still missing after installing ${pair#*:}"
    else
      command -v "${pair%%:*}" >/dev/null 2>&1 ||
        die "'${pair%%:*}' still missing after installing ${pair#*:}"
    fi
  done
}
