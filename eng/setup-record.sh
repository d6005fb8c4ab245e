# Sourced by eng/base-images.sh and eng/service-images.sh: setup's record of what it built lives in the
# registry it built into, as io.drydock.setup.stamp on each image it pushed (a manifest annotation,
# OCI image spec "Annotations", for the base images; a config label for the service images, which
# `podman import` builds), so every checkout on the machine (and CI's fresh clone) sees the same record. A stamp names the inputs (the script's hash, the host's package and runtime versions);
# an image whose recorded stamp differs is rebuilt.

# The stamp recorded on REPO:TAG in $DRYDOCK_TEST_REGISTRY, empty when there is none (or no image).
recorded_stamp() { # repo tag
  local manifest stamp config
  manifest="$(curl -fs --max-time 5 \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
    "http://$DRYDOCK_TEST_REGISTRY/v2/$1/manifests/$2" 2>/dev/null)" || return 0
  stamp="$(jq -r '.annotations["io.drydock.setup.stamp"] // empty' <<<"$manifest" 2>/dev/null || true)"
  if [ -z "$stamp" ] && config="$(jq -r '.config.digest // empty' <<<"$manifest" 2>/dev/null)" && [ -n "$config" ]; then
    stamp="$(curl -fs --max-time 5 "http://$DRYDOCK_TEST_REGISTRY/v2/$1/blobs/$config" 2>/dev/null \
      | jq -r '.config.Labels["io.drydock.setup.stamp"] // empty' 2>/dev/null || true)"
  fi
  echo "$stamp"
}

# Pushes a root file system tar (stdin) as a reproducible one-layer image with the stamp recorded on it.
push_rootfs() { # ref stamp [eng/oci-image.py options...]
  local ref=$1 stamp=$2 layout; shift 2
  layout="$(mktemp -d)"
  /usr/bin/python3 "$DRYDOCK_ROOT/eng/oci-image.py" "$@" --annotation "io.drydock.setup.stamp=$stamp" "$layout" >/dev/null
  skopeo copy --quiet --dest-tls-verify=false "oci:$layout" "docker://$ref" >/dev/null
  rm -rf "$layout"
}
