#!/usr/bin/env bash
# Starts and stops the real services the OneCard suites use, without systemd:
#   pcscd       with its own reader.conf.d: vpcd on channel 0x9C7B, so emulated
#               cards connect to 127.0.0.1:40059 ("OneCard vpcd 00 00") and
#               40060 ("OneCard vpcd 00 01"); preloads nodelay.so (see there)
#               unless ONECARD_PCSC_NODELAY=0.
#   postgres    PostgreSQL 15 on 127.0.0.1:54329, throw-away data dir, trust
#               auth, database "onecard".
#
# Usage: services.sh start|stop|restart|status [pcscd] [postgres]
#        services.sh env        # export lines: eval "$(services.sh env)"
#
# State (PIDs, logs, the built shim) lives in ONECARD_SERVICES_DIR, default
# <repo>/.onecard/services. Every command is idempotent; "stop" stops only
# what "start" started, by PID. pcscd always listens on the fixed socket
# /run/pcscd/pcscd.comm, so there is one pcscd per machine: one that is
# already running and serves our vpcd port is shared (and left running),
# any other one is an error.
set -euo pipefail

readonly VPCD_CHANNEL_ID=0x9C7B                 # vpcd listens on ports CHANNEL_ID and CHANNEL_ID+1
readonly VPCD_PORT=$((VPCD_CHANNEL_ID))         # 40059
readonly VPCD_HOST=127.0.0.1
readonly VPCD_READER_NAME_PREFIX="OneCard vpcd"
readonly VPCD_DRIVER_PATH=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
readonly PCSCD_SOCKET_PATH=/run/pcscd/pcscd.comm
readonly PCSCD_SYSTEM_PID_PATH=/run/pcscd/pcscd.pid
readonly PCSCD_READY_LINE="daemon ready"
readonly PCSCD_READY_TIMEOUT_S=15
readonly PG_BIN_DIR=/usr/lib/postgresql/15/bin
readonly PG_HOST=127.0.0.1
readonly PG_PORT=54329
readonly PG_DATABASE=onecard
readonly PG_START_TIMEOUT_S=60
readonly STOP_TIMEOUT_S=20
readonly LOCK_TIMEOUT_S=120
readonly POLL_INTERVAL_S=0.1
readonly LOG_TAIL_LINES=30

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd -- "$SCRIPT_DIR/../.." && pwd)
STATE_DIR=${ONECARD_SERVICES_DIR:-$REPO_DIR/.onecard/services}
[[ $STATE_DIR == /* ]] || STATE_DIR="$PWD/$STATE_DIR"
PCSCD_CONF_DIR="$STATE_DIR/pcscd/reader.conf.d"
PCSCD_LOG_PATH="$STATE_DIR/pcscd/pcscd.log"
PCSCD_PID_PATH="$STATE_DIR/pcscd/pcscd.pid"
PCSCD_SHARED_PATH="$STATE_DIR/pcscd/shared.pid"
PCSCD_NODELAY_PATH="$STATE_DIR/pcscd/nodelay"
NODELAY_SO_PATH="$STATE_DIR/lib/nodelay.so"
PG_PID_PATH="$STATE_DIR/postgres/postgres.pid"
PG_DIR_PATH="$STATE_DIR/postgres/tmpdir"

log() { printf 'services: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# True when the process exists and is not a zombie (orphans may stay zombies
# where PID 1 does not reap them, and kill -0 succeeds on zombies).
pid_alive() {
  local pid=$1 stat
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z && ${stat:0:1} != X ]]
}

# True when PID is alive and its command line contains MARKER (guards against PID reuse).
pid_matches() {
  local pid=$1 marker=$2
  pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while pid_alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep "$POLL_INTERVAL_S"
  done
  return 0
}

# stop_pid NAME PID SIGNAL: polite signal, then SIGKILL after STOP_TIMEOUT_S.
stop_pid() {
  local name=$1 pid=$2 signal=$3
  kill "-$signal" "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$STOP_TIMEOUT_S"; then
    log "$name (pid $pid) ignored SIG$signal for ${STOP_TIMEOUT_S}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" "$STOP_TIMEOUT_S" || die "$name (pid $pid) does not stop"
  fi
  log "$name stopped (pid $pid)"
}

# True when something listens on TCP PORT on this machine (no ss/netstat needed).
tcp_port_listening() {
  local port_hex
  port_hex=$(printf '%04X' "$1")
  awk -v p=":$port_hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# First line of a PID/state file, or nothing when the file is absent
# (pcscd ends its own pid file with a NUL byte).
read_pid() {
  if [[ -r $1 ]]; then tr -d '\0' <"$1" | head -n1; fi
}

as_postgres() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# ---------------------------------------------------------------- pcscd

pcscd_ours_pid() {
  local pid
  pid=$(read_pid "$PCSCD_PID_PATH")
  if [[ -n $pid ]] && pid_matches "$pid" "$PCSCD_CONF_DIR"; then echo "$pid"; fi
}

pcscd_shared_pid() {
  local pid
  pid=$(read_pid "$PCSCD_SHARED_PATH")
  if [[ -n $pid ]] && pid_matches "$pid" pcscd; then echo "$pid"; fi
}

build_nodelay_shim() {
  local src="$SCRIPT_DIR/nodelay.c"
  if [[ -f $NODELAY_SO_PATH && $NODELAY_SO_PATH -nt $src ]]; then return; fi
  command -v gcc >/dev/null || die "gcc not found (apt-get install build-essential), or set ONECARD_PCSC_NODELAY=0"
  mkdir -p "$(dirname "$NODELAY_SO_PATH")"
  gcc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$NODELAY_SO_PATH.tmp" "$src" -ldl
  mv -f "$NODELAY_SO_PATH.tmp" "$NODELAY_SO_PATH"
  log "built $NODELAY_SO_PATH"
}

write_reader_conf() {
  mkdir -p "$PCSCD_CONF_DIR"
  cat >"$PCSCD_CONF_DIR/onecard-vpcd" <<EOF
# Written by scripts/services/services.sh. vpcd listens on ports $VPCD_PORT and $((VPCD_PORT + 1)).
FRIENDLYNAME "$VPCD_READER_NAME_PREFIX"
DEVICENAME   /dev/null:$VPCD_CHANNEL_ID
LIBPATH      $VPCD_DRIVER_PATH
CHANNELID    $VPCD_CHANNEL_ID
EOF
}

# Fails unless the fixed pcscd socket is free; adopts a foreign pcscd that already serves our port.
check_foreign_pcscd() {
  local pid
  if command -v systemctl >/dev/null && systemctl is-active --quiet pcscd.socket 2>/dev/null; then
    die "systemd's pcscd.socket owns $PCSCD_SOCKET_PATH; run 'systemctl stop pcscd.socket pcscd' first"
  fi
  [[ -e $PCSCD_SOCKET_PATH ]] || return 0
  pid=$(read_pid "$PCSCD_SYSTEM_PID_PATH")
  if [[ -n $pid ]] && pid_alive "$pid"; then
    if pid_matches "$pid" pcscd && tcp_port_listening "$VPCD_PORT"; then
      echo "$pid" >"$PCSCD_SHARED_PATH"
      log "sharing the pcscd already running (pid $pid, serves port $VPCD_PORT); stop will leave it running"
      return 0
    fi
    die "another pcscd (pid $pid) owns $PCSCD_SOCKET_PATH without a vpcd reader on port $VPCD_PORT; stop it first"
  fi
  log "removing stale $PCSCD_SOCKET_PATH (no live pcscd)"
  rm -f "$PCSCD_SOCKET_PATH" "$PCSCD_SYSTEM_PID_PATH"
}

start_pcscd() {
  local pid preload=() nodelay=${ONECARD_PCSC_NODELAY:-1} deadline
  pid=$(pcscd_ours_pid)
  if [[ -n $pid ]]; then log "pcscd already running (pid $pid, nodelay=$(cat "$PCSCD_NODELAY_PATH"))"; return; fi
  pid=$(pcscd_shared_pid)
  if [[ -n $pid ]]; then log "sharing pcscd (pid $pid), not started by us"; return; fi
  rm -f "$PCSCD_PID_PATH" "$PCSCD_SHARED_PATH"
  command -v pcscd >/dev/null || die "pcscd not found (apt-get install pcscd)"
  [[ -f $VPCD_DRIVER_PATH ]] || die "$VPCD_DRIVER_PATH not found (apt-get install vsmartcard-vpcd)"
  check_foreign_pcscd
  [[ -s $PCSCD_SHARED_PATH ]] && return
  tcp_port_listening "$VPCD_PORT" && die "TCP port $VPCD_PORT is already in use by another process"
  write_reader_conf
  if [[ $nodelay != 0 ]]; then
    build_nodelay_shim
    preload=("LD_PRELOAD=$NODELAY_SO_PATH")
  fi
  : >"$PCSCD_LOG_PATH"
  # setsid: own session, so the daemon outlives this script and its job group.
  # 9>&-: the daemon must not inherit the lock.
  setsid env "${preload[@]}" pcscd --foreground --info --config "$PCSCD_CONF_DIR" \
    </dev/null >>"$PCSCD_LOG_PATH" 2>&1 9>&- &
  pid=$!
  deadline=$((SECONDS + PCSCD_READY_TIMEOUT_S))
  until grep -qF "$PCSCD_READY_LINE" "$PCSCD_LOG_PATH"; do
    if ! pid_alive "$pid"; then
      tail -n "$LOG_TAIL_LINES" "$PCSCD_LOG_PATH" >&2 || true
      die "pcscd exited during start-up (log: $PCSCD_LOG_PATH)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n "$LOG_TAIL_LINES" "$PCSCD_LOG_PATH" >&2 || true
      stop_pid pcscd "$pid" TERM
      die "pcscd not ready after ${PCSCD_READY_TIMEOUT_S}s (log: $PCSCD_LOG_PATH)"
    fi
    sleep "$POLL_INTERVAL_S"
  done
  [[ $(read_pid "$PCSCD_SYSTEM_PID_PATH") == "$pid" ]] || log "warning: $PCSCD_SYSTEM_PID_PATH does not name pid $pid"
  echo "$pid" >"$PCSCD_PID_PATH"
  if [[ $nodelay != 0 ]]; then echo 1; else echo 0; fi >"$PCSCD_NODELAY_PATH"
  log "pcscd ready (pid $pid, vpcd ports $VPCD_PORT/$((VPCD_PORT + 1)), nodelay=$(cat "$PCSCD_NODELAY_PATH"))"
}

stop_pcscd() {
  local pid
  pid=$(read_pid "$PCSCD_SHARED_PATH")
  if [[ -n $pid ]]; then log "leaving shared pcscd (pid $pid) running: not started by us"; fi
  pid=$(pcscd_ours_pid)
  if [[ -n $pid ]]; then stop_pid pcscd "$pid" TERM; else log "pcscd: not running (ours)"; fi
  rm -f "$PCSCD_PID_PATH" "$PCSCD_SHARED_PATH" "$PCSCD_NODELAY_PATH"
}

# ---------------------------------------------------------------- postgres

pg_tmpdir() { read_pid "$PG_DIR_PATH"; }

pg_ours_pid() {
  local pid dir
  pid=$(read_pid "$PG_PID_PATH")
  dir=$(pg_tmpdir)
  if [[ -n $pid && -n $dir ]] && pid_matches "$pid" "$dir/data"; then echo "$pid"; fi
}

pg_ensure_database() {
  local exists
  exists=$(as_postgres "$PG_BIN_DIR/psql" -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")
  if [[ $exists != 1 ]]; then
    as_postgres "$PG_BIN_DIR/createdb" -h "$PG_HOST" -p "$PG_PORT" -U postgres "$PG_DATABASE"
    log "created database $PG_DATABASE"
  fi
}

start_postgres() {
  local pid dir
  pid=$(pg_ours_pid)
  if [[ -n $pid ]]; then
    log "postgres already running (pid $pid)"
    pg_ensure_database
    return
  fi
  [[ -x $PG_BIN_DIR/initdb ]] || die "$PG_BIN_DIR/initdb not found (apt-get install postgresql-15)"
  tcp_port_listening "$PG_PORT" && die "TCP port $PG_PORT is already in use by another process"
  dir=$(pg_tmpdir)
  if [[ -n $dir && -d $dir && $dir == */onecard-pg.* ]]; then rm -rf -- "$dir"; fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/onecard-pg.XXXXXX")
  chmod 755 "$dir"
  if [[ $(id -u) == 0 ]]; then chown postgres:postgres "$dir"; fi
  echo "$dir" >"$PG_DIR_PATH"
  (cd "$dir" && as_postgres "$PG_BIN_DIR/initdb" -D "$dir/data" -U postgres --auth=trust \
    -E UTF8 --locale=C.UTF-8) >"$STATE_DIR/postgres/initdb.log" 2>&1 ||
    { tail -n "$LOG_TAIL_LINES" "$STATE_DIR/postgres/initdb.log" >&2; die "initdb failed"; }
  if ! (cd "$dir" && as_postgres "$PG_BIN_DIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t "$PG_START_TIMEOUT_S" \
    -o "-p $PG_PORT -k $dir -c listen_addresses=$PG_HOST" start) >/dev/null 9>&-; then
    tail -n "$LOG_TAIL_LINES" "$dir/postgres.log" >&2 || true
    die "postgres did not start within ${PG_START_TIMEOUT_S}s"
  fi
  pid=$(read_pid "$dir/data/postmaster.pid")
  echo "$pid" >"$PG_PID_PATH"
  pg_ensure_database
  log "postgres ready (pid $pid, $PG_HOST:$PG_PORT, database $PG_DATABASE)"
}

