/*
 * Network namespace entry for the capture thread (see netns.h).
 *
 * Every socket the thread creates afterwards (the AF_PACKET socket, libpcap's) belongs to the
 * namespace entered, and interface names resolve there. Caveat: /sys/class/net shows the
 * namespace of whoever mounted /sys, so nothing here reads sysfs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* setns() */
#endif
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

int netns_enter(const char *path, shoal_error *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) {
      shoal_error_set(err, SHOAL_E_NETNS,
                      "network namespace %s does not exist (is the pod or `ip netns` entry gone?)",
                      path);
    } else {
      shoal_error_errno(err, e == EACCES || e == EPERM ? SHOAL_E_PERMISSION : SHOAL_E_NETNS, e,
                        "cannot open network namespace %s", path);
    }
    return -1;
  }
  if (setns(fd, CLONE_NEWNET) != 0) {
    int e = errno;
    close(fd);
    if (e == EINVAL) {
      shoal_error_set(err, SHOAL_E_NETNS,
                      "%s is not a network namespace (expected /proc/PID/ns/net or "
                      "/var/run/netns/NAME)",
                      path);
    } else {
      shoal_error_errno(err, e == EPERM ? SHOAL_E_PERMISSION : SHOAL_E_NETNS, e,
                        "cannot enter network namespace %s", path);
    }
    return -1;
  }
  close(fd);
  return 0;
}
