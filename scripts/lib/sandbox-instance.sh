# shellcheck shell=bash disable=SC2034  # the variables are read by the scripts that source this file
# Names and ports of one sandbox instance. Instance 0 is THE sandbox that .nuke/parameters.json
# describes (backend 18000, frontend 13000, db 55432, redis 56379, GitHub 18089, agent hosts' SSH
# 18021-18023); instances 1-99 are isolated copies for tests and parallel rehearsals: their own compose
# project, deploy directory, GitHub stand-in, agent hosts and ports 20000 + 10 n + (0 backend,
# 1 frontend, 2 db, 3 redis, 4 GitHub, 5-7 SSH of agent hosts 1-3).
#
# Reads $instance (default 0); sets PROJECT, GITHUB_CONTAINER, DB_PORT, REDIS_PORT, BACKEND_PORT,
# FRONTEND_PORT, GITHUB_PORT, BACKEND_URL, FRONTEND_URL, GITHUB_URL, DEFAULT_DEPLOY_DIR, and the
# arrays AGENT_HOSTS (container names, which are also the hostnames the agents register) and
# AGENT_SSH_PORTS (same order).

set_instance() {
  local n="${1:-0}"
  if ! [[ "$n" =~ ^[0-9]+$ ]] || ((n > 99)); then
    die "--instance must be a number from 0 to 99, got '$n'"
  fi
  if ((n == 0)); then
    PROJECT=nexplane-sandbox
    DEFAULT_DEPLOY_DIR="$REPO_ROOT/.sandbox/deploy"
    DB_PORT=55432 REDIS_PORT=56379 BACKEND_PORT=18000 FRONTEND_PORT=13000 GITHUB_PORT=18089
    AGENT_SSH_PORTS=(18021 18022 18023)
  else
    PROJECT="nexplane-sandbox-$n"
    DEFAULT_DEPLOY_DIR="$REPO_ROOT/.sandbox/instance-$n"
    # 20000 + 10 n + k: below Linux's ephemeral range (32768-60999), so no outgoing connection or "free port"
    # picked by a test can hold an instance's port while it starts.
    local base=$((20000 + n * 10))
    BACKEND_PORT=$base FRONTEND_PORT=$((base + 1)) DB_PORT=$((base + 2)) REDIS_PORT=$((base + 3)) GITHUB_PORT=$((base + 4))
    AGENT_SSH_PORTS=($((base + 5)) $((base + 6)) $((base + 7)))
  fi
  GITHUB_CONTAINER="$PROJECT-github"
  AGENT_HOSTS=("$PROJECT-agent-1" "$PROJECT-agent-2" "$PROJECT-agent-3")
  BACKEND_URL="http://127.0.0.1:$BACKEND_PORT"
  FRONTEND_URL="http://127.0.0.1:$FRONTEND_PORT"
  GITHUB_URL="http://127.0.0.1:$GITHUB_PORT"
}
