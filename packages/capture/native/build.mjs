#!/usr/bin/env node
// Builds the live-capture addon (build/Release/shoal_capture.node) with node-gyp, offline.
//
// Run by `npm ci` / `npm install` (the package's `install` script) and by
// `npm run build:native -w @shoal/capture`.
//
// node-gyp downloads Node's headers unless it is given --nodedir. We always give it one:
//   1. $npm_config_nodedir or /usr, or the prefix of the running node, when it holds
//      include/node/common.gypi (Debian's and nodesource's nodejs packages ship it);
//   2. otherwise a stand-in directory made here from the npm package node-api-headers and a
//      minimal common.gypi (Node-API addons need no V8 or libuv headers).
// binding.gyp puts node-api-headers' include folder first in any case (SHOAL_NAPI_INCLUDE).
//
// Needs python3, make, gcc and Debian's libpcap-dev. SHOAL_SKIP_NATIVE=1 skips the build
// (live capture then reports that the addon is missing; capture files still work).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(packageDir, 'package.json'));

function fail(message) {
  console.error(`@shoal/capture: cannot build the live-capture addon: ${message}`);
  console.error(
    '@shoal/capture: it needs the Debian packages libpcap-dev, make, gcc/g++ and python3 ' +
      '(apt-get install libpcap-dev make g++ python3); SHOAL_SKIP_NATIVE=1 skips it.',
  );
  process.exit(1);
}

if (process.env.SHOAL_SKIP_NATIVE === '1') {
  console.error('@shoal/capture: SHOAL_SKIP_NATIVE=1, not building the live-capture addon');
  process.exit(0);
}

if (!fs.existsSync('/usr/include/pcap/pcap.h')) fail('/usr/include/pcap/pcap.h is missing');

function hasCommonGypi(dir) {
  return dir !== '' && fs.existsSync(path.join(dir, 'include', 'node', 'common.gypi'));
}

/** A directory node-gyp accepts as --nodedir, never a download. */
function nodeDir() {
  const candidates = [
    process.env.SHOAL_FORCE_STUB_NODEDIR === '1' ? '' : process.env.npm_config_nodedir ?? '',
    process.env.SHOAL_FORCE_STUB_NODEDIR === '1' ? '' : '/usr',
    process.env.SHOAL_FORCE_STUB_NODEDIR === '1' ? '' : path.resolve(path.dirname(process.execPath), '..'),
  ];
  for (const dir of candidates) if (hasCommonGypi(dir)) return dir;

  let headers;
  try {
    headers = require('node-api-headers').include_dir;
  } catch {
    fail('no Node headers with common.gypi found and the npm package node-api-headers is not installed');
  }
  const stub = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-nodedir-'));
  const include = path.join(stub, 'include', 'node');
  fs.mkdirSync(include, { recursive: true });
  for (const name of fs.readdirSync(headers)) fs.copyFileSync(path.join(headers, name), path.join(include, name));
  // The little of Node's common.gypi that a C Node-API addon needs.
  fs.writeFileSync(
    path.join(include, 'common.gypi'),
    "{ 'variables': { 'asan%': 0, 'ubsan%': 0, 'visibility%': 'hidden', 'node_shared%': 'false'," +
      " 'node_module_version%': '', 'node_use_openssl%': 'true', 'node_shared_openssl%': 'false'," +
      " 'node_engine%': 'v8', 'library%': 'static_library', 'component%': 'static_library' }," +
      " 'target_defaults': { 'default_configuration': 'Release'," +
      " 'configurations': { 'Release': { 'cflags': ['-O3'] }, 'Debug': { 'cflags': ['-g', '-O0'] } }," +
      " 'cflags': ['-pthread', '-fPIC'], 'ldflags': ['-pthread'] } }\n",
  );
  fs.writeFileSync(path.join(include, 'config.gypi'), "{ 'target_defaults': {}, 'variables': {} }\n");
  process.on('exit', () => fs.rmSync(stub, { recursive: true, force: true }));
  return stub;
}

/** npm's own node-gyp: npm names it in npm_config_node_gyp for lifecycle scripts. */
function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp ?? '',
    path.resolve(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  for (const file of candidates) if (file !== '' && fs.existsSync(file)) return file;
  fail("node-gyp not found (it comes with npm: run this through `npm run build:native`)");
}

/** node_api.h from node-api-headers, else (a production install without dev dependencies)
 * from the node directory's own headers. binding.gyp reads it from SHOAL_NAPI_INCLUDE. */
function napiInclude(dir) {
  try {
    return require('node-api-headers').include_dir;
  } catch {
    const own = path.join(dir, 'include', 'node');
    if (fs.existsSync(path.join(own, 'node_api.h'))) return own;
    return fail('node_api.h not found: install the npm package node-api-headers');
  }
}

const dir = nodeDir();
const include = napiInclude(dir);
const gyp = nodeGypScript();
const args = [gyp, 'rebuild', `--nodedir=${dir}`, '--jobs=2'];
if (process.env.SHOAL_NATIVE_DEBUG === '1') args.push('--debug');
console.error(`@shoal/capture: node-gyp rebuild --nodedir=${dir} (Node-API headers: ${include})`);
const run = spawnSync(process.execPath, args, {
  cwd: packageDir,
  stdio: 'inherit',
  // Belt and braces: even if node-gyp wanted to fetch something, there is nowhere to go.
  env: { ...process.env, SHOAL_NAPI_INCLUDE: include, npm_config_nodedir: dir, npm_config_offline: 'true' },
});
if (run.error) fail(run.error.message);
if (run.status !== 0) fail(`node-gyp exited with status ${run.status}`);
