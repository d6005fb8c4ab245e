#!/usr/bin/env bash
# Drydock's registry client vs `skopeo copy`: the sample's real image (an OCI archive, a ~73 MB base
# layer plus small app layers) pushed to a private, empty loopback registry, first to a new repository
# (everything uploaded) and then again unchanged (nothing uploaded). RUNS times each, alternating which
# tool goes first. Prints min and median seconds and the ratios.
#   eng/bench/push.sh [RUNS]        (default 5)
#
# What each number includes:
#   drydock  PushAsync only, timed in-process by eng/bench/Push (Stopwatch): connect (its HTTPS probe,
#            then plain HTTP), blob HEADs and uploads, manifest PUT and re-read, tag PUT. Not the .NET
#            process startup, JIT of Main or reading the archive's tar headers; the whole `dotnet Push.dll`
#            process is timed too, shown as an info row.
#   skopeo   the whole `skopeo copy` process (a native binary, tens of ms to start), which also
#            extracts the oci-archive into a temporary directory before pushing.
# Each run has its own fresh registry (new port, empty storage), because skopeo remembers where it
# pushed blobs (its system-wide blob info cache) and would otherwise mount them from the previous
# run's repository instead of uploading. Within a run each tool pushes to its own new repository;
# distribution does not share blobs across repositories without an explicit mount, so both first
# pushes upload every blob. The registry's access log is checked to prove it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
runs="${1:-5}"
archive="$DRYDOCK_ROOT/samples/HelloApi/obj/Release/net10.0/drydock/image.tar"
push_dll="$DRYDOCK_ROOT/eng/bench/Push/bin/Release/net10.0/Push.dll"
work="$(mktemp -d "${TMPDIR:-/tmp}/drydock-push-bench.XXXXXX")"
registry_pid=""
stop_registry() {
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  registry_pid=""
}
trap 'stop_registry; rm -rf "$work"' EXIT

# The image: the sample's own, as `dotnet publish` leaves it (built once when missing).
if [ ! -f "$archive" ]; then
  ls "$DRYDOCK_ROOT"/artifacts/feed/Drydock.Sdk.*.nupkg >/dev/null 2>&1 || "$DRYDOCK_ROOT/eng/pack.sh"
  dotnet publish "$DRYDOCK_ROOT/samples/HelloApi/HelloApi.csproj" -c Release -nologo -v:q -p:DrydockTest=false -p:DrydockPush=false >/dev/null
fi
dotnet build "$DRYDOCK_ROOT/eng/bench/Push" -c Release -v:q -nologo -clp:ErrorsOnly >/dev/null
blobs="$(tar -tf "$archive" | grep -c '^blobs/sha256/.')"
expected=$((blobs - 1)) # every blob but the manifest: the layers and the config

# A private registry on a free loopback port with empty storage; sets $registry.
start_registry() { # run
  local dir="$work/registry-$1" port
  for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue # taken
    rm -rf "$dir" && mkdir -p "$dir/data"
    cat > "$dir/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $dir/data }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$port }
YAML
    docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 < /dev/null &
    registry_pid=$!
    for _ in $(seq 1 50); do
      if curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/v2/"; then registry="127.0.0.1:$port" registry_log="$dir/registry.log"; return 0; fi
      kill -0 "$registry_pid" 2>/dev/null || break # could not bind: try another port
      sleep 0.1
    done
    stop_registry
  done
  echo "eng/bench/push: no registry would start; its log:" >&2
  cat "$dir/registry.log" >&2
  exit 1
}

# Blobs the registry stored by upload (a completing PUT) and by mount, for one repository, from its access log.
count_log() { # repository
  local uploaded mounted
  uploaded="$(grep -c "\"PUT /v2/$1/blobs/uploads/[^ ]* HTTP/1.1\" 201" "$registry_log" || true)"
  mounted="$(grep -c "\"POST /v2/$1/blobs/uploads/?[^ ]*mount=[^ ]* HTTP/1.1\" 201" "$registry_log" || true)"
  echo "$uploaded $mounted"
}
check_uploads() { # repository want-uploaded
  local uploaded mounted
  read -r uploaded mounted <<<"$(count_log "$1")"
  if [ "$uploaded" != "$2" ] || [ "$mounted" != 0 ]; then
    echo "eng/bench/push: $1: the registry saw $uploaded blob uploads and $mounted mounts, expected $2 and 0" >&2
    exit 1
  fi
}

