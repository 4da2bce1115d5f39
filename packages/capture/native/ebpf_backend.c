/*
 * eBPF backend (see ebpf_backend.h and bpf/capture.bpf.c).
 *
 * Opening, on the capture thread (inside the capture's network namespace, so that the
 * interface name, the netlink sockets libbpf opens and the tc hook all belong there):
 *   1. the interface: index, link type (Ethernet or loopback only), up;
 *   2. the capture filter: compiled by libpcap to classic BPF for Ethernet (as for the
 *      af_packet backend) and checked against what the in-kernel interpreter supports;
 *   3. the object: bpf_object__open_file, ring buffer sized, bpf_object__load (the verifier),
 *      then the configuration map (snaplen, filter) is written;
 *   4. stale filters: Shoal filters on this interface whose owner is gone (a killed process)
 *      are detached (see "Ownership" below);
 *   5. the clsact qdisc (bpf_tc_hook_create; made here or already there), then the ingress
 *      program and, unless outgoing packets are ignored or the interface is loopback, the
 *      egress program (bpf_tc_attach, priority SHOAL_TC_PRIORITY, a random handle);
 *   6. promiscuous mode, when asked, through a packet socket's PACKET_MR_PROMISC membership
 *      (counted by the kernel and dropped when the socket closes, even on a crash).
 *
 * Reading: the ring buffer's epoll fd and the capture's wake eventfd are polled together, with
 * a timeout (ebpf.timeoutMs): the programs wake the reader only once a sixteenth of the ring
 * is used, so that batches grow under load; the timeout delivers a quiet link's packets.
 * ring_buffer__consume() hands each record to on_record(), which appends it to the batch.
 * Records carry CLOCK_MONOTONIC times, turned into wall-clock times with an offset sampled
 * every second.
 *
 * Closing: the capture thread detaches its filters (and removes the clsact qdisc when it made
 * it and nothing else is attached any more) before it ends, still inside the namespace; the
 * main thread then frees the object and the ring. The addon's env cleanup hook closes open
 * captures when Node exits, so a normal exit detaches too.
 *
 * Ownership: tc filters attached over netlink outlive the process that attached them. Each
 * capture binds an abstract unix socket named after its interface and filter handle
 * ("shoal-tc-IFINDEX-HANDLE"); abstract names belong to the network namespace and vanish with
 * the process. A Shoal filter (program name "shoal_...") whose name can be bound again has no
 * owner left, and the next capture on that interface removes it.
 */
#include "ebpf_backend.h"

#ifdef SHOAL_HAVE_EBPF

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <pcap/dlt.h>

#include "bpf.h"
#include "bpf/shoal_ebpf.h"
#include "tc_netlink.h"

#define LINKTYPE_ETHERNET 1u
#define VLAN_TAG 4u
#define CHECK_EVERY_MS 500

#define PARENT_INGRESS TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define PARENT_EGRESS TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)

typedef struct {
  shoal_capture *cap;
  struct bpf_object *obj;
  struct ring_buffer *rb;
  int counters_fd;
  int ncpus;

  int ifindex;
  char ifname[IF_NAMESIZE];
  int loopback;

  uint32_t handle;   /* of both our filters (ingress, egress) */
  int owner_fd;      /* abstract unix socket: "this filter has an owner" */
  int promisc_fd;    /* packet socket holding a promiscuous membership, or -1 */
  uint64_t ns_dev, ns_ino; /* the network namespace (of the capture thread) */
  int attached_in, attached_eg;
  int stop;          /* a flush said the capture is stopping */
  int timeout_ms;    /* poll the ring at least this often */

  int64_t wall_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
  uint64_t offset_at_ns;  /* when it was sampled (monotonic) */
} ebpf_state;

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

