/*
 * N-API glue (C, node_api.h only): the JS-facing functions of shoal_capture.node.
 *
 *   open(options, onMessage) -> handle   starts a capture; throws Error{code, message}
 *   stats(handle) -> object               counters (kernel, batches emitted — spooled included —,
 *                                         delivered, queued, discarded)
 *   close(handle) -> object               stops, joins, releases; final counters; idempotent
 *   ref(handle) / unref(handle)           whether an open capture keeps the event loop alive
 *   libpcapVersion() -> string
 *   probe(backend) -> null | {code, message}  can this backend run here (no capture opened;
 *                                         "tls": the TLS tracer)
 *   ebpfCompiled                          true when built with libbpf (the eBPF backend)
 *   tlsAttach, tlsDetach, tlsNamespaces, tlsCounters: the TLS tracer's (addon_tls.c) on a handle
 *                                         opened with backend "tls"
 *   recordHeaderBytes                     24: the record layout of batch.h
 *
 * onMessage(0, arrayBuffer, packets) receives each batch: a fresh ArrayBuffer per batch
 * (external memory handed over without a copy, or copied where external buffers are not
 * allowed). onMessage(1, error) reports a failure after open; the capture thread has ended.
 *
 * Batches cross threads on a napi_threadsafe_function with an unbounded queue and
 * non-blocking calls; capture.c bounds the number queued (max_in_flight).
 *
 * Lifetime: the handle struct is shared by the JS external and the threadsafe function and
 * freed when both are finalized. An env cleanup hook closes a capture still open when the
 * environment goes away (process exit, worker exit).
 */
#include "addon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "batch.h"
#include "capture.h"
#include "ebpf_backend.h"
#include "options.h"
#include "tls_backend.h"

typedef struct {
  shoal_capture *cap;
  napi_threadsafe_function tsfn;
  int closed;
  int refs; /* external + threadsafe function; touched on the main thread only */
  uint64_t delivered_batches;
  uint64_t delivered_packets;
  napi_env env;
} handle_t;

#define CHECK(env, call)                                                  \
  do {                                                                    \
    if ((call) != napi_ok) {                                              \
      throw_last_error(env, #call);                                       \
      return NULL;                                                        \
    }                                                                     \
  } while (0)

static void throw_last_error(napi_env env, const char *what) {
  const napi_extended_error_info *info = NULL;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  napi_get_last_error_info(env, &info);
  napi_throw_error(env, "system",
                   info && info->error_message ? info->error_message : what);
}

/* ---- handle lifetime ----------------------------------------------------------------- */

static void drop_ref(handle_t *h) {
  if (--h->refs > 0) return;
  capture_destroy(h->cap);
  free(h);
}

static void cleanup_hook(void *arg);

/* Stops the capture and lets the threadsafe function go. Main thread; idempotent. */
static void shut_down(handle_t *h, int release_tsfn) {
  if (h->closed) return;
  h->closed = 1;
  if (h->cap != NULL) capture_close(h->cap);
  napi_remove_env_cleanup_hook(h->env, cleanup_hook, h);
  if (release_tsfn) napi_release_threadsafe_function(h->tsfn, napi_tsfn_release);
}

/* The environment is going away (process or worker exit) with the capture still open: stop
 * the thread and close the socket. The threadsafe function is finalized by Node itself. */
static void cleanup_hook(void *arg) {
  handle_t *h = arg;
  if (h->closed) return;
  h->closed = 1;
  if (h->cap != NULL) capture_close(h->cap);
}

static void tsfn_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  drop_ref(data);
}

static void external_finalize(napi_env env, void *data, void *hint) {
  handle_t *h = data;
  (void)env;
  (void)hint;
  shut_down(h, 1);
  drop_ref(h);
}

/* hint: the batch's length, which munmap needs. */
static void free_batch(napi_env env, void *data, void *hint) {
  (void)env;
  batch_data_free(data, (size_t)(uintptr_t)hint);
}

