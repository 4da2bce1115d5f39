/**
 * `shoal hub --identity-key-file` as a user runs it: the flag in --help, a key file that cannot
 * be read or is too short refused with exit code 2, and a hub process that takes an assertion
 * signed with its key (scoped), refuses one signed with another (401, with why), and still takes
 * its token. The process is ended by its PID.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDENTITY_HEADER, signIdentity, type Identity } from '@shoal/model/http';
import { startListening, stop, type Listening } from './helpers/listening-shoal.js';
import { shoal } from './helpers/run-shoal.js';

const USER: Identity = { subject: 'alice', groups: ['shop-devs'], namespaces: ['shop'], admin: false };

describe('shoal hub --identity-key-file', () => {
  let dir: string;
  const key = randomBytes(32).toString('hex');
  before(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-identity-'));
    fs.writeFileSync(join(dir, 'key'), `${key}\n`, { mode: 0o600 });
    fs.writeFileSync(join(dir, 'short'), 'too-short\n', { mode: 0o600 });
    fs.writeFileSync(join(dir, 'token'), 'hub-token\n', { mode: 0o600 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is in --help', async () => {
    const r = await shoal('hub', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--identity-key-file FILE/);
  });

  it('refuses an unreadable or short key file with exit code 2', async () => {
    const missing = await shoal('hub', '--identity-key-file', join(dir, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read --identity-key-file .*CLI_ERR_USAGE/);
    const short = await shoal('hub', '--identity-key-file', join(dir, 'short'));
    assert.equal(short.code, 2);
    assert.match(short.stderr, /the identity key has 9 bytes; at least 32/);
  });

  describe('a hub process with the key', () => {
    let hub: Listening;
    before(async () => {
      hub = await startListening(['hub', '--port', '0', '--host', '127.0.0.1', '--token-file', join(dir, 'token'), '--identity-key-file', join(dir, 'key')]);
    });
    after(async () => assert.equal(await stop(hub.child), 0));
    const status = (headers: Record<string, string>) => fetch(`http://127.0.0.1:${hub.port}/status`, { headers });

    it('takes an assertion signed with its key, refuses one signed with another, takes its token', async () => {
      assert.equal((await status({ [IDENTITY_HEADER]: signIdentity(Buffer.from(key), USER) })).status, 200);
      const forged = await status({ [IDENTITY_HEADER]: signIdentity(randomBytes(32), USER) });
      assert.equal(forged.status, 401);
      assert.match(((await forged.json()) as { error: { message: string } }).error.message, /wrong signature/);
      assert.equal((await status({ authorization: 'Bearer hub-token' })).status, 200);
    });
  });
});
