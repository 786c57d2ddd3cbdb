// Shared by the gc-edge bins (committed, so npm can link them before the build): runs the package's
// compiled CLI in dist/, or says how to build it.
'use strict';
const path = require('node:path');

module.exports = function launch(name, packageDir) {
  const entry = path.join(packageDir, 'dist', 'cli', 'main.js');
  let cli;
  try {
    cli = require(entry);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(entry)) {
      process.stderr.write(`error[E_INTERNAL]: ${name} is not built yet\n  hint: run \`npm run build\` (npm ci and npm test do it)\n`);
      process.exit(1);
    }
    throw e;
  }
  cli.main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
};
