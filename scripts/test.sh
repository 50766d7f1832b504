#!/usr/bin/env bash
# Runs the whole test suite: every test project of Corgi.sln, the linear-algebra tests again under the
# managed MathNet provider, the C# tests, properties and F# tests again in the buffer cache's check mode, and the
# F# example scripts. Shows progress from the start; prints the number of distinct tests (each counted
# once), then "tests: N passed, M failed" over every run, reruns included.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
first=$(mktemp) # the first run of every suite: its count is the number of distinct tests
status=0
echo "== build (Release)"
# one line per project as it is built, then the summary (warnings are errors)
dotnet build Corgi.sln -c Release -v minimal -clp:NoSummary 2>&1 | grep -E -- "->|error|warn|Build succeeded|Time Elapsed" | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

run_tests() {
  echo "== dotnet test $*"
  dotnet test "$@" -c Release --no-build 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
}

if [ "$status" -eq 0 ]; then
  run_tests Corgi.sln
  cp "$log" "$first"
  # Every product goes through MathNet's provider: run the linear-algebra tests under the managed one too.
  if [ -d Corgi.Tests/LinearAlgebra ]; then
    CORGI_BLAS=managed run_tests Corgi.Tests --filter "FullyQualifiedName~LinearAlgebra"
  fi
  CORGI_BLAS=corgi run_tests Corgi.Tests
  # The buffer cache's test mode: every buffer goes through the cache and returned buffers are filled
  # with NaN, so a buffer given back while still in use (or read before it is written) fails a test.
  CORGI_BUFFER_CACHE_CHECK=1 run_tests Corgi.Tests
  CORGI_BUFFER_CACHE_CHECK=1 run_tests Corgi.Properties
  CORGI_BUFFER_CACHE_CHECK=1 run_tests Corgi.FSharp.Tests
  # The tabular example: trains from a CSV (validation, schedule, early stopping, metrics), then proves that a
  # checkpoint resumed in a fresh process equals the uninterrupted run bit for bit.
  for args in "" "--resume-check"; do
    echo "== examples/Tabular $args"
    if dotnet run -c Release --no-build --project examples/Tabular -- examples/Tabular/blobs.csv $args; then line="Passed!  - Failed: 0, Passed: 1 (examples/Tabular $args)"
    else line="Failed!  - Failed: 1, Passed: 0 (examples/Tabular $args)"; status=1; fi
    echo "$line" >> "$log"; echo "$line" >> "$first"
  done
  # The layer examples: a CNN with batch norm judged in evaluation mode, an LSTM that adds numbers digit by
  # digit, and a causal character transformer; each exits 1 when it misses its bound. The transformer reads a
  # frozen copy of the docs (examples/CharTransformer/corpus.txt), so its bound does not move as the docs do.
  for example in CnnBatchNorm LstmAddition CharTransformer; do
    echo "== examples/$example"
    corpus=""; [ "$example" = CharTransformer ] && corpus="examples/CharTransformer/corpus.txt"
    if dotnet run -c Release --no-build --project examples/$example -- $corpus; then line="Passed!  - Failed: 0, Passed: 1 (examples/$example)"
    else line="Failed!  - Failed: 1, Passed: 0 (examples/$example)"; status=1; fi
    echo "$line" >> "$log"; echo "$line" >> "$first"
  done
  if [ -x scripts/run-fsx-examples.sh ] || [ -f scripts/run-fsx-examples.sh ]; then
    echo "== F# example scripts"
    if bash scripts/run-fsx-examples.sh; then line="Passed!  - Failed: 0, Passed: 1 (F# example scripts)"
    else line="Failed!  - Failed: 1, Passed: 0 (F# example scripts)"; status=1; fi
    echo "$line" >> "$log"; echo "$line" >> "$first"
  fi
fi

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
distinct=$(grep -Eo 'Passed: +[0-9]+' "$first" | awk '{s+=$2} END {print s+0}')
distinct_failed=$(grep -Eo 'Failed: +[0-9]+' "$first" | awk '{s+=$2} END {print s+0}')
rm -f "$log" "$first"
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
echo "distinct tests: $((distinct + distinct_failed)) (the rest are reruns: linear algebra under the managed provider; C#, property and F# tests in check mode)"
echo "tests: $passed passed, $failed failed"
exit $status
