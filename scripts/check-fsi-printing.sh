#!/usr/bin/env bash
# Checks what F# Interactive prints for tensors with no set-up: feeds examples/interactive/printing.fsx
# to `dotnet fsi --use:` (interactive input, so values are printed; `--exec` prints none) and compares
# the transcript with examples/interactive/printing.out. The script loads the package as a user does
# (`#r "nuget: Corgi.FSharp"`, found in artifacts/ through examples/nuget.config).
#
#   bash scripts/check-fsi-printing.sh            packs first (scripts/pack.sh), then checks
#   bash scripts/check-fsi-printing.sh --no-pack  uses artifacts/ as it is (run-fsx-examples.sh has packed)
#   bash scripts/check-fsi-printing.sh --update   rewrites printing.out from this run (review the diff!)
#
# Only the genuinely variable part of the transcript is normalised: the path of the project F# Interactive
# restores `#r "nuget: ..."` in (it holds a process id and a GUID).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

pack=1
update=0
for arg in "$@"; do
    case "$arg" in
        --no-pack) pack=0 ;;
        --update) update=1 ;;
        *) echo "usage: $0 [--no-pack] [--update]" >&2; exit 2 ;;
    esac
done
[ "$pack" -eq 0 ] || bash scripts/pack.sh

session="examples/interactive/printing.fsx"
expected="examples/interactive/printing.out"
actual="$(mktemp)"
errors="$(mktemp)"
trap 'rm -f "$actual" "$errors"' EXIT

echo "=== dotnet fsi --use:$session"
status=0
dotnet fsi --nologo --use:"$session" </dev/null 2>"$errors" \
    | sed -E 's#^(> )?\[Loading .*/Project\.fsproj\.fsx\]$#\1[Loading <restore folder>/Project.fsproj.fsx]#' \
    >"$actual" || status=$?
if [ "$status" -ne 0 ]; then
    echo "FAILED: dotnet fsi exited with $status"
    cat "$errors" "$actual"
    exit 1
fi

if [ "$update" -eq 1 ]; then
    cp "$actual" "$expected"
    echo "wrote $expected"
    exit 0
fi
if diff -u "$expected" "$actual"; then
    echo "F# Interactive printing: as expected ($expected)"
else
    echo "FAILED: F# Interactive printed something else than $expected (diff above: - expected, + actual)"
    cat "$errors"
    exit 1
fi
