#!/usr/bin/env bash
# Packs Corgi.Core, Corgi.FSharp and Corgi.FsCheck (Release, with symbols) into artifacts/, the local
# package feed that examples/nuget.config and README.md's set-up name. The one place that packs:
# scripts/run-fsx-examples.sh and scripts/check-fsi-printing.sh call it too.
#
# NuGet caches a package by id and version, and every build here has the same version: so this also
# drops the cached copies of these packages (in $NUGET_PACKAGES, or ~/.nuget/packages), or scripts and
# projects would keep restoring an older build. artifacts/README.md (kept in git, so the folder exists
# in every clone) is left alone.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

projects=(Corgi.Core/Corgi.Core.csproj Corgi.FSharp/Corgi.FSharp.fsproj Corgi.FsCheck/Corgi.FsCheck.fsproj)

mkdir -p artifacts
rm -f artifacts/Corgi.*.nupkg artifacts/Corgi.*.snupkg
for project in "${projects[@]}"; do
    dotnet pack "$project" -c Release -o artifacts --nologo -v quiet
done

packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
for project in "${projects[@]}"; do
    id="$(basename "$project")"
    id="${id%.*}"
    rm -rf "$packages/${id,,}"
done

echo "packed into $root/artifacts:"
(cd artifacts && ls -1 Corgi.*.nupkg)
