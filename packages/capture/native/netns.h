/*
 * Entering another network namespace, on the calling thread only (setns(2) with
 * CLONE_NEWNET changes the namespace of the calling thread, not of the process).
 */
#ifndef SHOAL_NETNS_H
#define SHOAL_NETNS_H

#include "shoal.h"

/* Moves the calling thread into the network namespace at `path` (/proc/PID/ns/net or
 * /var/run/netns/NAME). Call it only on the capture thread, never on Node's main thread. */
int netns_enter(const char *path, shoal_error *err);

#endif
