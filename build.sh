#!/usr/bin/env bash
# Drydock's entry point.
#   ./build.sh sample   set up this machine, then publish samples/HelloApi and samples/TodoApi with Drydock and print their reports
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
    # TodoApi's image tests start PostgreSQL with Testcontainers on the same engine (docs/image-tests.md).
    for sample in HelloApi TodoApi; do
      dotnet publish "samples/$sample/$sample.csproj" -c Release -nologo -p:ContainerRegistry="$DRYDOCK_TEST_REGISTRY"
    done
    for sample in HelloApi TodoApi; do
      echo "== samples/$sample/bin/Release/net10.0/drydock.json"
      cat "samples/$sample/bin/Release/net10.0/drydock.json"
    done
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
