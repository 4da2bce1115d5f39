/**
 * The variable catalog: every name a filter can use, with its CEL type, meaning and an example.
 * Names follow Kubeshark's KFL2 where KFL2 has one. docs/filter.md lists exactly these (a test
 * checks both ways); activation.ts computes their values from an Entry.
 */

export interface VariableSpec {
  /** As written in a filter: `status_code`, `src.pod.name`. */
  name: string;
  /** CEL type: `bool`, `int`, `string`, `timestamp`, `list<string>`, `map<string, dyn>`. */
  type: string;
  meaning: string;
  /** A filter that uses the variable. */
  example: string;
}

/**
 * Protocol booleans: true when `protocol.name` is this name (or the one PROTOCOL_NAMES gives it).
 * Those without a dissector yet are simply false on every entry (no error: a saved filter keeps
 * working when the dissector lands).
 */
export const PROTOCOLS = [
  'http', 'http2', 'tcp', 'udp', 'icmp', 'dns', 'tls', 'grpc', 'gql', 'ws', 'redis', 'kafka', 'amqp',
  'ldap', 'radius', 'diameter', 'mongodb', 'mysql', 'postgresql', 'mqtt',
] as const;

/** Booleans named as KFL2 names them, for a `protocol.name` spelled otherwise. */
export const PROTOCOL_NAMES: Readonly<Partial<Record<(typeof PROTOCOLS)[number], string>>> = { gql: 'graphql' };

/** The `protocol.name` a protocol boolean tests. */
export const protocolNameOf = (p: (typeof PROTOCOLS)[number]): string => PROTOCOL_NAMES[p] ?? p;

function endpoint(side: 'src' | 'dst', who: string): VariableSpec[] {
  const s = side;
  return [
    { name: `${s}.ip`, type: 'string', meaning: `IP address of the ${who} (IPv6 per RFC 5952)`, example: `${s}.ip == "10.244.1.12"` },
    { name: `${s}.port`, type: 'int', meaning: `TCP/UDP port of the ${who}`, example: `${s}.port == ${s === 'src' ? '51234' : '8080'}` },
    { name: `${s}.name`, type: 'string', meaning: `display name of the ${who}: pod, else service, else "" (resolution)`, example: `${s}.name.startsWith("cart-")` },
    { name: `${s}.namespace`, type: 'string', meaning: `Kubernetes namespace of the ${who}, "" when unresolved`, example: `${s}.namespace == "shop"` },
    { name: `${s}.pod.name`, type: 'string', meaning: `pod of the ${who}, "" when not a resolved pod`, example: `${s}.pod.name.startsWith("cart-")` },
    { name: `${s}.pod.namespace`, type: 'string', meaning: `namespace of that pod, "" when no pod`, example: `${s}.pod.namespace == "shop"` },
    { name: `${s}.service.name`, type: 'string', meaning: `service of the ${who}, "" when none`, example: `${s}.service.name == "cart"` },
    { name: `${s}.service.namespace`, type: 'string', meaning: `namespace of that service, "" when none`, example: `${s}.service.namespace != "kube-system"` },
  ];
}

