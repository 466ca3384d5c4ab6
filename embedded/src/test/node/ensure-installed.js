// Runs `npm ci` (the committed lock file, exact versions) unless node_modules already holds every
// package of package-lock.json at its locked version. `npm ci` deletes node_modules first, so the
// check keeps a second build in the same checkout from pulling the package away from a test that
// is running. Invoked by the embedded module's build (exec-maven-plugin, generate-test-resources).
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

function missingPackages() {
  const lock = JSON.parse(fs.readFileSync(path.join(__dirname, 'package-lock.json'), 'utf8'));
  const missing = [];
  for (const [location, entry] of Object.entries(lock.packages || {})) {
    if (location === '') {
      continue;
    }
    const manifest = path.join(__dirname, location, 'package.json');
    let installed = null;
    try {
      installed = JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
    } catch (error) {
      installed = null;
    }
    if (installed !== entry.version) {
      missing.push(`${location}@${entry.version} (found ${installed})`);
    }
  }
  return missing;
}

const missing = missingPackages();
if (missing.length === 0) {
  console.log('node_modules matches package-lock.json; skipping npm ci');
  process.exit(0);
}
console.log(`npm ci: ${missing.length} package(s) missing or different, e.g. ${missing[0]}`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(
  npm,
  ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
  { cwd: __dirname, stdio: 'inherit' });
if (result.error) {
  console.error(`cannot run npm: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status === null ? 1 : result.status);
