/*
 * Interface look-ups, promiscuous mode and loopback echoes, shared by the backends. They run on
 * the capture thread, so names and indexes are those of its (maybe entered) namespace.
 */
#ifndef SHOAL_IFACE_H
#define SHOAL_IFACE_H

#include <net/if.h>

#include "shoal.h"

/* 0 when `name` fits in an interface name (IFNAMSIZ - 1 bytes), else -1 with an interface
 * error. */
int iface_check_name(const char *name, shoal_error *err);

/* Looks up `name`'s index and ARPHRD_* link type with ioctls on `fd` (any socket). `ifr` is
 * left holding the name (and the link address), ready for further ioctls on the same
 * interface. 0, or -1 with the error set; `fd` stays open either way. */
int iface_index_and_type(int fd, const char *name, struct ifreq *ifr, int *ifindex, int *arptype,
                         shoal_error *err);

/* Puts interface `ifindex` (named `ifname`, for the message) in promiscuous mode through a
 * PACKET_MR_PROMISC membership of packet socket `fd`: the kernel counts it and drops it when
 * the socket closes. 0, or -1 with the error set. */
int iface_add_promiscuous(int fd, int ifindex, const char *ifname, shoal_error *err);

/* A loopback device shows every packet to packet sockets twice, leaving and arriving. Has the
 * kernel skip the leaving copy for packet socket `fd` (PACKET_IGNORE_OUTGOING, Linux 4.20): it
 * is neither copied into the ring nor counted, and nothing is lost, since it arrives again.
 * Best effort: where the kernel refuses, the backends drop the copy in user space. */
void iface_skip_loopback_echo(int fd);

#endif
