#!/usr/bin/env bash
# A remote container engine on this machine, as CI's docker:dind service and Kubernetes runners' dind
# sidecars are: a second Docker Engine in its own network, PID and mount namespaces, reached only over
# the network. The image tests run against it as a third engine (docs/image-tests.md, "Remote engines").
# Idempotent: each part is checked and started only when it does not answer. As root; shared by every
# clone of this machine (like podman's API socket), gone after a reboot.
#
#   network namespace drydock-remote, veth pair: this machine 10.231.0.1, the engine 10.231.0.2
#   tcp://10.231.0.2:2375   plain Docker API (what GitLab's dind service gives with TLS off)
#   tcp://10.231.0.2:2376   dockerd's own TLS with client certificates (DOCKER_TLS_VERIFY=1,
#                           DOCKER_CERT_PATH=$DRYDOCK_REMOTE_DIR/client; certificates made here with openssl)
#   ssh://root@10.231.0.2   an sshd in the namespace, key auth with a key made here ($DRYDOCK_REMOTE_DIR/ssh)
#   localhost:<registry port> inside the namespace forwards to this machine's loopback registry, so the
#                           engine pulls the same image names (service images, bases) as the local ones
#
#   eng/remote-engine.sh         start what is missing, print the variables
#   eng/remote-engine.sh stop    stop the engine, sshd and forwarders, remove the namespace
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

say() { echo "eng/remote-engine: $*"; }

dir="$DRYDOCK_REMOTE_DIR"
ns=drydock-remote
host_ip=10.231.0.1
engine_ip=10.231.0.2
data=/var/lib/drydock-remote
socket="$dir/engine/docker.sock"
registry_port="${DRYDOCK_TEST_REGISTRY##*:}"
in_ns() { nsenter --net="/run/netns/$ns" "$@"; }
# The command each pid file names: dockerd.pid is the unshare that holds the engine's PID namespace.
declare -A comm=([sshd]=sshd [forward-registry-engine]=socat [forward-registry-host]=socat [forward-plain]=socat [dockerd]=unshare)

stop() {
  local name
  for name in sshd forward-registry-engine forward-registry-host forward-plain dockerd; do
    if running "$dir/$name.pid" "${comm[$name]}"; then
      kill "$(cat "$dir/$name.pid")" 2>/dev/null || true
      wait_until 10 eval '! running "$dir/$name.pid" "${comm[$name]}"' || true
    fi
    rm -f "$dir/$name.pid"
  done
  rm -f "$dir/engine/dockerd.pid" "$dir/exec/containerd/containerd.pid"
  ip link del dd-remote-h 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  say "stopped"
}

network() {
  # A namespace file that is no longer a namespace (a machine restored without its mounts) is made anew.
  if [ -e "/run/netns/$ns" ] && ! in_ns true 2>/dev/null; then
    ip netns del "$ns" 2>/dev/null || rm -f "/run/netns/$ns"
  fi
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  if ! ip link show dd-remote-h >/dev/null 2>&1; then
    ip link add dd-remote-h type veth peer name dd-remote-e
    ip link set dd-remote-e netns "$ns"
  fi
  # Not 'ip … | grep -q': with pipefail, grep's early exit fails ip with SIGPIPE.
  [[ "$(ip -o addr show dev dd-remote-h)" == *" $host_ip/"* ]] || ip addr add "$host_ip/24" dev dd-remote-h
  ip link set dd-remote-h up
  [[ "$(in_ns ip -o addr show dev dd-remote-e)" == *" $engine_ip/"* ]] || in_ns ip addr add "$engine_ip/24" dev dd-remote-e
  in_ns ip link set dd-remote-e up
  in_ns ip link set lo up
}

# CA, a server certificate for the engine's address, a client certificate: the layout DOCKER_CERT_PATH
# names (ca.pem, cert.pem, key.pem). Made once; kept while they exist.
certificates() {
  local tls="$dir/tls" client="$dir/client"
  [ -s "$client/key.pem" ] && [ -s "$tls/server-cert.pem" ] && return 0
  mkdir -p "$tls" "$client"
  chmod 0700 "$tls" "$client"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=drydock-remote-ca" \
    -keyout "$tls/ca-key.pem" -out "$tls/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$engine_ip" -keyout "$tls/server-key.pem" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$engine_ip" > "$tls/server.ext"
  openssl x509 -req -days 3650 -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca-key.pem" -CAcreateserial \
    -extfile "$tls/server.ext" -out "$tls/server-cert.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=drydock-tests" -keyout "$client/key.pem" -out "$tls/client.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > "$tls/client.ext"
  openssl x509 -req -days 3650 -in "$tls/client.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca-key.pem" -CAcreateserial \
    -extfile "$tls/client.ext" -out "$client/cert.pem" 2>/dev/null
  cp "$tls/ca.pem" "$client/ca.pem"
}

