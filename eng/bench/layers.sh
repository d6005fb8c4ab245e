#!/usr/bin/env bash
# Push after a one-line change, layered (Drydock's default) vs one app layer (DrydockLayering=false):
# the same web app with three NuGet packages in two folders, each pushed to its own repository in the
# loopback registry; then RUNS times: a real code change (a new string literal, committed), publish
# and push. Prints median bytes uploaded (drydock.json push.bytesUploaded), median wall-clock seconds
# and median CPU seconds (user+sys of the whole dotnet process tree), and the ratios layered/single.
# Goal (issue 11): layered uploads at most 10% of the single layer's bytes.
#   eng/bench/layers.sh [RUNS]        (default 5)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
runs="${1:-5}"
work="${TMPDIR:-/tmp}/drydock-bench-layers"
rm -rf "$work" && mkdir -p "$work"
version="$(ls "$DRYDOCK_ROOT"/artifacts/feed/Drydock.Sdk.*.nupkg | sed 's/.*Drydock\.Sdk\.\(.*\)\.nupkg/\1/' | tail -1)"
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
suffix="$(date +%s)"

make_app() { # name layering
  local dir="$work/$1"
  mkdir -p "$dir/app"
  cat > "$dir/NuGet.config" <<XML
<configuration><packageSources><add key="feed" value="$DRYDOCK_ROOT/artifacts/feed" /></packageSources></configuration>
XML
  cat > "$dir/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <ContainerRepository>bench/layers-$1-$suffix</ContainerRepository>
    <ContainerRegistry>$DRYDOCK_TEST_REGISTRY</ContainerRegistry>
    <DrydockBaseRegistry>$DRYDOCK_TEST_REGISTRY</DrydockBaseRegistry>
    <DrydockLayering>$2</DrydockLayering>
    <DrydockLoadImage>false</DrydockLoadImage>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Drydock.Sdk" Version="$version" PrivateAssets="all" />
    <PackageReference Include="Newtonsoft.Json" Version="13.0.4" />
    <PackageReference Include="YamlDotNet" Version="18.1.0" />
    <PackageReference Include="Humanizer.Core" Version="3.0.10" />
  </ItemGroup>
</Project>
XML
  greeting "$dir" 0
  (cd "$dir" && printf 'bin/\nobj/\n' > .gitignore && git init -q -b main && commit "$dir" && dotnet restore -v:q app >/dev/null)
}

greeting() { # dir n
  printf 'var app = WebApplication.CreateSlimBuilder(args).Build();\napp.MapGet("/", () => Newtonsoft.Json.JsonConvert.SerializeObject("change %s") + new YamlDotNet.Serialization.Serializer().Serialize(1));\napp.Run();\n' "$2" > "$1/app/Program.cs"
}

commit() { (cd "$1" && git -c user.name=b -c user.email=b@b add -A && git -c user.name=b -c user.email=b@b commit -qm "change" --allow-empty); }

# One publish+push; prints "bytes wall cpu".
publish() { # dir
  local out; out="$(mktemp)"
  /usr/bin/time -f '%e %U %S' -o "$out" dotnet publish "$1/app" -c Release -nologo -v:q >/dev/null 2>&1 \
    || { echo "publish failed in $1" >&2; dotnet publish "$1/app" -c Release -nologo | tail -20 >&2; exit 1; }
  local bytes; bytes="$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['push']['bytesUploaded'])" "$1/app/bin/Release/net10.0/drydock.json")"
  awk -v b="$bytes" '{ printf "%s %s %.2f\n", b, $1, $2 + $3 }' "$out"
  rm -f "$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for mode in layered single; do
  make_app "$mode" "$([ $mode = layered ] && echo true || echo false)"
  publish "$work/$mode" >/dev/null # first push: everything
done

for i in $(seq 1 "$runs"); do
  for mode in layered single; do
    greeting "$work/$mode" "$i" && commit "$work/$mode"
    publish "$work/$mode" >> "$work/$mode.txt"
  done
done

for mode in layered single; do
  for col in 1 2 3; do cut -d' ' -f$col "$work/$mode.txt" | median > "$work/$mode.$col"; done
done
printf '%-8s %14s %10s %10s\n' mode bytes wall_s cpu_s
for mode in layered single; do
  printf '%-8s %14s %10s %10s\n' "$mode" "$(cat "$work/$mode.1")" "$(cat "$work/$mode.2")" "$(cat "$work/$mode.3")"
done
awk -v lb="$(cat "$work/layered.1")" -v sb="$(cat "$work/single.1")" -v lw="$(cat "$work/layered.2")" -v sw="$(cat "$work/single.2")" \
    -v lc="$(cat "$work/layered.3")" -v sc="$(cat "$work/single.3")" \
  'BEGIN { printf "layered/single: bytes %.3f, wall %.2fx, cpu %.2fx (medians of %d runs)\n", lb / sb, lw / sw, lc / sc, '"$runs"' }'
