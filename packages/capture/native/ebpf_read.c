/*
 * The eBPF capture backend's ring records into Ethernet frames (see ebpf_read.h).
 */
#ifdef SHOAL_HAVE_EBPF

#include "ebpf_read.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <stddef.h>

#include "bpf/shoal_ebpf.h"
#include "ebpf_ring.h"
#include "ebpf_tc.h"
#include "frame.h"

#define LINKTYPE_ETHERNET 1u
#define VLAN_TAG 4u

static int append_frame(ebpf_reader *r, const void *data, size_t size) {
  const struct shoal_ebpf_record *rec = data;
  const uint8_t *bytes = (const uint8_t *)(rec + 1);
  uint32_t snap, caplen, extra;
  uint8_t *out;
  int vlan;

  if (size < sizeof *rec || rec->cap_len > size - sizeof *rec) return 0; /* never trust blindly */
  snap = rec->cap_len;
  /* Put back an 802.1Q tag the kernel took out of the frame, as the other backends do. */
  vlan = rec->vlan_present && snap >= 12;
  extra = vlan ? VLAN_TAG : 0;
  caplen = snap + extra;
  if (caplen > batch_max_record(capture_batch(r->cap))) caplen = (uint32_t)batch_max_record(capture_batch(r->cap));
  out = ebpf_reader_reserve(r, caplen, rec->wire_len + extra, rec->mono_ns, rec->ifindex, LINKTYPE_ETHERNET);
  if (out == NULL) return -1;
  /* vlan_proto is already in network order */
  frame_put_ethernet(out, caplen, bytes, snap, vlan,
                     rec->vlan_proto != 0 ? rec->vlan_proto : htons(ETH_P_8021Q), rec->vlan_tci);
  return 0;
}

/* The kernel drops a device's filters with the device. On one named interface nothing would
 * ever arrive again: the capture ends. On "any" the others go on, as af_packet's "any" does; the
 * link is only marked, its filters need no taking off. */
static int check_links(ebpf_reader *r, shoal_error *err) {
  ebpf_state *st = (ebpf_state *)r;
  char name[IF_NAMESIZE];
  int i;
  for (i = 0; i < st->nlinks; i++) {
    ebpf_link *l = &st->links[i];
    if (l->gone || if_indextoname((unsigned)l->ifindex, name) != NULL || errno != ENXIO) continue;
    if (st->every) {
      l->gone = 1;
      continue;
    }
    shoal_error_set(err, SHOAL_E_INTERFACE, "interface \"%s\" went down or was removed; capture stopped",
                    l->ifname);
    return -1;
  }
  return 0;
}

static void teardown(ebpf_reader *r) { ebpf_teardown((ebpf_state *)r); }

void ebpf_read_init(ebpf_state *st) {
  st->reader.append = append_frame;
  st->reader.check = check_links;
  st->reader.teardown = teardown;
}

int eb_run(void *state, shoal_capture *cap, shoal_error *err) {
  ebpf_state *st = state;
  (void)cap;
  return ebpf_ring_run(&st->reader, err);
}

#endif