static void log_reset(void) {
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

/* ---- interface ---------------------------------------------------------------------------- */

static int lookup_interface(const char *name, ebpf_state *st, shoal_error *err) {
  struct ifreq ifr;
  int fd, arptype;
  if (strlen(name) >= IFNAMSIZ) {
    shoal_error_set(err, SHOAL_E_INTERFACE, "interface name \"%s\" is longer than %d bytes", name,
                    IFNAMSIZ - 1);
    return -1;
  }
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "socket");
    return -1;
  }
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0) {
    int e = errno;
    close(fd);
    if (e == ENODEV) {
      shoal_error_set(err, SHOAL_E_INTERFACE,
                      "no interface named \"%s\" in this network namespace (`ip link` lists them)",
                      name);
    } else {
      shoal_error_errno(err, SHOAL_E_SYSTEM, e, "cannot look up interface \"%s\"", name);
    }
    return -1;
  }
  st->ifindex = ifr.ifr_ifindex;
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
    int e = errno;
    close(fd);
    shoal_error_errno(err, SHOAL_E_SYSTEM, e, "cannot read the link type of \"%s\"", name);
    return -1;
  }
  arptype = ifr.ifr_hwaddr.sa_family;
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
    int e = errno;
    close(fd);
    shoal_error_errno(err, SHOAL_E_SYSTEM, e, "cannot read the flags of \"%s\"", name);
    return -1;
  }
  close(fd);
  if (arptype != ARPHRD_ETHER && arptype != ARPHRD_LOOPBACK) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "the eBPF backend delivers Ethernet frames and \"%s\" is not an Ethernet or "
                    "loopback interface (ARPHRD type %d); use af_packet or libpcap",
                    name, arptype);
    return -1;
  }
  if (!(ifr.ifr_flags & IFF_UP)) {
    shoal_error_set(err, SHOAL_E_INTERFACE, "interface \"%s\" is down (`ip link set %s up`)", name,
                    name);
    return -1;
  }
  st->loopback = arptype == ARPHRD_LOOPBACK;
  snprintf(st->ifname, sizeof st->ifname, "%s", name);
  return 0;
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

/* ---- clsact qdiscs made by Shoal ---------------------------------------------------------- */

/* The clsact qdiscs this process made (or took over from a killed Shoal process), by
 * namespace and interface: whichever Shoal capture takes the last filter off one removes it,
 * not only the capture that made it. A qdisc found already there is never removed. The lock
 * also keeps one capture from removing a qdisc another is about to attach to. */
static pthread_mutex_t hooks_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
  uint64_t ns_dev, ns_ino;
  int ifindex;
} made_hooks[64];
static int made_count;

static int hook_find(const ebpf_state *st) {
  int i;
  for (i = 0; i < made_count; i++) {
    if (made_hooks[i].ns_dev == st->ns_dev && made_hooks[i].ns_ino == st->ns_ino &&
        made_hooks[i].ifindex == st->ifindex)
      return i;
  }
  return -1;
}

static void hook_mark(const ebpf_state *st) {
  if (hook_find(st) >= 0 || made_count >= (int)(sizeof made_hooks / sizeof made_hooks[0])) return;
  made_hooks[made_count].ns_dev = st->ns_dev;
  made_hooks[made_count].ns_ino = st->ns_ino;
  made_hooks[made_count].ifindex = st->ifindex;
  made_count++;
}

static void hook_unmark(const ebpf_state *st) {
  int i = hook_find(st);
  if (i >= 0) made_hooks[i] = made_hooks[--made_count];
}

/* ---- ownership of filters ----------------------------------------------------------------- */

/* Binds the abstract name of (ifindex, handle): the fd, or -errno (-EADDRINUSE: taken). */
static int owner_bind(int ifindex, uint32_t handle) {
  struct sockaddr_un addr;
  socklen_t len;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), n;
  if (fd < 0) return -errno;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  n = snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "shoal-tc-%d-%08x", ifindex, handle);
  len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
  if (bind(fd, (struct sockaddr *)&addr, len) != 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  return fd;
}

/* True when the filter's program is one of ours, by name: the name libbpf gave the filter
 * ("shoal_ingress:[ID]"), else the program's own (reading that needs CAP_SYS_ADMIN). */