engine_up() { curl -fs -o /dev/null --max-time 5 --unix-socket "$socket" http://engine/_ping; }

# dockerd as the recipe in shared/ENVIRONMENT.md measured it: nsenter --net (ip netns exec would remount
# /sys and hide the cgroups), a PID namespace with its own /proc (containerd's shim needs it). Its own
# exec root, pidfile, data root and cgroup parent, so nothing is shared with this machine's engine. TLS
# applies to every TCP listener of a dockerd, so the plain port is a forwarder to its socket.
start_engine() {
  engine_up && return 0
  mkdir -p "$data" "$dir/engine" "$dir/exec"
  if ! running "$dir/dockerd.pid" unshare; then
    # Left by an engine whose processes are gone: dockerd (pid 1 in its namespace) would find "itself".
    rm -f "$dir/engine/dockerd.pid" "$dir/exec/containerd/containerd.pid" "$socket"
    say "starting the remote engine (tcp://$engine_ip:2375, TLS on :2376)"
    setsid nohup nsenter --net="/run/netns/$ns" unshare --pid --fork --mount-proc \
      dockerd --iptables=false --storage-driver=vfs --data-root "$data" --exec-root "$dir/exec" \
      --pidfile "$dir/engine/dockerd.pid" --cgroup-parent /drydock-remote \
      --insecure-registry "$host_ip:$registry_port" \
      --host "unix://$socket" --host "tcp://$engine_ip:2376" \
      --tlsverify --tlscacert "$dir/tls/ca.pem" --tlscert "$dir/tls/server-cert.pem" --tlskey "$dir/tls/server-key.pem" \
      > "$dir/dockerd.log" 2>&1 < /dev/null &
    echo $! > "$dir/dockerd.pid"
  fi
  wait_until 60 engine_up && return 0
  say "the remote engine did not answer within 60 s; its log:" >&2
  tail -n 40 "$dir/dockerd.log" >&2
  exit 1
}

# One socat per listener, restarted only when its process is gone.
forward() {
  local name="$1"; shift
  running "$dir/$name.pid" socat && return 0
  setsid nohup "$@" > "$dir/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/$name.pid"
}

forwarders() {
  forward forward-plain nsenter --net="/run/netns/$ns" socat "TCP-LISTEN:2375,bind=$engine_ip,fork,reuseaddr" "UNIX-CONNECT:$socket"
  # The engine pulls from its own namespace: its localhost:<port> reaches the registry through the veth.
  forward forward-registry-host socat "TCP-LISTEN:$registry_port,bind=$host_ip,fork,reuseaddr" "TCP:127.0.0.1:$registry_port"
  forward forward-registry-engine nsenter --net="/run/netns/$ns" socat "TCP-LISTEN:$registry_port,bind=127.0.0.1,fork,reuseaddr" "TCP:$host_ip:$registry_port"
}

# docker's ssh:// runs 'docker system dial-stdio' on the remote host; the session's DOCKER_HOST points it
# at the engine's socket. Key auth only, with a key made here; the client's ssh finds key and host key
# through a Host block for the engine's address in ~/.ssh/config (added once, marked).
start_sshd() {
  local ssh="$dir/ssh"
  mkdir -p "$ssh"
  chmod 0700 "$ssh"
  [ -s "$ssh/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$ssh/host_ed25519"
  [ -s "$ssh/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C drydock-remote -f "$ssh/id_ed25519"
  cp "$ssh/id_ed25519.pub" "$ssh/authorized_keys"
  echo "$engine_ip $(cut -d' ' -f1-2 "$ssh/host_ed25519.pub")" > "$ssh/known_hosts"
  cat > "$ssh/sshd_config" <<CONFIG
ListenAddress $engine_ip:22
HostKey $ssh/host_ed25519
AuthorizedKeysFile $ssh/authorized_keys
PidFile $dir/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 50:30:100
MaxSessions 50
SetEnv DOCKER_HOST=unix://$socket
CONFIG
  mkdir -p /run/sshd "$HOME/.ssh"
  chmod 0700 "$HOME/.ssh"
  if ! grep -q "^# drydock-remote" "$HOME/.ssh/config" 2>/dev/null; then
    printf '# drydock-remote (eng/remote-engine.sh)\nHost %s\n  IdentityFile %s\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n  BatchMode yes\n\n' \
      "$engine_ip" "$ssh/id_ed25519" "$ssh/known_hosts" | cat - "$HOME/.ssh/config" 2>/dev/null > "$ssh/config.new" || true
    mv "$ssh/config.new" "$HOME/.ssh/config"
    chmod 0600 "$HOME/.ssh/config"
  fi
  running "$dir/sshd.pid" sshd && return 0
  rm -f "$dir/sshd.pid"
  in_ns /usr/sbin/sshd -f "$ssh/sshd_config" -E "$dir/sshd.log"
  wait_until 5 running "$dir/sshd.pid" sshd && return 0
  say "sshd did not start; its log:" >&2
  tail -n 20 "$dir/sshd.log" >&2
  exit 1
}

install_packages() {
  local missing=()
  command -v socat >/dev/null || missing+=(socat)
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v openssl >/dev/null || missing+=(openssl)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  apt-get update -qq
  # No service is started by the package here (no init); this script starts its own sshd.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [ "$(id -u)" != 0 ]; then
  say "needs root (network namespaces); skipped: the remote-engine tests need it" >&2
  exit 0
fi

mkdir -p "$dir"
chmod 0755 "$dir"
if [ "${1:-}" = stop ]; then
  stop
  exit 0
fi

install_packages
network
certificates
start_engine
forwarders
start_sshd
# Bounded check that every way in answers.
plain_up() { DOCKER_HOST="tcp://$engine_ip:2375" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
wait_until 10 plain_up || true
DOCKER_HOST="tcp://$engine_ip:2375" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null \
  || { say "tcp://$engine_ip:2375 does not answer" >&2; exit 1; }
DOCKER_HOST="tcp://$engine_ip:2376" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$dir/client" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null \
  || { say "tcp://$engine_ip:2376 (TLS) does not answer" >&2; exit 1; }
DOCKER_HOST="ssh://root@$engine_ip" timeout 30 docker version --format '{{.Server.Version}}' >/dev/null \
  || { say "ssh://root@$engine_ip does not answer" >&2; exit 1; }
say "ready: DOCKER_HOST=tcp://$engine_ip:2375, tcp://$engine_ip:2376 (DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$dir/client), ssh://root@$engine_ip"
