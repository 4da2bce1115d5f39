import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyReason, type EmptyInputs } from '../src/domain/empty-reason.js';
import type { HubStatus, WorkerStatus } from '../src/domain/hub-status.js';

const worker = (name: string, up: boolean, lastError: string | null = null): WorkerStatus => ({
  name, url: `http://${name}:30001`, up, downSince: up ? null : 1000, lastError, lastSeen: null, capturing: up,
  capture: up ? { requested: 'best', backends: ['af_packet'] } : null, packets: null, store: null, tls: null,
});

const status = (workers: WorkerStatus[], queries: HubStatus['feed']['queries'] = []): HubStatus => ({
  workers, up: workers.filter((w) => w.up).length, feed: { clients: 1, queries, delivered: 0, lost: 0, rejected: 0, late: 0 },
});

const base: EmptyInputs = {
  stream: { kind: 'live', filter: '', query: 'q1' },
  status: status([worker('node-a', true)]),
  targets: { available: false, reason: 'no pod source' },
  statusError: undefined,
  filter: '',
  history: { examined: 0, matched: 0 },
};

describe('emptyReason', () => {
  it('no hub: the stream is down, or it never came up', () => {
    assert.deepEqual(emptyReason({ ...base, stream: { kind: 'disconnected', since: 1, retryInMs: 2000, reason: 'connection closed (1006)' } }), {
      kind: 'no-hub', reason: 'connection closed (1006)',
    });
    assert.deepEqual(emptyReason({ ...base, status: undefined, stream: { kind: 'connecting', attempt: 3 }, statusError: 'FRONT_ERR_HUB: the hub does not answer' }), {
      kind: 'no-hub', reason: 'FRONT_ERR_HUB: the hub does not answer',
    });
  });

  it('loading: the first connection, the state not known yet', () => {
    assert.deepEqual(emptyReason({ ...base, status: undefined, stream: { kind: 'connecting', attempt: 1 } }), { kind: 'loading' });
  });

  it('a refused filter says so before anything else', () => {
    const r = emptyReason({ ...base, stream: { kind: 'rejected', error: { code: 'FLT_ERR_SYNTAX', message: 'unexpected end' } } });
    assert.deepEqual(r, { kind: 'bad-filter', message: 'unexpected end' });
  });

  it('no workers: every worker down, each with why', () => {
    const r = emptyReason({ ...base, status: status([worker('x', false, 'connect ECONNREFUSED 127.0.0.1:9')]) });
    assert.deepEqual(r, { kind: 'no-workers', workers: [{ name: 'x', lastError: 'connect ECONNREFUSED 127.0.0.1:9', downSince: 1000 }] });
    assert.deepEqual(emptyReason({ ...base, status: status([]) }), { kind: 'no-workers', workers: [] });
  });

  it('no targets: a selection that selects no pod', () => {
    const selection = { podRegex: '^nothing-', namespaces: [], excludedNamespaces: ['kube-system'] };
    const r = emptyReason({ ...base, targets: { available: true, selection, pods: [], workers: {} } });
    assert.deepEqual(r, { kind: 'no-targets', ...selection });
    // No selection set: the workers keep their own targets, which the page cannot count.
    assert.equal(emptyReason({ ...base, targets: { available: true, selection: null, pods: [], workers: {} } }).kind, 'no-traffic');
  });

  it('no match: the query turned entries down, in history and live', () => {
    const r = emptyReason({
      ...base,
      filter: 'method == "DELETE"',
      history: { examined: 10, matched: 0 },
      status: status([worker('node-a', true)], [{ id: 'q1', filter: 'method == "DELETE"', clients: 1, evaluated: 5, filtered: 5 }, { id: 'q2', filter: 'method == "DELETE"', clients: 1, evaluated: 99, filtered: 99 }]),
    });
    assert.deepEqual(r, { kind: 'no-match', filter: 'method == "DELETE"', examined: 15, rejected: 15 }, "only the page's own query (q1) counts");
  });

  it('no traffic: workers up, targets set or not, nothing turned down', () => {
    assert.deepEqual(emptyReason(base), { kind: 'no-traffic', workersUp: 1, pods: undefined });
    const pods = [{ name: 'web-1', namespace: 'shop', ip: '10.0.0.9', node: 'node-a' }];
    const r = emptyReason({ ...base, filter: 'http', targets: { available: true, selection: { podRegex: '.*', namespaces: [], excludedNamespaces: [] }, pods, workers: {} } });
    assert.deepEqual(r, { kind: 'no-traffic', workersUp: 1, pods: 1 }, 'a query that was never tested on anything is not the reason');
  });
});
