/*
 * udp-flood: sends COUNT UDP datagrams of SIZE bytes to ADDR:PORT as fast as one socket can
 * (sendmmsg(2), 64 per call), then prints how many went out and how long it took.
 * A load generator for the live-capture throughput check
 * (test/helpers/netns-throughput.ts); not part of the addon. Gives up after 60 seconds.
 *
 *   udp-flood ADDR PORT COUNT [SIZE]
 *
 * Run it only towards addresses of namespaces you made (the throughput script does).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BURST 64

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  struct sockaddr_in to;
  struct mmsghdr msgs[BURST];
  struct iovec iov;
  static char payload[65507];
  unsigned long count, sent = 0, size;
  double start, deadline;
  int fd, i;

  if (argc < 4) {
    fprintf(stderr, "usage: %s ADDR PORT COUNT [SIZE]\n", argv[0]);
    return 2;
  }
  count = strtoul(argv[3], NULL, 10);
  size = argc > 4 ? strtoul(argv[4], NULL, 10) : 64;
  if (size < 16 || size > sizeof payload) size = 64;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons((unsigned short)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
    fprintf(stderr, "bad address %s\n", argv[1]);
    return 2;
  }
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  memset(payload, '.', size);
  memcpy(payload, "shoal-udp", 9);
  iov.iov_base = payload;
  iov.iov_len = size;
  memset(msgs, 0, sizeof msgs);
  for (i = 0; i < BURST; i++) {
    msgs[i].msg_hdr.msg_name = &to;
    msgs[i].msg_hdr.msg_namelen = sizeof to;
    msgs[i].msg_hdr.msg_iov = &iov;
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  start = now_s();
  deadline = start + 60;
  while (sent < count && now_s() < deadline) {
    unsigned long left = count - sent;
    int n = sendmmsg(fd, msgs, left < BURST ? (unsigned)left : BURST, 0);
    if (n < 0) {
      if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) continue;
      perror("sendmmsg");
      break;
    }
    sent += (unsigned long)n;
  }
  printf("%lu %.6f\n", sent, now_s() - start);
  close(fd);
  return sent == count ? 0 : 1;
}
