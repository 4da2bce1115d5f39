/*
 * The eBPF backend's state for one capture, shared by its parts (overview in ebpf_backend.c):
 *
 *   ebpf_backend.c  the backend's entry points: open (interface, promiscuous mode), stats,
 *                   close, the probe, and the stub when built without libbpf;
 *   ebpf_object.c   the BPF object: libbpf's messages, the capture filter and configuration
 *                   map, open and load;
 *   ebpf_tc.c       attaching the programs to the clsact qdisc and taking them off again;
 *   ebpf_stale.c    who owns a Shoal filter, and removing those whose owner is gone;
 *   ebpf_read.c     its ring records into Ethernet frames, run() (ebpf_ring.c reads the ring).
 *
 * These parts are compiled only with SHOAL_HAVE_EBPF (see ebpf_backend.h).
 */
#ifndef SHOAL_EBPF_STATE_H
#define SHOAL_EBPF_STATE_H

#include <net/if.h>
#include <stdint.h>

#include "capture.h"
#include "ebpf_ring.h"

struct bpf_object;

/* The most interfaces one capture attaches to ("any" in a namespace: a pod has lo and eth0,
 * a few more with secondary networks). */
#define EBPF_MAX_LINKS 16

/* One interface the programs are attached to. */
typedef struct {
  int ifindex;
  char ifname[IF_NAMESIZE];
  int loopback;
  uint32_t handle;   /* of both our filters on it (ingress, egress) */
  int owner_fd;      /* abstract unix socket: "this filter has an owner" */
  int attached_in, attached_eg;
  int gone;          /* removed while capturing: its filters went with it */
} ebpf_link;

typedef struct {
  ebpf_reader reader; /* first: the reader's callbacks get the state back from it */
  struct bpf_object *obj;
  int counters_fd;
  int ncpus;

  ebpf_link links[EBPF_MAX_LINKS];
  int nlinks;
  int every;         /* interface "any": every Ethernet or loopback interface up at open */

  int promisc_fd;    /* packet socket holding a promiscuous membership, or -1 */
  uint64_t ns_dev, ns_ino; /* the network namespace (of the capture thread) */
} ebpf_state;

#endif
