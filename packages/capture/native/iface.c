/*
 * Interface look-ups and promiscuous mode (see iface.h; netdevice(7), packet(7)).
 */
#include "iface.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

void iface_skip_loopback_echo(int fd) {
  int one = 1;
  (void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
}

int iface_check_name(const char *name, shoal_error *err) {
  if (strlen(name) >= IFNAMSIZ) {
    shoal_error_set(err, SHOAL_E_INTERFACE, "interface name \"%s\" is longer than %d bytes", name,
                    IFNAMSIZ - 1);
    return -1;
  }
  return 0;
}

int iface_index_and_type(int fd, const char *name, struct ifreq *ifr, int *ifindex, int *arptype,
                         shoal_error *err) {
  memset(ifr, 0, sizeof *ifr);
  strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFINDEX, ifr) != 0) {
    int e = errno;
    if (e == ENODEV) {
      shoal_error_set(err, SHOAL_E_INTERFACE,
                      "no interface named \"%s\" in this network namespace (`ip link` lists them)",
                      name);
    } else {
      shoal_error_errno(err, SHOAL_E_SYSTEM, e, "cannot look up interface \"%s\"", name);
    }
    return -1;
  }
  *ifindex = ifr->ifr_ifindex;
  if (ioctl(fd, SIOCGIFHWADDR, ifr) != 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot read the link type of \"%s\"", name);
    return -1;
  }
  *arptype = ifr->ifr_hwaddr.sa_family;
  return 0;
}

int iface_add_promiscuous(int fd, int ifindex, const char *ifname, shoal_error *err) {
  struct packet_mreq mreq;
  memset(&mreq, 0, sizeof mreq);
  mreq.mr_ifindex = ifindex;
  mreq.mr_type = PACKET_MR_PROMISC;
  if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "cannot put \"%s\" in promiscuous mode", ifname);
    return -1;
  }
  return 0;
}