/* Runs on the main thread for each queued message. */
static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  handle_t *h = context;
  shoal_message *msg = data;
  napi_value argv[3], undefined;

  /* env is NULL while the function is torn down; after close() nothing reaches JS. */
  if (env == NULL || js_cb == NULL || h->closed) {
    capture_message_free(msg);
    return;
  }
  if (msg->kind == SHOAL_MSG_BATCH) {
    void *copy = NULL;
    napi_status st = napi_create_external_arraybuffer(env, msg->data, msg->len, free_batch,
                                                      (void *)(uintptr_t)msg->len, &argv[1]);
    if (st == napi_ok) {
      msg->data = NULL; /* the ArrayBuffer owns it now */
    } else if (napi_create_arraybuffer(env, msg->len, &copy, &argv[1]) == napi_ok) {
      memcpy(copy, msg->data, msg->len); /* runtimes that forbid external buffers */
    } else {
      capture_batch_taken(h->cap);
      capture_message_free(msg);
      return;
    }
    /* Still in flight: JS releases it (js_release) once its event loop has turned, so the
     * threadsafe function's dispatch loop hands over at most max_in_flight batches before
     * timers, I/O and buffer finalizers get their turn. */
    h->delivered_batches++;
    h->delivered_packets += msg->packets;
    napi_create_uint32(env, 0, &argv[0]);
    napi_create_uint32(env, msg->packets, &argv[2]);
  } else {
    napi_value code, text;
    napi_create_string_utf8(env, shoal_error_kind_name(msg->error.kind), NAPI_AUTO_LENGTH, &code);
    napi_create_string_utf8(env, msg->error.message, NAPI_AUTO_LENGTH, &text);
    napi_create_error(env, code, text, &argv[1]);
    napi_create_uint32(env, 1, &argv[0]);
    napi_create_uint32(env, 0, &argv[2]);
  }
  capture_message_free(msg);
  napi_get_undefined(env, &undefined);
  /* An exception thrown by the callback stays pending and Node reports it as uncaught. */
  napi_call_function(env, undefined, js_cb, 3, argv, NULL);
}

/* Capture thread (or main thread, when a spooled batch takes a freed place in flight) -> queue.
 * Never blocks (capture.c bounds what is queued). */
static int emit(void *ctx, shoal_message *msg) {
  handle_t *h = ctx;
  return napi_call_threadsafe_function(h->tsfn, msg, napi_tsfn_nonblocking) == napi_ok ? 0 : -1;
}

static handle_t *get_handle(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  void *data = NULL;
  napi_valuetype t;
  if (napi_get_cb_info(env, info, argc, argv, NULL, NULL) != napi_ok || *argc < 1 ||
      napi_typeof(env, argv[0], &t) != napi_ok || t != napi_external ||
      napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, "options", "expected a live capture handle");
    return NULL;
  }
  return data;
}

shoal_capture *addon_capture(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  handle_t *h = get_handle(env, info, argc, argv);
  if (h == NULL) return NULL;
  if (h->closed || h->cap == NULL) {
    napi_throw_error(env, "closed", "this capture is closed");
    return NULL;
  }
  return h->cap;
}

/* ---- exported functions -------------------------------------------------------------- */

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], name, result;
  napi_valuetype t0, t1;
  shoal_options opts;
  shoal_error err;
  handle_t *h;

  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_typeof(env, argv[0], &t0) != napi_ok || t0 != napi_object ||
      napi_typeof(env, argv[1], &t1) != napi_ok || t1 != napi_function) {
    napi_throw_type_error(env, "options", "open(options, onMessage) expects an object and a function");
    return NULL;
  }
  if (parse_options(env, argv[0], &opts) != 0) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_error(env, "system", "cannot read the live capture options");
    return NULL;
  }
  h = calloc(1, sizeof *h);
  if (h == NULL) {
    shoal_options_free(&opts);
    napi_throw_error(env, "system", "out of memory");
    return NULL;
  }
  h->env = env;
  h->refs = 1; /* the threadsafe function's */
  napi_create_string_utf8(env, "shoal live capture", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[1], NULL, name, 0, 1, h, tsfn_finalize, h,
                                      call_js, &h->tsfn) != napi_ok) {
    shoal_options_free(&opts);
    free(h);
    throw_last_error(env, "napi_create_threadsafe_function");
    return NULL;
  }
  memset(&err, 0, sizeof err);
  h->cap = capture_start(&opts, emit, h, &err);
  if (h->cap == NULL) {
    h->closed = 1;
    napi_release_threadsafe_function(h->tsfn, napi_tsfn_release); /* frees h when finalized */
    napi_throw_error(env, shoal_error_kind_name(err.kind), err.message);
    return NULL;
  }
  h->refs++; /* the external's */
  if (napi_create_external(env, h, external_finalize, NULL, &result) != napi_ok) {
    h->refs--;
    shut_down(h, 1);
    throw_last_error(env, "napi_create_external");
    return NULL;
  }
  napi_add_env_cleanup_hook(env, cleanup_hook, h);
  return result;
}

static void set_number(napi_env env, napi_value obj, const char *key, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, obj, key, v);
}

