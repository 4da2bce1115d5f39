/*
 * The eBPF backend's BPF object (see ebpf_object.h): libbpf's messages, the capture filter
 * and the configuration map, opening and loading the object.
 */
#ifdef SHOAL_HAVE_EBPF

#include "ebpf_object.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/dlt.h>

#include "bpf.h"
#include "bpf/shoal_ebpf.h"
#include "ebpf_ring.h"

/* ---- libbpf's messages ------------------------------------------------------------------ */

/* libbpf reports why a load failed (the verifier's log) through its print callback, which is
 * process-wide. We keep the tail of what the current thread was told, to quote the reason in
 * the error, and print nothing. */
static __thread char log_tail[4096];
static __thread size_t log_len;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap) {
  va_list copy;
  int n;
  char *text;
  size_t len;
  if (level == LIBBPF_DEBUG) return 0;
  va_copy(copy, ap);
  n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n <= 0) return 0;
  text = malloc((size_t)n + 1);
  if (text == NULL) return 0;
  vsnprintf(text, (size_t)n + 1, fmt, ap);
  len = (size_t)n;
  if (len >= sizeof log_tail) {
    memcpy(log_tail, text + len - (sizeof log_tail - 1), sizeof log_tail - 1);
    log_len = sizeof log_tail - 1;
  } else {
    if (log_len + len >= sizeof log_tail) {
      size_t drop = log_len + len - (sizeof log_tail - 1);
      memmove(log_tail, log_tail + drop, log_len - drop);
      log_len -= drop;
    }
    memcpy(log_tail + log_len, text, len);
    log_len += len;
  }
  log_tail[log_len] = '\0';
  free(text);
  return 0;
}

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static void install_log(void) { libbpf_set_print(libbpf_log); }

void ebpf_log_reset(void) {
  pthread_once(&log_once, install_log);
  log_len = 0;
  log_tail[0] = '\0';
}

/* The most telling line of what libbpf said: the verifier's last complaint (the line before
 * "processed N insns"), else libbpf's last line. Empty when it said nothing. */
static void log_reason(char *out, size_t size) {
  char *lines = strdup(log_tail), *line, *save = NULL, *prev = NULL;
  const char *pick = NULL;
  out[0] = '\0';
  if (lines == NULL) return;
  for (line = strtok_r(lines, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
    while (*line == ' ' || *line == '\t') line++;
    if (*line == '\0') continue;
    if (strncmp(line, "processed ", 10) == 0 && prev != NULL && pick == NULL) pick = prev;
    if (pick == NULL && strncmp(line, "-- ", 3) != 0 && strstr(line, "failed to load object") == NULL)
      prev = line;
  }
  if (pick == NULL) pick = prev;
  if (pick != NULL) snprintf(out, size, "%s", pick);
  free(lines);
}

/* ---- filter ------------------------------------------------------------------------------- */

/* The interpreter in capture.bpf.c runs what pcap_compile emits for a DLT_EN10MB "dead"
 * handle; refuse anything else (Linux ancillary loads, out-of-range jumps or scratch slots)
 * at open rather than reject every packet silently. */
static int check_classic(const struct sock_fprog *prog, const char *expression, shoal_error *err) {
  unsigned i;
  if (prog->len > SHOAL_CBPF_MAX) {
    shoal_error_set(err, SHOAL_E_FILTER,
                    "capture filter \"%s\" compiles to %u instructions; the eBPF backend runs at "
                    "most %u",
                    expression, prog->len, SHOAL_CBPF_MAX);
    return -1;
  }
  for (i = 0; i < prog->len; i++) {
    const struct sock_filter *in = &prog->filter[i];
    unsigned cls = in->code & 0x07, mode = in->code & 0xe0;
    int bad = 0;
    if ((cls == BPF_LD || cls == BPF_LDX) && (mode == BPF_ABS || mode == BPF_IND || mode == BPF_MSH))
      bad = in->k >= 0x80000000u; /* SKF_AD_OFF, SKF_NET_OFF, SKF_LL_OFF: ancillary data */
    if ((cls == BPF_LD || cls == BPF_LDX) && mode == BPF_MEM) bad = in->k >= 16;
    if (cls == BPF_ST || cls == BPF_STX) bad = in->k >= 16;
    if (cls == BPF_JMP) {
      unsigned long target_far = (in->code & 0xf0) == BPF_JA ? i + 1ul + in->k
                                                             : i + 1ul + (in->jt > in->jf ? in->jt : in->jf);
      bad = target_far >= prog->len;
    }
    if (bad) {
      shoal_error_set(err, SHOAL_E_FILTER,
                      "capture filter \"%s\" uses classic BPF the eBPF backend cannot run "
                      "(instruction %u, code 0x%x); use af_packet or libpcap",
                      expression, i, in->code);
      return -1;
    }
  }
  return 0;
}

static int write_config(ebpf_state *st, const shoal_options *opts, shoal_error *err) {
  struct bpf_map *map = bpf_object__find_map_by_name(st->obj, SHOAL_MAP_CONFIG);
  struct shoal_ebpf_config *cfg;
  struct sock_fprog prog = {0, NULL};
  uint32_t zero = 0;
  unsigned i;
  int rc;

  if (map == NULL || bpf_map__value_size(map) != sizeof *cfg) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "the eBPF object %s does not match this addon (map %s); rebuild both with "
                    "`npm run build:native -w @shoal/capture`",
                    opts->bpf_object, SHOAL_MAP_CONFIG);
    return -1;
  }
  cfg = calloc(1, sizeof *cfg);
  if (cfg == NULL) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "out of memory");
    return -1;
  }
  cfg->snaplen = opts->snaplen;
  cfg->wakeup_bytes = opts->ebpf_ring_bytes / 16;
  if (opts->filter != NULL && opts->filter[0] != '\0') {
    if (bpf_compile(opts->filter, DLT_EN10MB, opts->snaplen, &prog, err) != 0 ||
        check_classic(&prog, opts->filter, err) != 0) {
      bpf_program_free(&prog);
      free(cfg);
      return -1;
    }
    cfg->filter_len = prog.len;
    for (i = 0; i < prog.len; i++) {
      cfg->filter[i].code = prog.filter[i].code;
      cfg->filter[i].jt = prog.filter[i].jt;
      cfg->filter[i].jf = prog.filter[i].jf;
      cfg->filter[i].k = prog.filter[i].k;
    }
    bpf_program_free(&prog);
  }
  rc = bpf_map_update_elem(bpf_map__fd(map), &zero, cfg, BPF_ANY);
  free(cfg);
  if (rc != 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot write the eBPF capture configuration");
    return -1;
  }
  return 0;
}

