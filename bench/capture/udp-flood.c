/*
 * bench/capture/udp-flood: sends COUNT UDP datagrams of SIZE payload bytes to ADDR:PORT
 * (default 127.0.0.1) as fast as one socket can (sendmmsg(2), 64 per call), then prints
 *
 *   <sent> <seconds> <packets/s>
 *
 * A bounded load generator for bench/capture/run.sh (compiled at run time with gcc) and for
 * the capture package's throughput check (packages/capture/test/helpers/netns-throughput.ts,
 * which gives ADDR: an address in a namespace it made):
 *   - bounded in count (COUNT) and in time (MAX_SECONDS, default 30): it stops at whichever
 *     comes first, and exits 1 if it stopped before COUNT;
 *   - loopback unless ADDR is given;
 *   - on loopback it opens its own sink: a UDP socket bound to 127.0.0.1:PORT that is never
 *     read. The datagrams fill its (small) receive buffer and are then dropped by the kernel
 *     without any reply. Without a listener every datagram would draw an ICMP port-unreachable
 *     back (the kernel does not rate-limit ICMP on loopback), doubling the packets on lo. With
 *     another ADDR there is no sink here: the receiving side is the caller's.
 *
 *   udp-flood PORT COUNT [SIZE [MAX_SECONDS [ADDR]]]   PORT 0 (loopback only): the sink picks
 *                                                      a free port
 *
 * With PORT 0 the chosen port is printed to stderr as "port <n>" before sending starts.
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
  socklen_t tolen = sizeof to;
  struct mmsghdr msgs[BURST];
  struct iovec iov;
  static char payload[1472];
  unsigned long count, sent = 0, size, max_seconds;
  double start, deadline, elapsed;
  int sink = -1, fd, i, rcvbuf = 4096, loopback;

  if (argc < 3) {
    fprintf(stderr, "usage: %s PORT COUNT [SIZE [MAX_SECONDS [ADDR]]]\n", argv[0]);
    return 2;
  }
  count = strtoul(argv[2], NULL, 10);
  size = argc > 3 ? strtoul(argv[3], NULL, 10) : 64;
  max_seconds = argc > 4 ? strtoul(argv[4], NULL, 10) : 30;
  if (size < 16 || size > sizeof payload) {
    fprintf(stderr, "SIZE must be 16..%zu\n", sizeof payload);
    return 2;
  }
  if (count == 0 || max_seconds == 0 || max_seconds > 600) {
    fprintf(stderr, "COUNT must be > 0 and MAX_SECONDS 1..600\n");
    return 2;
  }

  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons((unsigned short)atoi(argv[1]));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (argc > 5 && inet_pton(AF_INET, argv[5], &to.sin_addr) != 1) {
    fprintf(stderr, "bad address %s\n", argv[5]);
    return 2;
  }
  loopback = to.sin_addr.s_addr == htonl(INADDR_LOOPBACK);
  if (!loopback && to.sin_port == 0) {
    fprintf(stderr, "PORT 0 needs the loopback address (its sink picks the port)\n");
    return 2;
  }

  if (loopback) {
    sink = socket(AF_INET, SOCK_DGRAM, 0);
    if (sink < 0) {
      perror("socket");
      return 1;
    }
    setsockopt(sink, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (bind(sink, (struct sockaddr *)&to, sizeof to) < 0 || getsockname(sink, (struct sockaddr *)&to, &tolen) < 0) {
      perror("bind sink");
      return 1;
    }
    if (atoi(argv[1]) == 0) {
      fprintf(stderr, "port %u\n", ntohs(to.sin_port));
      fflush(stderr);
    }
  }

  fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof to) < 0) {
    perror("sender");
    return 1;
  }
  memset(payload, '.', size);
  memcpy(payload, "shoal-bench-flood", 17 < size ? 17 : size);
  iov.iov_base = payload;
  iov.iov_len = size;
  memset(msgs, 0, sizeof msgs);
  for (i = 0; i < BURST; i++) {
    msgs[i].msg_hdr.msg_iov = &iov;
    msgs[i].msg_hdr.msg_iovlen = 1;
  }

  start = now_s();
  deadline = start + (double)max_seconds;
  while (sent < count) {
    unsigned long left = count - sent;
    int n;
    /* The clock is read once per burst of 64: cheap next to 64 sends. */
    if (now_s() >= deadline) break;
    n = sendmmsg(fd, msgs, left < BURST ? (unsigned)left : BURST, 0);
    if (n < 0) {
      if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR || errno == ECONNREFUSED) continue;
      perror("sendmmsg");
      break;
    }
    sent += (unsigned long)n;
  }
  elapsed = now_s() - start;
  printf("%lu %.6f %.0f\n", sent, elapsed, elapsed > 0 ? (double)sent / elapsed : 0.0);
  close(fd);
  if (sink >= 0) close(sink);
  return sent == count ? 0 : 1;
}
