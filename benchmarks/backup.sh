#!/usr/bin/env bash
# Backup and restore benchmark, side by side in one run, on a generated database of about 1.3 GB:
#   our Backup (dump + full decode + sha256 + manifest) vs bare pg_dump, custom format at compression 0, 1, 6 and plain;
#   our Restore (sha256 beside the load, parallel COPY, pg_restore post-data, verified, swapped in) vs the runbook's
#   `psql < file.sql`, with bare `pg_restore --jobs` for reference.
# The machine's load average is printed before the data is generated, before the benchmark and after it.
# Uses a private PostgreSQL cluster on 127.0.0.1 (a free port, data under a temporary directory, removed at the end).
# Needs root (initdb runs as user postgres) and the PostgreSQL 15 server and client (scripts/test-env.sh installs them).
# The generated data is checkpointed and the load average left to settle (up to 2 minutes) before the first pair: a
# checkpoint of 1.5 GB of fresh data, or the generation's own tail in the 1-minute load average, otherwise lands in
# the first pairs. The default format runs in interleaved pairs whose order alternates; each pair, the spread, the
# client CPU (pg_dump, pg_restore and our process; the server's share is not in it) and the load are printed.
#   benchmarks/backup.sh [--rows N] [--pairs N]    (default 7000000 rows: about 1.3 GB with indexes; 5 pairs)
set -euo pipefail

ROWS=7000000 PAIRS=5
while (($#)); do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --pairs) PAIRS="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
WORK="$(mktemp -d /tmp/nexplane-backup-bench.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
chown postgres "$WORK"
as_postgres() { runuser -u postgres -- "$@"; }

cleanup() {
  as_postgres "$BIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "cluster: 127.0.0.1:$PORT in $WORK; $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
as_postgres "$BIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 >/dev/null
as_postgres "$BIN/pg_ctl" -D "$WORK/data" -w -l "$WORK/postgres.log" \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c max_wal_size=4GB" start >/dev/null

psql_bench() { psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
started=$(date +%s)
psql_bench -d postgres -c "create database bench"
psql_bench -d bench -v ON_ERROR_STOP=1 <<SQL
create table alembic_version (version_num varchar(32) primary key);
insert into alembic_version values ('002_asset_tags');
create table events as
  select n as id, n % 5000 as host_id, (array['login','patch','scan','alert'])[1 + n % 4] as kind,
         md5(n::text) || ' ' || md5((n * 31)::text) as message,
         jsonb_build_object('n', n, 'ok', n % 2 = 0) as payload,
         timestamptz '2025-01-01' + n * interval '1 second' as created_at
  from generate_series(1, $ROWS) n;
alter table events add primary key (id);
create index events_host_time on events (host_id, created_at);
create index events_kind on events (kind);
create table hosts as select n as id, 'host-' || n as name, md5(n::text) as token from generate_series(1, 5000) n;
alter table hosts add primary key (id);
vacuum analyze;
checkpoint;
SQL
echo "generated in $(( $(date +%s) - started )) s"
settled=$(date +%s)
while awk -v cores="$(nproc)" '{ exit !($1 >= cores) }' /proc/loadavg && (( $(date +%s) - settled < 120 )); do sleep 5; done
echo "waited $(( $(date +%s) - settled )) s for the load average to settle below $(nproc)"

echo "before the benchmark: load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run --project "$ROOT/benchmarks/backup-benchmark" -c Release -- "$PORT" bench "$WORK" "$PAIRS"
echo "after the benchmark: load average $(cut -d' ' -f1-3 /proc/loadavg)"