export const VARIABLES: readonly VariableSpec[] = [
  ...PROTOCOLS.map((p): VariableSpec => ({
    name: p, type: 'bool', meaning: `protocol.name is "${protocolNameOf(p)}"`, example: p === 'http' ? 'http && status_code >= 500' : p === 'http2' ? '(http || http2) && path.startsWith("/api/")' : p,
  })),
  { name: 'protocol', type: 'string', meaning: 'protocol name (protocol.name): http, tcp, udp, …', example: 'protocol in ["tcp", "udp"]' },
  { name: 'layer4', type: 'string', meaning: 'transport carrying the entry: tcp, udp, sctp, icmp', example: 'layer4 == "tcp" && !http' },
  { name: 'method', type: 'string', meaning: 'request method (summary.method), "" when none', example: 'method == "POST"' },
  { name: 'path', type: 'string', meaning: 'request path and query (summary.path), "" when none', example: 'path.startsWith("/api/")' },
  { name: 'url', type: 'string', meaning: 'request-target exactly as sent (request.url), "" when none', example: 'url.contains("?debug=")' },
  { name: 'status_code', type: 'int', meaning: 'response status, 0 when there is no response', example: 'status_code >= 400' },
  ...endpoint('src', 'client'),
  ...endpoint('dst', 'server'),
  { name: 'namespaces', type: 'list<string>', meaning: 'namespaces of both sides (resolved ones only)', example: '"payments" in namespaces' },
  { name: 'pods', type: 'list<string>', meaning: 'pod names of both sides', example: 'pods.exists(p, p.startsWith("ledger-"))' },
  { name: 'services', type: 'list<string>', meaning: 'service names of both sides', example: '"cart" in services' },
  { name: 'node_name', type: 'string', meaning: 'node that captured the entry ("" for a file)', example: 'node_name == "node-a"' },
  { name: 'node.name', type: 'string', meaning: 'same as node_name', example: 'node.name == "node-a"' },
  { name: 'node.ip', type: 'string', meaning: 'IP of the capturing node ("" for a file)', example: 'node.ip == "192.168.49.2"' },
  { name: 'timestamp', type: 'timestamp', meaning: 'first byte of the request (of the flow), millisecond precision', example: 'timestamp > timestamp("2026-01-15T09:00:00Z")' },
  { name: 'elapsed_time', type: 'int', meaning: 'request first byte → response last byte, in microseconds', example: 'elapsed_time > 250000' },
  { name: 'request', type: 'map<string, dyn>', meaning: 'protocol detail of the request (docs/entries.md); {headers: {}} when not seen', example: 'has(request.body) && request.body.contains("book")' },
  { name: 'response', type: 'map<string, dyn>', meaning: 'protocol detail of the response; {headers: {}} when none', example: 'response.statusText == "Not Found"' },
  { name: 'request.headers', type: 'map<string, dyn>', meaning: 'request header fields, lower-case names; {} when none', example: '"authorization" in request.headers' },
  { name: 'response.headers', type: 'map<string, dyn>', meaning: 'response header fields, lower-case names; {} when none', example: 'response.headers["content-type"].startsWith("application/json")' },
  { name: 'request_body_size', type: 'int', meaning: 'request body bytes (HTTP bodySize; payload bytes of a flow)', example: 'request_body_size > 1024' },
  { name: 'response_body_size', type: 'int', meaning: 'response body bytes (HTTP bodySize; payload bytes of a flow)', example: 'response_body_size == 0' },
  { name: 'request_size', type: 'int', meaning: 'request bytes on the wire (requestSize)', example: 'request_size > 100' },
  { name: 'response_size', type: 'int', meaning: 'response bytes on the wire (responseSize)', example: 'response_size > 100000' },
  { name: 'dns_questions', type: 'list<string>', meaning: 'DNS: names asked (request.questions, else the response\'s); [] for other entries', example: 'dns && "api.shop.svc.cluster.local" in dns_questions' },
  { name: 'dns_question_types', type: 'list<string>', meaning: 'DNS: record types asked, e.g. A, AAAA, SRV; [] for other entries', example: '"AAAA" in dns_question_types' },
  { name: 'dns_answers', type: 'list<string>', meaning: 'DNS: the data of each answer record (addresses, targets, text); [] when none', example: '"10.96.0.10" in dns_answers' },
  { name: 'dns_rcode', type: 'string', meaning: 'DNS: the response code, NOERROR, NXDOMAIN, SERVFAIL, …; "" when no response', example: 'dns_rcode == "NXDOMAIN"' },
  { name: 'tls_sni', type: 'string', meaning: 'TLS: the server name the client asked for (SNI); "" without one, and for other entries', example: 'tls && tls_sni.endsWith(".svc.cluster.local")' },
  { name: 'tls_version', type: 'string', meaning: 'TLS: the version the server chose, "TLS 1.2", "TLS 1.3"; "" without a ServerHello', example: 'tls_version == "TLS 1.2"' },
  { name: 'tls_alpn', type: 'list<string>', meaning: 'TLS: the ALPN protocols the client offered, e.g. h2, http/1.1; [] when none', example: '"h2" in tls_alpn' },
  { name: 'tls_cipher', type: 'string', meaning: 'TLS: the cipher suite the server chose, IANA name (hex when unknown); "" without a ServerHello', example: 'tls_cipher.contains("CBC")' },
  { name: 'tls_ja3', type: 'string', meaning: 'TLS: the JA3 fingerprint of the ClientHello (MD5, hex)', example: 'tls_ja3 == "d1f47f694f10b1faf653048918492609"' },
  { name: 'tls_ja4', type: 'string', meaning: 'TLS: the JA4 fingerprint of the ClientHello', example: 'tls_ja4.startsWith("t13d")' },
  { name: 'grpc_service', type: 'string', meaning: 'gRPC: the service of the call, from :path /<service>/<method>; "" for other entries', example: 'grpc && grpc_service == "shop.Cart"' },
  { name: 'grpc_method', type: 'string', meaning: 'gRPC: the method of the call (the last part of :path); "" for other entries', example: 'grpc_method.startsWith("Create")' },
  { name: 'grpc_status', type: 'int', meaning: 'gRPC: grpc-status (0 OK, 5 NOT_FOUND, 14 UNAVAILABLE, …); -1 without one and for other entries', example: 'grpc && grpc_status != 0' },
  { name: 'gql_operation', type: 'string', meaning: 'GraphQL: the operation type, query, mutation or subscription; "" for other entries', example: 'gql && gql_operation == "mutation"' },
  { name: 'gql_operation_name', type: 'string', meaning: 'GraphQL: the operation name; "" for an anonymous operation and other entries', example: 'gql_operation_name == "GetBook"' },
  { name: 'gql_errors', type: 'list<string>', meaning: 'GraphQL: the messages of the response\'s errors (at most 20 shown); [] when none', example: 'size(gql_errors) > 0' },
  { name: 'ws_opcode', type: 'string', meaning: 'WebSocket: the opcode, text, binary, close, ping (a ping and its pong), pong; "" for other entries', example: 'ws && ws_opcode == "close"' },
  { name: 'ws_request', type: 'bool', meaning: 'WebSocket: the entry holds a message the client sent', example: 'ws && ws_request && !ws_response' },
  { name: 'ws_response', type: 'bool', meaning: 'WebSocket: the entry holds a message the server sent', example: 'ws_response && ws_opcode == "binary"' },
  { name: 'ws_request_payload_data', type: 'string', meaning: 'WebSocket: the text of the client\'s message (as shown: cut at the body cap); "" for binary and other entries', example: 'ws_request_payload_data.contains("subscribe")' },
  { name: 'ws_response_payload_data', type: 'string', meaning: 'WebSocket: the text of the server\'s message; "" for binary and other entries', example: 'ws_response_payload_data.contains("error")' },
  { name: 'ws_request_payload_length', type: 'int', meaning: 'WebSocket: the size of the client\'s message, inflated when compressed; 0 without one', example: 'ws_request_payload_length > 65536' },
  { name: 'ws_response_payload_length', type: 'int', meaning: 'WebSocket: the size of the server\'s message, inflated when compressed; 0 without one', example: 'ws_response_payload_length > 1048576' },
  { name: 'ws_close_code', type: 'int', meaning: 'WebSocket: the status code of a close (the client\'s, else the server\'s); 0 otherwise', example: 'ws_close_code != 0 && ws_close_code != 1000' },
  { name: 'icmp_type', type: 'string', meaning: 'ICMP and ICMPv6: the type in words, echo request, destination unreachable, time exceeded, …; "" for other entries', example: 'icmp && icmp_type == "destination unreachable"' },
  { name: 'icmp_code', type: 'int', meaning: 'ICMP and ICMPv6: the code of that message (3 port unreachable for ICMP); 0 for other entries', example: 'icmp_type == "destination unreachable" && icmp_code == 3' },
  { name: 'icmp_version', type: 'int', meaning: 'ICMP: 4 for ICMP, 6 for ICMPv6; 0 for other entries', example: 'icmp_version == 6' },
  { name: 'postgresql_query', type: 'string', meaning: 'PostgreSQL: the statement\'s text (a Query\'s, or the Parse\'s carried to its executions); "" for other entries', example: 'postgresql && postgresql_query.contains("FROM orders")' },
  { name: 'postgresql_error_code', type: 'string', meaning: 'PostgreSQL: the SQLSTATE of the ErrorResponse, e.g. 42P01, 23505; "" without an error', example: 'postgresql_error_code.startsWith("23")' },
  { name: 'postgresql_rows', type: 'int', meaning: 'PostgreSQL: the rows the answer carried (DataRow messages); 0 for other entries', example: 'postgresql_rows > 1000' },
  { name: 'kafka_api_key', type: 'int', meaning: 'Kafka: the request\'s API key, 0 Produce, 1 Fetch, 3 Metadata, …; -1 without a request and for other entries', example: 'kafka && kafka_api_key == 0' },
  { name: 'kafka_api_key_name', type: 'string', meaning: 'Kafka: the API key\'s name, Produce, Fetch, Metadata, JoinGroup, …; "" without a request', example: 'kafka_api_key_name == "Fetch"' },
  { name: 'kafka_api_version', type: 'int', meaning: 'Kafka: the request\'s API version; 0 without one', example: 'kafka_api_key_name == "Produce" && kafka_api_version < 3' },
  { name: 'kafka_correlation_id', type: 'int', meaning: 'Kafka: the correlation id that pairs the request and response', example: 'kafka_correlation_id == 42' },
  { name: 'kafka_client_id', type: 'string', meaning: 'Kafka: the client id of the request header; "" when null or none', example: 'kafka_client_id.startsWith("rdkafka")' },
  { name: 'kafka_topics', type: 'list<string>', meaning: 'Kafka: the topics the request names, else the response\'s; [] when none', example: '"orders" in kafka_topics' },
  { name: 'kafka_groups', type: 'list<string>', meaning: 'Kafka: the group ids the request names (group APIs, FindCoordinator); [] when none', example: '"shop-consumers" in kafka_groups' },
  { name: 'kafka_error_code', type: 'int', meaning: 'Kafka: the first error code other than 0 in the response, 0 (NONE) when none or not decoded', example: 'kafka && kafka_error_code != 0' },
  { name: 'kafka_error', type: 'string', meaning: 'Kafka: that error code\'s name, NONE, UNKNOWN_TOPIC_OR_PARTITION, …; "" when the response was not decoded', example: 'kafka_error == "NOT_LEADER_OR_FOLLOWER"' },
  { name: 'kafka_record_count', type: 'int', meaning: 'Kafka: records in a Produce request, else in a Fetch response; 0 otherwise', example: 'kafka_record_count > 100' },
  { name: 'mongodb_command', type: 'string', meaning: 'MongoDB: the command, find, insert, getMore, hello, …; "" without a request and for other entries', example: 'mongodb && mongodb_command == "find"' },
  { name: 'mongodb_database', type: 'string', meaning: 'MongoDB: the database ($db, or an OP_QUERY\'s collection prefix)', example: 'mongodb_database == "shop"' },
  { name: 'mongodb_collection', type: 'string', meaning: 'MongoDB: the collection the command names; "" when none', example: 'mongodb_collection == "orders"' },
  { name: 'mongodb_op_code', type: 'string', meaning: 'MongoDB: the opcode, OP_MSG, OP_QUERY, OP_COMPRESSED, … (the request\'s, else the reply\'s)', example: 'mongodb_op_code == "OP_QUERY"' },
  { name: 'mongodb_error_code', type: 'int', meaning: 'MongoDB: the error code of a reply with ok 0 or a write error (11000 duplicate key, …); 0 otherwise', example: 'mongodb_error_code == 11000' },
  { name: 'mongodb_errmsg', type: 'string', meaning: 'MongoDB: that error\'s message; "" otherwise', example: 'mongodb_errmsg.contains("duplicate key")' },
  { name: 'redis_type', type: 'string', meaning: 'Redis: the command, upper-case (GET, SET, HGETALL), or a push\'s kind (message); "" for other entries', example: 'redis && redis_type == "GET"' },
  { name: 'redis_command', type: 'string', meaning: 'Redis: the command and its arguments as kept, joined by spaces (binary ones as <binary>)', example: 'redis_command.startsWith("SET session:")' },
  { name: 'redis_key', type: 'string', meaning: 'Redis: the first key of the command (request.key); "" without one', example: 'redis_key.startsWith("session:")' },
  { name: 'redis_error', type: 'string', meaning: 'Redis: the text of an error reply (response.error), e.g. WRONGTYPE …; "" otherwise', example: 'redis_error.startsWith("WRONGTYPE")' },
  { name: 'redis_request_size', type: 'int', meaning: 'Redis: the command\'s bytes on the wire; 0 without one, and for other entries', example: 'redis_request_size > 100000' },
  { name: 'redis_response_size', type: 'int', meaning: 'Redis: the reply\'s (or push\'s) bytes on the wire; 0 without one, and for other entries', example: 'redis_response_size > 1048576' },
  { name: 'redis_total_size', type: 'int', meaning: 'Redis: redis_request_size + redis_response_size', example: 'redis && redis_total_size > 65536' },
  { name: 'mysql_query', type: 'string', meaning: 'MySQL: the statement\'s text (COM_QUERY\'s, or the prepare\'s carried to its executions); "" for other entries', example: 'mysql && mysql_query.contains("FROM orders")' },
  { name: 'mysql_error_code', type: 'int', meaning: 'MySQL: the error number of the ERR packet, e.g. 1146, 1062; 0 without an error', example: 'mysql_error_code == 1062' },
  { name: 'mysql_rows', type: 'int', meaning: 'MySQL: the rows of the answer\'s result sets; 0 for other entries', example: 'mysql_rows > 1000' },
  { name: 'mqtt_type', type: 'string', meaning: 'MQTT: the packet that opened the exchange, CONNECT, PUBLISH, SUBSCRIBE, PINGREQ, …; "" for other entries', example: 'mqtt && mqtt_type == "PUBLISH"' },
  { name: 'mqtt_topic', type: 'string', meaning: 'MQTT: a PUBLISH\'s topic, a SUBSCRIBE\'s or UNSUBSCRIBE\'s first filter; "" otherwise', example: 'mqtt_topic.startsWith("sensors/")' },
  { name: 'mqtt_qos', type: 'int', meaning: 'MQTT: a PUBLISH\'s QoS, 0, 1 or 2; -1 for other packets and entries', example: 'mqtt_qos == 2' },
  { name: 'mqtt_client_id', type: 'string', meaning: 'MQTT: the client identifier of the connection\'s CONNECT; "" when it was not seen', example: 'mqtt_client_id.startsWith("sensor-")' },
  { name: 'mqtt_reason_code', type: 'int', meaning: 'MQTT: the answer\'s reason code (5.0) or CONNACK return code (3.1.1); -1 without one', example: 'mqtt_reason_code >= 128' },
  { name: 'mqtt_payload', type: 'string', meaning: 'MQTT: a PUBLISH\'s payload as text (cut at the body cap); "" for a binary one and other entries', example: 'mqtt_payload.contains("alarm")' },
  { name: 'amqp_method', type: 'string', meaning: 'AMQP: the method that opened the exchange, basic.publish, queue.declare, …; "" for other entries', example: 'amqp && amqp_method == "basic.publish"' },
  { name: 'amqp_summary', type: 'string', meaning: 'AMQP: the one-line summary of the exchange (summary.text)', example: 'amqp_summary.contains("NOT_FOUND")' },
  { name: 'amqp_request', type: 'bool', meaning: 'AMQP: the entry has the method that opened the exchange', example: 'amqp && !amqp_request' },
  { name: 'amqp_response', type: 'bool', meaning: 'AMQP: the entry has the answer', example: 'amqp_method == "basic.deliver" && !amqp_response' },
  { name: 'amqp_request_length', type: 'int', meaning: 'AMQP: the opening method\'s frames on the wire, content included; 0 without one', example: 'amqp_request_length > 100000' },
  { name: 'amqp_response_length', type: 'int', meaning: 'AMQP: the answer\'s frames on the wire; 0 without one', example: 'amqp_response_length > 100000' },
  { name: 'amqp_total_size', type: 'int', meaning: 'AMQP: amqp_request_length + amqp_response_length', example: 'amqp && amqp_total_size > 65536' },
  { name: 'amqp_exchange', type: 'string', meaning: 'AMQP: the exchange the opening method names (a publish\'s, a delivery\'s, a declare\'s); "" for the default exchange and other entries', example: 'amqp_exchange == "orders"' },
  { name: 'amqp_queue', type: 'string', meaning: 'AMQP: the queue the opening method names (declare, bind, consume, get); "" otherwise', example: 'amqp_queue.startsWith("tasks")' },
  { name: 'amqp_routing_key', type: 'string', meaning: 'AMQP: the routing key of a publish, delivery or bind; "" otherwise', example: 'amqp_routing_key.startsWith("task.")' },
  { name: 'capture_source', type: 'string', meaning: 'how the entry was obtained: packets by ebpf, af_packet, libpcap or from a pcap_file; ebpf_tls for TLS plaintext from the TLS tracer', example: 'capture_source == "ebpf"' },
  { name: 'malformed', type: 'bool', meaning: 'the entry carries a malformed note', example: 'malformed' },
  { name: 'malformed_code', type: 'string', meaning: 'its DIS_ERR_* code, "" when not malformed', example: 'malformed_code == "DIS_ERR_GAP"' },
  { name: 'summary', type: 'string', meaning: 'the one-line summary a feed row shows (summary.text)', example: 'summary.contains("-> 404")' },
  { name: 'id', type: 'string', meaning: 'entry id, <worker>/<run>/<seq> (dissect/<seq> for a file)', example: 'id == "node-a/mih3k2a0/42"' },
  { name: 'stream', type: 'string', meaning: 'the connection or conversation the entry came from', example: 'stream == "node-a/tcp/7"' },
];

