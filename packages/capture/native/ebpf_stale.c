/*
 * Ownership of Shoal's tc filters and the clean-up of stale ones (see ebpf_stale.h).
 */
#ifdef SHOAL_HAVE_EBPF

#include "ebpf_stale.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/pkt_cls.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bpf/shoal_ebpf.h"
#include "ebpf_backend.h"
#include "tc_netlink.h"

#define PARENT_INGRESS TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define PARENT_EGRESS TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)

/* ---- ownership of filters ----------------------------------------------------------------- */

/* Binds the abstract name of (ifindex, handle): the fd, or -errno (-EADDRINUSE: taken). */
int ebpf_owner_bind(int ifindex, uint32_t handle) {
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
    int probe = ebpf_owner_bind(c->ifindex, handle);
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
int ebpf_count_filters(int ifindex) {
  int n = 0;
  if (tc_filter_dump(ifindex, PARENT_INGRESS, count_visit, &n) != 0) return -1;
  if (tc_filter_dump(ifindex, PARENT_EGRESS, count_visit, &n) != 0) return -1;
  return n;
}

void ebpf_detach_one(int ifindex, enum bpf_tc_attach_point point, uint32_t handle) {
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
  LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = SHOAL_TC_PRIORITY);
  bpf_tc_detach(&hook, &opts);
}

/* Removes Shoal filters whose owner is gone. When that leaves the clsact qdisc empty, we
 * take it over (the dead capture most likely made it) and remove it on close: the caller marks
 * it as made by Shoal when this returns 1. */
int ebpf_sweep_stale(int ifindex) {
  static const struct { uint32_t parent; enum bpf_tc_attach_point point; } dirs[] = {
      {PARENT_INGRESS, BPF_TC_INGRESS}, {PARENT_EGRESS, BPF_TC_EGRESS}};
  int swept = 0, others = 0;
  size_t d;
  for (d = 0; d < 2; d++) {
    sweep_ctx c;
    int i;
    memset(&c, 0, sizeof c);
    c.ifindex = ifindex;
    if (tc_filter_dump(ifindex, dirs[d].parent, sweep_visit, &c) != 0) return 0; /* no clsact */
    for (i = 0; i < c.n_stale; i++) ebpf_detach_one(ifindex, dirs[d].point, c.stale[i]);
    swept += c.n_stale;
    others += c.others;
  }
  return swept > 0 && others == 0;
}

#endif
