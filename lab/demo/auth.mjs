// The `auth` token service, over HTTPS only: node:https, whose TLS is Node's own OpenSSL inside
// the node binary (where the lab's TLS tracer reads the plaintext), with the key and certificate
// `lab up` made for it in the lab's state folder (TLS_KEY, TLS_CERT; never in the repository).
//   POST /v1/tokens {"user": N}  → 201 {token, user, expiresIn} for the shop's users (1 to
//                                  USER_COUNT, the rows of the users table), 401 for anyone else
// Tokens are random and not kept, so nothing here grows with the traffic.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { readJson, reply, serve } from './cluster-http.mjs';

const USER_COUNT = Number(process.env.USER_COUNT);
/** Seconds a token would be valid: what the front passes on to the caller. */
const EXPIRES_IN_S = 900;

serve(
  async (req, res) => {
    const url = new URL(req.url, 'https://auth');
    if (req.method === 'POST' && url.pathname === '/v1/tokens') {
      const user = ((await readJson(req)) ?? {}).user;
      if (!(Number.isInteger(user) && user >= 1 && user <= USER_COUNT)) return reply(res, 401, { error: 'unknown user', user: user ?? null });
      return reply(res, 201, { token: randomBytes(16).toString('hex'), user, expiresIn: EXPIRES_IN_S });
    }
    reply(res, 404, { error: 'not found', path: url.pathname });
  },
  { key: fs.readFileSync(process.env.TLS_KEY), cert: fs.readFileSync(process.env.TLS_CERT) },
);
