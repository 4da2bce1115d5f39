/*
 * One live capture: its thread, its batch, its hand-over to JS, its backend.
 *
 * Threads: Node's main thread calls capture_start / capture_stats / capture_close. The
 * capture thread enters the namespace, opens the backend, reads packets into the batch and
 * flushes full batches through the `emit` callback (addon.c queues them on a
 * napi_threadsafe_function). The main thread never changes namespace.
 */
#ifndef SHOAL_CAPTURE_H
#define SHOAL_CAPTURE_H

#include <stdint.h>

#include "batch.h"
#include "shoal.h"

typedef struct shoal_capture shoal_capture;

/* What the capture thread hands over: either a batch (data/len/packets) or, when the capture
 * fails while running, an error. The receiver owns the message (and data) and frees it with
 * capture_message_free. */
typedef enum { SHOAL_MSG_BATCH = 0, SHOAL_MSG_ERROR = 1 } shoal_message_kind;
typedef struct {
  shoal_message_kind kind;
  uint8_t *data;
  size_t len;
  uint32_t packets;
  shoal_error error;
  void *next; /* the capture's spool (capture.c) links waiting batches through this */
} shoal_message;

void capture_message_free(shoal_message *msg);

/* Queues a message towards JS without blocking. 0 when queued (the receiver now owns it),
 * -1 when the queue is closing (the caller frees it). Called on the capture thread, and on the
 * main thread when a spooled batch takes a place in flight (capture_batch_taken). */
typedef int (*shoal_emit_fn)(void *ctx, shoal_message *msg);

/* A backend's entry points. open and run are called on the capture thread (inside the
 * namespace); wake, stats and close on the main thread. */
typedef struct {
  const char *name;
  /* Opens the socket or handle; NULL with `err` set on failure. */
  void *(*open)(const shoal_options *opts, shoal_capture *cap, shoal_error *err);
  /* Reads until capture_stopping(); 0 on a requested stop, -1 with `err` on a failure. */
  int (*run)(void *state, shoal_capture *cap, shoal_error *err);
  /* Interrupts a blocked run() (besides the capture's wake fd). May be NULL. */
  void (*wake)(void *state);
  /* Kernel counters so far (cumulative); safe while run() goes on. */
  void (*stats)(void *state, shoal_stats *out);
  /* Releases everything; the thread has ended. Takes final statistics first. */
  void (*close)(void *state);
  /* 1 when the backend leaves something in the kernel that outlives the process (eBPF tc
   * filters): its captures are closed by an atexit() handler too, because process.exit()
   * ends Node without running the addon's env cleanup hooks. */
  int close_at_exit;
} shoal_backend_ops;

/* Starts the capture thread and waits until the backend is open. NULL with `err` set when it
 * could not open; `opts` is moved into the capture (its strings are taken over) on success
 * and on failure. */
shoal_capture *capture_start(shoal_options *opts, shoal_emit_fn emit, void *emit_ctx,
                             shoal_error *err);

/* Stops the thread, joins it, closes the backend. Safe to call twice. */
void capture_close(shoal_capture *cap);

/* Counters: the kernel's (via the backend) and the batches emitted. After close, the final
 * ones. */
void capture_stats(shoal_capture *cap, shoal_stats *out);

/* The receiver took a batch: its place in flight goes to the oldest spooled batch (emitted here)
 * or frees up for the next flush. Main thread. */
void capture_batch_taken(shoal_capture *cap);

/* Which backend runs the capture, and its state: set before capture_start returns and kept
 * until capture_close (NULL after). Main thread: the TLS tracer's attachments (addon_tls.c). */
shoal_backend capture_backend(const shoal_capture *cap);
void *capture_state(shoal_capture *cap);

/* Frees the capture (after capture_close). */
void capture_destroy(shoal_capture *cap);

/* For backends, on the capture thread. */
int capture_stopping(shoal_capture *cap);
/* A backend that empties its kernel buffer at stop, without handing the packets over, counts
 * them here (they show as discarded). */
void capture_unsent(shoal_capture *cap, uint64_t packets);
int capture_wake_fd(shoal_capture *cap);
shoal_batch *capture_batch(shoal_capture *cap);
/* A backend calls this when the kernel has nothing more for it right now, before it sleeps.
 * The batch goes to JS at once when JS has taken every earlier batch (lowest latency when JS
 * keeps up); while JS is still busy, a partial batch is held for up to SHOAL_HOLD_MS so that
 * batches grow under load instead of crossing a few packets at a time. Returns the poll
 * timeout (ms) to sleep with, or -1 when the capture is stopping. */
#define SHOAL_HOLD_MS 1
int capture_caught_up(shoal_capture *cap);

/* Hands the batch's records over (if any) and empties it: towards JS while fewer than
 * max_in_flight batches are queued, else into the spool. Waits only while the spool is full too
 * (the kernel ring absorbs the wait, and counts drops when it overflows). 0 to go on, -1 when
 * the capture is stopping. */
int capture_flush(shoal_capture *cap);

#endif