static int prog_is_shoal(uint32_t id, const char *bpf_name) {
  struct bpf_prog_info info;
  uint32_t len = sizeof info;
  int fd, ours = 0;
  if (bpf_name[0] != '\0') return strncmp(bpf_name, SHOAL_PROG_PREFIX, strlen(SHOAL_PROG_PREFIX)) == 0;
  fd = bpf_prog_get_fd_by_id(id);
  if (fd < 0) return 0;
  memset(&info, 0, sizeof info);
  if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
    ours = strncmp(info.name, SHOAL_PROG_PREFIX, strlen(SHOAL_PROG_PREFIX)) == 0;
  close(fd);
  return ours;
}

typedef struct {
  int ifindex;
  uint32_t stale[64];
  int n_stale;
  int others; /* filters that are not stale Shoal ones */
} sweep_ctx;

static int sweep_visit(void *arg, uint32_t handle, uint32_t priority, const char *kind,
                       uint32_t prog_id, const char *bpf_name) {
  sweep_ctx *c = arg;
  if (handle == 0) return 0; /* a priority's chain head, not a filter */
  if (priority == SHOAL_TC_PRIORITY && strcmp(kind, "bpf") == 0 && prog_id != 0 &&
      prog_is_shoal(prog_id, bpf_name)) {
    int probe = owner_bind(c->ifindex, handle);
    if (probe >= 0) { /* nobody holds the name: the owner is gone */
      close(probe);
      if (c->n_stale < (int)(sizeof c->stale / sizeof c->stale[0])) c->stale[c->n_stale++] = handle;
      return 0;
    }
  }
  c->others++;
  return 0;
}

static int count_visit(void *arg, uint32_t handle, uint32_t priority, const char *kind,
                       uint32_t prog_id, const char *bpf_name) {
  (void)priority;
  (void)kind;
  (void)prog_id;
  (void)bpf_name;
  if (handle != 0) ++*(int *)arg;
  return 0;
}

/* Filters on either clsact direction of the interface; -1 when they cannot be listed. */
static int count_filters(int ifindex) {
  int n = 0;
  if (tc_filter_dump(ifindex, PARENT_INGRESS, count_visit, &n) != 0) return -1;
  if (tc_filter_dump(ifindex, PARENT_EGRESS, count_visit, &n) != 0) return -1;
  return n;
}

static void detach_one(int ifindex, enum bpf_tc_attach_point point, uint32_t handle) {
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
  LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = SHOAL_TC_PRIORITY);
  bpf_tc_detach(&hook, &opts);
}

/* Removes Shoal filters whose owner is gone. When that leaves the clsact qdisc empty, we
 * take it over (the dead capture most likely made it) and remove it on close. */
static void sweep_stale(ebpf_state *st) {
  static const struct { uint32_t parent; enum bpf_tc_attach_point point; } dirs[] = {
      {PARENT_INGRESS, BPF_TC_INGRESS}, {PARENT_EGRESS, BPF_TC_EGRESS}};
  int swept = 0, others = 0;
  size_t d;
  for (d = 0; d < 2; d++) {
    sweep_ctx c;
    int i;
    memset(&c, 0, sizeof c);
    c.ifindex = st->ifindex;
    if (tc_filter_dump(st->ifindex, dirs[d].parent, sweep_visit, &c) != 0) return; /* no clsact */
    for (i = 0; i < c.n_stale; i++) detach_one(st->ifindex, dirs[d].point, c.stale[i]);
    swept += c.n_stale;
    others += c.others;
  }
  if (swept > 0 && others == 0) hook_mark(st);
}

/* ---- attach / detach ---------------------------------------------------------------------- */

/* Takes our filters off; removes the clsact qdisc when Shoal made it and it is now empty.
 * Called with hooks_mu held. */
static void teardown_locked(ebpf_state *st) {
  if (st->attached_in) detach_one(st->ifindex, BPF_TC_INGRESS, st->handle);
  if (st->attached_eg) detach_one(st->ifindex, BPF_TC_EGRESS, st->handle);
  st->attached_in = st->attached_eg = 0;
  if (hook_find(st) >= 0) {
    int left = count_filters(st->ifindex);
    if (left == 0) {
      LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = st->ifindex,
                  .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
      bpf_tc_hook_destroy(&hook); /* removes the clsact qdisc */
    }
    if (left <= 0) hook_unmark(st); /* removed, or gone with its interface */
  }
}

