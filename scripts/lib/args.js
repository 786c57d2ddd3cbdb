'use strict';
/** The value after `--name` on the command line, or `fallback` when the flag is absent. */
function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
module.exports = { arg };
