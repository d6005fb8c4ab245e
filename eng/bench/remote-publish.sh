#!/usr/bin/env bash
# A tested publish on the remote engine (eng/remote-engine.sh: a dockerd in its own namespaces, reached
# over tcp://10.231.0.2:2375, as CI's docker:dind service) vs on the local Docker Engine, side by side in
# one run: samples/HelloApi (three image tests) copied twice outside the repository, each engine's copy
# changed and published with its tests, alternating, RUNS times each. Prints the medians of the whole
# publish and of its load step (DrydockLoadImage, from -clp:PerformanceSummary), the remote/local
# ratios, and what the load left out on the remote engine (the "layers already there" line).
#   eng/bench/remote-publish.sh [RUNS]     (default 3)
# The machine's load moves the absolute numbers: read the ratios.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs="${1:-3}"
remote="tcp://10.231.0.2:2375"
work="${TMPDIR:-/tmp}/drydock-bench-remote"
rm -rf "$work" && mkdir -p "$work"

copy_sample() { # engine
  local dir="$work/$1"
  mkdir -p "$dir"
  for folder in HelloApi HelloApi.ImageTests; do
    (cd "$DRYDOCK_ROOT/samples" && find "$folder" -type f -not -path '*/bin/*' -not -path '*/obj/*' -exec cp --parents {} "$dir" \;)
  done
  sed -i "s/<ContainerRepository>[^<]*</<ContainerRepository>bench\/remote-$1</" "$dir/HelloApi/HelloApi.csproj"
  nuget_config "$dir"
  printf '<Project><PropertyGroup><DrydockSdkVersion>%s</DrydockSdkVersion><DrydockBaseRegistry>%s</DrydockBaseRegistry></PropertyGroup></Project>\n' \
    "$version" "$DRYDOCK_TEST_REGISTRY" > "$dir/Directory.Build.props"
  printf 'bin/\nobj/\n' > "$dir/.gitignore"
  (cd "$dir" && git init -q -b main) && commit "$dir"
}

publish() { # engine log
  local host=""
  [ "$1" = remote ] && host="$remote"
  DOCKER_HOST="$host" dotnet publish "$work/$1/HelloApi" -c Release -nologo -tl:off -p:LocalRegistry=Docker -p:DrydockPush=false \
    -v:n -clp:PerformanceSummary > "$2" 2>&1 || { echo "failed: publish on $1" >&2; grep -E 'error|Drydock:' "$2" | tail -20 >&2; exit 1; }
}

# A new image each time: the tests must run, never come from the cache.
change() { echo "// $RANDOM$RANDOM" >> "$work/$1/HelloApi/Program.cs"; commit "$work/$1"; }

target_seconds() { awk -v t="$2" '$3 == t && $2 == "ms" { printf "%.3f", $1 / 1000; found = 1 } END { if (!found) print 0 }' "$1"; }

seconds() { local start end; start=$(date +%s%N); "$@"; end=$(date +%s%N); awk -v d=$((end - start)) 'BEGIN { printf "%.3f", d / 1e9 }'; }

for engine in local remote; do
  copy_sample "$engine"
  publish "$engine" "$work/$engine.warm.log" # restore, first builds, the base image into the engine
done
for i in $(seq 1 "$runs"); do
  for engine in local remote; do
    change "$engine"
    seconds publish "$engine" "$work/$engine.$i.log" >> "$work/$engine.publish"; echo >> "$work/$engine.publish"
    target_seconds "$work/$engine.$i.log" DrydockLoadImage >> "$work/$engine.load"; echo >> "$work/$engine.load"
  done
done

echo "HelloApi, tested publish (3 image tests), $runs runs per engine, alternating; seconds, medians"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores shared with other work: compare the ratios)"
printf '%-8s %9s %9s\n' engine publish load
for engine in local remote; do
  printf '%-8s %9.3f %9.3f\n' "$engine" "$(median < "$work/$engine.publish")" "$(median < "$work/$engine.load")"
done
awk -v a="$(median < "$work/remote.publish")" -v b="$(median < "$work/local.publish")" -v c="$(median < "$work/remote.load")" -v d="$(median < "$work/local.load")" \
  'BEGIN { printf "remote / local: publish %.2fx, load %.2fx\n", a / b, c / d }'
grep -h "layers already there" "$work"/remote.*.log | sed 's/^ *//' | sort | uniq -c | head -3
# The benchmark's images, from both engines (the test images the publishes made; nothing else).
for engine in local remote; do
  host=""; [ "$engine" = remote ] && host="$remote"
  ids="$(DOCKER_HOST="$host" docker images -q "bench/remote-$engine" | sort -u)"
  [ -n "$ids" ] && DOCKER_HOST="$host" docker rmi -f $ids >/dev/null 2>&1 || true
done
