// What goes in each of Shoal's images, file by file, and the hash of it all (build.mjs's cache
// key). Run from the repository root after `npm run build` and the native addon's build.
//
// Three images built from scratch, each of two layers:
//   base    Node's binary and exactly the shared libraries `ldd` lists for it (and the dynamic
//           loader), the CA certificates, /etc/passwd and /etc/group naming root and the
//           non-root user, and the licences of all of it. The same layer in all three images,
//           so a node or a registry holds it once.
//   <name>  the `shoal` command (bin/shoal, @shoal/cli) and the workspace packages its
//           subcommand imports with their production dependencies; for the worker also the
//           native capture addon, its eBPF object and the shared libraries `ldd` lists for the
//           addon that the base does not hold.
// No shell, no package manager, nothing else.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NON_ROOT_ID } from '@shoal/deploy';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the application lives in the images: bin/shoal, packages/, node_modules/ as in a checkout. */
const APP = '/app';
const NODE = '/usr/local/bin/node';
/** The hub's and the front's user: the builder's runAsUser. */
const NON_ROOT = NON_ROOT_ID;
/** Debian's bundle of the CA certificates (package ca-certificates). */
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const ADDON_DIR = 'packages/capture/build/Release';

/**
 * Workspace packages: which of their files an image needs, and whether their dependencies go
 * with them. The CLI's own dependencies are every package (for every subcommand): an image takes
 * only those of the subcommand it runs. The dashboard's are bundled into dist/ by Vite.
 */
const WORKSPACE_FILES = {
  '@shoal/cli': { files: ['package.json', 'dist'], deps: false },
  '@shoal/front': { files: ['package.json', 'dist'], deps: false },
  '@shoal/capture': {
    files: ['package.json', 'dist', 'build/Release/shoal_capture.node', 'build/Release/shoal_capture.bpf.o', 'build/Release/shoal_tls.bpf.o', 'build/Release/shoal_capture.ebpf.json'],
    deps: true,
  },
};
const WORKSPACE_DEFAULT = { files: ['package.json', 'dist'], deps: true };

/**
 * The images: the packages each subcommand imports (bin/shoal loads @shoal/cli, whose main
 * imports @shoal/model and loads one command), its user (the worker is root: Kubernetes grants
 * capabilities to root only), and for the worker the native addon.
 */
const IMAGES = {
  worker: { packages: ['@shoal/cli', '@shoal/model', '@shoal/worker'], user: 0, native: true },
  hub: { packages: ['@shoal/cli', '@shoal/model', '@shoal/hub'], user: NON_ROOT, native: false },
  // The CLI's own dependencies are not taken (deps: false above): the front's are named (its
  // logger, the OIDC client and the roles file's YAML reader).
  front: { packages: ['@shoal/cli', '@shoal/model', '@shoal/front', 'pino', 'openid-client', 'yaml'], user: NON_ROOT, native: false },
};

/** Files no program reads at run time: type declarations, source maps, documentation. */
function unused(name) {
  if (/\.(d\.[cm]?ts|map|tsbuildinfo)$/.test(name)) return true;
  return /\.(md|markdown)$/i.test(name) && !/^(licen[cs]e|copying|notice)/i.test(name);
}

/**
 * One layer: image path → what is there. A file is copied from `from` (or written from `text`)
 * with `mode`; a link points at `target`. Directories are implied by paths.
 */
class Layer {
  constructor(name) {
    this.name = name;
    this.entries = new Map();
  }
  file(at, from, mode) {
    this.entries.set(at, { from, mode: mode ?? (fs.statSync(from).mode & 0o111 ? 0o755 : 0o644) });
  }
  text(at, text, mode = 0o644) {
    this.entries.set(at, { text, mode });
  }
  link(at, target) {
    this.entries.set(at, { target });
  }
  /** Every file under `dir` (a real directory) at `at`, but `skip` subdirectories and unused files. */
  tree(at, dir, skip = new Set()) {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const from = path.join(dir, d.name);
      if (d.isDirectory()) {
        if (!skip.has(d.name)) this.tree(path.posix.join(at, d.name), from);
      } else if (d.isSymbolicLink()) {
        // node_modules/.bin and the like: nothing an image runs.
      } else if (!unused(d.name)) this.file(path.posix.join(at, d.name), from);
    }
  }
  has(at) {
    return this.entries.has(at);
  }
}

