#!/usr/bin/env bash
# What image tests add to a publish, on each engine: samples/HelloApi (three tests in one class),
# Web3 (HelloApi's app with those three tests in three classes, which xunit runs in parallel) and
# samples/TodoApi (PostgreSQL through Testcontainers), each copied outside the repository, published
# after a change (a commit: the tests must run, never come from the cache) with its tests and with
# -p:DrydockTest=false, alternating, RUNS times each. Prints medians, the ratio, and where the test
# step's time went, as the publish's drydock.json records it (tests[].phases, TestPhases):
#   build      restore and build of the test project inside the publish's own build, before the app's compile (its
#              test host starts meanwhile; an unchanged one: up-to-date checks only)
#   hoststart  `dotnet test` on the assembly until the first test starts: VSTest, the test host,
#              discovery, the fixtures created first (TodoApi: PostgreSQL's container and network)
#   tests      first test start to last test end: each app container's start, readiness and requests
#   hostend    last test end until `dotnet test` exits: fixtures' disposal, the test host's exit
#   cleanup    the removal of the run's containers and networks (and dead test hosts'), behind the attestations,
#              push and tags: the report waits for what is left of it
# and "other": the rest of the test step (profile, engine, handover; the engine's API for Testcontainers);
# then "cycle": the engine's own run → HTTP answer → rm of the tested image (see cycle()), the floor of
# one test's container: HelloApi's three tests in one class cost at least three.
#   eng/bench/image-tests.sh [RUNS] [ENGINES] [SAMPLES]
#     defaults: 3, "podman docker", "HelloApi Web3 TodoApi"; ENGINES are LocalRegistry values.
# Needs python3 to read the reports. The machine's load moves the absolute numbers: read the ratios.
# `env -u UseSharedCompilation eng/bench/image-tests.sh …` measures with the compiler server, as on a developer's machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
runs="${1:-3}"
engines="${2:-podman docker}"
samples="${3:-HelloApi Web3 TodoApi}"
work="${TMPDIR:-/tmp}/drydock-bench-image-tests"
rm -rf "$work" && mkdir -p "$work"
version="$(ls "$DRYDOCK_ROOT"/artifacts/feed/Drydock.Sdk.*.nupkg | sed 's/.*Drydock\.Sdk\.\(.*\)\.nupkg/\1/' | tail -1)"
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

# The sample as a user has it: its own repository, the packed package, the offline bases. Web3 is
# HelloApi with each of its three tests in a class of its own.
copy_sample() {
  local name="$1" sample="$1" dir="$work/$1"
  [ "$name" = Web3 ] && sample=HelloApi
  mkdir -p "$dir"
  for folder in "$sample" "$sample.ImageTests"; do
    (cd "$DRYDOCK_ROOT/samples" && find "$folder" -type f -not -path '*/bin/*' -not -path '*/obj/*' -exec cp --parents {} "$dir" \;)
  done
  if [ "$name" != "$sample" ]; then
    mv "$dir/$sample" "$dir/$name" && mv "$dir/$name/$sample.csproj" "$dir/$name/$name.csproj"
    mv "$dir/$sample.ImageTests" "$dir/$name.ImageTests" && mv "$dir/$name.ImageTests/$sample.ImageTests.csproj" "$dir/$name.ImageTests/$name.ImageTests.csproj"
    sed -i "s/$sample\.ImageTests/$name.ImageTests/g; s/<ContainerRepository>[^<]*</<ContainerRepository>bench\/$(echo "$name" | tr 'A-Z' 'a-z')</" "$dir/$name/$name.csproj"
    split_classes "$dir/$name.ImageTests/ApiImageTests.cs"
  fi
  printf '<configuration><packageSources><add key="feed" value="%s" /></packageSources></configuration>\n' "$DRYDOCK_ROOT/artifacts/feed" > "$dir/NuGet.config"
  printf '<Project><PropertyGroup><DrydockSdkVersion>%s</DrydockSdkVersion><DrydockBaseRegistry>%s</DrydockBaseRegistry></PropertyGroup></Project>\n' \
    "$version" "$DRYDOCK_TEST_REGISTRY" > "$dir/Directory.Build.props"
  printf 'bin/\nobj/\n' > "$dir/.gitignore"
  (cd "$dir" && git init -q -b main && git -c user.name=b -c user.email=b@b add -A && git -c user.name=b -c user.email=b@b commit -qm init)
}

# Each [Fact] of the one test class into a class of its own (same fixture), so xunit runs them in parallel.
split_classes() {
  python3 - "$1" <<'PY2'
import re, sys
path = sys.argv[1]
text = open(path).read()
head, body = text.split("public class ApiImageTests(ImageUnderTest image) : IClassFixture<ImageUnderTest>\n{\n", 1)
body = body.rsplit("}", 1)[0]
facts = [f for f in re.split(r"\n(?=    \[Fact\])", "\n" + body) if "[Fact]" in f]
classes = [f"public class ApiImageTests{i}(ImageUnderTest image) : IClassFixture<ImageUnderTest>\n{{\n{f.strip(chr(10))}\n}}\n" for i, f in enumerate(facts)]
open(path, "w").write(head + "\n".join(classes))
PY2
}

publish() { # sample log [args…]
  local sample="$1" log="$2"; shift 2
  dotnet publish "$work/$sample/$sample" -c Release -nologo -tl:off "-p:LocalRegistry=$engine" -v:n "$@" > "$log" 2>&1 \
    || { echo "failed: publish $sample $*" >&2; grep -E 'error|Drydock:' "$log" | tail -20 >&2; exit 1; }
}

