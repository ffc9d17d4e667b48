#!/usr/bin/env bash
# Brings up the Nexplane sandbox: a compose deployment (project nexplane-sandbox: db, redis, backend,
# worker, frontend) on one release, plus the local GitHub API stand-in (container
# nexplane-sandbox-github) and 3 managed agent hosts reachable over SSH (containers
# nexplane-sandbox-agent-1..3, inventory <deploy dir>/agent-hosts.json). Prepares the machine and the
# images first (test-env.sh, sandbox-images.sh). A no-op when the sandbox is already up and healthy on
# that release.
#
# Usage: scripts/sandbox-up.sh [--version 0.2.0] [--shape runbook|real] [--tag-style image|env|env-default]
#                              [--naming runbook|ghcr] [--instance <n>] [--dir <deploy dir>] [--skip-prepare]
#   --version      release to deploy (default 0.2.0)
#   --shape        runbook: the runbook's deployment (default; db, redis, backend, worker, frontend,
#                           host networking, heading-style release notes)
#                  real:    shaped like real production Nexplane: db, backend, frontend only, on a
#                           compose network with no db port published, backend and frontend published
#                           on 127.0.0.1, an SPA frontend without /version, /health without a version,
#                           changelog-style release notes and the extra release 0.3.5 (needs
#                           NEXPLANE_ENCRYPTION_KEY). Implies --naming ghcr --tag-style env unless given.
#   --tag-style    image:       tags pinned on the image: lines (default)
#                  env:         image lines read ${IMAGE_TAG} from .env (like the in-product upgrader)
#                  env-default: image lines read ${NEXPLANE_VERSION:-<version>} from .env
#   --naming       runbook: youbetyourballs/nexplane-backend:0.2.0 (default)
#                  ghcr:    ghcr.io/youbetyourballs/nexplane-backend:v0.2.0
#   --instance     0 (default) is the sandbox .nuke/parameters.json describes; 1..99 are isolated
#                  copies with their own project, directory and ports (20000 + 10 n + 0..7)
#   --dir          deploy directory (default <repo>/.sandbox/deploy, or .sandbox/instance-<n>)
#   --skip-prepare do not run test-env.sh and sandbox-images.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/sandbox-instance.sh"
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/agent-hosts.sh"

GITHUB_IMAGE="$REGISTRY_HOST/nexplane-sandbox/github-api:latest"
ADMIN_EMAIL=admin@nexplane.local
MARKER_FILE=.nexplane-sandbox

version=0.2.0 shape=runbook tag_style="" naming="" prepare=true instance=0
# Releases only the real shape's GitHub catalog publishes (src/Nexplane.Sandbox/Releases.cs, RealShapeOnly).
REAL_SHAPE_ONLY_RELEASES=(0.3.5)
deploy_dir=""

usage() { print_usage; }

parse_args() {
  while (($#)); do
    case "$1" in
      --version) version="${2:?--version needs a release}"; version="${version#v}"; shift 2 ;;
      --shape) shape="${2:?--shape needs runbook or real}"; shift 2 ;;
      --tag-style) tag_style="${2:?--tag-style needs image, env or env-default}"; shift 2 ;;
      --naming) naming="${2:?--naming needs runbook or ghcr}"; shift 2 ;;
      --dir) deploy_dir="${2:?--dir needs a directory}"; shift 2 ;;
      --instance) instance="${2:?--instance needs a number}"; shift 2 ;;
      --skip-prepare) prepare=false; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
  done
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "--version must look like 0.2.0, got '$version'"
  case "$shape" in
    runbook) : "${tag_style:=image}" "${naming:=runbook}" ;;
    real) : "${tag_style:=env}" "${naming:=ghcr}" ;;
    *) die "--shape must be runbook or real" ;;
  esac
  if [[ "$shape" != real && " ${REAL_SHAPE_ONLY_RELEASES[*]} " == *" $version "* ]]; then
    die "release $version exists only in the real shape (its GitHub catalog publishes it): add --shape real"
  fi
  case "$tag_style" in image | env | env-default) ;; *) die "--tag-style must be image, env or env-default" ;; esac
  case "$naming" in runbook | ghcr) ;; *) die "--naming must be runbook or ghcr" ;; esac
  set_instance "$instance"
  [[ -n "$deploy_dir" ]] || deploy_dir="$DEFAULT_DEPLOY_DIR"
  mkdir -p "$deploy_dir"
  deploy_dir="$(cd "$deploy_dir" && pwd)"
  COMPOSE_FILE_PATH="$deploy_dir/docker-compose.yml"
  ENV_FILE="$deploy_dir/.env"
}