stop_postgres() {
  local pid dir
  pid=$(pg_ours_pid)
  dir=$(pg_tmpdir)
  # SIGINT is PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit.
  if [[ -n $pid ]]; then stop_pid postgres "$pid" INT; else log "postgres: not running (ours)"; fi
  if [[ -n $dir && -d $dir && $dir == */onecard-pg.* ]]; then
    cp -f "$dir/postgres.log" "$STATE_DIR/postgres/postgres.log" 2>/dev/null || true
    rm -rf -- "$dir"
  fi
  rm -f "$PG_PID_PATH" "$PG_DIR_PATH"
}

# ---------------------------------------------------------------- commands

print_env() {
  local pcscd_pid
  pcscd_pid=$(pcscd_ours_pid)
  [[ -n $pcscd_pid ]] || pcscd_pid=$(pcscd_shared_pid)
  printf 'export ONECARD_SERVICES_DIR=%q\n' "$STATE_DIR"
  if [[ -n $pcscd_pid ]]; then
    printf 'export ONECARD_PCSC=1\n'
    # A shared pcscd names its readers after its own reader.conf: clients then match by pattern.
    if [[ -n $(pcscd_ours_pid) ]]; then printf 'export ONECARD_PCSC_READER=%q\n' "$VPCD_READER_NAME_PREFIX 00 00"; fi
    printf 'export ONECARD_VPCD_HOST=%q\n' "$VPCD_HOST"
    printf 'export ONECARD_VPCD_PORT=%q\n' "$VPCD_PORT"
    if [[ -r $PCSCD_NODELAY_PATH ]]; then printf 'export ONECARD_PCSC_NODELAY=%q\n' "$(cat "$PCSCD_NODELAY_PATH")"; fi
  fi
  if [[ -n $(pg_ours_pid) ]]; then
    printf 'export DATABASE_URL=%q\n' "postgres://postgres@$PG_HOST:$PG_PORT/$PG_DATABASE"
  fi
}