static void teardown_tc(ebpf_state *st) {
  pthread_mutex_lock(&hooks_mu);
  teardown_locked(st);
  pthread_mutex_unlock(&hooks_mu);
}

static shoal_err_kind kind_of_tc_error(int e) {
  return e == EPERM || e == EACCES ? SHOAL_E_PERMISSION
         : e == ENODEV             ? SHOAL_E_INTERFACE
                                   : SHOAL_E_BACKEND;
}

static int attach_programs(ebpf_state *st, const shoal_options *opts, shoal_error *err) {
  struct bpf_program *in = bpf_object__find_program_by_name(st->obj, SHOAL_PROG_INGRESS);
  struct bpf_program *eg = bpf_object__find_program_by_name(st->obj, SHOAL_PROG_EGRESS);
  int want_egress = !opts->ignore_outgoing && !st->loopback;
  int attempt, rc;
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = st->ifindex,
              .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);

  if (in == NULL || eg == NULL) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "the eBPF object %s has no %s/%s programs; rebuild it with `npm run "
                    "build:native -w @shoal/capture`",
                    opts->bpf_object, SHOAL_PROG_INGRESS, SHOAL_PROG_EGRESS);
    return -1;
  }
  sweep_stale(st);

  rc = bpf_tc_hook_create(&hook);
  if (rc == 0) {
    hook_mark(st);
  } else if (rc != -EEXIST) {
    shoal_error_errno(err, kind_of_tc_error(-rc), -rc,
                      "cannot add a clsact qdisc to \"%s\" (tc needs CAP_NET_ADMIN and a kernel "
                      "with CONFIG_NET_SCH_INGRESS)",
                      st->ifname);
    return -1;
  }

  /* A random handle, unique among live captures of this interface (the owner name). */
  for (attempt = 0; attempt < 16; attempt++) {
    uint32_t handle = 0;
    if (getrandom(&handle, sizeof handle, 0) != (ssize_t)sizeof handle) handle = (uint32_t)rand();
    if (handle == 0) continue;
    st->owner_fd = owner_bind(st->ifindex, handle);
    if (st->owner_fd == -EADDRINUSE) continue;
    if (st->owner_fd < 0) {
      shoal_error_errno(err, SHOAL_E_SYSTEM, -st->owner_fd, "cannot bind the capture's owner socket");
      st->owner_fd = -1;
      return -1;
    }
    st->handle = handle;
    {
      LIBBPF_OPTS(bpf_tc_hook, in_hook, .ifindex = st->ifindex, .attach_point = BPF_TC_INGRESS);
      LIBBPF_OPTS(bpf_tc_opts, o, .handle = handle, .priority = SHOAL_TC_PRIORITY,
                  .prog_fd = bpf_program__fd(in));
      rc = bpf_tc_attach(&in_hook, &o);
    }
    if (rc == -EEXIST) { /* a filter of someone else's has this handle: pick another */
      close(st->owner_fd);
      st->owner_fd = -1;
      continue;
    }
    break;
  }
  if (st->owner_fd < 0) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "no free tc filter handle on \"%s\"", st->ifname);
    return -1;
  }
  if (rc != 0) {
    shoal_error_errno(err, kind_of_tc_error(-rc), -rc,
                      "cannot attach the eBPF program to the ingress of \"%s\"", st->ifname);
    return -1;
  }
  st->attached_in = 1;
  if (want_egress) {
    LIBBPF_OPTS(bpf_tc_hook, eg_hook, .ifindex = st->ifindex, .attach_point = BPF_TC_EGRESS);
    LIBBPF_OPTS(bpf_tc_opts, o, .handle = st->handle, .priority = SHOAL_TC_PRIORITY,
                .prog_fd = bpf_program__fd(eg));
    rc = bpf_tc_attach(&eg_hook, &o);
    if (rc != 0) {
      shoal_error_errno(err, kind_of_tc_error(-rc), -rc,
                        "cannot attach the eBPF program to the egress of \"%s\"", st->ifname);
      return -1;
    }
    st->attached_eg = 1;
  }
  return 0;
}

