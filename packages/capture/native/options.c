/*
 * Reading the JS options object into shoal_options (N-API). The TypeScript wrapper
 * (src/live/live-options.ts) validates and fills defaults first; this side checks types and
 * ranges again rather than trust them, and maps fanout mode names onto PACKET_FANOUT_*.
 */
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include "options.h"

#include "bpf/shoal_tls.h"

#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int option_type_error(napi_env env, const char *key, const char *expected) {
  char msg[160];
  snprintf(msg, sizeof msg, "live capture option %s must be %s", key, expected);
  napi_throw_type_error(env, "options", msg);
  return -1;
}

static int get_value(napi_env env, napi_value obj, const char *key, napi_value *out,
                     napi_valuetype *type) {
  if (napi_get_named_property(env, obj, key, out) != napi_ok) return -1;
  if (napi_typeof(env, *out, type) != napi_ok) return -1;
  return 0;
}

static int get_u32(napi_env env, napi_value obj, const char *key, uint32_t fallback,
                   uint32_t *out) {
  napi_value v;
  napi_valuetype t;
  double d;
  if (get_value(env, obj, key, &v, &t) != 0) return -1;
  if (t == napi_undefined || t == napi_null) {
    *out = fallback;
    return 0;
  }
  if (t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || d < 0 ||
      d > 4294967295.0 || d != (double)(uint32_t)d) {
    return option_type_error(env, key, "an integer from 0 to 2^32-1");
  }
  *out = (uint32_t)d;
  return 0;
}

static int get_flag(napi_env env, napi_value obj, const char *key, int fallback, int *out) {
  napi_value v;
  napi_valuetype t;
  bool b;
  if (get_value(env, obj, key, &v, &t) != 0) return -1;
  if (t == napi_undefined || t == napi_null) {
    *out = fallback;
    return 0;
  }
  if (t != napi_boolean || napi_get_value_bool(env, v, &b) != napi_ok) {
    return option_type_error(env, key, "a boolean");
  }
  *out = b ? 1 : 0;
  return 0;
}

/* A malloc'd copy of a string option, NULL when absent. */
static int get_string(napi_env env, napi_value obj, const char *key, char **out) {
  napi_value v;
  napi_valuetype t;
  size_t len = 0;
  *out = NULL;
  if (get_value(env, obj, key, &v, &t) != 0) return -1;
  if (t == napi_undefined || t == napi_null) return 0;
  if (t != napi_string) return option_type_error(env, key, "a string");
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return -1;
  *out = malloc(len + 1);
  if (*out == NULL) return -1;
  if (napi_get_value_string_utf8(env, v, *out, len + 1, &len) != napi_ok) return -1;
  if (strlen(*out) != len) return option_type_error(env, key, "a string without NUL bytes");
  return 0;
}

static int fanout_mode(const char *name, uint16_t *out) {
  static const struct { const char *name; uint16_t mode; } modes[] = {
      {"hash", PACKET_FANOUT_HASH}, {"lb", PACKET_FANOUT_LB},
      {"cpu", PACKET_FANOUT_CPU},   {"rollover", PACKET_FANOUT_ROLLOVER},
      {"random", PACKET_FANOUT_RND}, {"qm", PACKET_FANOUT_QM},
  };
  size_t i;
  for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
    if (strcmp(modes[i].name, name) == 0) {
      *out = modes[i].mode;
      return 0;
    }
  }
  return -1;
}

