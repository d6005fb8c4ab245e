#!/usr/bin/env bash
# Prepares this machine for Drydock's sample and tests. Idempotent: rerun it any time; when everything
# is already in place it prints one line.
#   1. podman, runc, skopeo, docker-registry, Docker Engine, htpasswd (apt, as root) when missing
#   2. a loopback OCI registry on $DRYDOCK_TEST_REGISTRY, polled until it answers
#   3. a Docker Engine on the default socket, unless one already answers there; a rootless podman user
#   3b. a remote Docker Engine in its own namespaces, reached over tcp/TLS/ssh (eng/remote-engine.sh)
#   4. podman's Docker-compatible API on $DRYDOCK_PODMAN_SOCKET (for Testcontainers)
#   5. offline .NET base images built from the host's .NET install, pushed to that registry
#   6. offline postgres and redis images built from Debian's packages, pushed to that registry
#   7. the third-party verifiers the attestation and SBOM tests use (eng/verifiers: sigstore-js, the
#      CycloneDX library; Debian's python3-securesystemslib) in artifacts/verifiers, and the CycloneDX
#      dotnet tool in artifacts/tools/cyclonedx
#   8. Drydock.Sdk packed into artifacts/feed
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

say() { echo "eng/setup: $*"; }

install_packages() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || [ -x /usr/sbin/runc ] || missing+=(runc)
  command -v skopeo >/dev/null || missing+=(skopeo)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  # Docker Engine (dockerd, containerd): every runtime-dependent test runs against it and podman.
  command -v dockerd >/dev/null || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
  command -v curl >/dev/null || missing+=(curl)
  # The push tests start registries with htpasswd (bcrypt) users.
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  # Podman's CNI networks resolve container names and aliases only with the dnsname plugin.
  [ -x /usr/lib/cni/dnsname ] || missing+=(golang-github-containernetworking-plugin-dnsname)
  # The attestation tests check DSSE signatures with a second, independent implementation.
  /usr/bin/python3 -c 'import securesystemslib' 2>/dev/null || missing+=(python3-securesystemslib)
  command -v npm >/dev/null || missing+=(npm)
  # eng/base-images.sh and eng/service-images.sh read their record (a manifest annotation) with jq.
  command -v jq >/dev/null || missing+=(jq)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    say "missing ${missing[*]}; install them (sudo apt-get install -y ${missing[*]}) and rerun" >&2
    exit 1
  fi
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

registry_up() { curl -fs -o /dev/null --max-time 2 "http://$DRYDOCK_TEST_REGISTRY/v2/"; }

