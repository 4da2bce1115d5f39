/*
 * Capture filter compilation (see bpf.h).
 *
 * libpcap's struct bpf_insn {u_short code; u_char jt; u_char jf; bpf_u_int32 k;} and the
 * kernel's struct sock_filter {__u16 code; __u8 jt; __u8 jf; __u32 k;} are the same classic
 * BPF instruction; we still copy field by field rather than cast.
 */
#include "bpf.h"

#include <ctype.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

int bpf_compile(const char *expression, int dlt, uint32_t snaplen, struct sock_fprog *out,
                shoal_error *err) {
  struct bpf_program program;
  pcap_t *dead;
  struct sock_filter *code;
  unsigned i;

  memset(out, 0, sizeof *out);
  /* A "dead" handle: no device, only a link type and a snapshot length for the compiler.
   * pcap_compile() is thread-safe since libpcap 1.8 (pcap_compile(3PCAP)). */
  dead = pcap_open_dead(dlt, (int)snaplen);
  if (dead == NULL) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "pcap_open_dead failed (out of memory?)");
    return -1;
  }
  if (pcap_compile(dead, &program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0) {
    shoal_error_set(err, SHOAL_E_FILTER, "bad capture filter \"%s\": %s", expression,
                    pcap_geterr(dead));
    pcap_close(dead);
    return -1;
  }
  code = calloc(program.bf_len ? program.bf_len : 1, sizeof *code);
  if (code == NULL) {
    pcap_freecode(&program);
    pcap_close(dead);
    shoal_error_set(err, SHOAL_E_SYSTEM, "out of memory copying the capture filter");
    return -1;
  }
  for (i = 0; i < program.bf_len; i++) {
    code[i].code = program.bf_insns[i].code;
    code[i].jt = program.bf_insns[i].jt;
    code[i].jf = program.bf_insns[i].jf;
    code[i].k = program.bf_insns[i].k;
  }
  out->len = (unsigned short)program.bf_len;
  out->filter = code;
  pcap_freecode(&program);
  pcap_close(dead);
  return 0;
}

int bpf_snaplen_only(uint32_t snaplen, struct sock_fprog *out, shoal_error *err) {
  struct sock_filter *code = calloc(1, sizeof *code);
  if (code == NULL) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "out of memory building the snaplen filter");
    return -1;
  }
  /* "ret #snaplen": accept, keeping at most snaplen bytes. */
  code[0].code = BPF_RET | BPF_K;
  code[0].k = snaplen;
  out->len = 1;
  out->filter = code;
  return 0;
}

void bpf_program_free(struct sock_fprog *prog) {
  free(prog->filter);
  prog->filter = NULL;
  prog->len = 0;
}

int bpf_filter_mentions_vlan(const char *filter) {
  const char *p = filter;
  while ((p = strstr(p, "vlan")) != NULL) {
    int before = p == filter || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
    int after = !(isalnum((unsigned char)p[4]) || p[4] == '_');
    if (before && after) return 1;
    p += 4;
  }
  return 0;
}
