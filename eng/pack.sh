#!/usr/bin/env bash
# Packs Drydock.Sdk into artifacts/feed and drops any stale copy of that version from the
# package folder the samples and tests restore into.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
dotnet pack "$DRYDOCK_ROOT/sdk/Drydock.Sdk/Drydock.Sdk.csproj" -c Release -v:q -nologo -clp:ErrorsOnly
rm -rf "$NUGET_PACKAGES/drydock.sdk"
