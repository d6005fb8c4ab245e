#!/usr/bin/env bash
# What image tests add to a publish: samples/HelloApi and samples/TodoApi (PostgreSQL through
# Testcontainers), each copied outside the repository, published after a change with its tests and
# with -p:DrydockTest=false, alternating, RUNS times each. Prints medians, the ratio, and where the
# tests' time goes, read from the publish's own timestamped log and the TRX:
#   build      the test step's start until `dotnet test` starts its run: engine probe, sweep of dead
#              test hosts, Testcontainers' endpoint, `dotnet build` of the test project (incremental)
#   hoststart  run start until the first test starts: test host, discovery, class fixtures
#              (TodoApi: PostgreSQL's container and network)
#   tests      first test start to last test end: each app container's start, readiness and requests
#   hostend    last test end until the test step ends: test host exit, the run's final sweep
#   eng/bench/image-tests.sh [RUNS] [ENGINE]     (defaults 3, docker; ENGINE is LocalRegistry: docker or podman)
# Needs python3 for the log arithmetic.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
runs="${1:-3}"
engine="${2:-docker}"
work="${TMPDIR:-/tmp}/drydock-bench-image-tests"
rm -rf "$work" && mkdir -p "$work"
version="$(ls "$DRYDOCK_ROOT"/artifacts/feed/Drydock.Sdk.*.nupkg | sed 's/.*Drydock\.Sdk\.\(.*\)\.nupkg/\1/' | tail -1)"
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

# The sample as a user has it: its own repository, the packed package, the offline bases.
copy_sample() {
  local dir="$work/$1"
  mkdir -p "$dir"
  for folder in "$1" "$1.ImageTests"; do
    (cd "$DRYDOCK_ROOT/samples" && find "$folder" -type f -not -path '*/bin/*' -not -path '*/obj/*' -exec cp --parents {} "$dir" \;)
  done
  printf '<configuration><packageSources><add key="feed" value="%s" /></packageSources></configuration>\n' "$DRYDOCK_ROOT/artifacts/feed" > "$dir/NuGet.config"
  printf '<Project><PropertyGroup><DrydockSdkVersion>%s</DrydockSdkVersion><DrydockBaseRegistry>%s</DrydockBaseRegistry></PropertyGroup></Project>\n' \
    "$version" "$DRYDOCK_TEST_REGISTRY" > "$dir/Directory.Build.props"
  printf 'bin/\nobj/\n' > "$dir/.gitignore"
  (cd "$dir" && git init -q -b main && git -c user.name=b -c user.email=b@b add -A && git -c user.name=b -c user.email=b@b commit -qm init)
}

publish() { # sample log [args…]
  local sample="$1" log="$2"; shift 2
  dotnet publish "$work/$sample/$sample" -c Release -nologo -tl:off "-p:LocalRegistry=$engine" -v:d -clp:ShowTimestamp "$@" > "$log" 2>&1 \
    || { echo "failed: publish $sample $*" >&2; grep -E 'error|Drydock:' "$log" | tail -20 >&2; exit 1; }
}

# A new image each time (a comment in Program.cs, committed): the tests must run, never come from the cache.
change() { echo "// $RANDOM$RANDOM" >> "$work/$1/$1/Program.cs"; (cd "$work/$1" && git -c user.name=b -c user.email=b@b commit -qam change); }

seconds() { local start end; start=$(date +%s%N); "$@"; end=$(date +%s%N); awk -v d=$((end - start)) 'BEGIN { printf "%.3f", d / 1e9 }'; }

# The phases of one tested publish, in seconds: build hoststart tests hostend (see the header). MSBuild
# stamps only target starts and ends; the TRX stamps the run's start and each test's start and end.
phases() { # log trx
  python3 - "$1" "$2" <<'PY'
import re, sys, xml.etree.ElementTree as ET
from datetime import datetime, timezone
log, trx = sys.argv[1], sys.argv[2]
def stamp(pattern):
    for line in open(log, errors="replace"):
        m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d+)\s", line)
        if m and re.search(pattern, line):
            h, mi, s, f = m.groups()
            return int(h) * 3600 + int(mi) * 60 + int(s) + int(f) / 10 ** len(f)
    sys.exit(f"no log line matches {pattern!r} in {log}")
def seconds_of_day(text):  # 2026-11-29T10:12:13.1234567+00:00, as the log's clock (this machine's local time)
    t = datetime.fromisoformat(re.sub(r"(\.\d{6})\d*", r"\1", text)).astimezone()
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
root = ET.parse(trx).getroot()
run_start = seconds_of_day(root.find("t:Times", ns).get("start"))
results = root.findall(".//t:UnitTestResult", ns)
first = min(seconds_of_day(r.get("startTime")) for r in results)
last = max(seconds_of_day(r.get("endTime")) for r in results)
begin = stamp(r'>Target "DrydockTestImage"')
done = stamp(r'Done building target "DrydockTestImage"')
print(f"{run_start - begin:.3f} {first - run_start:.3f} {last - first:.3f} {done - last:.3f}")
PY
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

echo "engine=$engine runs=$runs (seconds, medians)"
printf '%-10s %8s %8s %7s %8s | %8s %9s %8s %8s\n' sample tested untested ratio overhead build hoststart tests hostend
for sample in HelloApi TodoApi; do
  copy_sample "$sample"
  # Warm: restore, first build of app and tests, base and service images pulled into the engine.
  publish "$sample" "$work/$sample.warm.log"
  on="" off="" p1="" p2="" p3="" p4=""
  for i in $(seq 1 "$runs"); do
    change "$sample"; on+="$(seconds publish "$sample" "$work/$sample.$i.log") "
    read -r a b c d <<<"$(phases "$work/$sample.$i.log" "$work/$sample/$sample/bin/Release/net10.0/drydock-tests/$sample.ImageTests.trx")"
    p1+="$a " p2+="$b " p3+="$c " p4+="$d "
    change "$sample"; off+="$(seconds publish "$sample" "$work/$sample.$i.off.log" -p:DrydockTest=false) "
  done
  t_on="$(median <<<"$on")" t_off="$(median <<<"$off")"
  printf '%-10s %8s %8s %6.2fx %8.3f | %8s %9s %8s %8s\n' "$sample" "$t_on" "$t_off" \
    "$(awk -v a="$t_on" -v b="$t_off" 'BEGIN { print a / b }')" "$(awk -v a="$t_on" -v b="$t_off" 'BEGIN { print a - b }')" \
    "$(median <<<"$p1")" "$(median <<<"$p2")" "$(median <<<"$p3")" "$(median <<<"$p4")"
done