compose() { (cd "$deploy_dir" && "${COMPOSE[@]}" -p "$PROJECT" "$@"); }

# --- state probes ---------------------------------------------------------------------------------

# The release the backend reports: /downloads/version (plain text), else /version ({"version"}),
# else the version field of /health. Empty when the backend does not answer.
backend_version() {
  local text
  if text="$(curl -fsS --max-time 2 "$BACKEND_URL/downloads/version" 2>/dev/null)" && [[ -n "$text" ]]; then
    text="${text//[$'\r\n\t ']/}"
  elif text="$(curl -fsS --max-time 2 "$BACKEND_URL/version" 2>/dev/null)"; then
    text="$(jq -r '.version // empty' <<<"$text" 2>/dev/null || true)"
  elif text="$(curl -fsS --max-time 2 "$BACKEND_URL/health" 2>/dev/null)"; then
    text="$(jq -r '.version // empty' <<<"$text" 2>/dev/null || true)"
  fi
  printf '%s' "${text#v}"
}

backend_healthy_on() {
  curl -fsS --max-time 2 "$BACKEND_URL/health" >/dev/null 2>&1 && [[ "$(backend_version)" == "$1" ]]
}

# Container of a compose service, by the labels compose puts on it (much faster than `compose ps`,
# which costs a Python start-up per call with docker-compose v1).
service_container() {
  docker ps -aq -f "label=com.docker.compose.project=$PROJECT" \
    -f "label=com.docker.compose.service=$1" 2>/dev/null | head -n 1
}

service_health() {
  local id
  id="$(service_container "$1")"
  [[ -n "$id" ]] || { echo missing; return; }
  docker inspect -f '{{ if .State.Health }}{{ .State.Health.Status }}{{ else }}{{ .State.Status }}{{ end }}' "$id" 2>/dev/null || echo missing
}

db_healthy() { [[ "$(service_health db)" == healthy ]]; }

github_answers() {
  # Any HTTP answer will do: the stand-in has no health endpoint of its own to rely on.
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$GITHUB_URL/" 2>/dev/null)" != 000 ]]
}

# The compose services of the shape.
shape_services() { if [[ "$shape" == real ]]; then echo db backend frontend; else echo db redis backend worker frontend; fi; }

# The container's state and, when it has a healthcheck, Docker's verdict: "running healthy",
# "running starting", "restarting unhealthy", "running -".
service_state() {
  local id
  id="$(service_container "$1")"
  [[ -n "$id" ]] || { echo missing; return; }
  docker inspect -f '{{ .State.Status }} {{ if .State.Health }}{{ .State.Health.Status }}{{ else }}-{{ end }}' "$id" 2>/dev/null || echo missing
}

# Every service running and not judged unhealthy. One whose first healthcheck is still to come counts
# as up: its interval is 10 s, and what matters is checked directly (db_healthy, backend_healthy_on
# over HTTP). A crash-looping service is "restarting".
all_services_running() {
  local service state
  for service in $(shape_services); do
    state="$(service_state "$service")"
    [[ "$state" == "running healthy" || "$state" == "running starting" || "$state" == "running -" ]] || return 1
  done
}

already_up() {
  [[ -f "$COMPOSE_FILE_PATH" && -f "$ENV_FILE" && "$(deployed_shape)" == "$shape" ]] || return 1
  github_notes_env_matches && backend_healthy_on "$version" && db_healthy && all_services_running && github_answers \
    && agent_hosts_running && [[ -f "$(agent_inventory)" ]]
}

# --- deploy directory -------------------------------------------------------------------------------

random_secret() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40; }

env_value() { sed -n "s/^$1=//p" "$ENV_FILE" 2>/dev/null | tail -n 1; }

# Sets KEY=value in .env, replacing an existing line; never echoes the value.
env_set() {
  local key="$1" value="$2" tmp
  tmp="$(mktemp "$deploy_dir/.env.XXXXXX")"
  { grep -v "^$key=" "$ENV_FILE" || true; printf '%s=%s\n' "$key" "$value"; } >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$ENV_FILE"
}

