#!/usr/bin/env bash
# Builds offline stand-ins for Microsoft's chiseled .NET base images from the host's .NET install and
# pushes them to the loopback registry under the names the SDK computes, with mcr.microsoft.com
# replaced by $DRYDOCK_TEST_REGISTRY:
#   dotnet/runtime-deps, dotnet/runtime, dotnet/aspnet  :  <major.minor>-noble-chiseled[-extra]
# Like the real ones (dotnet/dotnet-docker's src/{runtime-deps,runtime,aspnet}/<channel>/noble-chiseled*
# Dockerfiles): no shell, no package manager, user and group app (1654), "/" 0755, the same environment
# variables, /usr/share/dotnet with /usr/bin/dotnet linked to it, runtime's ENTRYPOINT/CMD; "-extra"
# adds ICU and tzdata. Like Microsoft's (whose chisel-wrapper writes one for the slices an image holds),
# each carries /var/lib/dpkg/status with the stanzas of the Debian packages whose files it holds, so
# SBOM tools see the same world offline as online. tests/Drydock.Sdk.Tests/BaseImagesLikeMicrosofts.cs
# checks each image against that list.
# Reproducible: the same inputs give the same digests (eng/oci-image.py, not `podman import`, which
# stamps the wall clock), so a second checkout on this machine sees the images it would build.
# Idempotent: images whose recorded stamp (eng/setup-record.sh: an annotation on the pushed manifest,
# in the registry, not in one checkout) matches are kept.
#   --check-only   exit 1 if any image is missing, build nothing
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/setup-record.sh"

dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime_dir="$(ls -d "$dotnet_root"/shared/Microsoft.NETCore.App/*/ | sort -V | tail -1)"
aspnet_dir="$(ls -d "$dotnet_root"/shared/Microsoft.AspNetCore.App/*/ | sort -V | tail -1)"
runtime_version="$(basename "$runtime_dir")"
aspnet_version="$(basename "$aspnet_dir")"
channel="${runtime_version%.*}"
flavours=(runtime-deps runtime aspnet)
families=(noble-chiseled noble-chiseled-extra)

# Images built by another version of these scripts or from other host packages are rebuilt: the stamp
# names the scripts' hash, the runtime versions and the versions of the host packages the images copy.
host_packages=(libc6 libgcc-s1 libstdc++6 libssl3 zlib1g libicu72 tzdata ca-certificates)
stamp="$(cat "${BASH_SOURCE[0]}" "$DRYDOCK_ROOT/eng/oci-image.py" "$DRYDOCK_ROOT/eng/setup-record.sh" | sha256sum | cut -d' ' -f1)"
stamp+=" $runtime_version $aspnet_version $(dpkg-query -W -f '${Package}=${Version} ' "${host_packages[@]}" 2>/dev/null)"
stamp="${stamp% }"

image_exists() { [ "$(recorded_stamp "dotnet/$1" "$2")" = "$stamp" ]; }

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

# The Debian packages that own host files (dpkg -S), each path tried as given, resolved, and under the
# other half of merged /usr (Debian 12's database still names /lib/x86_64-linux-gnu/libc.so.6).
owning_packages() { # path...
  local path candidates=()
  for path in "$@" $(readlink -f "$@"); do
    case "$path" in
      /usr/*) candidates+=("$path" "${path#/usr}") ;;
      *) candidates+=("$path" "/usr$path") ;;
    esac
  done
  { dpkg -S "${candidates[@]}" 2>/dev/null || true; } | grep -v '^diversion ' | sed 's/: \/.*//' \
    | tr ',' '\n' | sed 's/^ *//; s/:.*//' | sort -u
}

