#!/usr/bin/env bash
# Times what users run: packs the tool (dotnet pack), installs it into a throw-away tool path (dotnet tool install),
# then runs a load driver command against that installed 'tether' (default: list), with the build output's own
# executable (src/Tether.Cli/bin/Release/net10.0/tether) in the same rotation where the command has one.
# Usage: bash bench/scripts/installed-tool.sh [list|stdio|idle]   (build with -c Release first)
set -euo pipefail
cd "$(dirname "$0")/../.."
command=${1:-list}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet pack src/Tether.Cli -c Release -o "$work/packages" -nologo -v q
cat > "$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="local" value="$work/packages" /></packageSources></configuration>
CONFIG
dotnet tool install --tool-path "$work/tools" tether --configfile "$work/nuget.config" >/dev/null
echo "== packages: $(cd "$work/packages" && echo *.nupkg)"

TETHER_BENCH_CLI="$work/tools/tether" TETHER_BENCH_BASELINE="$PWD/src/Tether.Cli/bin/Release/net10.0/tether" \
  dotnet run -c Release --no-build --project bench/Tether.LoadDriver -- "$command"