/* ---- load -------------------------------------------------------------------------------- */

int ebpf_load_object(ebpf_state *st, const shoal_options *opts, shoal_error *err) {
  struct bpf_map *events, *counters;
  char why[320];
  int rc;

  if (opts->bpf_object == NULL || access(opts->bpf_object, R_OK) != 0) {
    shoal_error_set(err, SHOAL_E_BACKEND, "the eBPF object %s cannot be read: %s",
                    opts->bpf_object ? opts->bpf_object : "(none)", strerror(errno));
    return -1;
  }
  st->obj = bpf_object__open_file(opts->bpf_object, NULL);
  if (st->obj == NULL) {
    int e = errno;
    log_reason(why, sizeof why);
    shoal_error_set(err, SHOAL_E_BACKEND, "libbpf cannot open the eBPF object %s: %s%s%s",
                    opts->bpf_object, strerror(e), why[0] ? "; " : "", why);
    return -1;
  }
  events = bpf_object__find_map_by_name(st->obj, SHOAL_MAP_EVENTS);
  counters = bpf_object__find_map_by_name(st->obj, SHOAL_MAP_COUNTERS);
  if (events == NULL || counters == NULL) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "the eBPF object %s does not match this addon (maps %s, %s); rebuild it",
                    opts->bpf_object, SHOAL_MAP_EVENTS, SHOAL_MAP_COUNTERS);
    return -1;
  }
  rc = bpf_map__set_max_entries(events, opts->ebpf_ring_bytes);
  if (rc != 0) {
    shoal_error_errno(err, SHOAL_E_OPTIONS, -rc, "cannot size the BPF ring buffer to %u bytes",
                      opts->ebpf_ring_bytes);
    return -1;
  }
  rc = bpf_object__load(st->obj);
  if (rc != 0) {
    int e = -rc;
    log_reason(why, sizeof why);
    if (e == EPERM) { /* libbpf's log then only guesses at RLIMIT_MEMLOCK: leave it out */
      shoal_error_set(err, SHOAL_E_PERMISSION,
                      "the kernel does not let this process load eBPF programs (needs root, or "
                      "CAP_BPF and CAP_NET_ADMIN)");
    } else {
      shoal_error_set(err, SHOAL_E_BACKEND,
                      "the kernel refused the eBPF capture programs (%s)%s%s; the eBPF backend "
                      "needs Linux 5.17 or later with BPF ring buffers and bpf_loop",
                      strerror(e), why[0] ? ": " : "", why);
    }
    return -1;
  }
  st->counters_fd = bpf_map__fd(counters);
  if (bpf_map__value_size(counters) != sizeof(uint64_t) ||
      bpf_map__max_entries(counters) != SHOAL_CNT_SLOTS) {
    shoal_error_set(err, SHOAL_E_BACKEND, "the eBPF object %s does not match this addon; rebuild it",
                    opts->bpf_object);
    return -1;
  }
  if (write_config(st, opts, err) != 0) return -1;
  return ebpf_ring_open(st, bpf_map__fd(events), err);
}

#endif