# /var/lib/dpkg/status for the packages an image holds, as chisel-wrapper writes it for Microsoft's
# chiseled images (canonical/rocks-toolbox): one stanza per package, from the host's database here.
# ca-certificates.crt belongs to no package (update-ca-certificates makes it): its package is named.
dpkg_status() { # root package...
  local root=$1; shift
  mkdir -p "$root/var/lib/dpkg"
  local package
  for package in $(printf '%s\n' "$@" | sort -u); do
    dpkg-query -s "$package" | grep -v '^Conffiles:\|^ /'
    echo
  done > "$root/var/lib/dpkg/status"
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
  # The distribution's identity, as chiseled images carry it (base-files' release-info slice).
  cp /usr/lib/os-release "$root/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$root/etc/os-release"

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
  local copied=(/usr/lib/os-release)
  for lib in "${libs[@]}" $(needed_libs "${elves[@]}"); do
    case "$lib" in
      */ld-linux-x86-64.so.2) cp -L "$lib" "$root/usr/lib64/ld-linux-x86-64.so.2" ;;
      *) cp -L "$lib" "$root/usr/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
    esac
    copied+=("$lib")
  done
  [ "$family" = noble-chiseled-extra ] && [ -d /usr/share/zoneinfo ] && copied+=(/usr/share/zoneinfo/UTC)
  dpkg_status "$root" ca-certificates $(owning_packages "${copied[@]}")

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
  tar --sort=name --numeric-owner --mtime=@0 -C "$root" -c . | push_rootfs "$ref" "$stamp" "${changes[@]}"
  rm -rf "$root"
}

for f in "${flavours[@]}"; do for fam in "${families[@]}"; do build_image "$f" "$fam"; done; done

# ---------------------------------------------------------------------------------------------------
# linux-arm64: the same images for arm64, and multi-platform indexes of both.
#   $DRYDOCK_TEST_REGISTRY/dotnet/<flavour>:<tag>-arm64         the arm64 image alone
#   $DRYDOCK_TEST_REGISTRY/multiarch/dotnet/<flavour>:<tag>      an OCI index: linux/amd64 (the image
#                                                                above, copied) + linux/arm64
# -p:DrydockBaseRegistry=$DRYDOCK_TEST_REGISTRY/multiarch makes the SDK pick its bases there, for
# ContainerRuntimeIdentifiers="linux-x64;linux-arm64". The x64 tags stay single-platform images.
# Built from NuGet's arm64 runtime packs (Microsoft.NETCore.App.Runtime.linux-arm64,
# Microsoft.AspNetCore.App.Runtime.linux-arm64, of the host's runtime versions) and Debian's arm64
# packages (apt-get download PKG:arm64); no package holds an arm64 `dotnet` executable, so
# eng/base-images/muxer.c (30 lines over hostfxr) is cross-compiled for it. Same user, environment
# and labels as the x64 images. Skipped, with a note, where arm64 packages cannot be had.
# ---------------------------------------------------------------------------------------------------
arm64_stamp="$stamp $(sha256sum "$(dirname "${BASH_SOURCE[0]}")/base-images/muxer.c" | cut -d' ' -f1)"

arm64_prerequisites() {
  [ "$(id -u)" = 0 ] || { echo "eng/base-images: not root; arm64 base images skipped" >&2; return 1; }
  dpkg --print-foreign-architectures | grep -qx arm64 || { dpkg --add-architecture arm64 && apt-get update -qq; }
  command -v aarch64-linux-gnu-gcc >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc-aarch64-linux-gnu libc6-dev-arm64-cross >/dev/null
}

# The arm64 runtime packs, restored by NuGet's own client into a folder of ours.
arm64_runtime_packs() { # dir
  local dir=$1
  mkdir -p "$dir"
  cat > "$dir/packs.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net$channel</TargetFramework></PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Microsoft.NETCore.App.Runtime.linux-arm64" Version="[$runtime_version]" />
    <PackageDownload Include="Microsoft.AspNetCore.App.Runtime.linux-arm64" Version="[$aspnet_version]" />
  </ItemGroup>
</Project>
XML
  dotnet restore "$dir/packs.csproj" --packages "$dir/packages" -nologo -v:q >/dev/null
}

