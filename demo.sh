#!/usr/bin/env bash
# Builds the module and runs the JoMA dynamics demo (writes out/demo/*.csv, prints a short table).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ -t 1 ] || export NO_COLOR=1   # no colour codes into a file or a pipe
dotnet tool restore >/dev/null
exec dotnet pwsh -NoProfile -NonInteractive -File ./demo.ps1 "$@"
