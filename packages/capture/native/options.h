/*
 * The options object of open() (see src/live/native-addon.ts, NativeOptions).
 */
#ifndef SHOAL_OPTIONS_H
#define SHOAL_OPTIONS_H

#include <node_api.h>

#include "shoal.h"

/* Fills `o` (strings malloc'd: free with shoal_options_free). On a bad value: -1 with a JS
 * TypeError (code "options") pending, and `o` freed. */
int parse_options(napi_env env, napi_value obj, shoal_options *o);

#endif