export const VARIABLE_NAMES: ReadonlySet<string> = new Set(VARIABLES.map((v) => v.name));

/** Top-level CEL identifiers (`src` for `src.pod.name`). */
export const ROOT_NAMES: ReadonlySet<string> = new Set(VARIABLES.map((v) => v.name.split('.')[0]!));

/** Direct fields of a dotted prefix in the catalog: `src` → ip, port, name, namespace, pod, service. */
export function fieldsOf(prefix: string): string[] {
  const out = new Set<string>();
  for (const v of VARIABLES) {
    if (v.name.startsWith(`${prefix}.`)) out.add(v.name.slice(prefix.length + 1).split('.')[0]!);
  }
  return [...out];
}

/** Functions and macros a filter can call (docs/filter.md, "Functions"). */
export const FUNCTIONS = [
  'has', 'all', 'exists', 'exists_one', 'map', 'filter', 'size', 'contains', 'startsWith', 'endsWith',
  'matches', 'lowerAscii', 'upperAscii', 'trim', 'indexOf', 'lastIndexOf', 'substring', 'split', 'join',
  'timestamp', 'duration', 'now', 'int', 'uint', 'double', 'string', 'bool', 'bytes', 'dyn', 'type',
  'getFullYear', 'getMonth', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getHours', 'getMinutes',
  'getSeconds', 'getMilliseconds', 'cel.bind',
] as const;
