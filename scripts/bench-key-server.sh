#!/usr/bin/env bash
# Key server benchmarks of BENCHMARKS.md (not run in CI; the CI smoke is server/tests/load.rs).
# Every server, and PostgreSQL, is started here on 127.0.0.1 / a unix socket in a temp dir and
# stopped by PID at the end. Release build.
#
#   scripts/bench-key-server.sh load [REQUESTS] [LEVELS]     SQLite: the GenerateDataKey/Encrypt/
#                                                            Decrypt mix at 1,8,64 connections
#                                                            (default 1000000 requests in all)
#   scripts/bench-key-server.sh latency sqlite|postgres [KEYS]
#                                                            CreateKey/GenerateDataKey latency at
#                                                            10,1000,10000,100000 keys
#   scripts/bench-key-server.sh scale [REQUESTS] [LEVELS]    PostgreSQL: one server process, then
#                                                            two on the same database (default
#                                                            60000 requests at 64 connections,
#                                                            SCALE_ROUNDS=2 turns each)
#
# LOAD_CPU=N pins the load generator to CPU N and the servers (and PostgreSQL) to the other
# CPUs with taskset, so the generator does not take its CPU time from the servers.
# Reports (JSON) and server logs go to $BENCH_OUT (default a temp dir, printed at the end).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"

what="${1:-}"
[ -n "$what" ] || { sed -n '2,18p' "$0"; exit 2; }
shift

cargo build --release -p sealkit-key-server --bins >&2
TARGET="${CARGO_TARGET_DIR:-$REPO/target}/release"
SERVER="$TARGET/sealkit-key-server"
LOAD="$TARGET/sealkit-key-server-load"

WORK="$(mktemp -d /tmp/sealkit-bench.XXXXXX)"
OUT="${BENCH_OUT:-$WORK/out}"
mkdir -p "$OUT"
PIDS=()
PG_PID=""     # the postmaster (from postmaster.pid): the process to signal
PG_CHILD=""   # our child: the postmaster itself, or `runuser` (as root) waiting for it
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  # SIGINT is PostgreSQL's fast shutdown. It goes to the postmaster's own PID: as root our
  # child is `runuser`, which does not pass SIGINT on (and signalling it alone left
  # PostgreSQL running and this wait hanging).
  # (If it never got ready, postmaster.pid may still name it; failing that, the child.)
  if [ -z "$PG_PID" ] && [ -n "$PG_CHILD" ]; then
    PG_PID="$(head -n 1 "$WORK/pg/data/postmaster.pid" 2>/dev/null || true)"
    [[ "$PG_PID" =~ ^[0-9]+$ ]] || PG_PID="$PG_CHILD"
  fi
  if [ -n "$PG_PID" ]; then
    kill -INT "$PG_PID" 2>/dev/null || true
    # The postmaster is not our child when runuser started it: poll for its exit (60 s).
    for _ in $(seq 600); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$PG_PID" 2>/dev/null; then
      echo "postgres (pid $PG_PID) ignored SIGINT for 60 s: SIGQUIT" >&2
      kill -QUIT "$PG_PID" 2>/dev/null || true
    fi
  fi
  if [ -n "$PG_CHILD" ]; then wait "$PG_CHILD" 2>/dev/null || true; fi
  rm -rf "$WORK/data" "$WORK/pg"
  echo "reports and logs: $OUT" >&2
}
trap cleanup EXIT

server_pin=(); load_pin=()
if [ -n "${LOAD_CPU:-}" ]; then
  others="$(seq 0 $(($(nproc) - 1)) | grep -vx "$LOAD_CPU" | paste -sd, -)"
  server_pin=(taskset -c "$others"); load_pin=(taskset -c "$LOAD_CPU")
fi

# start_server NAME ARGS...: starts a server, waits for its URL line; sets URL and SERVER_PID.
start_server() {
  local name="$1"; shift
  local fifo="$WORK/$name.fifo"
  mkfifo "$fifo"
  "${server_pin[@]}" "$SERVER" serve "$@" >"$fifo" 2>"$OUT/$name.log" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  read -r line <"$fifo"
  URL="${line##* }"
  rm -f "$fifo"
  echo "$name: pid $SERVER_PID at $URL" >&2
}

