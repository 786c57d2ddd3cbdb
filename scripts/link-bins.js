#!/usr/bin/env node
// tsc writes dist/ files without the executable bit, and npm links workspace bins before `prepare`
// builds them: make every package's bin targets executable so `npx gc-*` runs them directly.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { workspaces } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
for (const ws of workspaces) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, ws, 'package.json'), 'utf8'));
  for (const target of Object.values(pkg.bin ?? {})) {
    const file = path.join(root, ws, target);
    if (fs.existsSync(file)) fs.chmodSync(file, 0o755);
  }
}
