#!/usr/bin/env bash
# Packs Corgi.Core, Corgi.FSharp and Corgi.FsCheck into artifacts/ (scripts/pack.sh) and runs every
# examples/*.fsx with `dotnet fsi`, each loading the packed package the way a user would
# (`#r "nuget: Corgi.FSharp"`, with examples/nuget.config pointing at artifacts/). Files whose names start
# with "_" are helpers, not run. Also checks that README.md's F# snippet is examples/readme-snippet.fsx
# (so running that file runs the README's code), and what F# Interactive prints for tensors
# (scripts/check-fsi-printing.sh).
# Exits non-zero if packing or any check or script fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/pack.sh

passed=0
failed=0

# The fenced block after the marker line in README.md must be the file, line for line.
snippet="examples/readme-snippet.fsx"
marker="<!-- $snippet"
echo "=== README.md's F# snippet is $snippet"
if diff -u <(awk -v marker="$marker" '
        index($0, marker) == 1 { found = 1; next }
        found && !inside && /^```/ { inside = 1; next }
        inside && /^```/ { exit }
        inside { print }' README.md) "$snippet"; then
    passed=$((passed + 1))
else
    echo "FAILED: README.md's block after \"$marker\" differs from $snippet (diff above: - README, + file)"
    failed=$((failed + 1))
fi

for script in examples/*.fsx; do
    case "$(basename "$script")" in _*) continue ;; esac
    echo "=== dotnet fsi $script"
    if dotnet fsi --quiet --exec "$script" </dev/null; then
        passed=$((passed + 1))
    else
        echo "FAILED: $script (exit code $?)"
        failed=$((failed + 1))
    fi
done

if bash scripts/check-fsi-printing.sh --no-pack; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi

echo "fsx examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