/* ---- open --------------------------------------------------------------------------------- */

static int64_t sample_wall_offset(uint64_t *mono_now) {
  struct timespec r, m;
  clock_gettime(CLOCK_MONOTONIC, &m);
  clock_gettime(CLOCK_REALTIME, &r);
  *mono_now = (uint64_t)m.tv_sec * 1000000000u + (uint64_t)m.tv_nsec;
  return ((int64_t)r.tv_sec - (int64_t)m.tv_sec) * 1000000000 + ((int64_t)r.tv_nsec - (int64_t)m.tv_nsec);
}

static int on_record(void *ctx, void *data, size_t size);
static void eb_close(void *state);

static int load_object(ebpf_state *st, const shoal_options *opts, shoal_error *err) {
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
  st->rb = ring_buffer__new(bpf_map__fd(events), on_record, st, NULL);
  if (st->rb == NULL) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot map the BPF ring buffer");
    return -1;
  }
  return 0;
}

static int hold_promiscuous(ebpf_state *st, shoal_error *err) {
  struct packet_mreq mreq;
  /* Protocol 0 and never bound: this socket receives nothing, it only holds the membership. */
  st->promisc_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (st->promisc_fd < 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno,
                      "cannot open a packet socket to put \"%s\" in promiscuous mode", st->ifname);
    return -1;
  }
  memset(&mreq, 0, sizeof mreq);
  mreq.mr_ifindex = st->ifindex;
  mreq.mr_type = PACKET_MR_PROMISC;
  if (setsockopt(st->promisc_fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot put \"%s\" in promiscuous mode", st->ifname);
    return -1;
  }
  return 0;
}

static void *eb_open(const shoal_options *opts, shoal_capture *cap, shoal_error *err) {
  ebpf_state *st;
  struct stat ns;
  int rc;
  if (strcmp(opts->interface, "any") == 0) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "the eBPF backend attaches to one interface and \"any\" is not one; use "
                    "af_packet or libpcap for \"any\"");
    return NULL;
  }
  if (opts->fanout) {
    shoal_error_set(err, SHOAL_E_OPTIONS, "fanout needs the af_packet backend (eBPF has no fanout)");
    return NULL;
  }
  if (opts->filter != NULL && bpf_filter_mentions_vlan(opts->filter)) {
    shoal_error_set(err, SHOAL_E_FILTER,
                    "bad capture filter \"%s\": \"vlan\" needs the libpcap backend (the kernel takes "
                    "VLAN tags out of the packet before a tc program sees it)",
                    opts->filter);
    return NULL;
  }
  st = calloc(1, sizeof *st);
  if (st == NULL) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "out of memory");
    return NULL;
  }
  st->cap = cap;
  st->timeout_ms = (int)opts->ebpf_timeout_ms;
  st->owner_fd = -1;
  st->promisc_fd = -1;
  st->counters_fd = -1;
  st->ncpus = libbpf_num_possible_cpus();
  log_reset();
  if (st->ncpus <= 0) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "cannot count the possible CPUs");
    goto fail;
  }
  if (lookup_interface(opts->interface, st, err) != 0) goto fail;
  if (stat("/proc/thread-self/ns/net", &ns) != 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot identify the network namespace");
    goto fail;
  }
  st->ns_dev = (uint64_t)ns.st_dev;
  st->ns_ino = (uint64_t)ns.st_ino;
  if (load_object(st, opts, err) != 0) goto fail;
  pthread_mutex_lock(&hooks_mu);
  rc = attach_programs(st, opts, err);
  if (rc != 0) teardown_locked(st);
  pthread_mutex_unlock(&hooks_mu);
  if (rc != 0) goto fail;
  if (opts->promiscuous && !st->loopback && hold_promiscuous(st, err) != 0) {
    teardown_tc(st);
    goto fail;
  }
  st->wall_offset_ns = sample_wall_offset(&st->offset_at_ns);
  return st;

fail:
  eb_close(st);
  return NULL;
}

/* ---- reading ------------------------------------------------------------------------------ */

