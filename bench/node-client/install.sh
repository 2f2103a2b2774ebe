#!/usr/bin/env bash
# Installs the MCP TypeScript SDK from the lock file, for the Node client rows of 'Tether.LoadDriver compare' and its
# Node MCP server ('compare --server node'); benchmarks only, not CI.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
