# shellcheck shell=bash
# PostgreSQL for tests and benchmarks. Source it, then call tb_pg_ensure:
#
#   source scripts/lib/postgres.sh
#   tb_pg_ensure            # exports TRUSTBOX_TEST_PG (an admin URL)
#
# Order of preference:
#   1. TRUSTBOX_TEST_PG already set in the environment and answering;
#   2. a server at 127.0.0.1:5432 (trust auth, user postgres, db postgres);
#   3. a throwaway cluster: installs Debian's `postgresql` if missing, runs
#      initdb (as the `postgres` user when we are root: initdb refuses root)
#      in a temp dir on a free port, stopped and removed by the EXIT trap.
# Dies loudly when none can be had. TRUSTBOX_PG_THROWAWAY=1 skips 1 and 2
# (a private cluster, e.g. for benchmarks).

if [[ -n "${_TB_POSTGRES_SOURCED:-}" ]]; then return 0; fi
_TB_POSTGRES_SOURCED=1
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_tb_pg_answers() {
  psql "$1" -X -q -t -A -v ON_ERROR_STOP=1 -c 'select 1' 2>/dev/null | grep -qx 1
}

_tb_pg_bindir() {
  # Highest installed server version's bin dir (Debian layout).
  local d
  # shellcheck disable=SC2012
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
    printf '%s\n' "$d"
  fi
}

_tb_free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

tb_pg_ensure() {
  if ! command -v psql >/dev/null 2>&1 || ! command -v pg_isready >/dev/null 2>&1; then
    tb_apt_ensure postgresql-client
  fi

  if [[ "${TRUSTBOX_PG_THROWAWAY:-}" == 1 ]]; then
    tb_log "PostgreSQL: TRUSTBOX_PG_THROWAWAY=1, starting a throwaway cluster"
    _tb_pg_throwaway
    return 0
  fi

  if [[ -n "${TRUSTBOX_TEST_PG:-}" ]]; then
    if _tb_pg_answers "$TRUSTBOX_TEST_PG"; then
      tb_log "PostgreSQL: using TRUSTBOX_TEST_PG from the environment"
      export TRUSTBOX_TEST_PG
      return 0
    fi
    tb_die "TRUSTBOX_TEST_PG is set but 'select 1' fails against it"
  fi

  if pg_isready -q -h 127.0.0.1 -p 5432 -t 3; then
    local url="postgres://postgres@127.0.0.1:5432/postgres"
    if _tb_pg_answers "$url"; then
      tb_log "PostgreSQL: using the server at 127.0.0.1:5432"
      export TRUSTBOX_TEST_PG="$url"
      return 0
    fi
    tb_warn "a server answers at 127.0.0.1:5432 but '$url' is refused; starting a throwaway cluster instead"
  else
    tb_log "PostgreSQL: nothing answers at 127.0.0.1:5432; starting a throwaway cluster"
  fi
  _tb_pg_throwaway
}

_tb_pg_throwaway() {
  local bindir
  bindir="$(_tb_pg_bindir)"
  if [[ -z "$bindir" ]]; then
    tb_apt_ensure postgresql
    bindir="$(_tb_pg_bindir)"
    [[ -n "$bindir" ]] || tb_die "PostgreSQL server binaries (initdb, pg_ctl) not found even after installing 'postgresql'"
  fi

  local run=()
  if [[ $EUID -eq 0 ]]; then
    getent passwd postgres >/dev/null 2>&1 ||
      useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres ||
      tb_die "cannot create the 'postgres' user to run initdb as (initdb refuses root)"
    run=(runuser -u postgres --)
  fi

  local dir port
  dir="$(mktemp -d "${TMPDIR:-/tmp}/trustbox-pg.XXXXXX")"
  chmod 755 "$dir"
  [[ $EUID -eq 0 ]] && chown postgres: "$dir"
  port="$(_tb_free_port)"
  export TB_PG_DIR="$dir" # the throwaway cluster's dir (server.log there)
  tb_on_exit "_tb_pg_throwaway_stop '$bindir' '$dir'"

  tb_log "PostgreSQL: initdb in $dir ($bindir), port $port"
  "${run[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; tb_die "initdb failed for the throwaway PostgreSQL cluster"; }
  "${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null ||
    { cat "$dir/server.log" >&2; tb_die "the throwaway PostgreSQL cluster did not start"; }

  export TRUSTBOX_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres"
  _tb_pg_answers "$TRUSTBOX_TEST_PG" ||
    { cat "$dir/server.log" >&2; tb_die "the throwaway PostgreSQL cluster does not answer 'select 1'"; }
  tb_log "PostgreSQL: throwaway cluster up at 127.0.0.1:$port (stopped at exit)"
}

_tb_pg_throwaway_stop() {
  local bindir=$1 dir=$2 run=()
  [[ $EUID -eq 0 ]] && run=(runuser -u postgres --)
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    "${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
