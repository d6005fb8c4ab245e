#!/usr/bin/env bash
# Builds offline stand-ins for Docker Hub's official postgres and redis images from Debian's packages
# and pushes them to the loopback registry, with docker.io replaced by $DRYDOCK_TEST_REGISTRY:
#   library/postgres:15   library/redis:7
# Image tests start an app's backing services with Testcontainers' PostgreSql and Redis modules; these
# images keep the parts of the official images' contract those modules and apps rely on (see
# docs/how-it-works.md, "Offline service images"). Unlike the app bases they carry a shell
# (busybox), which their entrypoints and Testcontainers' exec'd readiness checks need.
# Idempotent: images whose recorded stamp matches are kept (the record is a label on the pushed image,
# in the registry, not in one checkout: eng/setup-record.sh).
#   --check-only   exit 1 if any image is missing, build nothing
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/setup-record.sh"

say() { echo "eng/service-images: $*"; }

pg_major=15
images=("postgres:$pg_major" redis:7)
# The packages whose files the images hold; their shared libraries come from the lib* packages
# they depend on. libllvm14 and libz3-4 serve only the optional JIT, which the image leaves out.
packages=("postgresql-$pg_major" "postgresql-client-$pg_major" redis-tools busybox-static coreutils tzdata libc-bin)
skip_packages=(libllvm14 libz3-4)

# The versions apt would download ("package version" lines); apt-cache knows nothing before the
# first apt-get update on a fresh machine.
candidates() { apt-cache policy postgresql-$pg_major redis-tools 2>/dev/null | awk '/^[^ ]/ { p = $1 } /Candidate:/ && $2 != "(none)" { print p, $2 }'; }
versions="$(candidates)"
[ "$(wc -l <<<"$versions")" = 2 ] || { apt-get update -qq; versions="$(candidates)"; }
candidate() { awk -v p="$1:" '$1 == p { print $2 }' <<<"$versions"; }

# Images built by an older version of this script or from older packages are rebuilt.
stamp="$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1) $(tr '\n' ' ' <<<"$versions")"
stamp="${stamp% }"