write_env_file() {
  local key created=()
  (umask 077 && touch "$ENV_FILE")
  chmod 600 "$ENV_FILE"
  # Secrets: generated once, kept on every later run (the database volume depends on them).
  for key in POSTGRES_PASSWORD SECRET_KEY WEBHOOK_SECRET NEXPLANE_ADMIN_PASSWORD; do
    [[ -n "$(env_value "$key")" ]] && continue
    env_set "$key" "$(random_secret)"
    created+=("$key")
  done
  [[ "$(env_value COMPOSE_PROJECT_NAME)" == "$PROJECT" ]] || env_set COMPOSE_PROJECT_NAME "$PROJECT"
  [[ -n "$(env_value POSTGRES_USER)" ]] || env_set POSTGRES_USER nexplane
  [[ -n "$(env_value POSTGRES_DB)" ]] || env_set POSTGRES_DB nexplane
  case "$tag_style" in
    env) [[ "$(env_value IMAGE_TAG)" == "$(image_tag)" ]] || env_set IMAGE_TAG "$(image_tag)" ;;
    env-default) [[ "$(env_value NEXPLANE_VERSION)" == "$(image_tag)" ]] || env_set NEXPLANE_VERSION "$(image_tag)" ;;
  esac
  ((${#created[@]} == 0)) || log "generated secrets in $ENV_FILE: ${created[*]}"
}

image_tag() { if [[ "$naming" == ghcr ]]; then echo "v$version"; else echo "$version"; fi; }

image_repository() {
  if [[ "$naming" == ghcr ]]; then
    echo "$REGISTRY_HOST/ghcr.io/youbetyourballs/nexplane-$1"
  else
    echo "$REGISTRY_HOST/youbetyourballs/nexplane-$1"
  fi
}

image_reference() {
  case "$tag_style" in
    image) echo "$(image_repository "$1"):$(image_tag)" ;;
    env) echo "$(image_repository "$1"):\${IMAGE_TAG}" ;;
    env-default) echo "$(image_repository "$1"):\${NEXPLANE_VERSION:-$(image_tag)}" ;;
  esac
}

image_comment() {
  case "$tag_style" in
    image) echo "    # Release pin: upgrade by changing the tag below (all app services share one release)." ;;
    env) echo "    # Release pin: the tag comes from IMAGE_TAG in .env." ;;
    env-default) echo "    # Release pin: the tag comes from NEXPLANE_VERSION in .env." ;;
  esac
}

compose_template() {
  if [[ "$shape" == real ]]; then
    echo "$REPO_ROOT/scripts/sandbox/docker-compose.real.yml.template"
  else
    echo "$REPO_ROOT/scripts/sandbox/docker-compose.yml.template"
  fi
}

write_compose_file() {
  local redis_tag content
  redis_tag="$(dpkg-query -W -f='${Version}' redis-server | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/')"
  content="$(sed -e "s|@REDIS_TAG@|$redis_tag|" \
    -e "s|@IMAGE_COMMENT@|$(image_comment)|" \
    -e "s|@IMAGE_BACKEND@|$(image_reference backend)|" \
    -e "s|@IMAGE_WORKER@|$(image_reference worker)|" \
    -e "s|@IMAGE_FRONTEND@|$(image_reference frontend)|" \
    -e "s|@DB_PORT@|$DB_PORT|g" -e "s|@REDIS_PORT@|$REDIS_PORT|g" \
    -e "s|@BACKEND_PORT@|$BACKEND_PORT|g" -e "s|@FRONTEND_PORT@|$FRONTEND_PORT|g" \
    "$(compose_template)")"
  if [[ ! -f "$COMPOSE_FILE_PATH" || "$(cat "$COMPOSE_FILE_PATH")" != "$content" ]]; then
    printf '%s\n' "$content" >"$COMPOSE_FILE_PATH"
    log "wrote $COMPOSE_FILE_PATH ($version, tag style $tag_style, naming $naming$([[ "$shape" == real ]] && echo ", shape real"))"
  fi
  # Marks the directory as the sandbox's own, so sandbox-down.sh may delete it.
  [[ -f "$deploy_dir/$MARKER_FILE" ]] || echo "deploy directory of scripts/sandbox-up.sh" >"$deploy_dir/$MARKER_FILE"
}

# The shape an existing deploy directory was written for (empty when there is none).
deployed_shape() {
  [[ -f "$COMPOSE_FILE_PATH" ]] || return 0
  if grep -q '^# Nexplane sandbox deployment, real shape' "$COMPOSE_FILE_PATH"; then echo real; else echo runbook; fi
}

