/*
 * libbpf's messages, kept per thread to explain a failure (see ebpf_log.h).
 */
#ifdef SHOAL_HAVE_EBPF

#include "ebpf_log.h"

#include <bpf/libbpf.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libbpf reports why a load failed (the verifier's log) through its print callback, which is
 * process-wide. We keep the tail of what the current thread was told, to quote the reason in
 * the error, and print nothing. */
static __thread char log_tail[4096];
static __thread size_t log_len;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap) {
  va_list copy;
  int n;
  char *text;
  size_t len;
  if (level == LIBBPF_DEBUG) return 0;
  va_copy(copy, ap);
  n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n <= 0) return 0;
  text = malloc((size_t)n + 1);
  if (text == NULL) return 0;
  vsnprintf(text, (size_t)n + 1, fmt, ap);
  len = (size_t)n;
  if (len >= sizeof log_tail) {
    memcpy(log_tail, text + len - (sizeof log_tail - 1), sizeof log_tail - 1);
    log_len = sizeof log_tail - 1;
  } else {
    if (log_len + len >= sizeof log_tail) {
      size_t drop = log_len + len - (sizeof log_tail - 1);
      memmove(log_tail, log_tail + drop, log_len - drop);
      log_len -= drop;
    }
    memcpy(log_tail + log_len, text, len);
    log_len += len;
  }
  log_tail[log_len] = '\0';
  free(text);
  return 0;
}

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static void install_log(void) { libbpf_set_print(libbpf_log); }

void ebpf_log_reset(void) {
  pthread_once(&log_once, install_log);
  log_len = 0;
  log_tail[0] = '\0';
}

void ebpf_log_reason(char *out, size_t size) {
  char *lines = strdup(log_tail), *line, *save = NULL, *prev = NULL;
  const char *pick = NULL;
  out[0] = '\0';
  if (lines == NULL) return;
  for (line = strtok_r(lines, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
    while (*line == ' ' || *line == '\t') line++;
    if (*line == '\0') continue;
    if (strncmp(line, "processed ", 10) == 0 && prev != NULL && pick == NULL) pick = prev;
    if (pick == NULL && strncmp(line, "-- ", 3) != 0 && strstr(line, "failed to load object") == NULL)
      prev = line;
  }
  if (pick == NULL) pick = prev;
  if (pick != NULL) snprintf(out, size, "%s", pick);
  free(lines);
}

#endif
