#!/usr/bin/env bash
# Benchmark: Measure-JomaCorpusStatistics against an independent numpy count of the same quantities, in the
# same run, on the vendored austen-kjv corpus; and the time of 200 predictions. Installs Debian's python3-numpy
# if missing. Not a test: it prints figures, ratios and the largest difference between the two counts.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy >/dev/null
fi
dotnet tool restore >/dev/null
NO_COLOR=1 dotnet pwsh -NoProfile -NonInteractive -File ./bench/theory/run.ps1 "$@"
