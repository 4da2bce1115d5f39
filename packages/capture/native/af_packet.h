/*
 * The AF_PACKET backend: a packet socket with a TPACKET_V3 memory-mapped receive ring
 * (Documentation/networking/packet_mmap.rst, packet(7)).
 */
#ifndef SHOAL_AF_PACKET_H
#define SHOAL_AF_PACKET_H

#include "capture.h"

extern const shoal_backend_ops shoal_af_packet_backend;

#endif