int parse_options(napi_env env, napi_value obj, shoal_options *o) {
  char *backend = NULL, *mode = NULL;
  int defrag = 0, rollover = 0;
  uint32_t group = 0;
  memset(o, 0, sizeof *o);

  if (get_string(env, obj, "backend", &backend) != 0) goto fail;
  if (backend != NULL && strcmp(backend, "libpcap") == 0) {
    o->backend = SHOAL_BACKEND_LIBPCAP;
  } else if (backend != NULL && strcmp(backend, "af_packet") == 0) {
    o->backend = SHOAL_BACKEND_AF_PACKET;
  } else if (backend != NULL && strcmp(backend, "ebpf") == 0) {
    o->backend = SHOAL_BACKEND_EBPF;
  } else if (backend != NULL && strcmp(backend, "tls") == 0) {
    o->backend = SHOAL_BACKEND_TLS;
  } else {
    option_type_error(env, "backend", "\"ebpf\", \"af_packet\", \"libpcap\" or \"tls\"");
    goto fail;
  }
  if (get_string(env, obj, "interface", &o->interface) != 0) goto fail;
  if (o->backend != SHOAL_BACKEND_TLS && (o->interface == NULL || o->interface[0] == '\0')) {
    option_type_error(env, "interface", "an interface name or \"any\"");
    goto fail;
  }
  if (get_string(env, obj, "filter", &o->filter) != 0) goto fail;
  if (get_string(env, obj, "netns", &o->netns) != 0) goto fail;
  if (get_flag(env, obj, "promiscuous", 1, &o->promiscuous) != 0) goto fail;
  if (get_flag(env, obj, "ignoreOutgoing", 0, &o->ignore_outgoing) != 0) goto fail;
  if (get_u32(env, obj, "snaplen", 262144, &o->snaplen) != 0) goto fail;
  if (o->snaplen == 0 || o->snaplen > 262144) {
    option_type_error(env, "snaplen", "from 1 to 262144");
    goto fail;
  }

  if (get_flag(env, obj, "fanout", 0, &o->fanout) != 0) goto fail;
  if (o->fanout) {
    if (get_u32(env, obj, "fanoutGroup", 0, &group) != 0) goto fail;
    if (group > 0xffff) {
      option_type_error(env, "fanoutGroup", "from 0 to 65535");
      goto fail;
    }
    if (get_string(env, obj, "fanoutMode", &mode) != 0) goto fail;
    if (fanout_mode(mode ? mode : "hash", &o->fanout_type) != 0) {
      option_type_error(env, "fanoutMode", "hash, lb, cpu, rollover, random or qm");
      goto fail;
    }
    if (get_flag(env, obj, "fanoutDefrag", 0, &defrag) != 0) goto fail;
    if (get_flag(env, obj, "fanoutRollover", 0, &rollover) != 0) goto fail;
    o->fanout_group = (uint16_t)group;
    if (defrag) o->fanout_type |= PACKET_FANOUT_FLAG_DEFRAG;
    if (rollover) o->fanout_type |= PACKET_FANOUT_FLAG_ROLLOVER;
  }

  if (get_u32(env, obj, "blockBytes", 1u << 20, &o->block_bytes) != 0) goto fail;
  if (get_u32(env, obj, "blockCount", 32, &o->block_count) != 0) goto fail;
  if (get_u32(env, obj, "blockTimeoutMs", 10, &o->block_timeout_ms) != 0) goto fail;
  if (o->block_bytes == 0 || o->block_count == 0) {
    option_type_error(env, "ring", "at least one block of at least one page");
    goto fail;
  }
  if (get_u32(env, obj, "batchBytes", 1u << 20, &o->batch_bytes) != 0) goto fail;
  if (get_u32(env, obj, "batchPackets", 16384, &o->batch_packets) != 0) goto fail;
  if (get_u32(env, obj, "maxInFlight", 16, &o->max_in_flight) != 0) goto fail;
  if (get_u32(env, obj, "spoolBytes", 32u << 20, &o->spool_bytes) != 0) goto fail;
  if (get_u32(env, obj, "pcapBufferBytes", 32u << 20, &o->pcap_buffer_bytes) != 0) goto fail;
  if (get_u32(env, obj, "pcapTimeoutMs", 10, &o->pcap_timeout_ms) != 0) goto fail;
  if (get_flag(env, obj, "pcapImmediate", 0, &o->pcap_immediate) != 0) goto fail;
  if (get_string(env, obj, "bpfObject", &o->bpf_object) != 0) goto fail;
  if (get_u32(env, obj, "ebpfRingBytes", 16u << 20, &o->ebpf_ring_bytes) != 0) goto fail;
  if (get_u32(env, obj, "ebpfTimeoutMs", 10, &o->ebpf_timeout_ms) != 0) goto fail;
  if (o->ebpf_timeout_ms == 0) o->ebpf_timeout_ms = 1;
  if (o->backend == SHOAL_BACKEND_TLS) {
    /* Uprobes are not per namespace: the tracer runs in the worker's own. Its records are a
     * header and at most one piece of plaintext. */
    if (o->netns != NULL) {
      option_type_error(env, "netns", "absent for the TLS tracer (it traces processes of any namespace)");
      goto fail;
    }
    o->snaplen = SHOAL_TLS_RECORD_BYTES + SHOAL_TLS_PIECE;
  }
  if (o->backend == SHOAL_BACKEND_EBPF || o->backend == SHOAL_BACKEND_TLS) {
    uint32_t r = o->ebpf_ring_bytes;
    if (o->bpf_object == NULL || o->bpf_object[0] == '\0') {
      option_type_error(env, "bpfObject", "the path of the compiled eBPF object");
      goto fail;
    }
    if (r < 4096 || (r & (r - 1)) != 0) {
      option_type_error(env, "ebpfRingBytes", "a power of two of at least one page");
      goto fail;
    }
  }
  free(backend);
  free(mode);
  return 0;

fail:
  free(backend);
  free(mode);
  shoal_options_free(o);
  return -1;
}

