# shellcheck shell=bash disable=SC2034  # the variables are read by the scripts that source this file
# Names and ports of one sandbox instance. Instance 0 is THE sandbox that .nuke/parameters.json
# describes; instances 1, 2, ... are isolated copies for tests and parallel rehearsals: their own
# compose project, deploy directory, GitHub stand-in and ports (each port + 10 x instance).
#
# Reads $instance (default 0); sets PROJECT, GITHUB_CONTAINER, DB_PORT, REDIS_PORT, BACKEND_PORT,
# FRONTEND_PORT, GITHUB_PORT, BACKEND_URL, FRONTEND_URL, GITHUB_URL and DEFAULT_DEPLOY_DIR.

set_instance() {
  local n="${1:-0}"
  if ! [[ "$n" =~ ^[0-9]+$ ]] || ((n > 99)); then
    die "--instance must be a number from 0 to 99, got '$n'"
  fi
  local offset=$((n * 10))
  if ((n == 0)); then
    PROJECT=nexplane-sandbox
    DEFAULT_DEPLOY_DIR="$REPO_ROOT/.sandbox/deploy"
  else
    PROJECT="nexplane-sandbox-$n"
    DEFAULT_DEPLOY_DIR="$REPO_ROOT/.sandbox/instance-$n"
  fi
  GITHUB_CONTAINER="$PROJECT-github"
  DB_PORT=$((55432 + offset))
  REDIS_PORT=$((56379 + offset))
  BACKEND_PORT=$((18000 + offset))
  FRONTEND_PORT=$((13000 + offset))
  GITHUB_PORT=$((18089 + offset))
  BACKEND_URL="http://127.0.0.1:$BACKEND_PORT"
  FRONTEND_URL="http://127.0.0.1:$FRONTEND_PORT"
  GITHUB_URL="http://127.0.0.1:$GITHUB_PORT"
}
