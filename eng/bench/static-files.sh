#!/usr/bin/env bash
# A web app with 120 MB of static files (wwwroot: 480 files of 32 KB to 480 KB, pseudo-random bytes from
# a fixed seed, so incompressible and the same on every run) published after a real code change (a new
# string literal, committed), RUNS times, the pair alternating; medians of wall-clock and CPU seconds
# (user+sys of the whole process tree) and the ratios Drydock/plain (issue 11, goal ≤ 1.10×):
#   drydock  `dotnet publish` with Drydock: image built, normalized, linted, loaded into podman
#            (no image tests, no push)
#   plain    the plain SDK's `dotnet publish -t:PublishContainer -p:LocalRegistry=Podman`, same base
#   eng/bench/static-files.sh [RUNS]        (default 5)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs="${1:-5}"
work="${TMPDIR:-/tmp}/drydock-bench-static-files"
rm -rf "$work" && mkdir -p "$work"
base="$DRYDOCK_TEST_REGISTRY/dotnet/aspnet:10.0-noble-chiseled"

# 480 files, 32 KB..480 KB (mean 256 KB: 120 MB), in 12 folders; image-like extensions, which the
# static web assets pipeline does not precompress.
static_files() { # dir
  python3 - "$1/app/wwwroot" <<'PY'
import os, random, sys
rng = random.Random(11)
root = sys.argv[1]
for i in range(480):
    folder = os.path.join(root, f"assets{i % 12:02}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"file{i:03}.{('png', 'jpg', 'webp', 'woff2')[i % 4]}"), "wb") as f:
        f.write(rng.randbytes(32 * 1024 * (1 + i % 15)))
PY
}

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
    <ContainerRepository>bench/static-files-$1</ContainerRepository>
    <ContainerBaseImage>$base</ContainerBaseImage>
    <LocalRegistry>Podman</LocalRegistry>
  </PropertyGroup>
  <ItemGroup>$reference</ItemGroup>
</Project>
XML
  static_files "$dir"
  change "$dir" 0
  (cd "$dir" && printf 'bin/\nobj/\n' > .gitignore && git init -q -b main && commit "$dir" && dotnet restore -v:q app >/dev/null)
}

change() { printf 'var app = WebApplication.CreateSlimBuilder(args).Build();\napp.UseStaticFiles();\napp.MapGet("/", () => "change %s");\napp.Run();\n' "$2" > "$1/app/Program.cs"; }

make_app drydock yes
make_app plain no
dotnet publish "$work/drydock/app" -c Release -nologo -v:q >/dev/null
dotnet publish "$work/plain/app" -c Release -nologo -v:q -t:PublishContainer >/dev/null

for i in $(seq 1 "$runs"); do
  for side in drydock plain; do change "$work/$side" "$i"; commit "$work/$side"; done
  measure "$work/static.drydock" dotnet publish "$work/drydock/app" -c Release -nologo -v:q
  measure "$work/static.plain" dotnet publish "$work/plain/app" -c Release -nologo -v:q -t:PublishContainer
done

ratios static