start_registry() {
  registry_up && return 0
  local dir="$DRYDOCK_ROOT/artifacts/registry"
  mkdir -p "$dir/data"
  cat > "$dir/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $dir/data }, delete: { enabled: true } }
http: { addr: 127.0.0.1:${DRYDOCK_TEST_REGISTRY##*:} }
YAML
  say "starting the registry on $DRYDOCK_TEST_REGISTRY"
  setsid nohup docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 < /dev/null &
  echo $! > "$dir/registry.pid"
  wait_until 30 registry_up && return 0
  say "the registry did not answer within 30 s; its log:" >&2
  cat "$dir/registry.log" >&2
  exit 1
}

docker_up() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# Debian's docker.io (20.10) as these machines allow it: no iptables (userland docker-proxy
# publishes ports); overlay2 storage where the kernel and /var/lib/docker's file system take it (ext4
# here: a container starts in 0.3 s), else vfs, which copies the whole image for every container
# (0.85 s). An engine that already answers on the default socket (Docker Desktop, a system service)
# is used as it is.
start_docker() {
  docker_up && return 0
  if [ "$(id -u)" != 0 ]; then
    say "no Docker Engine answers; start one (or set DOCKER_HOST) and rerun" >&2
    exit 1
  fi
  local dir="$DRYDOCK_ROOT/artifacts/docker" driver
  mkdir -p "$dir"
  for driver in overlay2 vfs; do
    say "starting Docker Engine on /var/run/docker.sock ($driver storage)"
    clear_stale_pidfiles dockerd /var/run/docker.pid
    clear_stale_pidfiles containerd /var/run/docker/containerd/containerd.pid
    setsid nohup dockerd --iptables=false --storage-driver="$driver" --data-root /var/lib/docker \
      --host unix:///var/run/docker.sock --pidfile /var/run/docker.pid \
      > "$dir/dockerd.log" 2>&1 < /dev/null &
    # A driver this machine cannot use ends dockerd within a second or two.
    wait_until 30 docker_up_or_gone $! && docker_up && return 0
    say "Docker Engine did not start with $driver storage; its log:" >&2
    tail -n 20 "$dir/dockerd.log" >&2
    kill "$!" 2>/dev/null || true
    wait_until 10 eval '! running /var/run/docker.pid dockerd' || true
  done
  exit 1
}
docker_up_or_gone() { docker_up || ! kill -0 "$1" 2>/dev/null; }

# Rootless podman for the readiness tests (tests/Drydock.Testing.Tests/RootlessPodman.cs): a user with
# subordinate ids, uidmap and slirp4netns, and /dev/net/tun usable by users (0666, Debian's default;
# these VMs ship it 0600 and slirp4netns then fails with "open(/dev/net/tun): Permission denied").
# On this kernel's cgroup v1, rootless podman ignores every resource limit and has no stats.
rootless_user=drydock-rootless
setup_rootless() {
  [ "$(id -u)" = 0 ] || return 0
  if ! command -v slirp4netns >/dev/null || ! command -v newuidmap >/dev/null; then
    say "installing uidmap slirp4netns (rootless podman)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends uidmap slirp4netns >/dev/null
  fi
  id "$rootless_user" >/dev/null 2>&1 || useradd --create-home --shell /usr/sbin/nologin "$rootless_user"
  grep -q "^$rootless_user:" /etc/subuid || echo "$rootless_user:100000:65536" >> /etc/subuid
  grep -q "^$rootless_user:" /etc/subgid || echo "$rootless_user:100000:65536" >> /etc/subgid
  [ "$(stat -c %a /dev/net/tun)" = 666 ] || chmod 0666 /dev/net/tun
}

# Podman's Docker-compatible API, for Testcontainers in image tests (DOCKER_HOST=unix://$DRYDOCK_PODMAN_SOCKET).
# It reads the project's CONTAINERS_CONF, and a registries.conf that lets it pull the loopback
# registry's images over plain HTTP, as the CLI does with --tls-verify=false. Both stay next to the
# socket, which outlives the clone that started it.
podman_api_up() { curl -fs -o /dev/null --max-time 5 --unix-socket "$DRYDOCK_PODMAN_SOCKET" http://podman/_ping; }

start_podman_api() {
  podman_api_up && return 0
  local dir; dir="$(dirname "$DRYDOCK_PODMAN_SOCKET")"
  mkdir -p "$dir"
  cp "$CONTAINERS_CONF" "$dir/containers.conf"
  printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$DRYDOCK_TEST_REGISTRY" > "$dir/registries.conf"
  rm -f "$DRYDOCK_PODMAN_SOCKET"
  say "starting podman's API on $DRYDOCK_PODMAN_SOCKET"
  CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_REGISTRIES_CONF="$dir/registries.conf" setsid nohup \
    podman system service --time=0 "unix://$DRYDOCK_PODMAN_SOCKET" > "$dir/service.log" 2>&1 < /dev/null &
  echo $! > "$dir/service.pid"
  wait_until 30 podman_api_up && return 0
  say "podman's API did not answer within 30 s; its log:" >&2
  tail -n 40 "$dir/service.log" >&2
  exit 1
}

# Drydock's scripts use eng/containers.conf through CONTAINERS_CONF; a user's own project on this machine
# reads the system file. Where there is none, install the same settings there (never over a user's own):
# without them every podman run fails here ("error setting rlimit type 7: operation not permitted").
install_podman_conf() {
  [ -e /etc/containers/containers.conf ] && return 0
  [ "$(id -u)" = 0 ] || return 0
  mkdir -p /etc/containers
  cp "$DRYDOCK_ROOT/eng/containers.conf" /etc/containers/containers.conf
  say "installed /etc/containers/containers.conf (podman's limits and runtime for this machine)"
}

# sigstore-js verifies the Sigstore bundles offline, the CycloneDX library validates the SBOMs: other
# projects' code judges Drydock's proof (tests find them under $DRYDOCK_VERIFIERS/node_modules).
# Installed from the lock file, again only when it changes.
install_verifiers() {
  local dir="$DRYDOCK_VERIFIERS" src="$DRYDOCK_ROOT/eng/verifiers"
  cmp -s "$src/package-lock.json" "$dir/package-lock.json" && [ -d "$dir/node_modules" ] && return 0
  say "installing the verifiers (eng/verifiers) into $dir"
  mkdir -p "$dir"
  cp "$src/package.json" "$src/package-lock.json" "$dir/"
  (cd "$dir" && timeout 600 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# The CycloneDX project's dotnet tool: the SBOM tests compare Drydock's NuGet components with its view.
install_cyclonedx_tool() {
  local dir="$DRYDOCK_ROOT/artifacts/tools/cyclonedx"
  [ -x "$dir/dotnet-CycloneDX" ] && return 0
  say "installing the CycloneDX dotnet tool into $dir"
  timeout 600 dotnet tool install CycloneDX --version 6.3.1 --tool-path "$dir" >/dev/null
}

install_packages
install_verifiers
install_cyclonedx_tool
install_podman_conf
start_registry
start_docker
setup_rootless
start_podman_api
"$DRYDOCK_ROOT/eng/remote-engine.sh" >/dev/null
"$DRYDOCK_ROOT/eng/base-images.sh"
"$DRYDOCK_ROOT/eng/service-images.sh"
[ -f "$DRYDOCK_ROOT/sdk/Drydock.Sdk/Drydock.Sdk.csproj" ] && "$DRYDOCK_ROOT/eng/pack.sh"
say "ready (registry $DRYDOCK_TEST_REGISTRY, feed artifacts/feed)"
