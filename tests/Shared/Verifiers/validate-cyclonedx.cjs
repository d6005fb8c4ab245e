// Validates CycloneDX JSON files with the CycloneDX project's own library (eng/verifiers), so Drydock's
// SBOMs are judged by the schema's authors' code, not by Drydock's reader.
//   node validate-cyclonedx.cjs SPEC_VERSION FILE...   (NODE_PATH=$DRYDOCK_VERIFIERS/node_modules)
// Prints "valid FILE" per file; "invalid FILE: <errors as JSON>" to stderr and exits 1 if any is invalid.
'use strict';
const fs = require('fs');
const CDX = require('@cyclonedx/cyclonedx-library');

async function main() {
  const [version, ...files] = process.argv.slice(2);
  let failed = false;
  for (const file of files) {
    const errors = await new CDX.Validation.JsonStrictValidator(version).validate(fs.readFileSync(file, 'utf8'));
    if (errors === null) {
      console.log(`valid ${file}`);
    } else {
      failed = true;
      console.error(`invalid ${file}: ${JSON.stringify(errors)}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch(e => { console.error(e); process.exit(2); });