# Refuses to silently "downgrade" or upgrade a running sandbox: that is the upgrade tool's job.
# Nor does it turn one shape into the other in place.
check_running_version() {
  local running deployed
  deployed="$(deployed_shape)"
  if [[ -n "$deployed" && "$deployed" != "$shape" ]]; then
    die "the sandbox in $deploy_dir has the $deployed shape, not $shape. Start over:
  scripts/sandbox-down.sh --instance $instance && scripts/sandbox-up.sh --instance $instance --shape $shape"
  fi
  running="$(backend_version)"
  if [[ -n "$running" && "$running" != "$version" ]]; then
    die "the sandbox backend already runs $running, not $version. Upgrade it with the tool, or start over:
  ./build.sh SandboxDown && ./build.sh Sandbox --sandbox-version $version$([[ "$shape" == real ]] && echo " --sandbox-shape real")   (instance $instance: scripts/sandbox-down.sh --instance $instance)"
  fi
}

# --- bring-up ---------------------------------------------------------------------------------------

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# With host networking a port held by anything else (a host PostgreSQL, a test's own server) makes
# the service crash-loop; say so before starting rather than after a two-minute wait.
check_ports_free() {
  local service port state services=("db:$DB_PORT" "redis:$REDIS_PORT" "backend:$BACKEND_PORT" "frontend:$FRONTEND_PORT")
  # The real shape publishes only the backend's and the frontend's ports.
  [[ "$shape" != real ]] || services=("backend:$BACKEND_PORT" "frontend:$FRONTEND_PORT")
  for service in "${services[@]}"; do
    port="${service#*:}" service="${service%:*}"
    state="$(service_health "$service")"
    [[ "$state" == healthy || "$state" == running || "$state" == starting ]] && continue
    if port_taken "$port"; then
      die "port $port (sandbox $service) is already in use by another process:
  $(ss -ltnpH "sport = :$port" 2>/dev/null | awk '{ print $4, $6 }' | head -n 1)
Stop that process (or run the sandbox on a machine where $port is free) and rerun."
    fi
  done
  if [[ -z "$(docker ps -q -f "name=^${GITHUB_CONTAINER}\$" 2>/dev/null)" ]] && port_taken "$GITHUB_PORT"; then
    die "port $GITHUB_PORT (GitHub stand-in) is already in use by another process; free it and rerun"
  fi
  check_agent_ports_free
}

# The real shape's stand-in publishes changelog-style notes (and 0.3.5); the runbook's keeps its default.
github_notes_env() { [[ "$shape" != real ]] || echo GITHUB_API_NOTES_STYLE=changelog; }

github_notes_env_matches() {
  local env
  env="$(docker inspect -f '{{ range .Config.Env }}{{ println . }}{{ end }}' "$GITHUB_CONTAINER" 2>/dev/null | grep '^GITHUB_API_NOTES_STYLE=' || true)"
  [[ "$env" == "$(github_notes_env)" ]]
}

start_github_stand_in() {
  local wanted current extra_env=()
  wanted="$(docker image inspect -f '{{.Id}}' "$GITHUB_IMAGE" 2>/dev/null)" \
    || die "image $GITHUB_IMAGE is missing; run scripts/sandbox-images.sh"
  current="$(docker inspect -f '{{.Image}}' "$GITHUB_CONTAINER" 2>/dev/null || true)"
  [[ -z "$(github_notes_env)" ]] || extra_env=(-e "$(github_notes_env)")
  if [[ -n "$current" ]] && ! github_notes_env_matches; then
    log "github: replacing $GITHUB_CONTAINER (notes style changed)"
    docker rm -f "$GITHUB_CONTAINER" >/dev/null
    current=""
  fi
  if [[ -n "$current" && "$current" != "$wanted" ]]; then
    log "github: replacing $GITHUB_CONTAINER (image changed)"
    docker rm -f "$GITHUB_CONTAINER" >/dev/null
    current=""
  fi
  if [[ -z "$current" ]]; then
    log "github: starting $GITHUB_CONTAINER on $GITHUB_URL"
    docker run -d --name "$GITHUB_CONTAINER" --network host --restart unless-stopped \
      --label "org.nexplane.sandbox=github-api" \
      -e HOST=127.0.0.1 -e PORT="$GITHUB_PORT" -e GITHUB_API_PUBLIC_URL="$GITHUB_URL" "${extra_env[@]}" "$GITHUB_IMAGE" >/dev/null
  elif [[ "$(docker inspect -f '{{.State.Running}}' "$GITHUB_CONTAINER")" != true ]]; then
    log "github: starting stopped $GITHUB_CONTAINER"
    docker start "$GITHUB_CONTAINER" >/dev/null
  fi
}

