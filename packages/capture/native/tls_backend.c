/*
 * The TLS tracer backend (see tls_backend.h and bpf/tls.bpf.c).
 *
 * Opening, on the capture thread:
 *   1. the kernel: BTF (/sys/kernel/btf/vmlinux: the programs are CO-RE), the uprobe PMU
 *      (uprobes without tracefs), syscall tracepoints in tracefs, mounted here when it is not
 *      (the tracepoints' ids are read from it; the mount is left in place, as any tracing tool
 *      leaves it);
 *   2. the object: bpf_object__open_file, ring buffer sized, bpf_object__load (CO-RE
 *      relocations against the kernel's BTF, then the verifier), configuration map written
 *      (the worker's own pid, never traced; the wake-up threshold);
 *   3. the tracepoint programs attached (their section names say where). The uprobes come later,
 *      one file at a time, from the main thread (tls_attach.c).
 * Nothing is traced until the traced namespaces are set (tls_netns, addon_tls.c).
 *
 * Reading is ebpf_ring.c's loop; each ring record is copied whole into a batch record.
 * Closing: the capture thread takes every uprobe and tracepoint off (teardown), counts what
 * the ring still holds as discarded, then the main thread frees the object. Everything here is
 * a perf event or a BPF link held by a file descriptor: the kernel takes it off when the
 * process dies, even by SIGKILL, so nothing outlives the worker (unlike tc filters).
 */
#include "tls_backend.h"

#include "ebpf_backend.h"

#ifdef SHOAL_HAVE_EBPF

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "bpf/shoal_tls.h"
#include "ebpf_log.h"
#include "tls_attach.h"
#include "tls_state.h"

#define BTF_PATH "/sys/kernel/btf/vmlinux"
#define UPROBE_PMU "/sys/bus/event_source/devices/uprobe/type"
#define TRACEFS "/sys/kernel/tracing"
/* What libbpf reads to attach the first tracepoint (its other ones sit beside it). */
#define SYSCALL_EVENT TRACEFS "/events/syscalls/sys_enter_read/id"
/* libbpf 1.1 reads tracepoint ids under debugfs instead whenever this exists. */
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing/events/syscalls/sys_enter_read/id"

#define CHECKED_KERNEL "; the TLS tracer needs Linux 5.17 or later with BTF, uprobes and syscall tracepoints"

/* ---- the kernel ---------------------------------------------------------------------------- */

static shoal_err_kind kernel_lacks(shoal_error *err) {
  if (access(BTF_PATH, R_OK) != 0) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "this kernel has no BTF type information (" BTF_PATH " is missing: a kernel built "
                    "without CONFIG_DEBUG_INFO_BTF); the TLS tracer's programs are relocated against it");
    return err->kind;
  }
  if (access(UPROBE_PMU, R_OK) != 0) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "this kernel has no uprobe events (" UPROBE_PMU " is missing: CONFIG_UPROBE_EVENTS)");
    return err->kind;
  }
  return SHOAL_E_NONE;
}

/* Whether libbpf will find the syscall tracepoints' ids. */
static int tracepoints_visible(void) {
  return access(DEBUGFS_TRACING, R_OK) == 0 || access(SYSCALL_EVENT, R_OK) == 0;
}

/* tracefs at its usual place, mounted when it is not there yet. */
static int mount_tracefs(shoal_error *err) {
  if (tracepoints_visible()) return 0;
  if (access(TRACEFS "/events", F_OK) != 0 && mount("tracefs", TRACEFS, "tracefs", 0, NULL) != 0) {
    int e = errno;
    shoal_error_errno(err, e == EPERM || e == EACCES ? SHOAL_E_PERMISSION : SHOAL_E_BACKEND, e,
                      "tracefs is not mounted and mounting it on " TRACEFS " failed (needs "
                      "CAP_SYS_ADMIN; or mount it: mount -t tracefs tracefs " TRACEFS ")");
    return -1;
  }
  if (!tracepoints_visible()) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "this kernel has no syscall tracepoints (" SYSCALL_EVENT " is missing: "
                    "CONFIG_FTRACE_SYSCALLS)");
    return -1;
  }
  return 0;
}

/* ---- the object ---------------------------------------------------------------------------- */

