#!/bin/sh
# Execs redis-server (PID 1, stops on SIGTERM) on 127.0.0.1:$REDIS_PORT without persistence.
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  exec redis-server --bind "${REDIS_BIND:-127.0.0.1}" --port "${REDIS_PORT:-6379}" \
    --save '' --appendonly no --dir /tmp --protected-mode yes "$@"
fi
exec "$@"
