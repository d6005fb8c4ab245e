#!/usr/bin/env bash
# Two benchmarks of issue 11, each pair alternating RUNS times, medians of wall-clock and CPU seconds
# (user+sys of the whole process tree) and the ratios Drydock/plain:
#   two-platform  a publish after a real code change (a new string literal, committed) for
#                 linux-x64;linux-arm64: Drydock (index normalized, linted, no load) vs the plain SDK's
#                 `-t:PublishContainer` of the same app into an archive           (goal ≤ 1.10×)
#   no-op         a republish with nothing changed: Drydock vs `dotnet publish` of the same app
#                 without the package and without a container                     (goal ≤ 1.10×)
# Needs the multiarch/ bases of eng/base-images.sh.
#   eng/bench/platforms.sh [RUNS]        (default 5)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
runs="${1:-5}"
work="${TMPDIR:-/tmp}/drydock-bench-platforms"
rm -rf "$work" && mkdir -p "$work"
version="$(ls "$DRYDOCK_ROOT"/artifacts/feed/Drydock.Sdk.*.nupkg | sed 's/.*Drydock\.Sdk\.\(.*\)\.nupkg/\1/' | tail -1)"
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

make_app() { # name with-drydock?
  local dir="$work/$1" reference=""
  mkdir -p "$dir/app"
  cat > "$dir/NuGet.config" <<XML
<configuration><packageSources><add key="feed" value="$DRYDOCK_ROOT/artifacts/feed" /></packageSources></configuration>
XML
  [ "$2" = yes ] && reference="<PackageReference Include=\"Drydock.Sdk\" Version=\"$version\" PrivateAssets=\"all\" />"
  cat > "$dir/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <ContainerRepository>bench/platforms</ContainerRepository>
    <ContainerRuntimeIdentifiers>linux-x64;linux-arm64</ContainerRuntimeIdentifiers>
    <RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>
    <ContainerBaseImage>$DRYDOCK_TEST_REGISTRY/multiarch/dotnet/aspnet:10.0-noble-chiseled-extra</ContainerBaseImage>
    <DrydockLoadImage>false</DrydockLoadImage>
  </PropertyGroup>
  <ItemGroup>$reference</ItemGroup>
</Project>
XML
  change "$dir" 0
  (cd "$dir" && printf 'bin/\nobj/\n' > .gitignore && git init -q -b main && commit "$dir" && dotnet restore -v:q app >/dev/null)
}

change() { printf 'var app = WebApplication.CreateSlimBuilder(args).Build();\napp.MapGet("/", () => "change %s");\napp.Run();\n' "$2" > "$1/app/Program.cs"; }
commit() { (cd "$1" && git -c user.name=b -c user.email=b@b add -A && git -c user.name=b -c user.email=b@b commit -qm change --allow-empty); }

measure() { # file command...
  local file=$1 out; shift; out="$(mktemp)"
  /usr/bin/time -f '%e %U %S' -o "$out" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" | tail -20 >&2; exit 1; }
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$out" >> "$file"; rm -f "$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

make_app drydock yes
make_app plain no
dotnet publish "$work/drydock/app" -c Release -nologo -v:q >/dev/null
dotnet publish "$work/plain/app" -c Release -nologo -v:q -t:PublishContainer -p:ContainerArchiveOutputPath="$work/plain.tar" >/dev/null

for i in $(seq 1 "$runs"); do
  for side in drydock plain; do change "$work/$side" "$i"; commit "$work/$side"; done
  measure "$work/two.drydock" dotnet publish "$work/drydock/app" -c Release -nologo -v:q
  measure "$work/two.plain" dotnet publish "$work/plain/app" -c Release -nologo -v:q -t:PublishContainer -p:ContainerArchiveOutputPath="$work/plain.tar"
done
for i in $(seq 1 "$runs"); do
  measure "$work/noop.drydock" dotnet publish "$work/drydock/app" -c Release -nologo -v:q
  measure "$work/noop.plain" dotnet publish "$work/plain/app" -c Release -nologo -v:q
done

printf '%-14s %8s %8s %8s %8s %12s %12s\n' bench dd_wall pl_wall dd_cpu pl_cpu wall_ratio cpu_ratio
for bench in two noop; do
  dw=$(cut -d' ' -f1 "$work/$bench.drydock" | median); pw=$(cut -d' ' -f1 "$work/$bench.plain" | median)
  dc=$(cut -d' ' -f2 "$work/$bench.drydock" | median); pc=$(cut -d' ' -f2 "$work/$bench.plain" | median)
  awk -v b="$bench" -v dw="$dw" -v pw="$pw" -v dc="$dc" -v pc="$pc" 'BEGIN { printf "%-14s %8.2f %8.2f %8.2f %8.2f %11.2fx %11.2fx\n", b, dw, pw, dc, pc, dw / pw, dc / pc }'
done
echo "(medians of $runs runs)"
