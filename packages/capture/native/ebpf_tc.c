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

/* ---- attach / detach ---------------------------------------------------------------------- */

/* Takes our filters off; removes the clsact qdisc when Shoal made it and it is now empty.
 * Called with hooks_mu held. */
static void teardown_locked(ebpf_state *st) {
  if (st->attached_in) ebpf_detach_one(st->ifindex, BPF_TC_INGRESS, st->handle);
  if (st->attached_eg) ebpf_detach_one(st->ifindex, BPF_TC_EGRESS, st->handle);
  st->attached_in = st->attached_eg = 0;
  if (hook_find(st) >= 0) {
    int left = ebpf_count_filters(st->ifindex);
    if (left == 0) {
      LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = st->ifindex,
                  .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
      bpf_tc_hook_destroy(&hook); /* removes the clsact qdisc */
    }
    if (left <= 0) hook_unmark(st); /* removed, or gone with its interface */
  }
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
  if (ebpf_sweep_stale(st)) hook_mark(st);

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
    st->owner_fd = ebpf_owner_bind(st->ifindex, handle);
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

int ebpf_attach(ebpf_state *st, const shoal_options *opts, shoal_error *err) {
  int rc;
  pthread_mutex_lock(&hooks_mu);
  rc = attach_programs(st, opts, err);
  if (rc != 0) teardown_locked(st);
  pthread_mutex_unlock(&hooks_mu);
  return rc;
}

#endif