static int find_maps(tls_state *st, const shoal_options *opts, shoal_error *err) {
  struct bpf_map *events = bpf_object__find_map_by_name(st->obj, SHOAL_TLS_MAP_EVENTS);
  struct bpf_map *config = bpf_object__find_map_by_name(st->obj, SHOAL_TLS_MAP_CONFIG);
  struct bpf_map *netns = bpf_object__find_map_by_name(st->obj, SHOAL_TLS_MAP_NETNS);
  struct bpf_map *counters = bpf_object__find_map_by_name(st->obj, SHOAL_TLS_MAP_COUNTERS);
  int rc;
  if (events == NULL || config == NULL || netns == NULL || counters == NULL ||
      bpf_map__value_size(config) != sizeof(struct shoal_tls_config)) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "the eBPF object %s does not match this addon (its maps); rebuild both with "
                    "`npm run build:native -w @shoal/capture`",
                    opts->bpf_object);
    return -1;
  }
  rc = bpf_map__set_max_entries(events, opts->ebpf_ring_bytes);
  if (rc != 0) {
    shoal_error_errno(err, SHOAL_E_OPTIONS, -rc, "cannot size the BPF ring buffer to %u bytes",
                      opts->ebpf_ring_bytes);
    return -1;
  }
  return 0;
}

static int load(tls_state *st, const shoal_options *opts, shoal_error *err) {
  struct shoal_tls_config cfg;
  char why[320];
  uint32_t zero = 0;
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
  if (find_maps(st, opts, err) != 0) return -1;
  rc = bpf_object__load(st->obj);
  if (rc != 0) {
    ebpf_log_reason(why, sizeof why);
    if (-rc == EPERM) {
      shoal_error_set(err, SHOAL_E_PERMISSION,
                      "the kernel does not let this process load eBPF programs (needs root, or "
                      "CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN for uprobes)");
    } else {
      shoal_error_set(err, SHOAL_E_BACKEND, "the kernel refused the TLS tracer's programs (%s)%s%s" CHECKED_KERNEL,
                      strerror(-rc), why[0] ? ": " : "", why);
    }
    return -1;
  }
  st->counters_fd = bpf_object__find_map_fd_by_name(st->obj, SHOAL_TLS_MAP_COUNTERS);
  st->netns_fd = bpf_object__find_map_fd_by_name(st->obj, SHOAL_TLS_MAP_NETNS);
  memset(&cfg, 0, sizeof cfg);
  cfg.self_tgid = (uint32_t)getpid();
  cfg.wakeup_bytes = opts->ebpf_ring_bytes / 16;
  if (bpf_map_update_elem(bpf_object__find_map_fd_by_name(st->obj, SHOAL_TLS_MAP_CONFIG), &zero, &cfg, BPF_ANY) != 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot write the TLS tracer's configuration");
    return -1;
  }
  return ebpf_ring_open(&st->reader, bpf_object__find_map_fd_by_name(st->obj, SHOAL_TLS_MAP_EVENTS), err);
}

static int attach_tracepoints(tls_state *st, shoal_error *err) {
  struct bpf_program *prog;
  bpf_object__for_each_program(prog, st->obj) {
    const char *section = bpf_program__section_name(prog);
    struct bpf_link *link;
    char why[320];
    if (strncmp(section, "tracepoint/", 11) != 0) continue;
    if (st->ntracepoints == TLS_MAX_TRACEPOINTS) {
      shoal_error_set(err, SHOAL_E_BACKEND, "the TLS tracer's object has more tracepoints than this addon takes; rebuild both");
      return -1;
    }
    link = bpf_program__attach(prog);
    if (link == NULL) {
      int e = errno;
      ebpf_log_reason(why, sizeof why);
      shoal_error_errno(err, e == EPERM || e == EACCES ? SHOAL_E_PERMISSION : SHOAL_E_BACKEND, e,
                        "cannot attach the TLS tracer to the %s tracepoint%s%s", section + 11,
                        why[0] ? ": " : "", why);
      return -1;
    }
    st->tracepoints[st->ntracepoints++] = link;
  }
  return 0;
}

/* ---- reading ------------------------------------------------------------------------------- */

/* A ring record is copied whole: the record header and its plaintext. */
static int append_record(ebpf_reader *r, const void *data, size_t size) {
  const struct shoal_tls_record *rec = data;
  uint8_t *out;
  if (size < sizeof *rec || rec->len > size - sizeof *rec) return 0; /* never trust blindly */
  size = sizeof *rec + rec->len;
  out = ebpf_reader_reserve(r, (uint32_t)size, (uint32_t)size, rec->mono_ns, 0, SHOAL_TLS_LINKTYPE);
  if (out == NULL) return -1;
  memcpy(out, data, size);
  return 0;
}

