#!/usr/bin/env bash
# Packs Corgi.Core and Corgi.FSharp into artifacts/ and runs every examples/*.fsx with `dotnet fsi`,
# each loading the packed package the way a user would (`#r "nuget: Corgi.FSharp"`, with
# examples/nuget.config pointing at artifacts/). Files whose names start with "_" are helpers, not run.
# Exits non-zero if packing or any script fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rm -f artifacts/Corgi.Core.*.nupkg artifacts/Corgi.Core.*.snupkg artifacts/Corgi.FSharp.*.nupkg artifacts/Corgi.FSharp.*.snupkg
dotnet pack Corgi.Core/Corgi.Core.csproj -c Release -o artifacts --nologo -v quiet
dotnet pack Corgi.FSharp/Corgi.FSharp.fsproj -c Release -o artifacts --nologo -v quiet

# NuGet caches a package by id and version: drop our own cached copies so the scripts get what was just
# packed, not an older build with the same version number.
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$packages/corgi.core" "$packages/corgi.fsharp"

passed=0
failed=0
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
echo "fsx examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
