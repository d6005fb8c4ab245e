# Shared by the side-by-side benches (change.sh, static-files.sh, platforms.sh): each runs a pair of
# commands alternately, `measure` appends "wall cpu" seconds per run (cpu = user+sys of the whole process
# tree), and `ratios` prints the medians and the Drydock/plain ratios. Source it after eng/env.sh.
version="$(ls "$DRYDOCK_ROOT"/artifacts/feed/Drydock.Sdk.*.nupkg | sed 's/.*Drydock\.Sdk\.\(.*\)\.nupkg/\1/' | tail -1)"
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

# The local feed; the machine's own sources are inherited.
nuget_config() { printf '<configuration><packageSources><add key="feed" value="%s" /></packageSources></configuration>\n' "$DRYDOCK_ROOT/artifacts/feed" > "$1/NuGet.config"; }

commit() { (cd "$1" && git -c user.name=b -c user.email=b@b add -A && git -c user.name=b -c user.email=b@b commit -qm change --allow-empty); }

measure() { # file command...
  local file=$1 out; shift; out="$(mktemp)"
  /usr/bin/time -f '%e %U %S' -o "$out" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" | tail -20 >&2; exit 1; }
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$out" >> "$file"; rm -f "$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

ratios() { # bench... (each with $work/<bench>.drydock and $work/<bench>.plain)
  local bench dw pw dc pc
  printf '%-14s %8s %8s %8s %8s %12s %12s\n' bench dd_wall pl_wall dd_cpu pl_cpu wall_ratio cpu_ratio
  for bench in "$@"; do
    dw=$(cut -d' ' -f1 "$work/$bench.drydock" | median); pw=$(cut -d' ' -f1 "$work/$bench.plain" | median)
    dc=$(cut -d' ' -f2 "$work/$bench.drydock" | median); pc=$(cut -d' ' -f2 "$work/$bench.plain" | median)
    awk -v b="$bench" -v dw="$dw" -v pw="$pw" -v dc="$dc" -v pc="$pc" 'BEGIN { printf "%-14s %8.2f %8.2f %8.2f %8.2f %11.2fx %11.2fx\n", b, dw, pw, dc, pc, dw / pw, dc / pc }'
  done
  echo "(medians of $runs runs)"
}
