#!/usr/bin/env bash
# Drydock vs the plain SDK, side by side in one run: the same app in two folders (one with the
# Drydock.Sdk package, one without), whole `dotnet` processes, alternating, RUNS times each.
# Prints min and median seconds and the ratios Drydock/plain; then load and start→ready per engine
# (StartReady: docker vs podman vs the remote engine of eng/remote-engine.sh, Drydock vs a raw run + HTTP poll) and the
# push benchmark, Drydock's registry client vs `skopeo copy` (push.sh), and a tested publish on the remote
# engine vs the local Docker Engine (remote-publish.sh), with the same RUNS.
#   eng/bench/run.sh [RUNS]        (default 5)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
runs="${1:-5}"
# Outside the repository, so its Directory.Build.props and central package management stay out.
work="${TMPDIR:-/tmp}/drydock-bench"
rm -rf "$work" && mkdir -p "$work"
version="$(ls "$DRYDOCK_ROOT"/artifacts/feed/Drydock.Sdk.*.nupkg | sed 's/.*Drydock\.Sdk\.\(.*\)\.nupkg/\1/' | tail -1)"
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

make_app() { # dir with-drydock?
  local dir="$work/$1"
  mkdir -p "$dir/app"
  cat > "$dir/NuGet.config" <<XML
<configuration><packageSources><add key="feed" value="$DRYDOCK_ROOT/artifacts/feed" /></packageSources></configuration>
XML
  local reference=""
  [ "$2" = yes ] && reference="<ItemGroup><PackageReference Include=\"Drydock.Sdk\" Version=\"$version\" PrivateAssets=\"all\" /></ItemGroup>"
  cat > "$dir/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <ContainerRepository>bench/app</ContainerRepository>
    <ContainerBaseImage>$DRYDOCK_TEST_REGISTRY/dotnet/aspnet:10.0-noble-chiseled-extra</ContainerBaseImage>
  </PropertyGroup>
  $reference
</Project>
XML
  printf 'var app = WebApplication.CreateSlimBuilder(args).Build();\napp.MapGet("/", () => "bench");\napp.Run();\n' > "$dir/app/Program.cs"
  (cd "$dir" && git init -q -b main && git -c user.name=b -c user.email=b@b add -A && git -c user.name=b -c user.email=b@b commit -qm init \
    && printf 'bin/\nobj/\n' > .gitignore && dotnet restore -v:q app)
}

