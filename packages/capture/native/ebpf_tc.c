/*
 * Attaching the eBPF backend's programs and taking them off (see ebpf_tc.h).
 */
#ifdef SHOAL_HAVE_EBPF

#include "ebpf_tc.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include "bpf/shoal_ebpf.h"
#include "ebpf_backend.h"
#include "ebpf_stale.h"

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

static int hook_find(const ebpf_state *st, const ebpf_link *l) {
  int i;
  for (i = 0; i < made_count; i++) {
    if (made_hooks[i].ns_dev == st->ns_dev && made_hooks[i].ns_ino == st->ns_ino &&
        made_hooks[i].ifindex == l->ifindex)
      return i;
  }
  return -1;
}

static void hook_mark(const ebpf_state *st, const ebpf_link *l) {
  if (hook_find(st, l) >= 0 || made_count >= (int)(sizeof made_hooks / sizeof made_hooks[0])) return;
  made_hooks[made_count].ns_dev = st->ns_dev;
  made_hooks[made_count].ns_ino = st->ns_ino;
  made_hooks[made_count].ifindex = l->ifindex;
  made_count++;
}

static void hook_unmark(const ebpf_state *st, const ebpf_link *l) {
  int i = hook_find(st, l);
  if (i >= 0) made_hooks[i] = made_hooks[--made_count];
}

/* ---- attach / detach ---------------------------------------------------------------------- */

/* Takes our filters off one interface; removes its clsact qdisc when Shoal made it and it is
 * now empty. Called with hooks_mu held. */
static void teardown_link_locked(const ebpf_state *st, ebpf_link *l) {
  if (l->gone) { /* the device took its filters and qdisc with it; its index may be reused */
    hook_unmark(st, l);
    l->attached_in = l->attached_eg = 0;
    return;
  }
  if (l->attached_in) ebpf_detach_one(l->ifindex, BPF_TC_INGRESS, l->handle);
  if (l->attached_eg) ebpf_detach_one(l->ifindex, BPF_TC_EGRESS, l->handle);
  l->attached_in = l->attached_eg = 0;
  if (hook_find(st, l) >= 0) {
    int left = ebpf_count_filters(l->ifindex);
    if (left == 0) {
      LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = l->ifindex,
                  .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
      bpf_tc_hook_destroy(&hook); /* removes the clsact qdisc */
    }
    if (left <= 0) hook_unmark(st, l); /* removed, or gone with its interface */
  }
}

static void teardown_locked(ebpf_state *st) {
  int i;
  for (i = 0; i < st->nlinks; i++) teardown_link_locked(st, &st->links[i]);
}

void ebpf_teardown(ebpf_state *st) {
  pthread_mutex_lock(&hooks_mu);
  teardown_locked(st);
  pthread_mutex_unlock(&hooks_mu);
}

static shoal_err_kind kind_of_tc_error(int e) {
  return e == EPERM || e == EACCES ? SHOAL_E_PERMISSION
         : e == ENODEV             ? SHOAL_E_INTERFACE
                                   : SHOAL_E_BACKEND;
}

/* The programs on one interface: ingress, and egress unless outgoing packets are ignored or
 * the interface is loopback (where a packet leaves and arrives: ingress sees it once). */
static int attach_link(const ebpf_state *st, ebpf_link *l, struct bpf_program *in,
                       struct bpf_program *eg, const shoal_options *opts, shoal_error *err) {
  int want_egress = !opts->ignore_outgoing && !l->loopback;
  int attempt, rc;
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = l->ifindex,
              .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);

  if (ebpf_sweep_stale(l->ifindex)) hook_mark(st, l);

  rc = bpf_tc_hook_create(&hook);
  if (rc == 0) {
    hook_mark(st, l);
  } else if (rc != -EEXIST) {
    shoal_error_errno(err, kind_of_tc_error(-rc), -rc,
                      "cannot add a clsact qdisc to \"%s\" (tc needs CAP_NET_ADMIN and a kernel "
                      "with CONFIG_NET_SCH_INGRESS)",
                      l->ifname);
    return -1;
  }

  /* A random handle, unique among live captures of this interface (the owner name). */
  for (attempt = 0; attempt < 16; attempt++) {
    uint32_t handle = 0;
    if (getrandom(&handle, sizeof handle, 0) != (ssize_t)sizeof handle) handle = (uint32_t)rand();
    if (handle == 0) continue;
    l->owner_fd = ebpf_owner_bind(l->ifindex, handle);
    if (l->owner_fd == -EADDRINUSE) continue;
    if (l->owner_fd < 0) {
      shoal_error_errno(err, SHOAL_E_SYSTEM, -l->owner_fd, "cannot bind the capture's owner socket");
      l->owner_fd = -1;
      return -1;
    }
    l->handle = handle;
    {
      LIBBPF_OPTS(bpf_tc_hook, in_hook, .ifindex = l->ifindex, .attach_point = BPF_TC_INGRESS);
      LIBBPF_OPTS(bpf_tc_opts, o, .handle = handle, .priority = SHOAL_TC_PRIORITY,
                  .prog_fd = bpf_program__fd(in));
      rc = bpf_tc_attach(&in_hook, &o);
    }
    if (rc == -EEXIST) { /* a filter of someone else's has this handle: pick another */
      close(l->owner_fd);
      l->owner_fd = -1;
      continue;
    }
    break;
  }
  if (l->owner_fd < 0) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "no free tc filter handle on \"%s\"", l->ifname);
    return -1;
  }
  if (rc != 0) {
    shoal_error_errno(err, kind_of_tc_error(-rc), -rc,
                      "cannot attach the eBPF program to the ingress of \"%s\"", l->ifname);
    return -1;
  }
  l->attached_in = 1;
  if (want_egress) {
    LIBBPF_OPTS(bpf_tc_hook, eg_hook, .ifindex = l->ifindex, .attach_point = BPF_TC_EGRESS);
    LIBBPF_OPTS(bpf_tc_opts, o, .handle = l->handle, .priority = SHOAL_TC_PRIORITY,
                .prog_fd = bpf_program__fd(eg));
    rc = bpf_tc_attach(&eg_hook, &o);
    if (rc != 0) {
      shoal_error_errno(err, kind_of_tc_error(-rc), -rc,
                        "cannot attach the eBPF program to the egress of \"%s\"", l->ifname);
      return -1;
    }
    l->attached_eg = 1;
  }
  return 0;
}

int ebpf_attach(ebpf_state *st, const shoal_options *opts, shoal_error *err) {
  struct bpf_program *in = bpf_object__find_program_by_name(st->obj, SHOAL_PROG_INGRESS);
  struct bpf_program *eg = bpf_object__find_program_by_name(st->obj, SHOAL_PROG_EGRESS);
  int rc = 0, i;
  if (in == NULL || eg == NULL) {
    shoal_error_set(err, SHOAL_E_BACKEND,
                    "the eBPF object %s has no %s/%s programs; rebuild it with `npm run "
                    "build:native -w @shoal/capture`",
                    opts->bpf_object, SHOAL_PROG_INGRESS, SHOAL_PROG_EGRESS);
    return -1;
  }
  pthread_mutex_lock(&hooks_mu);
  for (i = 0; i < st->nlinks && rc == 0; i++) rc = attach_link(st, &st->links[i], in, eg, opts, err);
  if (rc != 0) teardown_locked(st);
  pthread_mutex_unlock(&hooks_mu);
  return rc;
}

#endif
