#!/bin/sh
# Initialises the cluster on first start (as the non-root user this image runs as), then execs the
# server so it is PID 1 and receives the stop signal itself.
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD (required on first start), POSTGRES_DB
#   (default = POSTGRES_USER), PGPORT, POSTGRES_LISTEN_ADDRESSES (default 127.0.0.1).
set -eu

PGDATA="${PGDATA:-/var/lib/postgresql/data}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"

say() { echo "postgres-entrypoint: $*"; }
die() { echo "postgres-entrypoint: ERROR: $*" >&2; exit 1; }

valid_identifier() {
  case "$1" in
    '' | [0-9]* | *[!A-Za-z0-9_]*) return 1 ;;
    *) return 0 ;;
  esac
}

init_cluster() {
  [ -n "${POSTGRES_PASSWORD:-}" ] || die "POSTGRES_PASSWORD is empty; set it to initialise $PGDATA"
  valid_identifier "$POSTGRES_USER" || die "POSTGRES_USER must match [A-Za-z_][A-Za-z0-9_]*"
  valid_identifier "$POSTGRES_DB" || die "POSTGRES_DB must match [A-Za-z_][A-Za-z0-9_]*"
  [ -w "$PGDATA" ] || die "$PGDATA is not writable by $(id -un) (uid $(id -u)); fix the volume's owner"

  say "initialising $PGDATA (superuser $POSTGRES_USER, database $POSTGRES_DB)"
  # The password goes to initdb through a private file, never through an argument or a log line.
  pwfile="$(umask 077 && mktemp /tmp/pwfile.XXXXXX)"
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  # initdb's output is noise here (it also complains that busybox has no `locale`); show it on failure.
  initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >/tmp/initdb.log 2>&1 \
    || { cat /tmp/initdb.log >&2; die "initdb failed"; }
  rm -f "$pwfile"
  trap - EXIT
  # Like the official image: password (scram) logins from any address the server listens on. With the default
  # listen address 127.0.0.1 nothing changes; with POSTGRES_LISTEN_ADDRESSES='*' on a bridge network (a db port
  # that is not published, as in Nexplane's production compose) the host reaches it at the container's address.
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"

  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\";" \
      | postgres --single -D "$PGDATA" -j postgres >/dev/null \
      || die "could not create database $POSTGRES_DB"
  fi
  say "initialised"
}

if [ "${1:-}" = postgres ]; then
  shift
  [ -s "$PGDATA/PG_VERSION" ] || init_cluster
  exec postgres -D "$PGDATA" \
    -c listen_addresses="${POSTGRES_LISTEN_ADDRESSES:-127.0.0.1}" \
    -c port="${PGPORT:-5432}" \
    -c unix_socket_directories=/var/run/postgresql \
    -c jit=off \
    "$@"
fi
exec "$@"
