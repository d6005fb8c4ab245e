"""Verifies the DSSE envelope of a Sigstore bundle (or a bare envelope) against a PEM public key with
Debian's securesystemslib, a second implementation beside sigstore-js. The PAE is built here from the DSSE
protocol (https://github.com/secure-systems-lab/dsse/blob/master/protocol.md), not taken from Drydock, and
the key id must be the SHA-256 of the key's DER SubjectPublicKeyInfo.
Usage: /usr/bin/python3 verify-dsse.py BUNDLE.json PUBLIC.pem   (prints the payload; exit 1 on failure)"""
import base64
import hashlib
import json
import sys

from cryptography.hazmat.primitives import serialization
from securesystemslib.signer import Signature, SSlibKey

bundle_path, key_path = sys.argv[1], sys.argv[2]
with open(bundle_path, encoding="utf-8") as f:
    document = json.load(f)
envelope = document.get("dsseEnvelope", document)
with open(key_path, encoding="utf-8") as f:
    pem = f.read()
der = serialization.load_pem_public_key(pem.encode()).public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
keyid = hashlib.sha256(der).hexdigest()
payload = base64.b64decode(envelope["payload"])
payload_type = envelope["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type, len(payload), payload)
key = SSlibKey(keyid, "ecdsa", "ecdsa-sha2-nistp256", {"public": pem})
signatures = envelope.get("signatures") or []
if not signatures:
    print("securesystemslib: no signatures", file=sys.stderr)
    sys.exit(1)
try:
    for entry in signatures:
        if entry.get("keyid") != keyid:
            raise ValueError(f"keyid {entry.get('keyid')} is not the key's {keyid}")
        key.verify_signature(Signature(keyid, base64.b64decode(entry["sig"]).hex()), pae)
except Exception as e:  # noqa: BLE001 - any failure is a verification failure
    print(f"securesystemslib: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
sys.stdout.write(payload.decode("utf-8"))
