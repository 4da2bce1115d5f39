/*
 * The batch buffer: packets collected on the capture thread, handed to JS as one
 * ArrayBuffer per crossing.
 *
 * Record layout (host byte order, every record starts 8-byte aligned):
 *
 *   offset  size  field
 *        0     4  captured length (bytes stored after the header)
 *        4     4  original length on the wire
 *        8     4  timestamp, seconds since the epoch
 *       12     4  timestamp, nanoseconds
 *       16     4  interface index (0 when unknown)
 *       20     4  LINKTYPE_* of the bytes (1 Ethernet, 276 Linux SLL2, ...)
 *       24     n  the packet's bytes, then zero padding to a multiple of 8
 *
 * The header is shoal_record_header below. src/live/batch-records.ts walks the same layout;
 * test/batch-layout.test.ts builds batch.c into a small program (test/native/batch-layout.c)
 * and checks the reader's offsets against offsetof/sizeof here, and its reading of a batch
 * that batch_append filled.
 */
#ifndef SHOAL_BATCH_H
#define SHOAL_BATCH_H

#include <stddef.h>
#include <stdint.h>

#define SHOAL_RECORD_HEADER 24u
#define SHOAL_RECORD_ALIGN(n) (((n) + 7u) & ~(size_t)7u)

typedef struct {
  uint32_t caplen;   /* captured length (bytes stored after the header) */
  uint32_t wirelen;  /* original length on the wire */
  uint32_t sec;      /* timestamp, seconds since the epoch */
  uint32_t nsec;     /* timestamp, nanoseconds */
  uint32_t ifindex;  /* interface index (0 when unknown) */
  uint32_t linktype; /* LINKTYPE_* of the bytes */
} shoal_record_header;

_Static_assert(sizeof(shoal_record_header) == SHOAL_RECORD_HEADER, "record header size");

typedef struct {
  uint8_t *buf;
  size_t capacity;      /* bytes allocated: at least max_bytes, and room for one largest record */
  size_t used;          /* bytes of complete records */
  uint32_t packets;     /* records in buf */
  size_t max_bytes;     /* full when the next record would pass this... */
  uint32_t max_packets; /* ...or when this many records are in */
} shoal_batch;

/* Allocates the buffer. max_record is the largest payload one record may carry. */
int batch_init(shoal_batch *b, size_t max_bytes, uint32_t max_packets, size_t max_record);
void batch_free(shoal_batch *b);

/* True when a record with `caplen` payload bytes can go in now (an empty batch takes any
 * record up to max_record). */
int batch_fits(const shoal_batch *b, uint32_t caplen);

/* Largest payload a record may carry (what batch_init was given). */
size_t batch_max_record(const shoal_batch *b);

/* Writes a record header, zeroes its padding and returns where its `caplen` payload bytes
 * go; the caller fills them. Call only after batch_fits() said yes. */
uint8_t *batch_append(shoal_batch *b, uint32_t caplen, uint32_t wirelen, uint32_t sec,
                      uint32_t nsec, uint32_t ifindex, uint32_t linktype);

/* Forgets the records (after they were copied out). */
void batch_reset(shoal_batch *b);

/* Memory for the bytes of one batch handed to JS: a mapping of its own, so that freeing it
 * (when JS drops the ArrayBuffer, on the main thread) gives the pages back at once. From malloc,
 * these sizes came from the capture thread's arena, whose freed pages stayed resident: the
 * worker's RSS grew by whole 64 MiB arenas under load. NULL when out of memory. */
void *batch_data_alloc(size_t len);
void batch_data_free(void *data, size_t len);

#endif