seconds() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" | tail -20 >&2; exit 1; }; end=$(date +%s%N); awk -v d=$((end - start)) 'BEGIN { printf "%.3f", d / 1e9 }'; }
stats() { sort -n | awk '{ a[NR] = $1 } END { printf "%.3f %.3f", a[1], (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
change() { echo "// $RANDOM$RANDOM" >> "$work/$1/app/Program.cs"; }

make_app drydock yes
make_app plain no
make_app tested yes
# The tested app: the same app with one image test project.
mkdir -p "$work/tested/tests"
cat > "$work/tested/tests/tests.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
    <PackageReference Include="xunit" Version="2.9.3" />
    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
    <PackageReference Include="Drydock.Testing" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$work/tested/tests/Tests.cs" <<'CS'
using Drydock.Testing;
using Xunit;
public class Tests(ImageUnderTest image) : IClassFixture<ImageUnderTest>
{
    [Fact] public async Task Answers() { await using var app = await image.StartAsync(); Assert.Equal("bench", await app.Http.GetStringAsync("/")); }
}
CS
sed -i 's#</Project>#<ItemGroup><ContainerTestProject Include="../tests/tests.csproj" /></ItemGroup></Project>#' "$work/tested/app/app.csproj"
(cd "$work/tested" && dotnet restore -v:q app && dotnet restore -v:q tests)
plain_publish() { dotnet publish "$work/plain/app" -c Release --no-restore -t:PublishContainer -p:ContainerArchiveOutputPath="$work/plain/image.tar"; }
drydock_publish() { dotnet publish "$work/drydock/app" -c Release --no-restore "$@"; }
build() { dotnet build "$work/$1/app" -c Release --no-restore; }

# Warm both (first restore/build/pull of the base), then measure.
plain_publish >/dev/null; drydock_publish >/dev/null
tested_publish() { dotnet publish "$work/tested/app" -c Release --no-restore; }
tested_publish >/dev/null

declare -A samples
for i in $(seq 1 "$runs"); do
  change plain; samples[publish_plain]+="$(seconds plain_publish) "
  change drydock; samples[publish_drydock]+="$(seconds drydock_publish -p:DrydockLoadImage=false) "
  change drydock; samples[publish_drydock_load]+="$(seconds drydock_publish) "
  samples[republish_plain]+="$(seconds plain_publish) "
  samples[republish_drydock]+="$(seconds drydock_publish) "
  samples[republish_no_container]+="$(seconds dotnet publish "$work/plain/app" -c Release --no-restore) "
  samples[build_plain]+="$(seconds build plain) "
  samples[build_drydock]+="$(seconds build drydock) "
  change tested; samples[tested_first]+="$(seconds tested_publish) "
  samples[tested_cached]+="$(seconds tested_publish) "
done

row() { # label drydock-key plain-key goal
  read -r dmin dmed <<<"$(tr ' ' '\n' <<<"${samples[$2]}" | grep . | stats)"
  read -r pmin pmed <<<"$(tr ' ' '\n' <<<"${samples[$3]}" | grep . | stats)"
  printf '%-44s %8s %8s %8s %8s %7.2fx %7.2fx  %s\n' "$1" "$dmin" "$dmed" "$pmin" "$pmed" \
    "$(awk -v a="$dmin" -v b="$pmin" 'BEGIN { print a / b }')" "$(awk -v a="$dmed" -v b="$pmed" 'BEGIN { print a / b }')" "$4"
}
echo
echo "runs=$runs  (seconds; ratio = Drydock / plain SDK)"
printf '%-44s %8s %8s %8s %8s %8s %8s  %s\n' "" "dd min" "dd med" "sdk min" "sdk med" "min" "median" "goal"
row "publish after a change (no load)" publish_drydock publish_plain "<= 1.10x"
row "publish after a change (+ engine load)" publish_drydock_load publish_plain "(info)"
row "republish, nothing changed" republish_drydock republish_plain "<= 0.50x"
row "dotnet build, nothing changed" build_drydock build_plain "<= 1.02x"
row "publish with tests: tested digest vs new" tested_cached tested_first "(info)"
# What the image stage alone costs on a republish: each side minus a plain `dotnet publish`.
read -r _ base <<<"$(tr ' ' '\n' <<<"${samples[republish_no_container]}" | grep . | stats)"
read -r _ dd <<<"$(tr ' ' '\n' <<<"${samples[republish_drydock]}" | grep . | stats)"
read -r _ sdk <<<"$(tr ' ' '\n' <<<"${samples[republish_plain]}" | grep . | stats)"
awk -v b="$base" -v d="$dd" -v s="$sdk" 'BEGIN { printf "republish beyond `dotnet publish` (%.3f s, median): Drydock %.3f s, SDK PublishContainer %.3f s\n", b, d - b, s - b }'

# Per engine (Docker Engine, podman): load, and start→ready of ImageUnderTest vs a raw `run` + HTTP
# poll, on the image just published; prints the docker/podman and Drydock/raw ratios.
dotnet run --project "$DRYDOCK_ROOT/eng/bench/StartReady" -c Release -v:q -- "$work/drydock/app/obj/Release/net10.0/drydock/image.tar" "$((runs * 2))"

# Push: ImagePusher vs `skopeo copy`, first push and unchanged re-push, to a private registry.
"$DRYDOCK_ROOT/eng/bench/push.sh" "$runs"

# A tested publish on the remote engine vs the local Docker Engine.
"$DRYDOCK_ROOT/eng/bench/remote-publish.sh" "$runs"