image_exists() { [ "$(recorded_stamp "library/${1%%:*}" "${1#*:}")" = "$stamp" ]; } # name:tag

missing=()
for image in "${images[@]}"; do image_exists "$image" || missing+=("$image"); done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "${1:-}" = --check-only ] && exit 1

# The packages and every lib* package they depend on, transitively (apt-cache lists the rest too:
# perl, debconf, …, which the images do not need).
library_closure() {
  local -A seen=()
  local level=("$@") dependencies dependency
  while [ ${#level[@]} -gt 0 ]; do
    for dependency in "${level[@]}"; do seen[$dependency]=1; done
    # One apt-cache call per level: each call reads the whole package cache (seconds here).
    mapfile -t dependencies < <(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances "${level[@]}" | awk '/^ *(Pre)?Depends: [^<]/ { print $2 }' | sort -u)
    level=()
    for dependency in "${dependencies[@]}"; do
      case " ${skip_packages[*]} " in *" $dependency "*) continue ;; esac
      if [[ $dependency == lib* ]] && [ -z "${seen[$dependency]:-}" ]; then level+=("$dependency"); fi
    done
  done
  printf '%s\n' "${!seen[@]}" | sort
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
mkdir -p "$work/debs" "$stage"

mapfile -t closure < <(library_closure "${packages[@]}")
say "downloading ${#closure[@]} Debian packages"
if ! (cd "$work/debs" && apt-get download -qq "${closure[@]}") 2> "$work/download.log"; then
  grep -v 'Download is performed unsandboxed' "$work/download.log" >&2
  say "apt-get download failed (above); is a Debian mirror reachable?" >&2
  exit 1
fi
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$stage"; done

# The shared libraries a set of ELF files needs, resolved by ldd against the downloaded packages
# first (the host only fills in what they lack).
stage_libs="$stage/lib/x86_64-linux-gnu:$stage/usr/lib/x86_64-linux-gnu:$stage/usr/lib/postgresql/$pg_major/lib"
needed_libs() {
  local out
  out="$(LD_LIBRARY_PATH="$stage_libs" ldd "$@" 2>/dev/null || true)"
  if grep -q 'not found' <<<"$out"; then
    say "unresolved shared libraries: $(grep 'not found' <<<"$out" | sort -u | tr -s ' \t\n' ' ')" >&2
    exit 1
  fi
  awk '/=> \// { print $3 }' <<<"$out" | sort -u
}

# A merged-/usr skeleton with busybox as /bin/sh (and coreutils' install), the libraries the ELF files need and the
# dynamic loader from the downloaded libc6, and a service user with uid/gid 999 (the official images').
make_rootfs() { # root user home elf...
  local root=$1 user=$2 home=$3; shift 3
  mkdir -p "$root"/usr/{bin,lib/x86_64-linux-gnu,lib64,local/bin,share} "$root"/{etc,tmp,var/run}
  chmod 0755 "$root"
  ln -s usr/bin "$root/bin"; ln -s usr/bin "$root/sbin"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\n%s:x:999:999:%s:%s:/bin/sh\n' "$user" "$user" "$home" > "$root/etc/passwd"
  printf 'root:x:0:\n%s:x:999:\n' "$user" > "$root/etc/group"
  # glibc's resolver: /etc/hosts first (the engine writes the network aliases there or serves them by DNS).
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
  cp "$stage/bin/busybox" "$root/usr/bin/busybox"
  local applet
  for applet in sh cat chmod chown cp env grep id ls mkdir mktemp rm sleep; do
    ln -s busybox "$root/usr/bin/$applet"
  done
  # Debian's busybox has no install(1), which Testcontainers' PostgreSql TLS entrypoint runs.
  cp "$stage/usr/bin/install" "$root/usr/bin/install"
  cp -a "$stage/usr/lib/locale" "$root/usr/lib/"
  # (libc6's /lib64 entry is an absolute link, which would lead to the host's loader.)
  cp -L "$stage/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$root/usr/lib64/"
  local lib
  for lib in $(needed_libs "$@" "$root/usr/bin/install"); do
    case "$lib" in
      */ld-linux-x86-64.so.2) ;;
      *) cp -L "$lib" "$root/usr/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
    esac
  done
}

# Docker Hub's postgres entrypoint contract: initdb on an empty PGDATA with POSTGRES_USER,
# POSTGRES_PASSWORD and POSTGRES_DB, scripts from /docker-entrypoint-initdb.d, then the server on
# every address with password (scram-sha-256) auth from other hosts; "-c …" arguments go to postgres.
postgres_entrypoint() {
  cat <<'SH'
#!/bin/sh
set -eu
case "${1:-}" in -*) set -- postgres "$@" ;; esac
if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo "error: the database is not initialized and POSTGRES_PASSWORD is empty: set it (or POSTGRES_HOST_AUTH_METHOD=trust)" >&2
    exit 1
  fi
  mkdir -p "$PGDATA"
  chmod 0700 "$PGDATA"
  pwfile="$(mktemp)"
  printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$pwfile"
  pwarg="--pwfile=$pwfile"
  [ -n "${POSTGRES_PASSWORD:-}" ] || pwarg=
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of arguments, as in the official image
  initdb --username="$POSTGRES_USER" $pwarg --auth-local=trust --auth-host=trust ${POSTGRES_INITDB_ARGS:-}
  rm -f "$pwfile"
  printf 'host all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
  # Set up on the unix socket only: nothing answers on TCP (where readiness is checked) before the
  # database and the init scripts are done.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  if [ "$POSTGRES_DB" != postgres ]; then
    echo 'CREATE DATABASE :"db";' | psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname postgres --set db="$POSTGRES_DB"
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sh) . "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "PostgreSQL init process complete; ready for start up."
fi
exec "$@"
SH
}

