#!/usr/bin/env bash
# The cost of signing (issue 18, goal ≤ 1.05×): `dotnet publish` of the same code change of a web app,
# pushed to a private loopback registry, with a signing key (DRYDOCK_SIGNING_KEY) and without, RUNS times
# each, alternating; medians of wall-clock and CPU seconds and the ratios signed/unsigned. No image tests
# (DrydockTest=false), so each image gets its provenance; the signing and bundle work per statement is the
# same for test results and SBOMs. Then, from the registry's access log, the requests and bytes the last
# signed publish spent attaching its attestations (referrer manifests, bundle blobs, the empty config, the
# sha256-<hex> referrers tag: distribution 2.8 has no referrers API).
#   eng/bench/attest.sh [RUNS]        (default 5)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs="${1:-5}"
work="${TMPDIR:-/tmp}/drydock-bench-attest"
rm -rf "$work" && mkdir -p "$work"
base="$DRYDOCK_TEST_REGISTRY/dotnet/aspnet:10.0-noble-chiseled"
registry_pid=""
trap 'if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi' EXIT

# A private registry (its access log counts the requests) on a free loopback port; sets $registry.
for _ in $(seq 1 20); do
  port=$((20000 + RANDOM % 40000))
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
  mkdir -p "$work/registry"
  printf 'version: 0.1\nlog: { level: warn }\nstorage: { filesystem: { rootdirectory: %s } }\nhttp: { addr: 127.0.0.1:%s }\n' "$work/registry" "$port" > "$work/registry.yml"
  docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 < /dev/null &
  registry_pid=$!
  for _ in $(seq 1 50); do
    curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/v2/" && { registry="127.0.0.1:$port"; break 2; }
    kill -0 "$registry_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$registry_pid" 2>/dev/null || true; registry_pid=""
done
[ -n "${registry:-}" ] || { echo "eng/bench/attest: no registry would start" >&2; exit 1; }

openssl ecparam -name prime256v1 -genkey -noout -out "$work/key.pem" 2>/dev/null

make_app() { # name
  local dir="$work/$1"
  mkdir -p "$dir/app"
  nuget_config "$dir"
  cat > "$dir/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <ContainerRepository>bench/attest-$1</ContainerRepository>
    <ContainerBaseImage>$base</ContainerBaseImage>
    <ContainerRegistry>$registry</ContainerRegistry>
    <DrydockTest>false</DrydockTest>
    <DrydockLoadImage>false</DrydockLoadImage>
  </PropertyGroup>
  <ItemGroup><PackageReference Include="Drydock.Sdk" Version="$version" PrivateAssets="all" /></ItemGroup>
</Project>
XML
  change "$dir" 0
  (cd "$dir" && printf 'bin/\nobj/\n' > .gitignore && git init -q -b main && commit "$dir" && dotnet restore -v:q app >/dev/null)
}
change() { printf 'var app = WebApplication.CreateSlimBuilder(args).Build();\napp.MapGet("/", () => "change %s");\napp.Run();\n' "$2" > "$1/app/Program.cs"; }

make_app signed
make_app unsigned
# Warm-up: the base's layers into each repository, the first build's caches.
for which in signed unsigned; do
  key=""; [ "$which" = signed ] && key="$(cat "$work/key.pem")"
  DRYDOCK_SIGNING_KEY="$key" dotnet publish "$work/$which/app" -c Release -nologo -v:q > "$work/warmup-$which.log" 2>&1 \
    || { echo "eng/bench/attest: the $which warm-up publish failed:" >&2; grep -E 'error|warn' "$work/warmup-$which.log" | head -20 >&2; exit 1; }
done

for run in $(seq 1 "$runs"); do
  for which in $([ $((run % 2)) = 1 ] && echo "signed unsigned" || echo "unsigned signed"); do
    change "$work/$which" "$run" && commit "$work/$which"
    if [ "$which" = signed ]; then
      lines_before=$(wc -l < "$work/registry.log")
      measure "$work/attest.drydock" env DRYDOCK_SIGNING_KEY="$(cat "$work/key.pem")" dotnet publish "$work/signed/app" -c Release -nologo -v:q
    else
      measure "$work/attest.plain" dotnet publish "$work/unsigned/app" -c Release -nologo -v:q
    fi
  done
done

echo "eng/bench/attest: $runs runs each, medians; 'drydock' = signed, 'plain' = unsigned (machine shared and loaded: compare the ratios)"
ratios attest

# The attestation push of the last signed publish, from the registry's access log.
report="$work/signed/app/bin/Release/net10.0/drydock.json"
log="$(tail -n +"$((lines_before + 1))" "$work/registry.log" | grep -o '"[A-Z]* /v2/[^"]*"')"
subject="$(jq -r '.push.digest' "$report")"
patterns=("/manifests/sha256-${subject#sha256:}" "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
bytes=0
while read -r referrer bundle; do
  patterns+=("$referrer" "sha256:$(sha256sum "$bundle" | cut -d' ' -f1)")
  bytes=$((bytes + $(stat -c %s "$bundle") + $(curl -fs -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$registry/v2/bench/attest-signed/manifests/$referrer" | wc -c)))
done < <(jq -r '.attestations[] | "\(.referrer) \(.bundle)"' "$report")
bytes=$((bytes + $(curl -fs -H 'Accept: application/vnd.oci.image.index.v1+json' "http://$registry/v2/bench/attest-signed/manifests/sha256-${subject#sha256:}" | wc -c)))
matched="$(printf '%s\n' "$log" | grep -cF -f <(printf '%s\n' "${patterns[@]}") || true)"
# Each upload is a POST (no digest in it yet) and a PUT naming the digest: one POST per matched upload PUT.
posts="$(printf '%s\n' "$log" | grep -F -f <(printf '%s\n' "${patterns[@]}") | grep -c '"PUT /v2/[^ ]*/blobs/uploads/' || true)"
attestations="$(jq '.attestations | length' "$report")"
echo "eng/bench/attest: the last signed publish attached $attestations attestation(s): $((matched + posts)) requests (incl. $posts upload POSTs), $bytes bytes sent (bundles, referrer manifests, the referrers index)"
