/*
 * Capture filters for the AF_PACKET socket: compiled by libpcap (pcap_compile(3PCAP) on a
 * pcap_open_dead(3PCAP) handle of the socket's link type), attached by the caller with
 * setsockopt(SO_ATTACH_FILTER) (Documentation/networking/filter.rst).
 */
#ifndef SHOAL_BPF_H
#define SHOAL_BPF_H

#include <linux/filter.h>
#include <stdint.h>

#include "shoal.h"

/* Compiles `expression` for packets that start with a `dlt` header (DLT_EN10MB for a
 * SOCK_RAW socket on Ethernet, DLT_RAW for a SOCK_DGRAM socket, whose packets start at the
 * network header). Accepted packets are cut to `snaplen`. On a bad expression: -1 and
 * SHOAL_E_FILTER with libpcap's own message. Free `out` with bpf_program_free. */
int bpf_compile(const char *expression, int dlt, uint32_t snaplen, struct sock_fprog *out,
                shoal_error *err);

/* A one-instruction program that accepts every packet cut to `snaplen` bytes. */
int bpf_snaplen_only(uint32_t snaplen, struct sock_fprog *out, shoal_error *err);

void bpf_program_free(struct sock_fprog *prog);

/* True when `filter` uses the word "vlan". The kernel moves an 802.1Q tag out of the packet
 * data before a socket filter or a tc program sees it, so a filter compiled for the data
 * would never match a tag: the af_packet and ebpf backends refuse such filters. */
int bpf_filter_mentions_vlan(const char *filter);

#endif
