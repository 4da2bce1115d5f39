/*
 * N-API functions of the TLS tracer, on a handle open() made with backend "tls" (main thread):
 *
 *   tlsAttach(handle, path) -> {id, functions}  uprobes on the OpenSSL functions in the file
 *                                               (names of those hooked); throws Error{code}
 *   tlsDetach(handle, id) -> boolean            takes them off again (false: no such id)
 *   tlsNamespaces(handle, inodes)               the network namespaces traced (replaces them)
 *   tlsCounters(handle) -> {calls, records, bytes, lostRecords, lostBytes}
 *
 * Without libbpf each of them throws the build's reason (the tracer cannot have opened).
 */
#include "addon.h"

#include <stdlib.h>
#include <string.h>

#include "ebpf_backend.h"
#include "shoal.h"

#ifdef SHOAL_HAVE_EBPF

#include <bpf/bpf.h>
#include <errno.h>

#include "tls_attach.h"
#include "tls_state.h"

/* tls_netns's size in bpf/tls.bpf.c. */
#define TLS_MAX_NAMESPACES 4096

/* The tracer behind the handle, or NULL with a JS error pending. */
static tls_state *tracer(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  shoal_capture *cap = addon_capture(env, info, argc, argv);
  tls_state *st;
  if (cap == NULL) return NULL;
  st = capture_backend(cap) == SHOAL_BACKEND_TLS ? capture_state(cap) : NULL;
  if (st == NULL) napi_throw_type_error(env, "options", "expected a handle opened with backend \"tls\"");
  return st;
}

static void set_number(napi_env env, napi_value obj, const char *key, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, obj, key, v);
}

static napi_value js_tls_attach(napi_env env, napi_callback_info info) {
  size_t argc = 2, len = 0;
  napi_value argv[2], result, names;
  char path[4096];
  shoal_error err;
  unsigned functions = 0;
  uint32_t n = 0;
  int id, f;
  tls_state *st = tracer(env, info, &argc, argv);
  if (st == NULL) return NULL;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[1], path, sizeof path, &len) != napi_ok ||
      len == 0 || len >= sizeof path - 1) {
    napi_throw_type_error(env, "options", "tlsAttach(handle, path) expects the path of a file");
    return NULL;
  }
  memset(&err, 0, sizeof err);
  id = tls_attach(st, path, &functions, &err);
  if (id < 0) {
    napi_throw_error(env, shoal_error_kind_name(err.kind), err.message);
    return NULL;
  }
  napi_create_object(env, &result);
  set_number(env, result, "id", id);
  napi_create_array(env, &names);
  for (f = 0; f < TLS_FUNCTIONS; f++) {
    napi_value name;
    if ((functions & (1u << f)) == 0) continue;
    napi_create_string_utf8(env, tls_function_names[f], NAPI_AUTO_LENGTH, &name);
    napi_set_element(env, names, n++, name);
  }
  napi_set_named_property(env, result, "functions", names);
  return result;
}

static napi_value js_tls_detach(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  int32_t id = 0;
  tls_state *st = tracer(env, info, &argc, argv);
  if (st == NULL) return NULL;
  if (argc < 2 || napi_get_value_int32(env, argv[1], &id) != napi_ok) {
    napi_throw_type_error(env, "options", "tlsDetach(handle, id) expects an attachment id");
    return NULL;
  }
  napi_get_boolean(env, tls_detach(st, id) == 0, &result);
  return result;
}

/* Replaces the traced namespaces: the new ones are added before the old ones go, so a
 * namespace in both lists is never left out for a moment. */
static napi_value js_tls_namespaces(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t count = 0, i, key, next, nstale = 0;
  uint32_t *wanted, *stale;
  void *prev = NULL;
  uint8_t one = 1;
  bool is_array = false;
  tls_state *st = tracer(env, info, &argc, argv);
  if (st == NULL) return NULL;
  if (argc < 2 || napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[1], &count) != napi_ok) {
    napi_throw_type_error(env, "options", "tlsNamespaces(handle, inodes) expects an array of inode numbers");
    return NULL;
  }
  wanted = calloc(count + 1, sizeof *wanted);
  if (wanted == NULL) {
    napi_throw_error(env, "system", "out of memory");
    return NULL;
  }
  for (i = 0; i < count; i++) {
    napi_value v;
    if (napi_get_element(env, argv[1], i, &v) != napi_ok || napi_get_value_uint32(env, v, &wanted[i]) != napi_ok) {
      free(wanted);
      napi_throw_type_error(env, "options", "tlsNamespaces: an inode number is not a 32-bit unsigned integer");
      return NULL;
    }
    if (bpf_map_update_elem(st->netns_fd, &wanted[i], &one, BPF_ANY) != 0) {
      free(wanted);
      napi_throw_error(env, "system", errno == E2BIG ? "too many network namespaces for the TLS tracer (its map holds 4096)"
                                                     : "cannot update the TLS tracer's namespaces");
      return NULL;
    }
  }
  /* Then the ones no longer wanted, listed before any is deleted (a deletion during the walk
   * would restart it). */
  stale = calloc(TLS_MAX_NAMESPACES, sizeof *stale);
  while (stale != NULL && nstale < TLS_MAX_NAMESPACES && bpf_map_get_next_key(st->netns_fd, prev, &next) == 0) {
    int keep = 0;
    for (i = 0; i < count && !keep; i++) keep = wanted[i] == next;
    if (!keep) stale[nstale++] = next;
    key = next;
    prev = &key;
  }
  for (i = 0; i < nstale; i++) bpf_map_delete_elem(st->netns_fd, &stale[i]);
  free(stale);
  free(wanted);
  return NULL;
}

static napi_value js_tls_counters(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  uint64_t sums[SHOAL_TLS_CNT_SLOTS];
  tls_state *st = tracer(env, info, &argc, argv);
  if (st == NULL) return NULL;
  tls_counters(st, sums);
  napi_create_object(env, &result);
  set_number(env, result, "calls", (double)sums[SHOAL_TLS_CNT_CALLS]);
  set_number(env, result, "records", (double)sums[SHOAL_TLS_CNT_RECORDS]);
  set_number(env, result, "bytes", (double)sums[SHOAL_TLS_CNT_BYTES]);
  set_number(env, result, "lostRecords", (double)sums[SHOAL_TLS_CNT_LOST_RECORDS]);
  set_number(env, result, "lostBytes", (double)sums[SHOAL_TLS_CNT_LOST_BYTES]);
  return result;
}

#else /* !SHOAL_HAVE_EBPF */

static napi_value not_built(napi_env env, napi_callback_info info) {
  (void)info;
  napi_throw_error(env, "backend", EBPF_NOT_BUILT);
  return NULL;
}
#define js_tls_attach not_built
#define js_tls_detach not_built
#define js_tls_namespaces not_built
#define js_tls_counters not_built

#endif

void addon_tls_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"tlsAttach", NULL, js_tls_attach, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tlsDetach", NULL, js_tls_detach, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tlsNamespaces", NULL, js_tls_namespaces, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tlsCounters", NULL, js_tls_counters, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