static napi_value stats_object(napi_env env, handle_t *h) {
  shoal_stats s;
  napi_value obj;
  uint64_t undelivered;
  memset(&s, 0, sizeof s);
  if (h->cap != NULL) capture_stats(h->cap, &s);
  /* Emitted and not delivered: in flight towards JS or in the spool. Once closed, nothing of it
   * will be delivered (call_js frees what still arrives): it was discarded, with the batch the
   * capture thread was filling (unsent). */
  undelivered = s.packets > h->delivered_packets ? s.packets - h->delivered_packets : 0;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  set_number(env, obj, "received", (double)s.received);
  set_number(env, obj, "dropped", (double)s.dropped);
  set_number(env, obj, "interfaceDropped", (double)s.if_dropped);
  set_number(env, obj, "freezes", (double)s.freezes);
  set_number(env, obj, "emittedBatches", (double)s.batches);
  set_number(env, obj, "emittedPackets", (double)s.packets);
  set_number(env, obj, "emittedBytes", (double)s.bytes);
  set_number(env, obj, "deliveredBatches", (double)h->delivered_batches);
  set_number(env, obj, "deliveredPackets", (double)h->delivered_packets);
  set_number(env, obj, "queuedPackets", h->closed ? 0 : (double)undelivered);
  set_number(env, obj, "discardedPackets", (double)(s.unsent + (h->closed ? undelivered : 0)));
  return obj;
}

static napi_value js_stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  handle_t *h = get_handle(env, info, &argc, argv);
  return h == NULL ? NULL : stats_object(env, h);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  handle_t *h = get_handle(env, info, &argc, argv);
  if (h == NULL) return NULL;
  shut_down(h, 1);
  return stats_object(env, h);
}

/* release(handle, n): n delivered batches are done with; the capture may send as many more. */
static napi_value js_release(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t n = 0;
  handle_t *h = get_handle(env, info, &argc, argv);
  if (h == NULL) return NULL;
  if (argc < 2 || napi_get_value_uint32(env, argv[1], &n) != napi_ok) {
    napi_throw_type_error(env, "usage", "release(handle, count)");
    return NULL;
  }
  while (n-- > 0 && !h->closed) capture_batch_taken(h->cap);
  return NULL;
}

static napi_value js_ref(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  handle_t *h = get_handle(env, info, &argc, argv);
  if (h != NULL && !h->closed) napi_ref_threadsafe_function(env, h->tsfn);
  return NULL;
}

static napi_value js_unref(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  handle_t *h = get_handle(env, info, &argc, argv);
  if (h != NULL && !h->closed) napi_unref_threadsafe_function(env, h->tsfn);
  return NULL;
}

static napi_value js_libpcap_version(napi_env env, napi_callback_info info) {
  napi_value v;
  (void)info;
  napi_create_string_utf8(env, pcap_lib_version(), NAPI_AUTO_LENGTH, &v);
  return v;
}

/* AF_PACKET (which libpcap uses on Linux too): can this process open a packet socket? */
static void probe_packet_socket(shoal_error *err) {
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    close(fd);
    return;
  }
  shoal_error_errno(err, errno == EAFNOSUPPORT ? SHOAL_E_BACKEND : SHOAL_E_SYSTEM, errno,
                    "cannot open an AF_PACKET socket");
}

static napi_value js_probe(napi_env env, napi_callback_info info) {
  size_t argc = 1, len = 0;
  napi_value argv[1], result, code, text;
  char backend[32];
  shoal_error err;
  memset(&err, 0, sizeof err);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], backend, sizeof backend, &len) != napi_ok) {
    napi_throw_type_error(env, "options", "probe(backend) expects a backend name");
    return NULL;
  }
  if (strcmp(backend, "ebpf") == 0) {
    ebpf_probe(&err);
  } else if (strcmp(backend, "tls") == 0) {
    tls_probe(&err);
  } else if (strcmp(backend, "af_packet") == 0 || strcmp(backend, "libpcap") == 0) {
    probe_packet_socket(&err);
  } else {
    napi_throw_type_error(env, "options", "probe(backend): unknown backend");
    return NULL;
  }
  if (err.kind == SHOAL_E_NONE) {
    napi_get_null(env, &result);
    return result;
  }
  napi_create_object(env, &result);
  napi_create_string_utf8(env, shoal_error_kind_name(err.kind), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, err.message, NAPI_AUTO_LENGTH, &text);
  napi_set_named_property(env, result, "code", code);
  napi_set_named_property(env, result, "message", text);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stats", NULL, js_stats, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"release", NULL, js_release, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ref", NULL, js_ref, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unref", NULL, js_unref, NULL, NULL, NULL, napi_enumerable, NULL},
      {"libpcapVersion", NULL, js_libpcap_version, NULL, NULL, NULL, napi_enumerable, NULL},
      {"probe", NULL, js_probe, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_value header, ebpf;
  napi_create_uint32(env, SHOAL_RECORD_HEADER, &header);
  napi_get_boolean(env, ebpf_compiled() != 0, &ebpf);
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "recordHeaderBytes", header);
  napi_set_named_property(env, exports, "ebpfCompiled", ebpf);
  addon_tls_define(env, exports);
  return exports;
}
