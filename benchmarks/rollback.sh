#!/usr/bin/env bash
# Rollback benchmark, side by side in one run on one sandbox instance whose database is grown to >= 1 GB: the
# rollback after a failed migration (0.2.0 -> 0.3.1) when PostgreSQL proves nothing committed since Stop (no
# restore), against the restore path on the same database, forced the way it happens in production: another client
# (here a monitoring-like insert into the cluster's `postgres` database) commits after Stop.
# Prints the database and archive sizes, each run's Rollback step time (the tool's report) and what the rollback did
# with the database, and the load average before and after each run. Not a test: figures vary with the machine.
#
# Autovacuum is switched off for the app's tables first: its ANALYZE commits a transaction, and a heartbeat-driven
# ANALYZE landing between Stop and the check would (rightly) send the proof run down the restore path too.
#
# Usage: benchmarks/rollback.sh [--instance 79] [--rows 5500000] [--keep]
#   --rows   rows of the generated events table (5.5M: about 1.1 GB with its indexes)
#   --keep   leave the instance up afterwards (default: scripts/sandbox-down.sh removes it)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
instance=79 rows=5500000 keep=0
while (($#)); do
  case "$1" in
    --instance) instance="${2:?}"; shift 2 ;;
    --rows) rows="${2:?}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

base=$((20000 + 10 * instance))   # ports as scripts/lib/sandbox-instance.sh assigns them
deploy="$root/.sandbox/instance-$instance"
compose_file="$deploy/docker-compose.yml"
load() { cut -d' ' -f1-3 /proc/loadavg; }
((keep)) || trap '"$root/scripts/sandbox-down.sh" --instance "$instance" >/dev/null 2>&1 || true' EXIT

"$root/scripts/sandbox-down.sh" --instance "$instance" >/dev/null
"$root/scripts/sandbox-up.sh" --instance "$instance" --version 0.2.0 --skip-prepare >/dev/null
{ grep -l "\"compose_file\": \"$compose_file\"" "$root"/.nuke/temp/upgrade/*.json 2>/dev/null || true; } | xargs -r rm -f

# The password goes to psql through its environment, never an argument.
PGPASSWORD="$(sed -n 's/^POSTGRES_PASSWORD=//p' "$deploy/.env")"
export PGPASSWORD
psql_app() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $((base + 2)) -U nexplane "$@"; }

echo "generating $rows rows in the instance's database (load average $(load))"
started=$(date +%s)
psql_app -d nexplane <<SQL
-- The db container's /dev/shm is docker's default 64 MB, too small for parallel workers on this much data.
set max_parallel_workers_per_gather = 0;
set max_parallel_maintenance_workers = 0;
create table events as
  select n as id, n % 5000 as host_id, (array['login','patch','scan','alert'])[1 + n % 4] as kind,
         md5(n::text) || ' ' || md5((n * 31)::text) as message,
         jsonb_build_object('n', n, 'ok', n % 2 = 0) as payload,
         timestamptz '2025-01-01' + n * interval '1 second' as created_at
  from generate_series(1, $rows) n;
alter table events add primary key (id);
create index events_host_time on events (host_id, created_at);
vacuum analyze;
do \$\$ declare t record; begin
  for t in select tablename from pg_tables where schemaname = 'public' loop
    execute format('alter table public.%I set (autovacuum_enabled = off)', t.tablename);
  end loop; end \$\$;
SQL
size=$(psql_app -d nexplane -At -c "select pg_size_pretty(pg_database_size('nexplane'))")
echo "generated in $(( $(date +%s) - started )) s: database nexplane is $size"

tool_args=(--no-logo --version 0.3.1 --accept-breaking-changes --compose-file "$compose_file" --compose-project "nexplane-sandbox-$instance"
  --api-url "http://127.0.0.1:$base" --frontend-url "http://127.0.0.1:$((base + 1))" --database-port $((base + 2))
  --github-api-url "http://127.0.0.1:$((base + 4))/" --backup-directory "$deploy/backups" --agent-hosts-file "$deploy/agent-hosts.json")

# One upgrade to 0.3.1 (its migration fails; the assured Rollback follows). With "commit-after-stop", a client
# commits once the tool says it recorded the horizon. Prints: rollback seconds, backup archive size, database line.
run_upgrade() {
  local mode="$1" log="$deploy/bench-$1.log"
  echo "[$mode] load average before: $(load)"
  "$root/build.sh" Upgrade "${tool_args[@]}" 2>&1 | while IFS= read -r line; do
    printf '%s\n' "$line" >>"$log"
    if [[ "$mode" == commit-after-stop && "$line" == *"Transaction horizon at Stop"* ]]; then
      psql_app -d postgres -c "create table if not exists monitoring_heartbeat (at timestamptz); insert into monitoring_heartbeat values (now())" </dev/null
    fi
  done || true
  echo "[$mode] load average after: $(load)"
  local report; report=$(sed -n 's/.*Report: \(\S*\.json\).*/\1/p' "$log" | tail -1)
  python3 - "$report" "$mode" <<'PY'
import json, os, sys
report = json.load(open(sys.argv[1]))
rollback = next(s for s in report["steps"] if s["name"] == "Rollback")
archive = report.get("backup_file")
size = os.path.getsize(archive) / 1e6 if archive and os.path.exists(archive) else float("nan")
print(f"[{sys.argv[2]}] Rollback step {rollback['seconds']:.1f} s; backup archive {size:.0f} MB; outcome: {report.get('outcome')}")
print(f"[{sys.argv[2]}] database on rollback: {report.get('database_rollback')}")
PY
  grep -E "Database restored from|Database not restored" "$log" | sed "s/^/[$mode] /" | cut -c1-220
}

run_upgrade proof
run_upgrade commit-after-stop
echo "database nexplane now: $(psql_app -d nexplane -At -c "select pg_size_pretty(pg_database_size('nexplane'))")"
