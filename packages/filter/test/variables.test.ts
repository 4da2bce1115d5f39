/**
 * Every catalog variable: at least one filter that matches a real-shaped entry and one that
 * does not, with no evaluation error either way (a non-match must be `false`, not a failure).
 * The table must cover the whole catalog, so a new variable cannot land without its cases.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter, PROTOCOLS, protocolNameOf, VARIABLES } from '@shoal/filter';
import * as D from './dns-entries.js';
import * as TLS from './tls-entries.js';
import * as E from './entries.js';
import { fixtureEntries } from './fixture-entries.js';
import * as S from './sql-entries.js';
import * as AQ from './amqp-entries.js';
import * as MQ from './mqtt-entries.js';
import * as RE from './redis-entries.js';
import * as W from './ws-entries.js';

const R = E.resolvedPost();
const G = E.plainGet();
const N = E.notFound();
const L = E.lostRequest();
const NR = E.noResponse();
const T = E.tcpFlow();
const U = E.udpFlow();

/** A gRPC call answered OK, one answered NOT_FOUND; a GraphQL query with an error, a mutation. */
const [GRPC_OK, GRPC_ERR] = fixtureEntries('grpc', 'calls');
const GQL = fixtureEntries('graphql', 'http1');
const GQL_ERR = GQL[3]!;
const GQL_MUT = GQL[2]!;

/** kcat's Produce refused with TOPIC_AUTHORIZATION_FAILED, a Metadata answered ok; the driver's find, a duplicate key. */
const KAFKA_ERR = fixtureEntries('kafka', 'error').find((e) => e.summary.method === 'Produce')!;
const KAFKA_OK = fixtureEntries('kafka', 'error').find((e) => e.summary.text === 'Metadata v4 locked -> ok')!;
const MONGO_FIND = fixtureEntries('mongodb', 'find').find((e) => e.summary.method === 'find')!;
const MONGO_DUP = fixtureEntries('mongodb', 'error').find((e) => e.summary.method === 'insert')!;

type Case = [entry: Entry, filter: string, expected: boolean];

