// Preloaded with `node -r`: on exit, writes this process's peak RSS (KiB) and CPU time to the file in
// GC_USAGE_FILE, so a benchmark can measure a whole CLI process from the outside.
'use strict';
const fs = require('node:fs');
const out = process.env.GC_USAGE_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(out, JSON.stringify({ maxRssKiB: u.maxRSS, userUs: u.userCPUTime, systemUs: u.systemCPUTime }));
  });
}
