/*
 * The eBPF backend's BPF object (see ebpf_object.h): libbpf's messages, the capture filter
 * and the configuration map, opening and loading the object.
 */
#ifdef SHOAL_HAVE_EBPF

#include "ebpf_object.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/dlt.h>

#include "bpf.h"
#include "bpf/shoal_ebpf.h"
#include "ebpf_log.h"
#include "ebpf_ring.h"

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
    ebpf_log_reason(why, sizeof why);
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
    ebpf_log_reason(why, sizeof why);
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
  return ebpf_ring_open(&st->reader, bpf_map__fd(events), err);
}

#endif
