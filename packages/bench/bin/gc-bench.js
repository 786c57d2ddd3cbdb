#!/usr/bin/env node
// gc-bench launcher: committed (so npm can link it before the build), runs the compiled CLI in dist/.
'use strict';
let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/main.js')) {
    process.stderr.write('error[E_INTERNAL]: gc-bench is not built yet\n  hint: run `npm run build` (npm ci and npm test do it)\n');
    process.exit(1);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
