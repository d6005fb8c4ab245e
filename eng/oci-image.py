#!/usr/bin/python3
"""Makes a one-layer OCI image layout from a root file system tar on stdin, reproducibly.

    eng/oci-image.py [--arch amd64] [--change 'ENV K=V' ...] [--annotation k=v ...] OUT_DIR < rootfs.tar

Used by eng/base-images.sh and eng/service-images.sh instead of `podman import`, which writes the wall
clock into the config (`created`, `history`) and so gives a new digest on every run. Here every byte
follows from the input: the layer is gzip with no name and mtime 0, the config's times are the epoch
(1970-01-01, as Drydock's own images use a fixed epoch), and JSON is written with sorted keys.
`--change` takes the Dockerfile instructions `podman import --change` takes (ENV, USER, ENTRYPOINT,
CMD, EXPOSE, WORKDIR, STOPSIGNAL, LABEL); `--annotation` goes into the manifest's annotations, where
setup records what it built (OCI image spec, "Annotations"). Push the layout with
`skopeo copy oci:OUT_DIR docker://REF`, which keeps the manifest bytes.
"""
import argparse
import gzip
import hashlib
import json
import os
import shlex
import sys

EPOCH = "1970-01-01T00:00:00Z"


def apply_change(config, change):
    instruction, _, value = change.strip().partition(" ")
    instruction, value = instruction.upper(), value.strip()
    if instruction == "ENV":
        key = value.split("=", 1)[0]
        config["Env"] = [e for e in config.get("Env", []) if e.split("=", 1)[0] != key] + [value]
    elif instruction == "LABEL":
        key, _, label = value.partition("=")
        config.setdefault("Labels", {})[key] = label
    elif instruction == "USER":
        config["User"] = value
    elif instruction == "WORKDIR":
        config["WorkingDir"] = value
    elif instruction == "STOPSIGNAL":
        config["StopSignal"] = value
    elif instruction == "EXPOSE":
        port = value if "/" in value else value + "/tcp"
        config.setdefault("ExposedPorts", {})[port] = {}
    elif instruction in ("ENTRYPOINT", "CMD"):
        parsed = json.loads(value) if value.startswith("[") else ["/bin/sh", "-c", value]
        config["Entrypoint" if instruction == "ENTRYPOINT" else "Cmd"] = parsed
    else:
        sys.exit(f"eng/oci-image.py: unsupported change {shlex.quote(change)}")


def write_blob(layout, data, media_type):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    path = os.path.join(layout, "blobs", "sha256", digest[7:])
    with open(path, "wb") as blob:
        blob.write(data)
    return {"mediaType": media_type, "digest": digest, "size": len(data)}


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arch", default="amd64")
    parser.add_argument("--change", action="append", default=[])
    parser.add_argument("--annotation", action="append", default=[])
    parser.add_argument("layout")
    args = parser.parse_args()

    os.makedirs(os.path.join(args.layout, "blobs", "sha256"), exist_ok=True)
    tar = sys.stdin.buffer.read()
    # compresslevel 9 and mtime 0: the bytes depend on the tar and zlib alone.
    layer = write_blob(args.layout, gzip.compress(tar, compresslevel=9, mtime=0),
                       "application/vnd.oci.image.layer.v1.tar+gzip")

    config = {}
    for change in args.change:
        apply_change(config, change)
    image_config = {
        "architecture": args.arch,
        "os": "linux",
        "created": EPOCH,
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]},
        "history": [{"created": EPOCH, "created_by": "eng/oci-image.py"}],
    }
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": write_blob(args.layout, canonical(image_config), "application/vnd.oci.image.config.v1+json"),
        "layers": [layer],
    }
    annotations = dict(a.split("=", 1) for a in args.annotation)
    if annotations:
        manifest["annotations"] = annotations
    descriptor = write_blob(args.layout, canonical(manifest), manifest["mediaType"])
    with open(os.path.join(args.layout, "index.json"), "wb") as index:
        index.write(canonical({"schemaVersion": 2, "manifests": [descriptor]}))
    with open(os.path.join(args.layout, "oci-layout"), "wb") as marker:
        marker.write(canonical({"imageLayoutVersion": "1.0.0"}))
    print(descriptor["digest"])


if __name__ == "__main__":
    main()
