#!/usr/bin/env bash
# Installs mcp-remote from the lock file, for 'Tether.LoadDriver stdio' to compare against (benchmarks only, not CI).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
