#!/usr/bin/env bash
# Packs Drydock.Sdk and Drydock.Testing into artifacts/feed and drops any stale copy of that version
# from the package folder the samples and tests restore into.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
for project in sdk/Drydock.Sdk/Drydock.Sdk.csproj src/Drydock.Testing/Drydock.Testing.csproj; do
  dotnet pack "$DRYDOCK_ROOT/$project" -c Release -v:q -nologo -clp:ErrorsOnly
done
rm -rf "$NUGET_PACKAGES/drydock.sdk" "$NUGET_PACKAGES/drydock.testing"
