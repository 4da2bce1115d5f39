/*
 * One TPACKET_V3 ring frame -> one batch record (see frame.h).
 *
 * Frame layout (Documentation/networking/packet_mmap.rst): struct tpacket3_hdr, then at
 * TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) a struct sockaddr_ll, then at tp_mac the packet.
 *
 * Linux SLL2 header (tcpdump.org LINKTYPE_LINUX_SLL2), 20 bytes, big-endian:
 *   0 protocol (ethertype) | 2 reserved | 4 interface index | 8 ARPHRD_ type |
 *   10 packet type (PACKET_HOST, PACKET_OUTGOING...) | 11 address length | 12 address (8)
 */
#include "frame.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <string.h>

#define LINKTYPE_ETHERNET 1u
#define LINKTYPE_LINUX_SLL2 276u
#define SLL2_HEADER 20u
#define VLAN_TAG 4u

/* Copies `head` (head_len bytes) then data[from, snap) into out, caplen bytes in all. */
static void copy_out(uint8_t *out, uint32_t caplen, const uint8_t *head, uint32_t head_len,
                     const uint8_t *data, uint32_t from, uint32_t snap) {
  uint32_t left;
  if (head_len > caplen) head_len = caplen;
  memcpy(out, head, head_len);
  left = caplen - head_len;
  if (left > snap - from) left = snap - from;
  memcpy(out + head_len, data + from, left);
}

void frame_put_ethernet(uint8_t *out, uint32_t caplen, const uint8_t *data, uint32_t snap,
                        int vlan, uint16_t tpid_be, uint16_t tci) {
  uint8_t head[12 + VLAN_TAG];
  uint16_t tci_be = htons(tci);
  if (!vlan) {
    copy_out(out, caplen, data, 0, data, 0, snap);
    return;
  }
  memcpy(head, data, 12); /* destination and source MAC */
  memcpy(head + 12, &tpid_be, 2);
  memcpy(head + 14, &tci_be, 2);
  copy_out(out, caplen, head, 12 + VLAN_TAG, data, 12, snap);
}

int frame_to_record(shoal_capture *cap, const struct tpacket3_hdr *h, int cooked) {
  shoal_batch *b = capture_batch(cap);
  const uint8_t *data = (const uint8_t *)h + h->tp_mac;
  const struct sockaddr_ll *sll =
      (const struct sockaddr_ll *)((const uint8_t *)h + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
  /* The kernel moves an 802.1Q tag out of the frame into tp_vlan_tci; put it back, as libpcap
   * does, so the bytes are what was on the wire. */
  int vlan = (h->tp_status & TP_STATUS_VLAN_VALID) || h->hv1.tp_vlan_tci != 0;
  uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid : ETH_P_8021Q;
  uint32_t snap = h->tp_snaplen;
  uint32_t extra = (cooked ? SLL2_HEADER : 0) + (vlan ? VLAN_TAG : 0);
  uint32_t caplen, wirelen;
  uint8_t *out;

  if (!cooked && vlan && snap < 12) { /* too short to hold the MACs: leave it as it is */
    vlan = 0;
    extra = 0;
  }
  caplen = snap + extra;
  wirelen = h->tp_len + extra;
  if (caplen > batch_max_record(b)) caplen = (uint32_t)batch_max_record(b);
  if (!batch_fits(b, caplen) && capture_flush(cap) != 0) return -1;
  out = batch_append(b, caplen, wirelen, h->tp_sec, h->tp_nsec, (uint32_t)sll->sll_ifindex,
                     cooked ? LINKTYPE_LINUX_SLL2 : LINKTYPE_ETHERNET);

  if (cooked) {
    /* Assemble the SLL2 header (+ tag) in a small staging area, then copy what fits. */
    uint8_t head[SLL2_HEADER + VLAN_TAG];
    uint32_t head_len;
    uint32_t ifindex_be = htonl((uint32_t)sll->sll_ifindex);
    uint16_t hatype_be = htons(sll->sll_hatype);
    uint16_t proto_be = vlan ? htons(tpid) : sll->sll_protocol; /* already network order */
    uint8_t halen = sll->sll_halen > 8 ? 8 : sll->sll_halen;
    memset(head, 0, SLL2_HEADER);
    memcpy(head + 0, &proto_be, 2);
    memcpy(head + 4, &ifindex_be, 4);
    memcpy(head + 8, &hatype_be, 2);
    head[10] = sll->sll_pkttype;
    head[11] = halen;
    memcpy(head + 12, sll->sll_addr, halen);
    head_len = SLL2_HEADER;
    if (vlan) {
      uint16_t tci_be = htons(h->hv1.tp_vlan_tci);
      memcpy(head + head_len, &tci_be, 2);
      memcpy(head + head_len + 2, &sll->sll_protocol, 2);
      head_len += VLAN_TAG;
    }
    copy_out(out, caplen, head, head_len, data, 0, snap);
  } else {
    frame_put_ethernet(out, caplen, data, snap, vlan, htons(tpid), h->hv1.tp_vlan_tci);
  }
  return 0;
}
