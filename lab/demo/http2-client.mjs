// A JSON client over HTTP/2 without TLS (prior knowledge, RFC 9113 §3.3): one connection per
// origin, a stream per call, opened again when the server or the network closed it. A call
// that does not answer in time is cancelled with RST_STREAM CANCEL (§6.4), as gRPC and browsers
// do. Like cluster-http's `call`, it never rejects: a failure is status 0.
import http2 from 'node:http2';

export class Http2Client {
  constructor(origin) {
    this.origin = origin;
    this.session = null;
  }

  connection() {
    if (this.session === null || this.session.closed || this.session.destroyed) {
      const session = http2.connect(this.origin);
      session.on('error', (err) => console.error(`${this.origin}: ${err.message}`));
      session.on('close', () => {
        if (this.session === session) this.session = null;
      });
      this.session = session;
    }
    return this.session;
  }

  /** Resolves { status, body } (body parsed from JSON when it is), status 0 on failure. */
  call(method, path, body, timeoutMs = 1000) {
    return new Promise((resolve) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      let stream;
      try {
        stream = this.connection().request({ ':method': method, ':path': path, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, { endStream: payload === undefined });
      } catch (err) {
        return resolve({ status: 0, body: { error: err.message } });
      }
      let status = 0;
      let text = '';
      const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), timeoutMs);
      stream.setEncoding('utf8');
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', (d) => (text += d));
      stream.on('error', () => {}); // the close below says what happened
      stream.on('close', () => {
        clearTimeout(timer);
        if (stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) return resolve({ status: 0, body: { error: `stream reset (code ${stream.rstCode})` } });
        try {
          resolve({ status, body: JSON.parse(text) });
        } catch {
          resolve({ status, body: text });
        }
      });
      if (payload !== undefined) stream.end(payload);
    });
  }
}