/** The shared libraries `ldd` lists for an ELF file: [path as the loader finds it, real file]. */
function sharedLibraries(elf) {
  const out = execFileSync('ldd', [elf], { encoding: 'utf8' });
  const libs = [];
  for (const line of out.split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)", "/lib64/ld-linux-x86-64.so.2 (0x…)"; linux-vdso is the kernel's.
    const m = /=>\s*(\/\S+)\s+\(/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m !== null) libs.push([m[1], fs.realpathSync(m[1])]);
    else if (/not found/.test(line)) throw new Error(`${elf}: ${line.trim()}`);
  }
  return libs;
}

/**
 * The copyright file of the Debian package that holds a library (its licence travels with it).
 * dpkg knows a file by the path its package installed it at: /lib/… or /usr/lib/… (merged /usr).
 */
function debianCopyright(...paths) {
  for (const file of paths) {
    const run = spawnSync('dpkg-query', ['-S', file], { encoding: 'utf8' });
    if (run.status === 0) return `/usr/share/doc/${run.stdout.split(':')[0]}/copyright`;
  }
  throw new Error(`no Debian package holds ${paths.join(' or ')}`);
}

function addLibraries(layer, elf, except) {
  for (const [at, real] of sharedLibraries(elf)) {
    if (except?.has(at)) continue;
    layer.file(at, real, 0o755);
    const copyright = debianCopyright(at, real);
    layer.file(copyright, copyright, 0o644);
  }
}

function baseLayer(nodeDir) {
  const base = new Layer('base');
  const node = path.join(nodeDir, 'bin', 'node');
  base.file(NODE, node, 0o755);
  base.file('/usr/local/share/doc/node/LICENSE', path.join(nodeDir, 'LICENSE'), 0o644);
  addLibraries(base, node);
  base.file(CA_BUNDLE, CA_BUNDLE, 0o644);
  // The bundle is made by update-ca-certificates, so no package owns the file itself.
  base.file('/usr/share/doc/ca-certificates/copyright', '/usr/share/doc/ca-certificates/copyright', 0o644);
  base.text('/etc/passwd', `root:x:0:0:root:/root:/sbin/nologin\nshoal:x:${NON_ROOT}:${NON_ROOT}:shoal:/nonexistent:/sbin/nologin\n`);
  base.text('/etc/group', `root:x:0:\nshoal:x:${NON_ROOT}:\n`);
  return base;
}

/** Node's resolution from a package directory: `dir/node_modules/name`, then each parent's. */
function resolvePackage(fromDir, name) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT || dir === path.dirname(dir)) return undefined;
  }
}

/** Where a package found at `dir` (maybe a workspace link) lives in the image. */
function imagePath(dir) {
  return path.posix.join(APP, path.relative(ROOT, fs.realpathSync(dir)).split(path.sep).join('/'));
}

/** The packages an image needs and their production dependencies, copied as a checkout has them. */
function appLayer(name, spec) {
  const layer = new Layer(name);
  layer.file(`${APP}/bin/shoal`, path.join(ROOT, 'bin', 'shoal'), 0o755);
  // bin/shoal is an ES module, as the checkout's package.json says.
  layer.text(`${APP}/package.json`, `${JSON.stringify({ name: 'shoal', private: true, type: 'module' }, null, 2)}\n`);
  const seen = new Set();
  const queue = spec.packages.map((p) => ({ name: p, dir: resolvePackage(ROOT, p), optional: false }));
  while (queue.length > 0) {
    const { name: pkgName, dir, optional } = queue.shift();
    if (dir === undefined) {
      if (optional) continue;
      throw new Error(`${name} image: ${pkgName} is not installed (npm ci)`);
    }
    const real = fs.realpathSync(dir);
    if (seen.has(real) || pkgName.startsWith('@types/')) continue;
    seen.add(real);
    const manifest = JSON.parse(fs.readFileSync(path.join(real, 'package.json'), 'utf8'));
    const workspace = real.startsWith(path.join(ROOT, 'packages') + path.sep);
    const rule = workspace ? (WORKSPACE_FILES[pkgName] ?? WORKSPACE_DEFAULT) : { deps: true };
    if (workspace) {
      for (const f of rule.files) {
        const from = path.join(real, f);
        if (!fs.existsSync(from)) throw new Error(`${name} image: ${path.relative(ROOT, from)} is missing (npm run build)`);
        if (fs.statSync(from).isDirectory()) layer.tree(path.posix.join(imagePath(real), f), from);
        else layer.file(path.posix.join(imagePath(real), f), from);
      }
      // The workspace's link, as npm makes it: node_modules/@shoal/x → ../../packages/x.
      layer.link(`${APP}/node_modules/${pkgName}`, path.posix.relative(path.posix.dirname(`${APP}/node_modules/${pkgName}`), imagePath(real)));
    } else {
      layer.tree(imagePath(dir), real, new Set(['node_modules']));
    }
    if (!rule.deps) continue;
    const optionalPeers = manifest.peerDependenciesMeta ?? {};
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, dir: resolvePackage(real, dep), optional: false });
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push({ name: dep, dir: resolvePackage(real, dep), optional: true });
    for (const dep of Object.keys(manifest.peerDependencies ?? {})) queue.push({ name: dep, dir: resolvePackage(real, dep), optional: optionalPeers[dep]?.optional === true });
  }
  return layer;
}

