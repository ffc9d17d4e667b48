# shellcheck shell=bash
# Shared helpers for scripts/*.sh: messages, timing, paths. Sourced, never run.
# shellcheck disable=SC2034  # variables are used by the scripts that source this file

# Where the sandbox keeps machine-wide state that should survive across clones and CI runs
# (registry storage, logs, build caches). Override with NEXPLANE_SANDBOX_STATE.
SANDBOX_STATE_DIR="${NEXPLANE_SANDBOX_STATE:-/var/lib/nexplane-sandbox}"
SANDBOX_LOG_DIR="$SANDBOX_STATE_DIR/logs"
SANDBOX_CACHE_DIR="$SANDBOX_STATE_DIR/cache"
REGISTRY_HOST="127.0.0.1:5000"

# The repository root, whatever directory the caller started in.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

SCRIPT_NAME="$(basename "$0" .sh)"
SCRIPT_STARTED_NS="$(date +%s%N)"

log() { printf '[%s] %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# Seconds (one decimal) since the given date +%s%N stamp; default: since the script started.
elapsed() {
  local since="${1:-$SCRIPT_STARTED_NS}" now
  now="$(date +%s%N)"
  awk -v d="$((now - since))" 'BEGIN { printf "%.1f", d / 1e9 }'
}

# Runs a command as root: directly when we are root, through sudo otherwise (laptops).
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Polls a command until it succeeds or the timeout (seconds, may be fractional) passes.
wait_for() {
  local timeout="$1"; shift
  local deadline=$(( $(date +%s%N) + ${timeout%.*} * 1000000000 ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s%N) < deadline )) || return 1
    sleep 0.1
  done
}

# `docker compose` (v2) when the plugin exists, else `docker-compose` (v1). Sets COMPOSE as an array.
# NEXPLANE_SANDBOX_COMPOSE=v1 (or v2) insists on one: the v1 lane creates its deployments with v1, as Debian 12's own
# apt still installs it, so the tool meets v1's containers (project_service_1) and must keep using v1 for them.
detect_compose() {
  case "${NEXPLANE_SANDBOX_COMPOSE:-}" in
    v1)
      command -v docker-compose >/dev/null 2>&1 || die "NEXPLANE_SANDBOX_COMPOSE=v1, but docker-compose is not installed"
      COMPOSE=(docker-compose) ;;
    v2)
      docker compose version >/dev/null 2>&1 || die "NEXPLANE_SANDBOX_COMPOSE=v2, but 'docker compose' does not work; run scripts/test-env.sh"
      COMPOSE=(docker compose) ;;
    "")
      if docker compose version >/dev/null 2>&1; then
        COMPOSE=(docker compose)
      elif command -v docker-compose >/dev/null 2>&1; then
        COMPOSE=(docker-compose)
      else
        die "neither 'docker compose' nor 'docker-compose' found; run scripts/test-env.sh first"
      fi ;;
    *) die "NEXPLANE_SANDBOX_COMPOSE must be v1 or v2, not '${NEXPLANE_SANDBOX_COMPOSE}'" ;;
  esac
}

# Prints the calling script's header comment (its documentation) as usage text.
print_usage() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}