const CASES: Record<string, Case[]> = {
  protocol: [[T, 'protocol == "tcp"', true], [R, 'protocol in ["tcp", "udp"]', false]],
  layer4: [[R, 'layer4 == "tcp"', true], [U, 'layer4 == "tcp"', false]],
  method: [[R, 'method == "POST"', true], [G, 'method == "POST"', false], [L, 'method == ""', true]],
  path: [[R, 'path.startsWith("/api/")', true], [G, 'path.startsWith("/api/")', false]],
  url: [[N, 'url == "/missing"', true], [T, 'url != ""', false]],
  status_code: [[N, 'status_code >= 400', true], [R, 'status_code >= 400', false], [NR, 'status_code == 0', true], [T, 'status_code == 0', true]],
  'src.ip': [[R, 'src.ip == "10.244.1.12"', true], [G, 'src.ip == "10.244.1.12"', false]],
  'src.port': [[R, 'src.port == 51234', true], [G, 'src.port == 51234', false]],
  'src.name': [[R, 'src.name.startsWith("frontend-")', true], [G, 'src.name != ""', false]],
  'src.namespace': [[U, 'src.namespace == "shop"', true], [G, 'src.namespace == "shop"', false]],
  'src.pod.name': [[R, 'src.pod.name == "frontend-7d9c4-x2"', true], [G, 'src.pod.name != ""', false]],
  'src.pod.namespace': [[R, 'src.pod.namespace == "shop"', true], [G, 'src.pod.namespace == "shop"', false]],
  'src.service.name': [[R, 'src.service.name == "frontend"', true], [U, 'src.service.name != ""', false]],
  'src.service.namespace': [[R, 'src.service.namespace == "shop"', true], [U, 'src.service.namespace == "shop"', false]],
  'dst.ip': [[R, 'dst.ip == "10.244.2.31"', true], [G, 'dst.ip == "10.244.2.31"', false]],
  'dst.port': [[U, 'dst.port == 53', true], [R, 'dst.port == 53', false]],
  'dst.name': [[U, 'dst.name == "kube-dns"', true], [G, 'dst.name != ""', false]],
  'dst.namespace': [[U, 'dst.namespace == "kube-system"', true], [R, 'dst.namespace == "kube-system"', false]],
  'dst.pod.name': [[R, 'dst.pod.name == "ledger-5f6b-q9"', true], [U, 'dst.pod.name != ""', false]],
  'dst.pod.namespace': [[R, 'dst.pod.namespace == "payments"', true], [U, 'dst.pod.namespace == "kube-system"', false]],
  'dst.service.name': [[U, 'dst.service.name == "kube-dns"', true], [G, 'dst.service.name != ""', false]],
  'dst.service.namespace': [[U, 'dst.service.namespace == "kube-system"', true], [R, 'dst.service.namespace == "kube-system"', false]],
  namespaces: [[R, '"payments" in namespaces && "shop" in namespaces && size(namespaces) == 2', true], [G, 'size(namespaces) > 0', false]],
  pods: [[R, 'pods.exists(p, p.startsWith("ledger-"))', true], [U, 'pods.exists(p, p.startsWith("ledger-"))', false]],
  services: [[U, '"kube-dns" in services', true], [R, '"kube-dns" in services', false]],
  node_name: [[R, 'node_name == "node-a"', true], [G, 'node_name != ""', false]],
  'node.name': [[U, 'node.name == "node-b"', true], [R, 'node.name == "node-b"', false]],
  'node.ip': [[R, 'node.ip == "192.168.49.2"', true], [U, 'node.ip == "192.168.49.2"', false]],
  timestamp: [
    [R, 'timestamp > timestamp("2026-11-26T05:40:28Z")', true],
    [U, 'timestamp > timestamp("2026-11-26T05:40:28Z")', false],
    [U, 'timestamp == timestamp("2026-01-15T09:30:00.250Z") && timestamp.getHours() == 9', true],
    [U, 'timestamp > now() - duration("1h")', false],
    [{ ...U, timestamp: Date.now() }, 'timestamp > now() - duration("1h")', true],
  ],
  elapsed_time: [[R, 'elapsed_time == 34', true], [U, 'elapsed_time < 1000', false], [U, 'elapsed_time == 1250', true]],
  request: [[R, 'request.method == "POST" && request.bodySize == 15', true], [L, 'has(request.method)', false], [T, 'request.packets == 7 && "SYN" in request.flags', true]],
  response: [[N, 'response.statusText == "Not Found"', true], [NR, 'has(response.status)', false]],
  'request.headers': [[R, 'request.headers["content-type"] == "application/json"', true], [T, '"host" in request.headers', false], [G, 'has(request.headers.authorization)', false]],
  'response.headers': [[R, 'response.headers.server.startsWith("nginx")', true], [NR, 'size(response.headers) > 0', false]],
  request_body_size: [[R, 'request_body_size == 15', true], [G, 'request_body_size > 0', false], [U, 'request_body_size == 40', true]],
  response_body_size: [[N, 'response_body_size == 153', true], [NR, 'response_body_size > 0', false]],
  request_size: [[R, 'request_size == 157', true], [L, 'request_size > 0', false]],
  response_size: [[R, 'response_size == 172', true], [NR, 'response_size > 0', false]],
  dns_questions: [[D.cnameA(), '"api.shoal.test" in dns_questions', true], [R, 'size(dns_questions) > 0', false]],
  dns_question_types: [[D.srv(), 'dns_question_types == ["SRV"]', true], [D.cnameA(), '"SRV" in dns_question_types', false]],
  dns_answers: [[D.cnameA(), '"10.244.81.80" in dns_answers', true], [D.nxdomain(), 'size(dns_answers) > 0', false]],
  dns_rcode: [[D.nxdomain(), 'dns_rcode == "NXDOMAIN"', true], [D.unanswered(), 'dns_rcode != ""', false]],
  tls_sni: [[TLS.tls13(), 'tls_sni == "www.shoal.test"', true], [R, 'tls_sni != ""', false]],
  tls_version: [[TLS.tls12(), 'tls_version == "TLS 1.2"', true], [TLS.tls13(), 'tls_version == "TLS 1.2"', false]],
  tls_alpn: [[TLS.curl(), '"h2" in tls_alpn', true], [TLS.tls12(), 'size(tls_alpn) > 0', false]],
  tls_cipher: [[TLS.tls12(), 'tls_cipher.startsWith("TLS_ECDHE_RSA")', true], [TLS.refused(), 'tls_cipher != ""', false]],
  tls_ja3: [[TLS.tls12(), 'tls_ja3 == "d1f47f694f10b1faf653048918492609"', true], [R, 'tls_ja3 != ""', false]],
  tls_ja4: [[TLS.tls13(), 'tls_ja4.startsWith("t13d")', true], [TLS.tls12(), 'tls_ja4.startsWith("t13d")', false]],
  grpc_service: [[GRPC_OK!, 'grpc_service == "shoal.fixture.Library"', true], [R, 'grpc_service != ""', false]],
  grpc_method: [[GRPC_OK!, 'grpc_method == "GetBook"', true], [GQL_MUT, 'grpc_method != ""', false]],
  grpc_status: [[GRPC_ERR!, 'grpc_status == 5', true], [GRPC_OK!, 'grpc_status != 0', false], [R, 'grpc_status == -1', true]],
  gql_operation: [[GQL_MUT, 'gql_operation == "mutation"', true], [GQL_ERR, 'gql_operation == "mutation"', false], [GRPC_OK!, 'gql_operation == ""', true]],
  gql_operation_name: [[GQL_ERR, 'gql_operation_name == "Missing"', true], [R, 'gql_operation_name != ""', false]],
  gql_errors: [[GQL_ERR, '"no book with ISBN 000" in gql_errors', true], [GQL_MUT, 'size(gql_errors) > 0', false]],
  ws_opcode: [[W.feedClose(), 'ws_opcode == "close"', true], [W.clientText(), 'ws_opcode == "close"', false]],
  ws_request: [[W.clientText(), 'ws_request', true], [W.serverBinary(), 'ws_request', false]],
  ws_response: [[W.serverBinary(), 'ws_response', true], [W.clientText(), 'ws_response', false]],
  ws_request_payload_data: [[W.clientText(), 'ws_request_payload_data.contains("hello")', true], [W.serverBinary(), 'ws_request_payload_data != ""', false]],
  ws_response_payload_data: [[W.serverLarge(), 'ws_response_payload_data.startsWith("line 0000")', true], [W.serverBinary(), 'ws_response_payload_data != ""', false]],
  ws_request_payload_length: [[W.clientText(), 'ws_request_payload_length == 22', true], [W.serverLarge(), 'ws_request_payload_length > 0', false]],
  ws_response_payload_length: [[W.serverLarge(), 'ws_response_payload_length > 65536', true], [W.clientText(), 'ws_response_payload_length > 0', false]],
  ws_close_code: [[W.feedClose(), 'ws_close_code == 4001', true], [W.serverPing(), 'ws_close_code != 0', false]],
  icmp_type: [[W.timeExceeded4(), 'icmp_type == "time exceeded"', true], [W.echo4(), 'icmp_type == "time exceeded"', false]],
  icmp_code: [[W.portUnreachable6(), 'icmp_code == 4', true], [W.echo4(), 'icmp_code != 0', false]],
  icmp_version: [[W.portUnreachable6(), 'icmp_version == 6', true], [W.echo4(), 'icmp_version == 6', false]],
  postgresql_query: [[S.pgLarge(), 'postgresql_query.contains("generate_series")', true], [S.pgMissingTable(), 'postgresql_query.contains("generate_series")', false]],
  postgresql_error_code: [[S.pgMissingTable(), 'postgresql_error_code == "42P01"', true], [S.pgLarge(), 'postgresql_error_code == "42P01"', false]],
  postgresql_rows: [[S.pgLarge(), 'postgresql_rows == 2000', true], [S.pgNamedAgain(), 'postgresql_rows == 2000', false]],
  kafka_api_key: [[KAFKA_ERR, 'kafka_api_key == 0', true], [KAFKA_OK, 'kafka_api_key == 0', false], [G, 'kafka_api_key == -1', true]],
  kafka_api_key_name: [[KAFKA_ERR, 'kafka_api_key_name == "Produce"', true], [KAFKA_OK, 'kafka_api_key_name == "Produce"', false]],
  kafka_api_version: [[KAFKA_ERR, 'kafka_api_version == 7', true], [KAFKA_OK, 'kafka_api_version == 7', false]],
  kafka_correlation_id: [[KAFKA_OK, `kafka_correlation_id == ${KAFKA_OK.request!['correlationId'] as number}`, true], [KAFKA_ERR, `kafka_correlation_id == ${KAFKA_OK.request!['correlationId'] as number}`, false]],
  kafka_client_id: [[KAFKA_ERR, 'kafka_client_id == "shoal-fixture"', true], [G, 'kafka_client_id != ""', false]],
  kafka_topics: [[KAFKA_ERR, '"locked" in kafka_topics', true], [MONGO_FIND, 'size(kafka_topics) > 0', false]],
  kafka_groups: [[fixtureEntries('kafka', 'group').find((e) => e.summary.method === 'Heartbeat')!, '"shop-consumers" in kafka_groups', true], [KAFKA_ERR, 'size(kafka_groups) > 0', false]],
  kafka_error_code: [[KAFKA_ERR, 'kafka_error_code == 29', true], [KAFKA_OK, 'kafka_error_code != 0', false]],
  kafka_error: [[KAFKA_ERR, 'kafka_error == "TOPIC_AUTHORIZATION_FAILED"', true], [KAFKA_OK, 'kafka_error != "NONE"', false]],
  kafka_record_count: [[KAFKA_ERR, 'kafka_record_count == 1', true], [KAFKA_OK, 'kafka_record_count > 0', false]],
  mongodb_command: [[MONGO_FIND, 'mongodb_command == "find"', true], [MONGO_DUP, 'mongodb_command == "find"', false]],
  mongodb_database: [[MONGO_FIND, 'mongodb_database == "shop"', true], [KAFKA_ERR, 'mongodb_database != ""', false]],
  mongodb_collection: [[MONGO_FIND, 'mongodb_collection == "orders"', true], [G, 'mongodb_collection != ""', false]],
  mongodb_op_code: [[MONGO_FIND, 'mongodb_op_code == "OP_MSG"', true], [KAFKA_ERR, 'mongodb_op_code != ""', false]],
  mongodb_error_code: [[MONGO_DUP, 'mongodb_error_code == 11000', true], [MONGO_FIND, 'mongodb_error_code != 0', false]],
  mongodb_errmsg: [[MONGO_DUP, 'mongodb_errmsg.contains("duplicate key")', true], [MONGO_FIND, 'mongodb_errmsg != ""', false]],
  redis_type: [[RE.set(), 'redis_type == "SET"', true], [G, 'redis_type == "SET"', false]],
  redis_command: [[RE.set(), 'redis_command.startsWith("SET user:1")', true], [RE.wrongType(), 'redis_command.startsWith("SET")', false]],
  redis_key: [[RE.wrongType(), 'redis_key == "user:1"', true], [RE.message(), 'redis_key != ""', false]],
  redis_error: [[RE.wrongType(), 'redis_error.contains("wrong kind")', true], [RE.set(), 'redis_error != ""', false]],
  redis_request_size: [[RE.set(), 'redis_request_size > 0', true], [RE.message(), 'redis_request_size > 0', false]],
  redis_response_size: [[RE.getLarge(), 'redis_response_size > 300000', true], [RE.set(), 'redis_response_size > 300000', false]],
  redis_total_size: [[RE.getLarge(), 'redis_total_size > 300000', true], [R, 'redis_total_size > 0', false]],
  mysql_query: [[S.myLarge(), 'mysql_query.contains("seq_1_to_2000")', true], [S.myPing(), 'mysql_query.contains("seq_1_to_2000")', false]],
  mysql_error_code: [[S.myDuplicate(), 'mysql_error_code == 1062', true], [S.myLarge(), 'mysql_error_code == 1062', false]],
  mysql_rows: [[S.myLarge(), 'mysql_rows == 2000', true], [S.myDuplicate(), 'mysql_rows == 2000', false]],
  mqtt_type: [[MQ.qos2(), 'mqtt_type == "PUBLISH"', true], [MQ.ping(), 'mqtt_type == "PUBLISH"', false]],
  mqtt_topic: [[MQ.qos2(), 'mqtt_topic.startsWith("sensors/")', true], [MQ.ping(), 'mqtt_topic != ""', false]],
  mqtt_qos: [[MQ.qos2(), 'mqtt_qos == 2', true], [MQ.binary(), 'mqtt_qos == 2', false]],
  mqtt_client_id: [[MQ.ping(), 'mqtt_client_id == "shoal-fixture-v311"', true], [MQ.qos2(), 'mqtt_client_id == "shoal-fixture-v311"', false]],
  mqtt_reason_code: [[MQ.refused(), 'mqtt_reason_code >= 128', true], [MQ.connect(), 'mqtt_reason_code >= 128', false]],
  mqtt_payload: [[MQ.qos2(), 'mqtt_payload.contains("hPa")', true], [MQ.binary(), 'mqtt_payload != ""', false]],
  amqp_method: [[AQ.publish(), 'amqp_method == "basic.publish"', true], [AQ.refused(), 'amqp_method == "basic.publish"', false]],
  amqp_summary: [[AQ.refused(), 'amqp_summary.contains("NOT_FOUND")', true], [AQ.publish(), 'amqp_summary.contains("NOT_FOUND")', false]],
  amqp_request: [[AQ.publish(), 'amqp_request', true], [G, 'amqp_request', false]],
  amqp_response: [[AQ.publish(), 'amqp_response', true], [AQ.autoDelivery(), 'amqp_response', false]],
  amqp_request_length: [[AQ.largeDelivery(), 'amqp_request_length > 100000', true], [AQ.publish(), 'amqp_request_length > 100000', false]],
  amqp_response_length: [[AQ.publish(), 'amqp_response_length > 0', true], [AQ.autoDelivery(), 'amqp_response_length > 0', false]],
  amqp_total_size: [[AQ.largeDelivery(), 'amqp_total_size > 100000', true], [T, 'amqp_total_size > 0', false]],
  amqp_exchange: [[AQ.publish(), 'amqp_exchange == "shoal.events"', true], [AQ.refused(), 'amqp_exchange != ""', false]],
  amqp_queue: [[AQ.refused(), 'amqp_queue == "shoal.missing"', true], [AQ.publish(), 'amqp_queue != ""', false]],
  amqp_routing_key: [[AQ.publish(), 'amqp_routing_key.startsWith("task.")', true], [AQ.refused(), 'amqp_routing_key != ""', false]],
  capture_source: [[R, 'capture_source == "af_packet"', true], [G, 'capture_source == "af_packet"', false], [G, 'capture_source == "pcap_file"', true]],
  malformed: [[L, 'malformed', true], [R, 'malformed', false]],
  malformed_code: [[L, 'malformed_code == "DIS_ERR_GAP"', true], [NR, 'malformed_code == "DIS_ERR_GAP"', false], [R, 'malformed_code == ""', true]],
  summary: [[N, 'summary.contains("-> 404")', true], [R, 'summary.contains("-> 404")', false]],
  id: [[R, 'id == "node-a/42"', true], [G, 'id == "node-a/42"', false]],
  stream: [[R, 'stream == "node-a/tcp/7"', true], [T, 'stream == "node-a/tcp/7"', false]],
};

