/*
 * The batch buffer (layout in batch.h). One per capture, reused: flushing copies the used
 * bytes out (capture.c), so the memory JS receives is exactly as large as its records.
 */
#include "batch.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int batch_init(shoal_batch *b, size_t max_bytes, uint32_t max_packets, size_t max_record) {
  size_t largest = SHOAL_RECORD_HEADER + SHOAL_RECORD_ALIGN(max_record);
  memset(b, 0, sizeof *b);
  b->max_bytes = max_bytes < largest ? largest : max_bytes;
  b->max_packets = max_packets == 0 ? 1 : max_packets;
  b->capacity = b->max_bytes;
  b->buf = malloc(b->capacity);
  return b->buf == NULL ? -1 : 0;
}

void batch_free(shoal_batch *b) {
  free(b->buf);
  b->buf = NULL;
  b->capacity = b->used = 0;
  b->packets = 0;
}

size_t batch_max_record(const shoal_batch *b) {
  /* Rounded down so that header + padded payload never passes the capacity. */
  return (b->capacity - SHOAL_RECORD_HEADER) & ~(size_t)7u;
}

int batch_fits(const shoal_batch *b, uint32_t caplen) {
  size_t need = SHOAL_RECORD_HEADER + SHOAL_RECORD_ALIGN((size_t)caplen);
  if (b->packets >= b->max_packets) return 0;
  return b->used + need <= b->max_bytes;
}

uint8_t *batch_append(shoal_batch *b, uint32_t caplen, uint32_t wirelen, uint32_t sec,
                      uint32_t nsec, uint32_t ifindex, uint32_t linktype) {
  uint8_t *rec = b->buf + b->used;
  shoal_record_header header = {.caplen = caplen, .wirelen = wirelen, .sec = sec, .nsec = nsec,
                                .ifindex = ifindex, .linktype = linktype};
  size_t padded = SHOAL_RECORD_ALIGN((size_t)caplen);
  memcpy(rec, &header, sizeof header);
  /* Zero the padding so no stale bytes of an earlier batch travel to JS. */
  if (padded > caplen) memset(rec + SHOAL_RECORD_HEADER + caplen, 0, padded - caplen);
  b->used += SHOAL_RECORD_HEADER + padded;
  b->packets++;
  return rec + SHOAL_RECORD_HEADER;
}

void batch_reset(shoal_batch *b) {
  b->used = 0;
  b->packets = 0;
}

void *batch_data_alloc(size_t len) {
  void *p = mmap(NULL, len == 0 ? 1 : len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

void batch_data_free(void *data, size_t len) {
  if (data != NULL) munmap(data, len == 0 ? 1 : len);
}
