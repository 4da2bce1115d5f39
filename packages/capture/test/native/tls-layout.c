/*
 * Built and run by test/tls-layout.test.ts (no root, no tracer): prints the TLS tracer's record
 * layout as the C compiler sees it, then the bytes of two records filled here as the programs
 * fill them.
 *
 * Line 1: JSON {size, constant, linktype, offsets: {field: offsetof}}, named as the TypeScript
 * reader (src/live/tls-records.ts) names the fields. Line 2: a data record over IPv4 with its
 * plaintext, then a bind record over IPv6, in hex.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bpf/shoal_tls.h"

static void hex(const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

int main(void) {
  struct shoal_tls_record r;
  const char text[] = "GET / HTTP/1.1\r\n";

#define FIELD(name, member) printf(",\"%s\":%zu", name, offsetof(struct shoal_tls_record, member))
  printf("{\"size\":%zu,\"constant\":%u,\"linktype\":%u,\"offsets\":{\"monoNs\":%zu", sizeof r,
         SHOAL_TLS_RECORD_BYTES, SHOAL_TLS_LINKTYPE, offsetof(struct shoal_tls_record, mono_ns));
  FIELD("ssl", ssl);
  FIELD("streamOffset", stream_offset);
  FIELD("tgid", tgid);
  FIELD("tid", tid);
  FIELD("netns", netns);
  FIELD("callLength", call_len);
  FIELD("length", len);
  FIELD("fd", fd);
  FIELD("kind", kind);
  FIELD("direction", direction);
  FIELD("tupleSource", tuple_source);
  FIELD("localAddr", tuple.local_addr);
  FIELD("remoteAddr", tuple.remote_addr);
  FIELD("localPort", tuple.local_port);
  FIELD("remotePort", tuple.remote_port);
  FIELD("family", tuple.family);
  FIELD("comm", comm);
  printf("}}\n");

  memset(&r, 0, sizeof r);
  r.mono_ns = 123456789012345ull;
  r.ssl = 0x55f4b2bd69f0ull;
  r.stream_offset = 5000000000ull; /* past 32 bits */
  r.tgid = 4242;
  r.tid = 4243;
  r.netns = 4026532001u;
  r.call_len = 50000;
  r.len = sizeof text - 1;
  r.fd = 7;
  r.kind = SHOAL_TLS_DATA;
  r.direction = SHOAL_TLS_WRITE;
  r.tuple_source = SHOAL_TLS_TUPLE_CALL;
  inet_pton(AF_INET, "10.247.3.2", r.tuple.local_addr);
  inet_pton(AF_INET, "10.247.3.1", r.tuple.remote_addr);
  r.tuple.local_port = 51234;
  r.tuple.remote_port = 443;
  r.tuple.family = AF_INET;
  strcpy(r.comm, "curl");
  hex(&r, sizeof r);
  hex(text, sizeof text - 1);

  memset(&r, 0, sizeof r);
  r.ssl = 0x15ec8b80ull;
  r.tgid = 77;
  r.tid = 78;
  r.fd = -1;
  r.kind = SHOAL_TLS_BIND;
  r.direction = SHOAL_TLS_WRITE;
  inet_pton(AF_INET6, "fd00::1:2", r.tuple.local_addr);
  inet_pton(AF_INET6, "fd00::9", r.tuple.remote_addr);
  r.tuple.local_port = 40000;
  r.tuple.remote_port = 8443;
  r.tuple.family = AF_INET6;
  memcpy(r.comm, "a-name-16-bytes!", 16); /* fills comm: no terminating NUL */
  hex(&r, sizeof r);
  printf("\n");
  return 0;
}
