/*
 * Built and run by test/batch-layout.test.ts (no root, no capture): prints the batch record
 * layout as the C compiler sees it, then the bytes of one batch that batch.c filled.
 *
 *   batch-layout CAPLEN WIRELEN SEC NSEC IFINDEX LINKTYPE [six more per record ...]
 *
 * Line 1: JSON {header, size, align, offsets: {field: offsetof}}, named as the TypeScript
 * reader names the fields. Line 2: the batch in hex. Payload byte i of record k is
 * (i + k) & 0xff; the buffer is filled with 0xa5 first, so padding that batch_append failed to
 * zero shows.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

int main(int argc, char **argv) {
  shoal_batch b;
  int records = (argc - 1) / 6;

  printf("{\"header\":%u,\"size\":%zu,\"align\":%zu,\"offsets\":{"
         "\"capturedLength\":%zu,\"originalLength\":%zu,\"seconds\":%zu,\"nanoseconds\":%zu,"
         "\"interfaceIndex\":%zu,\"linkType\":%zu}}\n",
         SHOAL_RECORD_HEADER, sizeof(shoal_record_header), SHOAL_RECORD_ALIGN(1),
         offsetof(shoal_record_header, caplen), offsetof(shoal_record_header, wirelen),
         offsetof(shoal_record_header, sec), offsetof(shoal_record_header, nsec),
         offsetof(shoal_record_header, ifindex), offsetof(shoal_record_header, linktype));

  if ((argc - 1) % 6 != 0) return 2;
  if (batch_init(&b, 1u << 20, 1024, 65536) != 0) return 3;
  memset(b.buf, 0xa5, b.capacity);
  for (int k = 0; k < records; k++) {
    uint32_t v[6];
    for (int j = 0; j < 6; j++) v[j] = (uint32_t)strtoul(argv[1 + 6 * k + j], NULL, 10);
    if (!batch_fits(&b, v[0])) return 4;
    uint8_t *out = batch_append(&b, v[0], v[1], v[2], v[3], v[4], v[5]);
    for (uint32_t i = 0; i < v[0]; i++) out[i] = (uint8_t)((i + (uint32_t)k) & 0xffu);
  }
  for (size_t i = 0; i < b.used; i++) printf("%02x", b.buf[i]);
  printf("\n");
  batch_free(&b);
  return 0;
}