# Debian's arm64 libraries the runtime needs (the same set ldd finds on x64), unpacked into a root.
arm64_debs() { # root family
  local root=$1 family=$2 work; work="$(mktemp -d)"
  chown _apt "$work" 2>/dev/null || true # apt-get download fetches as _apt
  local packages=(libc6 libgcc-s1 libstdc++6 libssl3 zlib1g base-files)
  [ "$family" = noble-chiseled-extra ] && packages+=(libicu72)
  (cd "$work" && apt-get download -qq "${packages[@]/%/:arm64}" >/dev/null)
  local deb
  mkdir -p "$root/var/lib/dpkg"
  # The status stanzas from the packages' own control files, as chisel-wrapper makes them.
  for deb in "$work"/*.deb; do
    dpkg-deb -x "$deb" "$work/x"
    { echo 'Status: install ok installed'; dpkg-deb -f "$deb"; echo; } >> "$work/status"
  done
  for deb in ca-certificates $([ "$family" = noble-chiseled-extra ] && echo tzdata); do
    { dpkg-query -s "$deb" | grep -v '^Conffiles:\|^ /'; echo; } >> "$work/status"
  done
  cp "$work/status" "$root/var/lib/dpkg/status"
  mkdir -p "$root/usr/lib/aarch64-linux-gnu" "$root/usr/lib"
  # Debian 12's packages still place some libraries (libc6, libgcc-s1) under /lib: the image's /lib is /usr/lib.
  local d
  for d in "$work"/x/lib/aarch64-linux-gnu "$work"/x/usr/lib/aarch64-linux-gnu; do
    [ -d "$d" ] && cp -a "$d"/. "$root/usr/lib/aarch64-linux-gnu/"
  done
  cp "$work/x/usr/lib/os-release" "$root/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$root/etc/os-release"
  cp -a "$work"/x/usr/lib/ld-linux-aarch64.so.1 "$root/usr/lib/" 2>/dev/null || cp -aL "$work"/x/lib/ld-linux-aarch64.so.1 "$root/usr/lib/"
  # What a chiseled image does not carry: gconv, audit, pkg docs.
  rm -rf "$root/usr/lib/aarch64-linux-gnu/gconv" "$root/usr/lib/aarch64-linux-gnu/audit"
  rm -rf "$work"
}

build_arm64_image() { # flavour family packs
  local flavour=$1 family=$2 packs=$3 tag="$channel-$2"
  local ref="$DRYDOCK_TEST_REGISTRY/dotnet/$flavour:$tag-arm64"
  echo "eng/base-images: building $ref"
  local root; root="$(mktemp -d)"
  chmod 0755 "$root"
  mkdir -p "$root"/usr/{bin,lib,share} "$root"/etc/ssl/certs "$root"/tmp "$root"/home/app
  ln -s usr/bin "$root/bin"; ln -s usr/lib "$root/lib"
  chmod 1777 "$root/tmp"
  chown 1654:1654 "$root/home/app"
  printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654:app:/home/app:/sbin/nologin\n' > "$root/etc/passwd"
  printf 'root:x:0:\napp:x:1654:\n' > "$root/etc/group"
  [ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  [ "$family" = noble-chiseled-extra ] && [ -d /usr/share/zoneinfo ] && cp -a /usr/share/zoneinfo "$root/usr/share/"
  arm64_debs "$root" "$family"
  if [ "$flavour" != runtime-deps ]; then
    local dst="$root/usr/share/dotnet" pack="$packs/packages/microsoft.netcore.app.runtime.linux-arm64/$runtime_version/runtimes/linux-arm64"
    mkdir -p "$dst/shared/Microsoft.NETCore.App/$runtime_version" "$dst/host/fxr/$runtime_version"
    cp -a "$pack"/lib/net*/. "$pack"/native/. "$dst/shared/Microsoft.NETCore.App/$runtime_version/"
    mv "$dst/shared/Microsoft.NETCore.App/$runtime_version/libhostfxr.so" "$dst/host/fxr/$runtime_version/"
    cp "$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version/Microsoft.NETCore.App.deps.json" "$dst/shared/Microsoft.NETCore.App/$runtime_version/" 2>/dev/null || true
    sed -i 's/linux-x64/linux-arm64/g' "$dst/shared/Microsoft.NETCore.App/$runtime_version/Microsoft.NETCore.App.deps.json" 2>/dev/null || true
    aarch64-linux-gnu-gcc -O2 -o "$dst/dotnet" "$(dirname "${BASH_SOURCE[0]}")/base-images/muxer.c" -ldl
    ln -s ../share/dotnet/dotnet "$root/usr/bin/dotnet"
  fi
  if [ "$flavour" = aspnet ]; then
    local aspnet="$packs/packages/microsoft.aspnetcore.app.runtime.linux-arm64/$aspnet_version/runtimes/linux-arm64"
    mkdir -p "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App/$aspnet_version"
    cp -a "$aspnet"/lib/net*/. "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App/$aspnet_version/"
    cp "$aspnet_dir"/Microsoft.AspNetCore.App.{deps,runtimeconfig}.json "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App/$aspnet_version/" 2>/dev/null || true
    sed -i 's/linux-x64/linux-arm64/g' "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App/$aspnet_version/Microsoft.AspNetCore.App.deps.json" 2>/dev/null || true
  fi
  [ ! -e "$root/bin/sh" ] || { echo "eng/base-images: $ref would contain a shell" >&2; exit 1; }
  local changes=(--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                 --change "ENV APP_UID=1654" --change "ENV ASPNETCORE_HTTP_PORTS=8080"
                 --change "ENV DOTNET_RUNNING_IN_CONTAINER=true"
                 --change "USER 1654")
  [ "$family" != noble-chiseled-extra ] && changes+=(--change "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true")
  [ "$flavour" != runtime-deps ] && changes+=(--change "ENV DOTNET_VERSION=$runtime_version")
  [ "$flavour" = aspnet ] && changes+=(--change "ENV ASPNET_VERSION=$aspnet_version")
  tar --sort=name --numeric-owner --mtime=@0 -C "$root" -c . | push_rootfs "$ref" "$arm64_stamp" --arch arm64 "${changes[@]}"
  rm -rf "$root"

  # The index: both platforms under the x64 image's name, in the multiarch/ namespace.
  # Assembled under a local name of its own: the pushed name may already be an image here (a pull of
  # the index gives the host's image that name), which `manifest create` refuses.
  local list="$DRYDOCK_TEST_REGISTRY/multiarch/dotnet/$flavour:$tag" local_list="localhost/drydock-base-index:$flavour-$tag"
  podman manifest rm "$local_list" >/dev/null 2>&1 || true
  podman manifest create "$local_list" >/dev/null
  podman manifest add --tls-verify=false "$local_list" "docker://$DRYDOCK_TEST_REGISTRY/dotnet/$flavour:$tag" >/dev/null
  podman manifest add --tls-verify=false "$local_list" "docker://$ref" >/dev/null
  podman manifest push --quiet --all --format oci --tls-verify=false "$local_list" "docker://$list" >/dev/null
  podman manifest rm "$local_list" >/dev/null 2>&1 || true
}