backend_restart_count() {
  local id
  id="$(service_container backend)"
  [[ -n "$id" ]] && docker inspect -f '{{ .RestartCount }}' "$id" 2>/dev/null || echo 0
}

# restart: unless-stopped turns a failing migration into a crash loop: stop waiting after 3 restarts.
backend_ready_or_crash_looping() {
  backend_healthy_on "$version" || (($(backend_restart_count) >= 3))
}

report_failure() {
  warn "$1"
  compose ps >&2 || true
  warn "last backend log lines:"
  compose logs --no-color --tail=30 backend >&2 || true
  die "$1. The sandbox is partly up; inspect it with: cd $deploy_dir && ${COMPOSE[*]} ps"
}

wait_until_healthy() {
  wait_for 120 db_healthy || report_failure "db did not become healthy within 120 s"
  wait_for 120 backend_ready_or_crash_looping
  if ! backend_healthy_on "$version"; then
    local restarts
    restarts="$(backend_restart_count)"
    ((restarts < 3)) || report_failure "backend crash-loops (restarted $restarts times)"
    report_failure "backend did not answer $BACKEND_URL/health on $version within 120 s"
  fi
  # Every service up (the worker and frontend have no other check), so that the next run finds
  # everything up and is a no-op.
  wait_for 60 all_services_running || report_failure "not every service is running and healthy after 60 s"
  wait_for 30 github_answers || { docker logs --tail 20 "$GITHUB_CONTAINER" >&2 || true; die "GitHub stand-in did not answer on $GITHUB_URL"; }
}

print_summary() {
  if [[ "$shape" == real ]]; then
    cat <<SUMMARY
[$SCRIPT_NAME] Nexplane sandbox $version (real shape) is up (compose project $PROJECT, ${COMPOSE[*]}):
  backend    $BACKEND_URL  (/health without a version, /downloads/version, /version; published on 127.0.0.1)
  frontend   $FRONTEND_URL  (single-page app: no version endpoint, the version is in its JS bundle)
  db         port not published: db:5432 on the compose network (pg_dump inside: docker exec <db container> pg_dump -U nexplane nexplane)
  github     $GITHUB_URL  (container $GITHUB_CONTAINER, changelog-style notes)
  compose    $COMPOSE_FILE_PATH  (db, backend, frontend; tag from IMAGE_TAG in .env)
  secrets    $ENV_FILE (mode 600; admin login $ADMIN_EMAIL / NEXPLANE_ADMIN_PASSWORD)
SUMMARY
    print_agent_hosts_summary
    return
  fi
  cat <<SUMMARY
[$SCRIPT_NAME] Nexplane sandbox $version is up (compose project $PROJECT, ${COMPOSE[*]}):
  backend    $BACKEND_URL  (/health, /downloads/version, /version)
  frontend   $FRONTEND_URL
  db         postgresql://127.0.0.1:$DB_PORT/nexplane (user nexplane; pg_dump inside: docker exec <db container> pg_dump -U nexplane nexplane)
  redis      redis://127.0.0.1:$REDIS_PORT/0
  github     $GITHUB_URL  (container $GITHUB_CONTAINER)
  compose    $COMPOSE_FILE_PATH
  secrets    $ENV_FILE (mode 600; admin login $ADMIN_EMAIL / NEXPLANE_ADMIN_PASSWORD)
SUMMARY
  print_agent_hosts_summary
}

main() {
  parse_args "$@"
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    detect_compose
    if already_up; then
      log "already up and healthy on $version$([[ "$shape" == real ]] && echo " (real shape)"): nothing to do"
      print_summary
      log "sandbox up in $(elapsed "$SCRIPT_STARTED_NS") s (warm)"
      return
    fi
  fi
  if [[ "$prepare" == true ]]; then
    "$REPO_ROOT/scripts/test-env.sh"
    "$REPO_ROOT/scripts/sandbox-images.sh"
  fi
  detect_compose
  check_running_version
  write_env_file
  write_compose_file
  check_ports_free
  start_github_stand_in
  log "compose: up -d ($COMPOSE_FILE_PATH)"
  compose up -d --remove-orphans 2>&1 | sed "s/^/[$SCRIPT_NAME]   /" \
    || report_failure "'${COMPOSE[*]} up -d' failed"
  # While the backend starts: its agents retry registering until it answers, as real ones do.
  start_agent_hosts
  write_agent_inventory
  wait_until_healthy
  wait_for_agent_registration
  print_summary
  log "sandbox up in $(elapsed "$SCRIPT_STARTED_NS") s"
}

main "$@"
