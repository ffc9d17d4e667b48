#!/usr/bin/env bash
# Removes the Nexplane sandbox: the compose project nexplane-sandbox (its containers and volumes,
# e.g. postgres_data), the GitHub stand-in container nexplane-sandbox-github, the agent hosts
# nexplane-sandbox-agent-1..3 and the deploy directory (with their keys and inventory). Leaves everything else alone: the registry, images, other containers and volumes.
# The data is discarded, so containers are removed at once, without a graceful stop.
#
# Usage: scripts/sandbox-down.sh [--instance <n>] [--dir <deploy dir>]
#   --instance  which sandbox (0, the default, is the one .nuke/parameters.json describes)
#   --dir       its deploy directory (default <repo>/.sandbox/deploy, or .sandbox/instance-<n>)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/sandbox-instance.sh"

MARKER_FILE=.nexplane-sandbox
instance=0
deploy_dir=""

usage() { print_usage; }

parse_args() {
  while (($#)); do
    case "$1" in
      --dir) deploy_dir="${2:?--dir needs a directory}"; shift 2 ;;
      --instance) instance="${2:?--instance needs a number}"; shift 2 ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
  done
  set_instance "$instance"
  [[ -n "$deploy_dir" ]] || deploy_dir="$DEFAULT_DEPLOY_DIR"
}

remove_compose_project() {
  # By label, which only this project's containers, networks and volumes carry, rather than through
  # `compose down`: the data is discarded, so nothing needs a graceful stop, and with docker-compose
  # v1 the Python start-up alone made down take 4 s. It also removes what compose would not know
  # about (the deploy directory already gone, a renamed service).
  local ids
  ids="$(docker ps -aq -f "label=com.docker.compose.project=$PROJECT")"
  if [[ -n "$ids" ]]; then
    log "removing the containers of compose project $PROJECT"
    # shellcheck disable=SC2086  # one id per word
    docker rm -f $ids >/dev/null
  fi
  # The real shape's compose network (the runbook shape uses host networking and has none).
  ids="$(docker network ls -q -f "label=com.docker.compose.project=$PROJECT")"
  if [[ -n "$ids" ]]; then
    log "removing networks of project $PROJECT"
    # shellcheck disable=SC2086
    docker network rm $ids >/dev/null
  fi
  ids="$(docker volume ls -q -f "label=com.docker.compose.project=$PROJECT")"
  if [[ -n "$ids" ]]; then
    log "removing volumes: ${ids//$'\n'/ }"
    # shellcheck disable=SC2086
    docker volume rm $ids >/dev/null
  fi
}

remove_github_stand_in() {
  if docker inspect "$GITHUB_CONTAINER" >/dev/null 2>&1; then
    log "removing container $GITHUB_CONTAINER"
    docker rm -f "$GITHUB_CONTAINER" >/dev/null
  fi
}

# By name and by this instance's label (a host left from an earlier layout); they have no volumes.
remove_agent_hosts() {
  local ids
  ids="$( { for host in "${AGENT_HOSTS[@]}"; do docker ps -aq -f "name=^${host}\$"; done
    docker ps -aq -f "label=org.nexplane.sandbox.project=$PROJECT"; } | sort -u)"
  [[ -n "$ids" ]] || return 0
  log "removing agent hosts ${AGENT_HOSTS[*]}"
  # shellcheck disable=SC2086  # one id per word
  docker rm -f $ids >/dev/null
}

remove_deploy_dir() {
  [[ -d "$deploy_dir" ]] || return 0
  # Only a directory sandbox-up.sh made: never delete a real deployment pointed at by mistake.
  if [[ ! -f "$deploy_dir/$MARKER_FILE" ]]; then
    warn "$deploy_dir has no $MARKER_FILE marker (not made by sandbox-up.sh): left in place"
    return
  fi
  log "removing $deploy_dir"
  rm -rf "$deploy_dir"
}

main() {
  parse_args "$@"
  docker info >/dev/null 2>&1 || die "the Docker engine does not answer; run scripts/test-env.sh first"
  remove_compose_project
  remove_github_stand_in
  remove_agent_hosts
  remove_deploy_dir
  log "sandbox removed in $(elapsed "$SCRIPT_STARTED_NS") s"
}

main "$@"
