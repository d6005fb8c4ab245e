# Sourced by eng/setup.sh and eng/remote-engine.sh: the helpers their daemons share.

# wait_until SECONDS COMMAND...: runs COMMAND every half second until it succeeds; returns 1 once
# SECONDS have passed without success.
wait_until() {
  local end=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.5
  done
}

# running PIDFILE COMM: the pid file names a live process whose command is COMM. A pid file outlives
# its process when a machine's processes are killed and /run is kept (a restored VM, a killed session);
# its pid may then be another process, so a live pid alone proves nothing.
running() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]
}

# clear_stale_pidfiles COMM FILE...: removes each FILE unless it names a live COMM. dockerd and its
# containerd refuse to start while their pid file names any live process, and in a PID namespace of
# its own dockerd is pid 1, which is always alive.
clear_stale_pidfiles() {
  local comm="$1"; shift
  local file
  for file in "$@"; do
    running "$file" "$comm" || rm -f "$file"
  done
}