print_status() {
  local pid
  pid=$(pcscd_ours_pid)
  if [[ -n $pid ]]; then echo "pcscd: running (pid $pid, nodelay=$(cat "$PCSCD_NODELAY_PATH"))"
  elif pid=$(pcscd_shared_pid) && [[ -n $pid ]]; then echo "pcscd: shared (pid $pid, not ours)"
  else echo "pcscd: stopped"; fi
  pid=$(pg_ours_pid)
  if [[ -n $pid ]]; then echo "postgres: running (pid $pid, port $PG_PORT)"; else echo "postgres: stopped"; fi
}

main() {
  local command=${1:-} services=("${@:2}") service
  [[ ${#services[@]} -gt 0 ]] || services=(pcscd postgres)
  for service in "${services[@]}"; do
    [[ $service == pcscd || $service == postgres ]] || die "unknown service '$service' (pcscd, postgres)"
  done
  mkdir -p "$STATE_DIR/pcscd" "$STATE_DIR/postgres"
  # Serialise concurrent invocations on the same state dir.
  exec 9>"$STATE_DIR/.lock"
  flock -w "$LOCK_TIMEOUT_S" 9 || die "another services.sh holds $STATE_DIR/.lock"
  case $command in
    start) for service in "${services[@]}"; do "start_$service"; done ;;
    stop) for service in "${services[@]}"; do "stop_$service"; done ;;
    restart) for service in "${services[@]}"; do "stop_$service"; "start_$service"; done ;;
    status) print_status ;;
    env) print_env ;;
    *) die "usage: services.sh start|stop|restart|status [pcscd] [postgres] | env" ;;
  esac
}

main "$@"
