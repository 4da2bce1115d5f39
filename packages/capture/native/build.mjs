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
//
// The eBPF backend and the TLS tracer also need clang and libbpf-dev (Debian; it brings
// libelf-dev). When both are there, the addon links libbpf and libelf (SHOAL_EBPF=1 for
// binding.gyp) and the BPF programs are compiled with `clang -O2 -g -target bpf`:
// native/bpf/capture.bpf.c to build/Release/shoal_capture.bpf.o and native/bpf/tls.bpf.c (CO-RE,
// for this machine's architecture) to build/Release/shoal_tls.bpf.o. When they are not (or
// SHOAL_SKIP_EBPF=1), the addon still builds and both report themselves unavailable with the
// reason, which is kept in build/Release/shoal_capture.ebpf.json.
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

/** Whether the eBPF part can be built here, and how; never fatal. */
function ebpfToolchain() {
  if (process.env.SHOAL_SKIP_EBPF === '1') return { ok: false, reason: 'SHOAL_SKIP_EBPF=1 was set at build time' };
  const clang = process.env.SHOAL_CLANG || 'clang';
  const version = spawnSync(clang, ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    return { ok: false, reason: `clang was not found at build time (\`${clang} --version\` failed; Debian package clang)` };
  }
  const machine = spawnSync('gcc', ['-dumpmachine'], { encoding: 'utf8' });
  const multiarch = machine.status === 0 ? machine.stdout.trim() : `${os.arch() === 'x64' ? 'x86_64' : os.arch()}-linux-gnu`;
  const need = [
    ['/usr/include/bpf/libbpf.h', 'libbpf-dev'],
    ['/usr/include/bpf/bpf_helpers.h', 'libbpf-dev'],
    ['/usr/include/linux/bpf.h', 'linux-libc-dev'],
    ['/usr/include/gelf.h', 'libelf-dev'],
  ];
  for (const [file, pkg] of need) {
    if (!fs.existsSync(file)) return { ok: false, reason: `${file} was missing at build time (Debian package ${pkg})` };
  }
  const libs = [`/usr/lib/${multiarch}/libbpf.so`, '/usr/lib/libbpf.so', '/usr/lib64/libbpf.so'];
  if (!libs.some((f) => fs.existsSync(f))) return { ok: false, reason: `libbpf.so was missing at build time (Debian package libbpf-dev)` };
  const includes = [`/usr/include/${multiarch}`].filter((d) => fs.existsSync(path.join(d, 'asm', 'types.h')));
  return { ok: true, clang, version: version.stdout.split('\n')[0].trim(), includes };
}

/** The architecture the TLS tracer's programs read registers of (bpf_tracing.h's names). */
function targetArch() {
  return { x64: 'x86', arm64: 'arm64' }[process.arch] ?? null;
}

/** Compiles one BPF program; returns the status written beside the addon. */
function compileBpf(toolchain, releaseDir, source, object, extraArgs) {
  const args = ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-Wall', '-Werror', ...extraArgs];
  for (const dir of toolchain.includes) args.push('-I', dir);
  args.push('-c', path.join(packageDir, 'native', 'bpf', source), '-o', path.join(releaseDir, object));
  console.error(`@shoal/capture: ${toolchain.clang} ${args.join(' ')}`);
  const run = spawnSync(toolchain.clang, args, { cwd: packageDir, encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    const text = (run.error?.message ?? run.stderr ?? '').trim();
    process.stderr.write(`${text}\n`);
    const first = text.split('\n').find((l) => /error/.test(l)) ?? text.split('\n')[0] ?? '';
    return { built: false, reason: `compiling native/bpf/${source} failed at build time: ${first}` };
  }
  return { built: true, object, clang: toolchain.version };
}

/** The TLS tracer's programs, for this machine's architecture. */
function buildTlsObject(toolchain, releaseDir) {
  const arch = targetArch();
  if (arch === null) return { built: false, reason: `the TLS tracer's programs read the registers of x86_64 and arm64 only, not ${process.arch}` };
  return compileBpf(toolchain, releaseDir, 'tls.bpf.c', 'shoal_tls.bpf.o', [`-D__TARGET_ARCH_${arch}`]);
}

const toolchain = ebpfToolchain();
if (!toolchain.ok) console.error(`@shoal/capture: building without the eBPF backend: ${toolchain.reason}`);

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
  env: {
    ...process.env,
    SHOAL_NAPI_INCLUDE: include,
    SHOAL_EBPF: toolchain.ok ? '1' : '0',
    npm_config_nodedir: dir,
    npm_config_offline: 'true',
  },
});
if (run.error) fail(run.error.message);
if (run.status !== 0) fail(`node-gyp exited with status ${run.status}`);

// node-gyp rebuild starts from an empty build/: the BPF object goes in after it.
const releaseDir = path.join(packageDir, 'build', process.env.SHOAL_NATIVE_DEBUG === '1' ? 'Debug' : 'Release');
const capture = toolchain.ok ? compileBpf(toolchain, releaseDir, 'capture.bpf.c', 'shoal_capture.bpf.o', []) : { built: false, reason: toolchain.reason };
const tls = toolchain.ok ? buildTlsObject(toolchain, releaseDir) : { built: false, reason: toolchain.reason };
fs.writeFileSync(path.join(releaseDir, 'shoal_capture.ebpf.json'), `${JSON.stringify({ ...capture, tls }, null, 2)}\n`);
if (!capture.built) console.error(`@shoal/capture: the eBPF backend will be unavailable: ${capture.reason}`);
if (!tls.built) console.error(`@shoal/capture: the TLS tracer will be unavailable: ${tls.reason}`);
