#!/usr/bin/env bash
# Drydock's entry point.
#   ./build.sh sample   set up this machine, then publish samples/HelloApi with Drydock and print its report
#   ./build.sh test     set up this machine, then run every test
#   ./build.sh bench    set up this machine, then compare Drydock with the plain SDK (eng/bench)
#   ./build.sh pack     pack Drydock.Sdk into artifacts/feed
set -euo pipefail
cd "$(dirname "$0")"
source eng/env.sh

case "${1:-}" in
  sample)
    eng/setup.sh
    # Pushed to the loopback registry eng/setup.sh started, after its lint and image tests pass.
    dotnet publish samples/HelloApi/HelloApi.csproj -c Release -nologo -p:ContainerRegistry="$DRYDOCK_TEST_REGISTRY"
    cat samples/HelloApi/bin/Release/net10.0/drydock.json
    ;;
  test)
    eng/setup.sh
    rm -rf artifacts/test-results
    status=0
    dotnet test Sdk.sln -c Release -nologo --logger "trx" --logger "console;verbosity=normal" \
      --results-directory artifacts/test-results || status=$?
    eng/test-summary.sh artifacts/test-results
    exit $status
    ;;
  bench)
    eng/setup.sh
    eng/bench/run.sh "${@:2}"
    ;;
  pack)
    eng/pack.sh
    ;;
  *)
    sed -n '2,7p' "$0"
    exit 2
    ;;
esac
