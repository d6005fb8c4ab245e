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
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs="${1:-5}"
work="${TMPDIR:-/tmp}/drydock-bench-platforms"
rm -rf "$work" && mkdir -p "$work"

make_app() { # name with-drydock?
  local dir="$work/$1" reference=""
  mkdir -p "$dir/app"
  nuget_config "$dir"
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

ratios two noop