function workerNative(layer, base) {
  const addon = path.join(ROOT, ADDON_DIR, 'shoal_capture.node');
  const ebpf = JSON.parse(fs.readFileSync(path.join(ROOT, ADDON_DIR, 'shoal_capture.ebpf.json'), 'utf8'));
  if (!ebpf.built) throw new Error(`the worker image needs the eBPF object: ${ebpf.reason}`);
  if (ebpf.tls?.built !== true) throw new Error(`the worker image needs the TLS tracer's eBPF object: ${ebpf.tls?.reason ?? 'an addon built before the tracer: rebuild it'}`);
  addLibraries(layer, addon, base);
}

/** Every image: its layers and its configuration (buildah config). */
export function contents(nodeDir, version) {
  const base = baseLayer(nodeDir);
  const images = {};
  const layers = [base];
  for (const [name, spec] of Object.entries(IMAGES)) {
    const app = appLayer(name, spec);
    if (spec.native) workerNative(app, base);
    layers.push(app);
    images[name] = {
      name: `shoal-${name}`,
      layers: [base.name, app.name],
      config: {
        entrypoint: [NODE, `${APP}/bin/shoal`],
        cmd: ['--help'],
        user: `${spec.user}:${spec.user}`,
        workingDir: APP,
        // Node trusts its own CA list plus the image's bundle (or one mounted over it).
        env: { NODE_EXTRA_CA_CERTS: CA_BUNDLE },
        labels: {
          'org.opencontainers.image.title': `shoal-${name}`,
          'org.opencontainers.image.version': version,
          'org.opencontainers.image.licenses': 'Apache-2.0',
        },
      },
    };
  }
  return { layers, images };
}

function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The inputs' hash: every entry of every layer (path, mode, content), every image's configuration, the recipes. */
export function inputsHash(c) {
  const h = createHash('sha256');
  for (const layer of c.layers) {
    h.update(`layer ${layer.name}\n`);
    for (const at of [...layer.entries.keys()].sort()) {
      const e = layer.entries.get(at);
      const what = e.target !== undefined ? `-> ${e.target}` : `${e.mode.toString(8)} ${e.from !== undefined ? sha256File(e.from) : createHash('sha256').update(e.text).digest('hex')}`;
      h.update(`${at} ${what}\n`);
    }
  }
  h.update(JSON.stringify(c.images));
  const recipes = path.join(ROOT, 'deploy', 'images');
  for (const f of fs.readdirSync(recipes).sort()) h.update(`${f} ${sha256File(path.join(recipes, f))}\n`);
  return h.digest('hex');
}

export function stage(c, out) {
  fs.rmSync(out, { recursive: true, force: true });
  for (const layer of c.layers) {
    const root = path.join(out, layer.name);
    for (const [at, e] of layer.entries) {
      const dest = path.join(root, at);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      if (e.target !== undefined) fs.symlinkSync(e.target, dest);
      else {
        if (e.from !== undefined) fs.copyFileSync(e.from, dest);
        else fs.writeFileSync(dest, e.text);
        fs.chmodSync(dest, e.mode);
      }
    }
  }
  fs.writeFileSync(path.join(out, 'images.json'), `${JSON.stringify(c.images, null, 2)}\n`);
}
