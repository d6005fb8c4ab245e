#!/usr/bin/env bash
# Builds offline stand-ins for Microsoft's chiseled .NET base images from the host's .NET install and
# pushes them to the loopback registry under the names the SDK computes, with mcr.microsoft.com
# replaced by $DRYDOCK_TEST_REGISTRY:
#   dotnet/runtime-deps, dotnet/runtime, dotnet/aspnet  :  <major.minor>-noble-chiseled[-extra]
# Like the real ones (dotnet/dotnet-docker's src/{runtime-deps,runtime,aspnet}/<channel>/noble-chiseled*
# Dockerfiles): no shell, no package manager, user and group app (1654), "/" 0755, the same environment
# variables, /usr/share/dotnet with /usr/bin/dotnet linked to it, runtime's ENTRYPOINT/CMD; "-extra"
# adds ICU and tzdata. tests/Drydock.Sdk.Tests/BaseImagesLikeMicrosofts.cs checks each image against
# that list. Idempotent: images already in the registry are kept.
#   --check-only   exit 1 if any image is missing, build nothing
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime_dir="$(ls -d "$dotnet_root"/shared/Microsoft.NETCore.App/*/ | sort -V | tail -1)"
aspnet_dir="$(ls -d "$dotnet_root"/shared/Microsoft.AspNetCore.App/*/ | sort -V | tail -1)"
runtime_version="$(basename "$runtime_dir")"
aspnet_version="$(basename "$aspnet_dir")"
channel="${runtime_version%.*}"
flavours=(runtime-deps runtime aspnet)
families=(noble-chiseled noble-chiseled-extra)

# Images built by an older version of this script are rebuilt: the stamp is this script's hash.
stamp_file="$DRYDOCK_ROOT/artifacts/registry/base-images.stamp"
stamp="$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1) $runtime_version $aspnet_version"
[ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ] && stamped=1 || stamped=0

image_exists() {
  [ $stamped = 1 ] || return 1
  curl -fs -o /dev/null --max-time 5 \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
    "http://$DRYDOCK_TEST_REGISTRY/v2/dotnet/$1/manifests/$2"
}

if [ "${1:-}" = --check-only ]; then
  for f in "${flavours[@]}"; do for fam in "${families[@]}"; do
    image_exists "$f" "$channel-$fam" || exit 1
  done; done
  exit 0
fi

# The shared libraries a set of ELF files needs, as ldd resolves them on this host.
needed_libs() {
  ldd "$@" 2>/dev/null | awk '/=> \// { print $3 } /^[ \t]*\/lib/ { print $1 }' | sort -u
}

make_rootfs() { # flavour family dir
  local flavour=$1 family=$2 root=$3
  mkdir -p "$root"/usr/{bin,lib/x86_64-linux-gnu,lib64,share} "$root"/etc/ssl/certs "$root"/tmp "$root"/home/app
  ln -s usr/bin "$root/bin"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"
  chmod 1777 "$root/tmp"
  chown 1654:1654 "$root/home/app"
  printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654:app:/home/app:/sbin/nologin\n' > "$root/etc/passwd"
  printf 'root:x:0:\napp:x:1654:\n' > "$root/etc/group"
  [ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"

  # libssl/libcrypto (and ICU) are dlopen'ed by the runtime, so ldd does not list them.
  local elves=("$dotnet_root/dotnet" "$dotnet_root"/host/fxr/*/libhostfxr.so "$runtime_dir"/*.so
               /usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/x86_64-linux-gnu/libcrypto.so.3)
  local libs=(/usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/x86_64-linux-gnu/libcrypto.so.3)
  if [ "$family" = noble-chiseled-extra ]; then
    elves+=(/usr/lib/x86_64-linux-gnu/libicu{uc,i18n,data}.so.72)
    libs+=(/usr/lib/x86_64-linux-gnu/libicu{uc,i18n,data}.so.72)
    [ -d /usr/share/zoneinfo ] && cp -a /usr/share/zoneinfo "$root/usr/share/"
  fi
  local lib
  for lib in "${libs[@]}" $(needed_libs "${elves[@]}"); do
    case "$lib" in
      */ld-linux-x86-64.so.2) cp -L "$lib" "$root/usr/lib64/ld-linux-x86-64.so.2" ;;
      *) cp -L "$lib" "$root/usr/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
    esac
  done

  if [ "$flavour" != runtime-deps ]; then
    local dst="$root/usr/share/dotnet"
    mkdir -p "$dst/shared/Microsoft.NETCore.App"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dst/"
    cp -a "$runtime_dir" "$dst/shared/Microsoft.NETCore.App/"
    # As dotnet-docker's runtime Dockerfile: an absolute link, /usr/bin/dotnet -> /usr/share/dotnet/dotnet.
    ln -s /usr/share/dotnet/dotnet "$root/usr/bin/dotnet"
  fi
  if [ "$flavour" = aspnet ]; then
    mkdir -p "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
    cp -a "$aspnet_dir" "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
  fi
}

build_image() { # flavour family
  local flavour=$1 family=$2 tag="$channel-$2"
  local ref="$DRYDOCK_TEST_REGISTRY/dotnet/$flavour:$tag"
  image_exists "$flavour" "$tag" && return 0
  echo "eng/base-images: building $ref"
  local root; root="$(mktemp -d)"
  # mktemp makes 0700; the image's "/" must be 0755 or the non-root user reaches nothing (Docker's
  # vfs and rootless podman apply the mode of the layer's "./" entry).
  chmod 0755 "$root"
  make_rootfs "$flavour" "$family" "$root"
  [ ! -e "$root/bin/sh" ] || { echo "eng/base-images: $ref would contain a shell" >&2; exit 1; }
  [ -e "$root/usr/lib64/ld-linux-x86-64.so.2" ] || { echo "eng/base-images: $ref would lack the dynamic loader" >&2; exit 1; }
  # The environment of dotnet/dotnet-docker's runtime-deps Dockerfiles, which runtime and aspnet
  # inherit: APP_UID, ASPNETCORE_HTTP_PORTS (also for self-contained and AOT web apps),
  # DOTNET_RUNNING_IN_CONTAINER, and globalization-invariant mode where there is no ICU.
  local changes=(--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                 --change "ENV APP_UID=1654" --change "ENV ASPNETCORE_HTTP_PORTS=8080"
                 --change "ENV DOTNET_RUNNING_IN_CONTAINER=true"
                 --change "USER 1654")
  [ "$family" != noble-chiseled-extra ] && changes+=(--change "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true")
  # runtime (and aspnet, built on it) start `dotnet --info` by default, as Microsoft's do.
  [ "$flavour" != runtime-deps ] && changes+=(--change "ENV DOTNET_VERSION=$runtime_version"
                                              --change 'ENTRYPOINT ["/usr/bin/dotnet"]' --change 'CMD ["--info"]')
  [ "$flavour" = aspnet ] && changes+=(--change "ENV ASPNET_VERSION=$aspnet_version")
  tar --sort=name --numeric-owner --mtime=@0 -C "$root" -c . \
    | podman import --quiet "${changes[@]}" - "$ref" >/dev/null
  rm -rf "$root"
  podman push --quiet --tls-verify=false "$ref" >/dev/null
  podman rmi --force "$ref" >/dev/null 2>&1 || true
}

for f in "${flavours[@]}"; do for fam in "${families[@]}"; do build_image "$f" "$fam"; done; done
mkdir -p "$(dirname "$stamp_file")" && echo "$stamp" > "$stamp_file"
