// Verifies a Sigstore bundle (v0.3, DSSE) against a PEM public key with sigstore-js, offline:
// no TUF, no Rekor, no certificate authority (an empty trusted root, thresholds 0, a key finder).
// Usage: node verify-bundle.cjs BUNDLE.json PUBLIC.pem   (modules from $DRYDOCK_VERIFIERS/node_modules)
// Prints the statement on success; exits 1 with the verifier's error otherwise.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const crypto = require('node:crypto');
const modules = path.join(process.env.DRYDOCK_VERIFIERS || '', 'node_modules');
const { bundleFromJSON } = require(path.join(modules, '@sigstore/bundle'));
const { Verifier, toSignedEntity, toTrustMaterial } = require(path.join(modules, '@sigstore/verify'));

const [bundlePath, keyPath] = process.argv.slice(2);
try {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const publicKey = crypto.createPublicKey(fs.readFileSync(keyPath));
  const root = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const trust = toTrustMaterial(root, (hint) => ({ publicKey, validFor: () => true }));
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundle));
  process.stdout.write(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8'));
} catch (e) {
  process.stderr.write(`sigstore-js: ${e.name}: ${e.message}\n`);
  process.exit(1);
}
