#!/usr/bin/env bash
# Fault-matrix benchmark: how long each rollback of the fault matrix takes, against its budget (the backup's
# restore time + 10 s). The cases are the end-to-end tests in tests/EndToEnd.Tests/Rollback: they assert the
# outcomes (rolled back, healthy, nothing lost) and record each case's time in .nuke/temp/rollback-matrix.md, with
# what its rollback did with the database (restored, or not restored because PostgreSQL proved nothing committed
# since Stop); this script runs them, prints that table, and exits 1 when a case went over its budget. Durations are judged
# here and only here: a pass/fail test on a busy machine must not depend on its speed.
#
# Usage: benchmarks/fault-matrix.sh [--filter <dotnet test filter>] [--no-run]
#   --filter   narrower set of cases (default: every class under EndToEnd.Tests.Rollback)
#   --no-run   judge the matrix the last run wrote (e.g. by ./build.sh Test) without running the cases again
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
filter="FullyQualifiedName~EndToEnd.Tests.Rollback"
run=1
while (($#)); do
  case "$1" in
    --filter) filter="${2:?}"; shift 2 ;;
    --no-run) run=0; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

matrix="$root/.nuke/temp/rollback-matrix.md"
if ((run)); then
  "$root/scripts/test-env.sh"
  "$root/scripts/sandbox-images.sh"
  rm -f "$matrix"
  started=$(date +%s)
  # The cases' own assertions still hold here: a case that fails its outcome fails the benchmark too.
  dotnet test "$root/tests/EndToEnd.Tests" --filter "$filter" --logger "console;verbosity=minimal"
  echo "cases ran in $(( $(date +%s) - started )) s; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if [[ ! -f "$matrix" ]]; then
  echo "no fault matrix at $matrix: run without --no-run, or ./build.sh Test first" >&2
  exit 1
fi

echo
cat "$matrix"
timed=$(grep -c ' | within |\| | OVER |' "$matrix" || true)
over=$(grep -c ' | OVER |' "$matrix" || true)
echo
echo "$timed timed rollback(s), $over over budget"
if ((over > 0)); then
  grep ' | OVER |' "$matrix" >&2
  exit 1
fi
