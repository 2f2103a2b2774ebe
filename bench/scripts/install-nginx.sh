#!/usr/bin/env bash
# Installs the reference proxy the load driver's `compare` command measures Tether against: Debian's nginx-light.
# Idempotent; needs root (or sudo). The driver writes nginx's configuration itself and runs it as its own child.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
# The package starts a system-wide nginx on port 80; the benchmark runs its own instance and needs none.
$SUDO systemctl disable --now nginx >/dev/null 2>&1 || $SUDO service nginx stop >/dev/null 2>&1 || true