init_data() {
  "$SERVER" init --data "$WORK/data" >&2
}

start_postgres() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  [ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed: run scripts/setup.sh" >&2; exit 1; }
  mkdir -p "$WORK/pg/sock"
  local as=()
  # As root, the cluster belongs to the postgres user, who must be able to reach it through
  # the (0700) temp dir: traverse only, no listing.
  if [ "$(id -u)" = 0 ]; then
    chmod o+x "$WORK"; chown -R postgres:postgres "$WORK/pg"; as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$WORK/pg/data" -U postgres -A trust --no-sync >/dev/null
  "${server_pin[@]}" "${as[@]}" "$bin/postgres" -D "$WORK/pg/data" -k "$WORK/pg/sock" \
    -c listen_addresses= -c fsync=on -c max_connections=50 >"$OUT/postgres.log" 2>&1 &
  PG_CHILD=$!
  for _ in $(seq 300); do
    "$bin/pg_isready" -h "$WORK/pg/sock" -q && break
    sleep 0.1
  done
  "$bin/pg_isready" -h "$WORK/pg/sock" -q || { echo "postgres did not start" >&2; exit 1; }
  # The postmaster writes its PID as the first line of postmaster.pid (PostgreSQL manual,
  # "Database File Layout"); it is ready, so the file is there.
  PG_PID="$(head -n 1 "$WORK/pg/data/postmaster.pid")"
  [[ "$PG_PID" =~ ^[0-9]+$ ]] || { echo "postgres: no PID in postmaster.pid" >&2; exit 1; }
  echo "postgres: pid $PG_PID" >&2
  DATABASE="host=$WORK/pg/sock user=postgres dbname=postgres"
}

load() {
  local report="$1"; shift
  "${load_pin[@]}" "$LOAD" --credentials-file "$WORK/data/credentials" "$@" >"$OUT/$report.json"
  echo "report: $OUT/$report.json" >&2
}

case "$what" in
  load)
    requests="${1:-1000000}"; levels="${2:-1,8,64}"
    init_data
    start_server sqlite --data "$WORK/data"
    load "load-sqlite" --url "$URL" --pid "$SERVER_PID" --requests "$requests" --concurrency "$levels"
    ;;
  latency)
    backend="${1:?sqlite or postgres}"; keys="${2:-10,1000,10000,100000}"
    init_data
    case "$backend" in
      sqlite) start_server sqlite --data "$WORK/data" ;;
      postgres)
        start_postgres
        start_server pg --database "$DATABASE" --root-key-file "$WORK/data/root.key" \
          --credentials-file "$WORK/data/credentials" ;;
      *) echo "latency: sqlite or postgres" >&2; exit 2 ;;
    esac
    load "latency-$backend" --mode latency --url "$URL" --pid "$SERVER_PID" --keys "$keys"
    ;;
  scale)
    requests="${1:-60000}"; levels="${2:-64}"
    init_data
    start_postgres
    pg_args=(--database "$DATABASE" --root-key-file "$WORK/data/root.key" --credentials-file "$WORK/data/credentials")
    start_server pg-a "${pg_args[@]}"; url_a="$URL"; pid_a="$SERVER_PID"
    start_server pg-b "${pg_args[@]}"; url_b="$URL"; pid_b="$SERVER_PID"
    # Taking turns (one, two, one, two, ...) so a trend of the machine or of the growing
    # audit table does not favour either side.
    for round in $(seq "${SCALE_ROUNDS:-2}"); do
      load "scale-one-$round" --url "$url_a" --pid "$pid_a" --requests "$requests" --concurrency "$levels"
      load "scale-two-$round" --url "$url_a" --url "$url_b" --pid "$pid_a" --pid "$pid_b" \
        --requests "$requests" --concurrency "$levels"
    done
    ;;
  *) echo "unknown benchmark $what (load, latency, scale)" >&2; exit 2 ;;
esac
