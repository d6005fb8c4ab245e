# Sourced by build.sh and eng/* scripts: the environment every Drydock script and test runs in.
# Safe to source twice.
DRYDOCK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DRYDOCK_ROOT
export CONTAINERS_CONF="$DRYDOCK_ROOT/eng/containers.conf"
# The loopback registry eng/setup.sh starts; base images live under $DRYDOCK_TEST_REGISTRY/dotnet/*.
export DRYDOCK_TEST_REGISTRY="${DRYDOCK_TEST_REGISTRY:-localhost:5000}"
# Podman's Docker-compatible API socket eng/setup.sh starts: Testcontainers reaches podman through it
# (DOCKER_HOST=unix://$DRYDOCK_PODMAN_SOCKET). Not podman's default path: a service found there may
# run without Drydock's containers.conf. One per machine user, shared by every clone.
if [ "$(id -u)" = 0 ]; then
  export DRYDOCK_PODMAN_SOCKET="${DRYDOCK_PODMAN_SOCKET:-/run/drydock/podman.sock}"
else
  export DRYDOCK_PODMAN_SOCKET="${DRYDOCK_PODMAN_SOCKET:-${XDG_RUNTIME_DIR:-/tmp/drydock-$(id -u)}/drydock/podman.sock}"
fi
# The remote engine eng/remote-engine.sh starts (a dockerd in its own namespaces, as CI's docker:dind
# service): its certificates, ssh key and logs live here. The image tests run against it as a third engine.
export DRYDOCK_REMOTE_DIR="${DRYDOCK_REMOTE_DIR:-/run/drydock-remote}"
# Testcontainers names Docker Hub images as any user writes them ("postgres:15") and prefixes them with
# this: the offline images eng/service-images.sh pushes (localhost:5000/library/postgres:15).
export TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX="${TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX:-$DRYDOCK_TEST_REGISTRY/library}"
# Restores of the samples and of the package tests use their own package folder, so a repacked
# Drydock.Sdk of the same version is never served stale from the user's global cache.
export NUGET_PACKAGES="$DRYDOCK_ROOT/artifacts/nuget-packages"
# The third-party verifiers eng/setup.sh installs from eng/verifiers (node_modules under it).
export DRYDOCK_VERIFIERS="$DRYDOCK_ROOT/artifacts/verifiers"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
