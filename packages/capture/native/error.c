/*
 * Error helpers: one message buffer per failure, filled where the failure is understood
 * (the messages name the interface, the namespace or the option, and say what to do).
 */
#include "shoal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void shoal_error_set(shoal_error *err, shoal_err_kind kind, const char *fmt, ...) {
  va_list ap;
  err->kind = kind;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
}

static shoal_err_kind kind_from_errno(int errnum) {
  switch (errnum) {
    case EPERM:
    case EACCES:
      return SHOAL_E_PERMISSION;
    case ENODEV:
    case ENXIO:
    case ENETDOWN:
      return SHOAL_E_INTERFACE;
    default:
      return SHOAL_E_SYSTEM;
  }
}

void shoal_error_errno(shoal_error *err, shoal_err_kind kind, int errnum, const char *fmt, ...) {
  va_list ap;
  size_t used;
  err->kind = kind != SHOAL_E_SYSTEM ? kind : kind_from_errno(errnum);
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  used = strlen(err->message);
  snprintf(err->message + used, sizeof err->message - used, ": %s", strerror(errnum));
  if (err->kind == SHOAL_E_PERMISSION) {
    used = strlen(err->message);
    snprintf(err->message + used, sizeof err->message - used,
             " (live capture needs root, or CAP_NET_RAW and CAP_NET_ADMIN; a namespace also "
             "CAP_SYS_ADMIN)");
  }
}

const char *shoal_error_kind_name(shoal_err_kind kind) {
  switch (kind) {
    case SHOAL_E_NONE: return "none";
    case SHOAL_E_OPTIONS: return "options";
    case SHOAL_E_INTERFACE: return "interface";
    case SHOAL_E_FILTER: return "filter";
    case SHOAL_E_PERMISSION: return "permission";
    case SHOAL_E_NETNS: return "netns";
    case SHOAL_E_BACKEND: return "backend";
    case SHOAL_E_SYSTEM: return "system";
  }
  return "system";
}

void shoal_options_free(shoal_options *opts) {
  free(opts->interface);
  free(opts->filter);
  free(opts->netns);
  free(opts->bpf_object);
  opts->interface = opts->filter = opts->netns = opts->bpf_object = NULL;
}