# Runs arm64 images on this x64 machine: qemu-user-static, registered with binfmt_misc (flag F, so
# it also works inside containers). Where that cannot be done (no root, no binfmt_misc), arm64
# images are built and pushed but not run.
arm64_emulation() {
  [ "$(uname -m)" = aarch64 ] && return 0
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && return 0
  [ "$(id -u)" = 0 ] || { echo "eng/base-images: not root; arm64 emulation not registered" >&2; return 0; }
  [ -e /usr/lib/binfmt.d/qemu-aarch64.conf ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null || return 0
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register 2>/dev/null \
    || echo "eng/base-images: binfmt_misc refused qemu-aarch64; arm64 images will not run here" >&2
}

build_arm64_images() {
  arm64_emulation
  if [ "$(recorded_stamp dotnet/aspnet "$channel-noble-chiseled-extra-arm64")" = "$arm64_stamp" ] \
     && curl -fs -o /dev/null --max-time 5 -H 'Accept: application/vnd.oci.image.index.v1+json' \
          "http://$DRYDOCK_TEST_REGISTRY/v2/multiarch/dotnet/aspnet/manifests/$channel-noble-chiseled-extra"; then
    return 0
  fi
  arm64_prerequisites || return 0
  local packs; packs="$(mktemp -d)"
  arm64_runtime_packs "$packs"
  for f in "${flavours[@]}"; do for fam in "${families[@]}"; do build_arm64_image "$f" "$fam" "$packs"; done; done
  rm -rf "$packs"
}

build_arm64_images
