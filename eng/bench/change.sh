#!/usr/bin/env bash
# Publish after a real code change (a new string literal, committed) of a web app, RUNS times, the pair
# alternating; medians of wall-clock and CPU seconds (user+sys of the whole process tree) and the ratios
# Drydock/plain (issue 11, goal ≤ 1.0×):
#   drydock  `dotnet publish` with Drydock: image built, normalized, linted, loaded into podman
#            (no image tests, no push)
#   plain    `dotnet publish -o out` + `podman build` of a Dockerfile FROM the same local base that
#            COPYs the publish folder to /app with the same entrypoint
#   eng/bench/change.sh [RUNS]        (default 5)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs="${1:-5}"
work="${TMPDIR:-/tmp}/drydock-bench-change"
rm -rf "$work" && mkdir -p "$work"
base="$DRYDOCK_TEST_REGISTRY/dotnet/aspnet:10.0-noble-chiseled"

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
    <ContainerRepository>bench/change-$1</ContainerRepository>
    <ContainerBaseImage>$base</ContainerBaseImage>
    <LocalRegistry>Podman</LocalRegistry>
  </PropertyGroup>
  <ItemGroup>$reference</ItemGroup>
</Project>
XML
  change "$dir" 0
  (cd "$dir" && printf 'bin/\nobj/\nout/\n' > .gitignore && git init -q -b main && commit "$dir" && dotnet restore -v:q app >/dev/null)
}

change() { printf 'var app = WebApplication.CreateSlimBuilder(args).Build();\napp.MapGet("/", () => "change %s");\napp.Run();\n' "$2" > "$1/app/Program.cs"; }

# The plain pipeline as one process tree.
plain_publish="dotnet publish '$work/plain/app' -c Release -nologo -v:q -o '$work/plain/out' && podman build -q --pull=never -t localhost/bench/change-plain:latest -f '$work/plain/Dockerfile' '$work/plain/out'"

podman pull -q --tls-verify=false "$base" >/dev/null
make_app drydock yes
make_app plain no
dotnet publish "$work/drydock/app" -c Release -nologo -v:q >/dev/null
# The Dockerfile repeats what the SDK gave Drydock's image: working directory and entrypoint.
inspect="$(podman image inspect --format '{{json .Config.Entrypoint}}|{{.Config.WorkingDir}}' localhost/bench/change-drydock:main)"
printf 'FROM %s\nWORKDIR %s\nCOPY . %s\nENTRYPOINT %s\n' "$base" "${inspect#*|}" "${inspect#*|}" "${inspect%%|*}" > "$work/plain/Dockerfile"
bash -c "$plain_publish" >/dev/null

for i in $(seq 1 "$runs"); do
  for side in drydock plain; do change "$work/$side" "$i"; commit "$work/$side"; done
  measure "$work/change.drydock" dotnet publish "$work/drydock/app" -c Release -nologo -v:q
  measure "$work/change.plain" bash -c "$plain_publish"
done

ratios change