# Docker Hub's redis entrypoint contract: options or a config file as arguments go to redis-server,
# and protected mode is off unless the config file sets it (the container's network is the boundary).
redis_entrypoint() {
  cat <<'SH'
#!/bin/sh
set -eu
case "${1:-}" in -*|*.conf) set -- redis-server "$@" ;; esac
if [ "${1:-}" = redis-server ]; then
  shift
  if [ -f "${1:-}" ]; then
    conf=$1; shift
    grep -q '^protected-mode' "$conf" || set -- --protected-mode no "$@"
    set -- "$conf" "$@"
  else
    set -- --protected-mode no "$@"
  fi
  set -- redis-server "$@"
fi
exec "$@"
SH
}

build_postgres() { # root
  local root=$1 pg=/usr/lib/postgresql/$pg_major
  mkdir -p "$root$pg" "$root/usr/share/postgresql"
  cp -a "$stage$pg/bin" "$root$pg/"
  cp -a "$stage$pg/lib" "$root$pg/"
  rm -rf "$root$pg"/lib/llvmjit* "$root$pg/lib/bitcode"
  cp -a "$stage/usr/share/postgresql/$pg_major" "$root/usr/share/postgresql/"
  cp -a "$stage/usr/share/zoneinfo" "$root/usr/share/"
  # initdb runs locale(1) to import the system's collations.
  mkdir -p "$root/usr/bin"
  cp -a "$stage/usr/bin/locale" "$root/usr/bin/"
  make_rootfs "$root" postgres /var/lib/postgresql "$root$pg"/bin/* "$root$pg"/lib/*.so "$root/usr/bin/locale"
  mkdir -p "$root/var/lib/postgresql/data" "$root/var/run/postgresql" "$root/docker-entrypoint-initdb.d"
  chown -R 999:999 "$root/var/lib/postgresql" "$root/var/run/postgresql"
  chmod 0700 "$root/var/lib/postgresql/data"
  chmod 2777 "$root/var/run/postgresql"
  postgres_entrypoint > "$root/usr/local/bin/docker-entrypoint.sh"
  chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"
  local version; version="$(candidate postgresql-$pg_major)"
  changes=(--change "ENV PATH=$pg/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
           --change "ENV LANG=C.UTF-8" --change "ENV PG_MAJOR=$pg_major" --change "ENV PG_VERSION=${version%%-*}"
           --change "ENV PGDATA=/var/lib/postgresql/data"
           --change "USER 999:999" --change "EXPOSE 5432" --change "STOPSIGNAL SIGINT"
           --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["postgres"]')
}

build_redis() { # root
  local root=$1
  mkdir -p "$root/usr/bin"
  cp -a "$stage/usr/bin/redis-check-rdb" "$stage/usr/bin/redis-cli" "$root/usr/bin/"
  make_rootfs "$root" redis /data "$root/usr/bin/redis-check-rdb" "$root/usr/bin/redis-cli"
  # Debian's one redis binary acts by the name it is started as.
  ln -s redis-check-rdb "$root/usr/bin/redis-server"
  mkdir -p "$root/data"
  chown 999:999 "$root/data"
  redis_entrypoint > "$root/usr/local/bin/docker-entrypoint.sh"
  chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"
  local version; version="$(candidate redis-tools)"
  version="${version#*:}"
  changes=(--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
           --change "ENV REDIS_VERSION=${version%%-*}"
           --change "USER 999:999" --change "WORKDIR /data" --change "EXPOSE 6379"
           --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["redis-server"]')
}

for image in "${missing[@]}"; do
  ref="$DRYDOCK_TEST_REGISTRY/library/$image"
  say "building $ref"
  root="$work/${image%%:*}"
  mkdir -p "$root"
  changes=()
  "build_${image%%:*}" "$root"
  changes+=(--change "LABEL io.drydock.setup.stamp=$stamp")
  [ -e "$root/usr/lib64/ld-linux-x86-64.so.2" ] || { say "$ref would lack the dynamic loader" >&2; exit 1; }
  tar --sort=name --numeric-owner --mtime=@0 -C "$root" -c . \
    | podman import --quiet "${changes[@]}" - "$ref" >/dev/null
  podman push --quiet --tls-verify=false "$ref" >/dev/null
  podman rmi --force "$ref" >/dev/null 2>&1 || true
done