# A new image each time (a comment in Program.cs, committed): the tests must run, never come from the cache.
change() { echo "// $RANDOM$RANDOM" >> "$work/$1/$1/Program.cs"; (cd "$work/$1" && git -c user.name=b -c user.email=b@b commit -qam change); }

seconds() { local start end; start=$(date +%s%N); "$@"; end=$(date +%s%N); awk -v d=$((end - start)) 'BEGIN { printf "%.3f", d / 1e9 }'; }

# The phases of one tested publish, in seconds, from its report: build hoststart tests hostend cleanup other.
phases() { # report test-step-seconds
  python3 - "$1" "$2" <<'PY2'
import json, sys
report, step = json.load(open(sys.argv[1])), float(sys.argv[2])
runs = [t for t in report["tests"] if t.get("phases")]
if not runs:
    sys.exit(f"no test phases in {sys.argv[1]}: were the tests cached?")
p = runs[0]["phases"]
parts = [p["build"], sum(t["phases"]["hostStart"] for t in runs), sum(t["phases"]["tests"] for t in runs),
         sum(t["phases"]["hostEnd"] for t in runs), p["cleanUp"]]
# The step itself holds host start, tests and host end; the build comes before the app's compile, the clean-up after the step.
print(" ".join(f"{x:.3f}" for x in parts + [max(0.0, step - sum(parts[1:4]))]))
PY2
}

# The test step's own duration, from the -v:n log's target summary ("DrydockTestImage" with its milliseconds).
step_seconds() { awk '$3 == "DrydockTestImage" && $2 == "ms" { printf "%.3f", $1 / 1000; found = 1 } END { if (!found) print 0 }' "$1"; }

# The engine's own floor for one test's container: run (the profile's CPU, memory and read-only root) →
# an HTTP answer on /health → rm, with the engine's CLI and curl; median of 3. A class's tests run one
# after another, each with a container of its own, so N such tests cost at least N of these.
cycle() { # image
  local times="" start id port
  for _ in 1 2 3; do
    start=$(date +%s%N)
    id="$($engine run -d --cpus 1 --memory 256m --read-only -p 127.0.0.1::8080 "$1")"
    port="$($engine port "$id" 8080 | head -1 | sed 's/.*://')"
    for _ in $(seq 1 300); do curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/health" && break; sleep 0.02; done
    $engine rm -f "$id" > /dev/null
    times+="$(awk -v d=$(( $(date +%s%N) - start )) 'BEGIN { printf "%.3f", d / 1e9 }') "
  done
  median <<<"$times"
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

echo "engines=$engines runs=$runs (seconds, medians; 2 cores shared with other work: compare the ratios)"
# The untested publish is mostly the app's compile: a fresh csc per publish (UseSharedCompilation=false, as CI machines
# and this one set) or the compiler server a developer's machine keeps (unset). Both ratios are worth reading.
if [ "${UseSharedCompilation:-}" = false ]; then
  echo "compiler: UseSharedCompilation=false (a fresh csc per compile)"
else
  echo "compiler: the compiler server (UseSharedCompilation=${UseSharedCompilation:-unset})"
fi
printf '%-8s %-9s %8s %8s %7s %8s | %7s %9s %7s %7s %7s %7s | %6s\n' engine sample tested untested ratio overhead build hoststart tests hostend cleanup other cycle
for engine in $engines; do
  for sample in $samples; do
    rm -rf "${work:?}/$sample" && copy_sample "$sample"
    # Warm: restore, first build of app and tests, base and service images pulled into the engine.
    publish "$sample" "$work/$sample.$engine.warm.log"
    on="" off="" p1="" p2="" p3="" p4="" p5="" p6=""
    for i in $(seq 1 "$runs"); do
      change "$sample"; on+="$(seconds publish "$sample" "$work/$sample.$engine.$i.log" -clp:PerformanceSummary) "
      read -r a b c d e f <<<"$(phases "$work/$sample/$sample/bin/Release/net10.0/drydock.json" "$(step_seconds "$work/$sample.$engine.$i.log")")"
      p1+="$a " p2+="$b " p3+="$c " p4+="$d " p5+="$e " p6+="$f "
      # The same logging as the tested publish (its performance summary gives the test step's time), so only the tests differ.
      change "$sample"; off+="$(seconds publish "$sample" "$work/$sample.$engine.$i.off.log" -clp:PerformanceSummary -p:DrydockTest=false) "
    done
    t_on="$(median <<<"$on")" t_off="$(median <<<"$off")" floor=-
    # TodoApi answers /health only with its database: no floor of its own.
    [ "$sample" = TodoApi ] || floor="$(cycle "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["image"])' "$work/$sample/$sample.ImageTests/obj/drydock-image.json")")"
    printf '%-8s %-9s %8s %8s %6.2fx %8.3f | %7s %9s %7s %7s %7s %7s | %6s\n' "$engine" "$sample" "$t_on" "$t_off" \
      "$(awk -v a="$t_on" -v b="$t_off" 'BEGIN { print a / b }')" "$(awk -v a="$t_on" -v b="$t_off" 'BEGIN { print a - b }')" \
      "$(median <<<"$p1")" "$(median <<<"$p2")" "$(median <<<"$p3")" "$(median <<<"$p4")" "$(median <<<"$p5")" "$(median <<<"$p6")" "$floor"
  done
done
