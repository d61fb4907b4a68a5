#!/usr/bin/env bash
# Runs every test (xunit engine tests + Pester tests of the built module) and ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NO_COLOR=1
dotnet tool restore >/dev/null
exec dotnet pwsh -NoProfile -NonInteractive -File ./test.ps1 "$@"