for (const p of PROTOCOLS) {
  CASES[p] = [[E.ofProtocol(protocolNameOf(p)), p, true], [p === 'tcp' ? R : T, p, false]];
}

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('variables', () => {
  it('the cases cover the whole catalog, each with a match and a non-match', () => {
    assert.deepEqual(Object.keys(CASES).sort(), VARIABLES.map((v) => v.name).sort());
    for (const [name, cases] of Object.entries(CASES)) {
      assert.ok(cases.some((c) => c[2]) && cases.some((c) => !c[2]), name);
    }
  });

  for (const [name, cases] of Object.entries(CASES)) {
    it(name, () => {
      for (const [entry, filter, expected] of cases) {
        check(entry, filter, expected);
        assert.ok(compileFilter(filter).variables.includes(name), `${filter} reports ${name}`);
      }
    });
  }

  it('every catalog example compiles and reports its variable', () => {
    for (const v of VARIABLES) {
      const f = compileFilter(v.example);
      assert.ok(f.variables.includes(v.name), `${v.example} -> ${f.variables.join(',')}`);
    }
  });

  it('protocols without a dissector are false on every real entry, without errors', () => {
    for (const p of PROTOCOLS.filter((x) => !['http', 'tcp', 'udp'].includes(x))) {
      for (const e of [R, G, N, L, NR, T, U]) check(e, p, false);
    }
  });

  it('missing values are zero values, and has() tests presence in request/response', () => {
    check(NR, 'status_code == 0 && response_body_size == 0 && !has(response.status)', true);
    check(L, '!has(request.method) && method == "" && path == "" && url == ""', true);
    check(G, 'src.pod.name == "" && dst.service.namespace == "" && size(pods) == 0', true);
    check(R, 'has(request.body) && request.body.contains("book") && !has(response.trailers)', true);
  });

  it('accepts entries whose optional parts are absent or odd without throwing', () => {
    const odd = { ...G, node: undefined, summary: { text: 'x' }, request: null, response: null } as unknown as Entry;
    check(odd, 'node_name == "" && node.ip == "" && status_code == 0 && request_body_size == 0', true);
  });
});
