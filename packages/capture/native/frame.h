/*
 * Turning one TPACKET_V3 ring frame into one batch record: Ethernet bytes with an 802.1Q tag
 * the kernel took out put back in, or, for a SOCK_DGRAM ("cooked") socket, a Linux SLL2 header
 * built from the frame's sockaddr_ll followed by the network-layer bytes.
 */
#ifndef SHOAL_FRAME_H
#define SHOAL_FRAME_H

#include <linux/if_packet.h>

#include "capture.h"

/* Appends the frame to the capture's batch (flushing it first when full). 0, or -1 when the
 * capture is stopping. */
int frame_to_record(shoal_capture *cap, const struct tpacket3_hdr *h, int cooked);

/* Writes an Ethernet frame's first `caplen` bytes to out: data's `snap` captured bytes with,
 * when `vlan` is set (and snap >= 12), the 802.1Q tag the kernel took out put back after the
 * MACs: TPID `tpid_be` (network order) and TCI `tci` (host order). The eBPF backend's records
 * go through it too. */
void frame_put_ethernet(uint8_t *out, uint32_t caplen, const uint8_t *data, uint32_t snap,
                        int vlan, uint16_t tpid_be, uint16_t tci);

#endif
