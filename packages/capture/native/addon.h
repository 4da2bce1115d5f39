/*
 * What addon.c shares with the other N-API files (addon_tls.c): the capture behind a JS handle.
 */
#ifndef SHOAL_ADDON_H
#define SHOAL_ADDON_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

#include "capture.h"

/* Reads the call's arguments (up to *argc into argv; the first must be a live capture handle):
 * the capture, or NULL with a JS error pending (not a handle; code "closed" when it was closed). */
shoal_capture *addon_capture(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv);

/* The TLS tracer's functions (addon_tls.c), defined on the module's exports. */
void addon_tls_define(napi_env env, napi_value exports);

#endif