now() { date +%s%N; }
since() { awk -v d=$(($(now) - $1)) 'BEGIN { printf "%.3f", d / 1e9 }'; }

declare -A samples
drydock() { # run first|again
  local repository="bench/drydock-$1" start line
  start=$(now)
  line="$(dotnet "$push_dll" "$archive" "$registry" "$repository" 1)" || { echo "eng/bench/push: Drydock's push failed" >&2; exit 1; }
  samples[drydock_$2_process]+="$(since "$start") "
  samples[drydock_$2]+="${line%% *} "
  # Drydock's own counts: a first push uploads every blob, a re-push finds them all present.
  if [ "$2" = first ]; then
    [[ "$line" == *" uploaded=$expected mounted=0 present=0 "* ]] || { echo "eng/bench/push: first push: $line, expected uploaded=$expected" >&2; exit 1; }
  else
    [[ "$line" == *" uploaded=0 mounted=0 present=$expected "* ]] || { echo "eng/bench/push: re-push: $line, expected present=$expected" >&2; exit 1; }
  fi
  check_uploads "$repository" "$expected"
}
skopeo_copy() { # run first|again
  local repository="bench/skopeo-$1" start
  start=$(now)
  skopeo copy -q --dest-tls-verify=false "oci-archive:$archive" "docker://$registry/$repository:1" >/dev/null \
    || { echo "eng/bench/push: skopeo copy failed" >&2; exit 1; }
  samples[skopeo_$2]+="$(since "$start") "
  check_uploads "$repository" "$expected"
}

# Warm the page cache, the dotnet host and skopeo once, on a throwaway registry.
start_registry 0
dotnet "$push_dll" "$archive" "$registry" bench/warm-drydock 1 >/dev/null
skopeo copy -q --dest-tls-verify=false "oci-archive:$archive" "docker://$registry/bench/warm-skopeo:1" >/dev/null
stop_registry

for i in $(seq 1 "$runs"); do
  start_registry "$i"
  if [ $((i % 2)) = 1 ]; then
    drydock "$i" first; drydock "$i" again; skopeo_copy "$i" first; skopeo_copy "$i" again
  else
    skopeo_copy "$i" first; skopeo_copy "$i" again; drydock "$i" first; drydock "$i" again
  fi
  stop_registry
  rm -rf "$work/registry-$i"
done

stats() { tr ' ' '\n' <<<"${samples[$1]}" | grep . | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f %.3f", a[1], (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { # label key
  read -r min med <<<"$(stats "$2")"
  printf '%-52s %8s %8s\n' "$1" "$min" "$med"
}
ratio_row() { # label numerator-key denominator-key goal
  read -r nmin nmed <<<"$(stats "$2")"
  read -r dmin dmed <<<"$(stats "$3")"
  printf '%-52s %7sx %7sx  %s\n' "$1" "$(ratio "$nmin" "$dmin")" "$(ratio "$nmed" "$dmed")" "$4"
}
size="$(awk -v b="$(stat -c %s "$archive")" 'BEGIN { printf "%.1f", b / 1048576 }')"
echo
echo "push: runs=$runs, $blobs blobs ($expected uploaded per first push), archive $size MiB, a fresh loopback registry per run (distribution $(docker-registry --version | awk '{ print $3 }'), plain HTTP)"
echo "  The base's repository is not in that registry, so Drydock's cross-repository mount cannot apply: every first push uploads every blob (checked in the registry's access log)."
echo "  drydock = PushAsync in-process (no process startup); skopeo = whole \`skopeo copy\` process ($(skopeo --version | awk '{ print $3 }'), native, also unpacks the archive to a temp dir)"
printf '%-52s %8s %8s\n' "(seconds)" "min" "median"
row "drydock first push" drydock_first
row "skopeo first push" skopeo_first
row "drydock re-push, nothing changed" drydock_again
row "skopeo re-push, nothing changed" skopeo_again
row "drydock first push, whole dotnet process (info)" drydock_first_process
row "drydock re-push, whole dotnet process (info)" drydock_again_process
printf '%-52s %8s %8s  %s\n' "(ratios)" "min" "median" "goal"
ratio_row "drydock first / skopeo first" drydock_first skopeo_first "<= 1.0x"
ratio_row "drydock re-push / skopeo re-push" drydock_again skopeo_again "(info)"
ratio_row "drydock re-push / drydock first" drydock_again drydock_first "<= 0.2x"
ratio_row "skopeo re-push / skopeo first (info)" skopeo_again skopeo_first "(info)"