static int on_record(void *ctx, void *data, size_t size) {
  ebpf_state *st = ctx;
  shoal_batch *b = capture_batch(st->cap);
  const struct shoal_ebpf_record *rec = data;
  const uint8_t *bytes = (const uint8_t *)(rec + 1);
  uint32_t snap, caplen, wirelen, extra, head_len = 0, from = 0, left;
  uint64_t wall;
  uint8_t head[16];
  uint8_t *out;
  int vlan;

  if (size < sizeof *rec || rec->cap_len > size - sizeof *rec) return 0; /* never trust blindly */
  snap = rec->cap_len;
  /* Put back an 802.1Q tag the kernel took out of the frame, as the other backends do. */
  vlan = rec->vlan_present && snap >= 12;
  extra = vlan ? VLAN_TAG : 0;
  caplen = snap + extra;
  wirelen = rec->wire_len + extra;
  if (caplen > batch_max_record(b)) caplen = (uint32_t)batch_max_record(b);
  if (!batch_fits(b, caplen) && capture_flush(st->cap) != 0) {
    st->stop = 1;
    return -1;
  }
  wall = (uint64_t)((int64_t)rec->mono_ns + st->wall_offset_ns);
  out = batch_append(b, caplen, wirelen, (uint32_t)(wall / 1000000000u),
                     (uint32_t)(wall % 1000000000u), rec->ifindex, LINKTYPE_ETHERNET);
  if (vlan) {
    uint16_t tpid = rec->vlan_proto != 0 ? rec->vlan_proto : htons(ETH_P_8021Q);
    uint16_t tci_be = htons(rec->vlan_tci);
    memcpy(head, bytes, 12);
    memcpy(head + 12, &tpid, 2); /* vlan_proto is already in network order */
    memcpy(head + 14, &tci_be, 2);
    head_len = 16;
    from = 12;
  }
  if (head_len > caplen) head_len = caplen;
  memcpy(out, head, head_len);
  left = caplen - head_len;
  if (left > snap - from) left = snap - from;
  memcpy(out + head_len, bytes + from, left);
  return 0;
}

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int eb_run(void *state, shoal_capture *cap, shoal_error *err) {
  ebpf_state *st = state;
  struct pollfd fds[2];
  uint64_t last_check = monotonic_ns();
  int rc = 0;

  fds[0].fd = ring_buffer__epoll_fd(st->rb);
  fds[0].events = POLLIN;
  fds[1].fd = capture_wake_fd(cap);
  fds[1].events = POLLIN;

  while (!capture_stopping(cap)) {
    int n = ring_buffer__consume(st->rb), timeout;
    uint64_t now;
    if (st->stop) break;
    if (n < 0) {
      shoal_error_errno(err, SHOAL_E_SYSTEM, -n, "reading the BPF ring buffer");
      rc = -1;
      break;
    }
    now = monotonic_ns();
    if (now - last_check >= (uint64_t)CHECK_EVERY_MS * 1000000u) {
      char name[IF_NAMESIZE];
      last_check = now;
      if (now - st->offset_at_ns >= 1000000000u) st->wall_offset_ns = sample_wall_offset(&st->offset_at_ns);
      /* The kernel drops a device's filters with the device: nothing would ever arrive. */
      if (if_indextoname((unsigned)st->ifindex, name) == NULL && errno == ENXIO) {
        shoal_error_set(err, SHOAL_E_INTERFACE,
                        "interface \"%s\" went down or was removed; capture stopped", st->ifname);
        rc = -1;
        break;
      }
    }
    if (n > 0) continue; /* drain what is ready before sleeping */
    timeout = capture_caught_up(cap);
    if (timeout < 0) break;
    /* Records below the wake-up threshold do not wake us: look again after timeout_ms. */
    if (timeout > st->timeout_ms) timeout = st->timeout_ms;
    if (poll(fds, 2, timeout) < 0 && errno != EINTR) {
      shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "poll on the BPF ring buffer");
      rc = -1;
      break;
    }
  }
  /* Still on the capture thread, inside the namespace: take our filters off now. */
  teardown_tc(st);
  return rc;
}