static void teardown(ebpf_reader *r) {
  tls_state *st = (tls_state *)r;
  int i;
  tls_detach_all(st);
  for (i = 0; i < st->ntracepoints; i++) bpf_link__destroy(st->tracepoints[i]);
  st->ntracepoints = 0;
}

/* ---- the backend --------------------------------------------------------------------------- */

static void tls_close(void *state);

static void *tls_open(const shoal_options *opts, shoal_capture *cap, shoal_error *err) {
  tls_state *st;
  if (kernel_lacks(err) != SHOAL_E_NONE || mount_tracefs(err) != 0) return NULL;
  st = calloc(1, sizeof *st);
  if (st == NULL) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&st->mu, NULL);
  st->reader.cap = cap;
  st->reader.timeout_ms = (int)opts->ebpf_timeout_ms;
  st->reader.append = append_record;
  st->reader.teardown = teardown;
  st->counters_fd = -1;
  st->netns_fd = -1;
  st->ncpus = libbpf_num_possible_cpus();
  ebpf_log_reset();
  if (st->ncpus <= 0) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "cannot count the possible CPUs");
    goto fail;
  }
  if (load(st, opts, err) != 0 || attach_tracepoints(st, err) != 0) goto fail;
  return st;

fail:
  teardown(&st->reader);
  tls_close(st);
  return NULL;
}

static int tls_run(void *state, shoal_capture *cap, shoal_error *err) {
  tls_state *st = state;
  (void)cap;
  return ebpf_ring_run(&st->reader, err);
}

void tls_counters(tls_state *st, uint64_t sums[SHOAL_TLS_CNT_SLOTS]) {
  uint64_t *values;
  uint32_t slot;
  int cpu;
  memset(sums, 0, sizeof(uint64_t) * SHOAL_TLS_CNT_SLOTS);
  if (st->counters_fd < 0) return;
  values = calloc((size_t)st->ncpus, sizeof *values);
  if (values == NULL) return;
  for (slot = 0; slot < SHOAL_TLS_CNT_SLOTS; slot++) {
    if (bpf_map_lookup_elem(st->counters_fd, &slot, values) != 0) continue;
    for (cpu = 0; cpu < st->ncpus; cpu++) sums[slot] += values[cpu];
  }
  free(values);
}

/* In the capture's terms: every record the programs made is `received`, those the full ring
 * refused `dropped`. */
static void tls_stats(void *state, shoal_stats *out) {
  uint64_t sums[SHOAL_TLS_CNT_SLOTS];
  tls_counters(state, sums);
  out->received = sums[SHOAL_TLS_CNT_RECORDS] + sums[SHOAL_TLS_CNT_LOST_RECORDS];
  out->dropped = sums[SHOAL_TLS_CNT_LOST_RECORDS];
}

static void tls_close(void *state) {
  tls_state *st = state;
  if (st == NULL) return;
  if (st->reader.rb != NULL) ring_buffer__free(st->reader.rb);
  if (st->obj != NULL) bpf_object__close(st->obj);
  pthread_mutex_destroy(&st->mu);
  free(st);
}

shoal_err_kind tls_probe(shoal_error *err) {
  if (kernel_lacks(err) != SHOAL_E_NONE) return err->kind;
  if (access(TRACEFS, F_OK) != 0 && !tracepoints_visible()) {
    shoal_error_set(err, SHOAL_E_BACKEND, "there is no tracefs (" TRACEFS " is missing)");
    return err->kind;
  }
  return SHOAL_E_NONE;
}

#else /* !SHOAL_HAVE_EBPF */

static void *tls_open(const shoal_options *opts, shoal_capture *cap, shoal_error *err) {
  (void)opts;
  (void)cap;
  shoal_error_set(err, SHOAL_E_BACKEND, EBPF_NOT_BUILT);
  return NULL;
}
static int tls_run(void *state, shoal_capture *cap, shoal_error *err) {
  (void)state;
  (void)cap;
  (void)err;
  return 0;
}
static void tls_stats(void *state, shoal_stats *out) {
  (void)state;
  (void)out;
}
static void tls_close(void *state) { (void)state; }

shoal_err_kind tls_probe(shoal_error *err) {
  shoal_error_set(err, SHOAL_E_BACKEND, EBPF_NOT_BUILT);
  return err->kind;
}

#endif

const shoal_backend_ops shoal_tls_backend = {
    .name = "tls",
    .open = tls_open,
    .run = tls_run,
    .wake = NULL, /* the capture's eventfd is in the poll set */
    .stats = tls_stats,
    .close = tls_close,
    .close_at_exit = 0, /* perf events and links go with the process */
};
