#!/bin/sh
# Boots the host: the nexplane-agent "service" first (as systemd would at boot), then the SSH server in
# the foreground. PID 1 is docker's init (docker run --init), which reaps the detached agent.
set -eu
systemctl start nexplane-agent.service
exec /usr/sbin/dropbear -F -E -s -p "$SSH_LISTEN" -r /etc/dropbear/dropbear_ed25519_host_key