static void eb_stats(void *state, shoal_stats *out) {
  ebpf_state *st = state;
  uint64_t *values;
  uint32_t slot;
  uint64_t sums[SHOAL_CNT_SLOTS] = {0};
  int cpu;
  if (st->counters_fd < 0) return;
  values = calloc((size_t)st->ncpus, sizeof *values);
  if (values == NULL) return;
  for (slot = 0; slot < SHOAL_CNT_SLOTS; slot++) {
    if (bpf_map_lookup_elem(st->counters_fd, &slot, values) != 0) continue;
    for (cpu = 0; cpu < st->ncpus; cpu++) sums[slot] += values[cpu];
  }
  free(values);
  out->received = sums[SHOAL_CNT_RECEIVED];
  out->dropped = sums[SHOAL_CNT_DROPPED];
  out->if_dropped = 0;
  out->freezes = 0;
}

static void eb_close(void *state) {
  ebpf_state *st = state;
  if (st == NULL) return;
  if (st->rb != NULL) ring_buffer__free(st->rb);
  if (st->obj != NULL) bpf_object__close(st->obj);
  if (st->promisc_fd >= 0) close(st->promisc_fd);
  if (st->owner_fd >= 0) close(st->owner_fd);
  free(st);
}

int ebpf_compiled(void) { return 1; }

shoal_err_kind ebpf_probe(shoal_error *err) {
  /* mov r0, 0 (TC_ACT_OK); exit */
  const struct bpf_insn insns[] = {
      {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
      {.code = BPF_JMP | BPF_EXIT},
  };
  int fd;
  log_reset();
  /* libbpf's own probes say "not supported" for "not permitted" too: load one by hand. */
  fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, NULL, "GPL", insns, 2, NULL);
  if (fd < 0) {
    int e = errno;
    if (e == EPERM || e == EACCES) {
      shoal_error_set(err, SHOAL_E_PERMISSION,
                      "this process may not load eBPF programs (needs root, or CAP_BPF and "
                      "CAP_NET_ADMIN)");
    } else {
      shoal_error_errno(err, SHOAL_E_BACKEND, e, "this kernel cannot load tc (sched_cls) eBPF programs");
    }
    return err->kind;
  }
  close(fd);
  fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, 4096, NULL);
  if (fd < 0) {
    shoal_error_errno(err, SHOAL_E_BACKEND, errno, "this kernel has no BPF ring buffer (needs Linux 5.8)");
    return err->kind;
  }
  close(fd);
  if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_loop, NULL) != 1) {
    shoal_error_set(err, SHOAL_E_BACKEND, "this kernel has no bpf_loop helper (needs Linux 5.17)");
    return err->kind;
  }
  return SHOAL_E_NONE;
}

#else /* !SHOAL_HAVE_EBPF */

#define NOT_BUILT                                                                                \
  "this addon was built without eBPF support (native/build.mjs found no clang or no libbpf "   \
  "headers: apt-get install clang libbpf-dev, then npm run build:native -w @shoal/capture)"

static void *eb_open(const shoal_options *opts, shoal_capture *cap, shoal_error *err) {
  (void)opts;
  (void)cap;
  shoal_error_set(err, SHOAL_E_BACKEND, NOT_BUILT);
  return NULL;
}
static int eb_run(void *state, shoal_capture *cap, shoal_error *err) {
  (void)state;
  (void)cap;
  (void)err;
  return 0;
}
static void eb_stats(void *state, shoal_stats *out) {
  (void)state;
  (void)out;
}
static void eb_close(void *state) { (void)state; }

int ebpf_compiled(void) { return 0; }

shoal_err_kind ebpf_probe(shoal_error *err) {
  shoal_error_set(err, SHOAL_E_BACKEND, NOT_BUILT);
  return err->kind;
}

#endif

const shoal_backend_ops shoal_ebpf_backend = {
    .name = "ebpf",
    .open = eb_open,
    .run = eb_run,
    .wake = NULL, /* the capture's eventfd is in the poll set */
    .stats = eb_stats,
    .close = eb_close,
    .close_at_exit = 1,
};
