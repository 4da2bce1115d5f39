/**
 * The JSON API plumbing shared by the worker and the hub, over a real HTTP server: each service's
 * own codes, body limit and realm come out in its answers.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiError, jsonApi, sendJson } from '../dist/http.js';

const api = jsonApi({ realm: 'shoal-test', maxBodyBytes: 16, tooLargeCode: 'T_TOO_LARGE', badRequestCode: 'T_BAD', internalCode: 'T_INTERNAL', service: 'test' });
const logged: string[] = [];
const log = { error: (_details: object, message: string) => void logged.push(message) };

describe('jsonApi', () => {
  let server: Server;
  let base: string;

  before(async () => {
    server = createServer((req, res) => {
      const route = async (): Promise<void> => {
        if (req.url === '/echo') return sendJson(res, 200, { got: await api.readJson(req) });
        if (req.url === '/locked') throw new ApiError(401, 'T_UNAUTHORIZED', 'no token');
        throw new Error('a bug');
      };
      route().catch((err: unknown) => api.fail(req, res, err, log));
    });
    server.on('upgrade', (_req, socket) => api.refuseUpgrade(socket, new ApiError(401, 'T_UNAUTHORIZED', 'no token')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function post(body: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${base}/echo`, { method: 'POST', body });
    return { status: res.status, body: await res.json() };
  }

  it('reads a JSON body within the limit', async () => {
    assert.deepEqual(await post('{"a":1}'), { status: 200, body: { got: { a: 1 } } });
  });

  it('refuses a body over the limit with the service\'s code', async () => {
    const r = await post(JSON.stringify({ long: 'x'.repeat(32) }));
    assert.equal(r.status, 413);
    assert.deepEqual(r.body, { error: { code: 'T_TOO_LARGE', message: 'the request body is larger than 16 bytes' } });
  });

  it('refuses a body that is not JSON with the service\'s code', async () => {
    const r = await post('{nope');
    assert.equal(r.status, 400);
    assert.equal((r.body as { error: { code: string } }).error.code, 'T_BAD');
  });

  it('answers a 401 with the service\'s realm, and a bug with a logged 500', async () => {
    const locked = await fetch(`${base}/locked`);
    assert.equal(locked.status, 401);
    assert.equal(locked.headers.get('www-authenticate'), 'Bearer realm="shoal-test"');
    const bug = await fetch(`${base}/other`);
    assert.equal(bug.status, 500);
    assert.deepEqual(await bug.json(), { error: { code: 'T_INTERNAL', message: 'internal error; see the test log' } });
    assert.deepEqual(logged, ['request failed']);
  });

  it('refuses a WebSocket upgrade with an HTTP answer carrying the error', async () => {
    const port = Number(new URL(base).port);
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'));
      socket.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text)).on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 401 Unauthorized\r\n/);
    assert.match(answer, /WWW-Authenticate: Bearer realm="shoal-test"/);
    assert.match(answer, /\{"error":\{"code":"T_UNAUTHORIZED","message":"no token"\}\}$/);
  });
});
