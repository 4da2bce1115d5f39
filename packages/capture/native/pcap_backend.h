/*
 * The libpcap backend: pcap_create(3PCAP), pcap_set_*(3PCAP), pcap_activate(3PCAP),
 * pcap_dispatch(3PCAP), pcap_stats(3PCAP).
 */
#ifndef SHOAL_PCAP_BACKEND_H
#define SHOAL_PCAP_BACKEND_H

#include "capture.h"

extern const shoal_backend_ops shoal_pcap_backend;

#endif
