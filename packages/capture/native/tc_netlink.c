/*
 * rtnetlink dump of tc filters (see tc_netlink.h). The request is a struct tcmsg naming the
 * interface and the parent; the kernel answers with one RTM_NEWTFILTER per filter (plus one
 * per priority's chain head), then NLMSG_DONE. Attributes read: TCA_KIND, and inside
 * TCA_OPTIONS of a "bpf" filter, TCA_BPF_ID and TCA_BPF_NAME.
 */
#include "tc_netlink.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define TC_BUF_BYTES 32768

static void bpf_options(struct rtattr *options, uint32_t *id, char *name, size_t name_size) {
  int len = RTA_PAYLOAD(options);
  struct rtattr *a;
  for (a = RTA_DATA(options); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == TCA_BPF_ID && RTA_PAYLOAD(a) >= sizeof(uint32_t)) {
      memcpy(id, RTA_DATA(a), sizeof *id);
    } else if (a->rta_type == TCA_BPF_NAME) {
      size_t n = RTA_PAYLOAD(a);
      if (n >= name_size) n = name_size - 1;
      memcpy(name, RTA_DATA(a), n);
      name[n] = '\0';
    }
  }
}

/* 1 to stop (done or the callback said so), 0 to read on, -errno on failure. */
static int walk_messages(char *buf, int len, uint32_t seq, tc_filter_fn fn, void *ctx) {
  struct nlmsghdr *nh;
  for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (unsigned)len); nh = NLMSG_NEXT(nh, len)) {
    if (nh->nlmsg_seq != seq) continue;
    if (nh->nlmsg_type == NLMSG_DONE) return 1;
    if (nh->nlmsg_type == NLMSG_ERROR) {
      struct nlmsgerr *e = NLMSG_DATA(nh);
      if (nh->nlmsg_len < NLMSG_LENGTH(sizeof *e)) return -EPROTO;
      return e->error == 0 ? 1 : e->error;
    }
    if (nh->nlmsg_type == RTM_NEWTFILTER) {
      struct tcmsg *t = NLMSG_DATA(nh);
      int alen = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof *t);
      struct rtattr *a;
      char kind[32] = "", bpf_name[64] = "";
      uint32_t prog_id = 0;
      if (alen < 0) continue;
      for (a = (struct rtattr *)((char *)t + NLMSG_ALIGN(sizeof *t)); RTA_OK(a, alen);
           a = RTA_NEXT(a, alen)) {
        if (a->rta_type == TCA_KIND) {
          size_t n = RTA_PAYLOAD(a);
          if (n >= sizeof kind) n = sizeof kind - 1;
          memcpy(kind, RTA_DATA(a), n);
          kind[n] = '\0';
        } else if (a->rta_type == TCA_OPTIONS) {
          bpf_options(a, &prog_id, bpf_name, sizeof bpf_name);
        }
      }
      if (strcmp(kind, "bpf") != 0) {
        prog_id = 0;
        bpf_name[0] = '\0';
      }
      if (fn(ctx, t->tcm_handle, TC_H_MAJ(t->tcm_info) >> 16, kind, prog_id, bpf_name) != 0) return 1;
    }
  }
  return 0;
}

int tc_filter_dump(int ifindex, uint32_t parent, tc_filter_fn fn, void *ctx) {
  struct {
    struct nlmsghdr nh;
    struct tcmsg t;
  } req;
  struct sockaddr_nl sa;
  struct timeval tv = {2, 0}; /* never hang on a kernel that does not answer */
  uint32_t seq = (uint32_t)time(NULL);
  char *buf;
  int fd, rc = 0;

  fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return -errno;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK;
  memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.t);
  req.nh.nlmsg_type = RTM_GETTFILTER;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nh.nlmsg_seq = seq;
  req.t.tcm_family = AF_UNSPEC;
  req.t.tcm_ifindex = ifindex;
  req.t.tcm_parent = parent;
  if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0) {
    rc = -errno;
    close(fd);
    return rc;
  }
  buf = malloc(TC_BUF_BYTES);
  if (buf == NULL) {
    close(fd);
    return -ENOMEM;
  }
  for (;;) {
    ssize_t n = recv(fd, buf, TC_BUF_BYTES, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      rc = -errno;
      break;
    }
    if (n == 0) {
      rc = -EPROTO;
      break;
    }
    rc = walk_messages(buf, (int)n, seq, fn, ctx);
    if (rc != 0) break;
  }
  free(buf);
  close(fd);
  return rc < 0 ? rc : 0;
}
