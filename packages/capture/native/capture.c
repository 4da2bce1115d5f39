/*
 * The capture thread and its hand-over (see capture.h).
 *
 * Life of a capture:
 *   main: capture_start -> spawns the thread, waits for "opened" or "failed"
 *   thread: setns (optional) -> backend open -> signal -> backend run (reads, flushes)
 *   main: capture_close -> sets `stopping`, wakes the thread (condition variable, eventfd,
 *         backend wake), joins it, closes the backend.
 *
 * Back-pressure: at most max_in_flight batches wait in the JS queue, so the event loop is never
 * flooded (timers and I/O get their turn between batches). Further batches wait in the
 * capture's spool, up to spool_bytes: the thread keeps emptying the kernel ring while JS is
 * busy or stalled (a collection, a slow disk write), so a pause of the event loop costs memory
 * for the packets that really arrived, not drops. A ring sized in blocks holds little time at
 * a low rate (TPACKET_V3 retires a block on its timeout however empty it is). Only when the
 * spool is full too does the thread stop reading; the kernel ring fills and the kernel counts
 * drops, which show in the statistics.
 */
#include "capture.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "af_packet.h"
#include "ebpf_backend.h"
#include "netns.h"
#include "pcap_backend.h"
#include "tls_backend.h"

typedef enum { PHASE_OPENING, PHASE_RUNNING, PHASE_FAILED } capture_phase;

struct shoal_capture {
  shoal_options opts;
  const shoal_backend_ops *ops;
  void *state; /* the backend's, once open */
  shoal_batch batch;

  pthread_t thread;
  int thread_started;
  int closed;

  pthread_mutex_t mu; /* guards phase, open_error, in_flight and the spool */
  pthread_cond_t cv;
  capture_phase phase;
  shoal_error open_error;
  uint32_t in_flight;
  shoal_message *spool_head, *spool_tail; /* batches waiting for a place in flight, oldest first */
  size_t spooled_bytes;

  atomic_int stopping;
  int wake_fd; /* eventfd: written once on stop, polled by the af_packet loop */

  shoal_emit_fn emit;
  void *emit_ctx;

  uint64_t held_since_ns; /* when a partial batch was first held back (capture thread only) */

  atomic_uint_fast64_t batches, packets, bytes;
  atomic_uint_fast64_t unsent; /* see shoal_stats.unsent */
  shoal_stats final_stats;
};

/* ---- captures to close at exit (see shoal_backend_ops.close_at_exit) ---------------------- */

#define EXIT_LIST_MAX 256
static pthread_mutex_t exit_mu = PTHREAD_MUTEX_INITIALIZER;
static shoal_capture *exit_list[EXIT_LIST_MAX];
static int exit_count;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

/* exit() on Node's main thread (process.exit(), the end of the event loop): stop and join
 * the capture threads, which take their tc filters off on the way out. */
static void close_all_at_exit(void) {
  shoal_capture *list[EXIT_LIST_MAX];
  int n, i;
  pthread_mutex_lock(&exit_mu);
  n = exit_count;
  memcpy(list, exit_list, (size_t)n * sizeof list[0]);
  pthread_mutex_unlock(&exit_mu);
  for (i = 0; i < n; i++) capture_close(list[i]);
}

static void install_exit_handler(void) { atexit(close_all_at_exit); }

static void exit_list_add(shoal_capture *cap) {
  pthread_once(&exit_once, install_exit_handler);
  pthread_mutex_lock(&exit_mu);
  if (exit_count < EXIT_LIST_MAX) exit_list[exit_count++] = cap;
  pthread_mutex_unlock(&exit_mu);
}

static void exit_list_remove(shoal_capture *cap) {
  int i;
  pthread_mutex_lock(&exit_mu);
  for (i = 0; i < exit_count; i++) {
    if (exit_list[i] == cap) {
      exit_list[i] = exit_list[--exit_count];
      break;
    }
  }
  pthread_mutex_unlock(&exit_mu);
}

void capture_message_free(shoal_message *msg) {
  if (msg == NULL) return;
  batch_data_free(msg->data, msg->len);
  free(msg);
}

int capture_stopping(shoal_capture *cap) { return atomic_load(&cap->stopping); }
shoal_backend capture_backend(const shoal_capture *cap) { return cap->opts.backend; }
void *capture_state(shoal_capture *cap) { return cap->closed ? NULL : cap->state; }
void capture_unsent(shoal_capture *cap, uint64_t packets) { atomic_fetch_add(&cap->unsent, packets); }
int capture_wake_fd(shoal_capture *cap) { return cap->wake_fd; }
shoal_batch *capture_batch(shoal_capture *cap) { return &cap->batch; }

/* Takes the oldest spooled batch (NULL when none); call with mu held. */
static shoal_message *spool_pop(shoal_capture *cap) {
  shoal_message *msg = cap->spool_head;
  if (msg == NULL) return NULL;
  cap->spool_head = msg->next;
  if (cap->spool_head == NULL) cap->spool_tail = NULL;
  cap->spooled_bytes -= msg->len;
  msg->next = NULL;
  return msg;
}

int capture_flush(shoal_capture *cap) {
  shoal_batch *b = &cap->batch;
  shoal_message *msg;
  int direct;

  if (b->packets == 0) return capture_stopping(cap) ? -1 : 0;

  /* Copy out exactly the used bytes: JS gets a fresh buffer per batch (consumers may keep
   * views into it) and a small batch does not pin a whole max-size buffer. */
  msg = calloc(1, sizeof *msg);
  if (msg != NULL) {
    msg->data = batch_data_alloc(b->used);
    msg->len = b->used;
  }
  if (msg == NULL || msg->data == NULL) {
    capture_message_free(msg);
    /* Out of memory: these packets are lost (and counted), the capture goes on. */
    capture_unsent(cap, b->packets);
    batch_reset(b);
    cap->held_since_ns = 0;
    return 0;
  }
  msg->kind = SHOAL_MSG_BATCH;
  memcpy(msg->data, b->buf, b->used);
  msg->packets = b->packets;
  batch_reset(b);
  cap->held_since_ns = 0;

  pthread_mutex_lock(&cap->mu);
  /* Full in flight and a spool without room: wait (the kernel ring takes the strain). An
   * empty spool always takes one batch, so a batch larger than spool_bytes cannot wedge. */
  while (cap->in_flight >= cap->opts.max_in_flight && cap->spool_head != NULL &&
         cap->spooled_bytes + msg->len > cap->opts.spool_bytes && !capture_stopping(cap)) {
    pthread_cond_wait(&cap->cv, &cap->mu);
  }
  if (capture_stopping(cap)) {
    pthread_mutex_unlock(&cap->mu);
    capture_unsent(cap, msg->packets); /* close() discards what was not handed over */
    capture_message_free(msg);
    return -1;
  }
  direct = cap->in_flight < cap->opts.max_in_flight && cap->spool_head == NULL;
  if (direct) {
    cap->in_flight++;
  } else {
    if (cap->spool_tail != NULL) cap->spool_tail->next = msg;
    else cap->spool_head = msg;
    cap->spool_tail = msg;
    cap->spooled_bytes += msg->len;
  }
  atomic_fetch_add(&cap->batches, 1);
  atomic_fetch_add(&cap->packets, msg->packets);
  atomic_fetch_add(&cap->bytes, msg->len);
  pthread_mutex_unlock(&cap->mu);

  if (direct && cap->emit(cap->emit_ctx, msg) != 0) {
    capture_message_free(msg);
    return -1;
  }
  return 0;
}

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int capture_caught_up(shoal_capture *cap) {
  uint32_t in_flight;
  uint64_t now;
  if (capture_stopping(cap)) return -1;
  if (cap->batch.packets == 0) return 1000; /* nothing held: sleep until the kernel wakes us */
  pthread_mutex_lock(&cap->mu);
  in_flight = cap->in_flight;
  pthread_mutex_unlock(&cap->mu);
  now = monotonic_ns();
  if (cap->held_since_ns == 0) cap->held_since_ns = now;
  if (in_flight == 0 || now - cap->held_since_ns >= (uint64_t)SHOAL_HOLD_MS * 1000000u) {
    if (capture_flush(cap) != 0) return -1;
    return 1000;
  }
  return SHOAL_HOLD_MS;
}

void capture_batch_taken(shoal_capture *cap) {
  shoal_message *next;
  pthread_mutex_lock(&cap->mu);
  /* The place in flight passes to the oldest spooled batch, if any. */
  next = capture_stopping(cap) ? NULL : spool_pop(cap);
  if (next == NULL && cap->in_flight > 0) cap->in_flight--;
  pthread_cond_signal(&cap->cv);
  pthread_mutex_unlock(&cap->mu);
  if (next != NULL && cap->emit(cap->emit_ctx, next) != 0) {
    capture_message_free(next); /* the queue is closing: so is the capture */
    pthread_mutex_lock(&cap->mu);
    if (cap->in_flight > 0) cap->in_flight--;
    pthread_mutex_unlock(&cap->mu);
  }
}

static void *capture_main(void *arg) {
  shoal_capture *cap = arg;
  shoal_error err;
  void *state;

  memset(&err, 0, sizeof err);
  if (cap->opts.netns != NULL && netns_enter(cap->opts.netns, &err) != 0) goto failed;
  state = cap->ops->open(&cap->opts, cap, &err);
  if (state == NULL) goto failed;

  pthread_mutex_lock(&cap->mu);
  cap->state = state;
  cap->phase = PHASE_RUNNING;
  pthread_cond_broadcast(&cap->cv);
  pthread_mutex_unlock(&cap->mu);

  if (cap->ops->run(state, cap, &err) != 0 && !capture_stopping(cap)) {
    /* A failure while running (the interface went away...): tell JS, then end. */
    shoal_message *msg = calloc(1, sizeof *msg);
    if (msg != NULL) {
      msg->kind = SHOAL_MSG_ERROR;
      msg->error = err;
      if (cap->emit(cap->emit_ctx, msg) != 0) capture_message_free(msg);
    }
  }
  return NULL;

failed:
  pthread_mutex_lock(&cap->mu);
  cap->open_error = err;
  cap->phase = PHASE_FAILED;
  pthread_cond_broadcast(&cap->cv);
  pthread_mutex_unlock(&cap->mu);
  return NULL;
}

/* The largest payload one record may carry: the snapshot length plus the headers a backend
 * may add (Linux SLL2 20 bytes, a re-inserted VLAN tag 4). */
static size_t max_record_bytes(const shoal_options *opts) { return (size_t)opts->snaplen + 32; }

shoal_capture *capture_start(shoal_options *opts, shoal_emit_fn emit, void *emit_ctx,
                             shoal_error *err) {
  shoal_capture *cap = calloc(1, sizeof *cap);
  sigset_t all, saved;
  int rc;

  if (cap == NULL) {
    shoal_options_free(opts);
    shoal_error_set(err, SHOAL_E_SYSTEM, "out of memory");
    return NULL;
  }
  cap->opts = *opts;
  memset(opts, 0, sizeof *opts); /* the capture owns the strings now */
  cap->ops = cap->opts.backend == SHOAL_BACKEND_LIBPCAP ? &shoal_pcap_backend
             : cap->opts.backend == SHOAL_BACKEND_EBPF ? &shoal_ebpf_backend
             : cap->opts.backend == SHOAL_BACKEND_TLS  ? &shoal_tls_backend
                                                       : &shoal_af_packet_backend;
  cap->emit = emit;
  cap->emit_ctx = emit_ctx;
  cap->phase = PHASE_OPENING;
  cap->wake_fd = -1;
  if (cap->opts.max_in_flight == 0) cap->opts.max_in_flight = 1;
  pthread_mutex_init(&cap->mu, NULL);
  pthread_cond_init(&cap->cv, NULL);

  if (batch_init(&cap->batch, cap->opts.batch_bytes, cap->opts.batch_packets,
                 max_record_bytes(&cap->opts)) != 0) {
    shoal_error_set(err, SHOAL_E_SYSTEM, "out of memory for a %u-byte batch", cap->opts.batch_bytes);
    goto fail;
  }
  cap->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (cap->wake_fd < 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, errno, "eventfd");
    goto fail;
  }

  /* The thread blocks every signal: Node's handlers run on the main thread, and a signal
   * landing here would only interrupt poll(). */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  rc = pthread_create(&cap->thread, NULL, capture_main, cap);
  pthread_sigmask(SIG_SETMASK, &saved, NULL);
  if (rc != 0) {
    shoal_error_errno(err, SHOAL_E_SYSTEM, rc, "cannot start the capture thread");
    goto fail;
  }
  cap->thread_started = 1;
  pthread_setname_np(cap->thread, "shoal-capture"); /* shows in top -H and /proc/PID/task */

  pthread_mutex_lock(&cap->mu);
  while (cap->phase == PHASE_OPENING) pthread_cond_wait(&cap->cv, &cap->mu);
  pthread_mutex_unlock(&cap->mu);
  if (cap->phase == PHASE_FAILED) {
    *err = cap->open_error;
    goto fail;
  }
  if (cap->ops->close_at_exit) exit_list_add(cap);
  return cap;

fail:
  capture_close(cap);
  capture_destroy(cap);
  return NULL;
}

void capture_stats(shoal_capture *cap, shoal_stats *out) {
  if (cap->closed) {
    *out = cap->final_stats;
    return;
  }
  memset(out, 0, sizeof *out);
  if (cap->state != NULL) cap->ops->stats(cap->state, out);
  out->batches = atomic_load(&cap->batches);
  out->packets = atomic_load(&cap->packets);
  out->bytes = atomic_load(&cap->bytes);
  out->unsent = atomic_load(&cap->unsent);
}

void capture_close(shoal_capture *cap) {
  uint64_t one = 1;
  if (cap->closed) return;
  if (cap->ops->close_at_exit) exit_list_remove(cap);

  atomic_store(&cap->stopping, 1);
  pthread_mutex_lock(&cap->mu);
  pthread_cond_broadcast(&cap->cv);
  pthread_mutex_unlock(&cap->mu);
  if (cap->wake_fd >= 0 && write(cap->wake_fd, &one, sizeof one) < 0) {
    /* the eventfd counter cannot overflow with one write; nothing to do */
  }
  if (cap->state != NULL && cap->ops->wake != NULL) cap->ops->wake(cap->state);
  if (cap->thread_started) {
    pthread_join(cap->thread, NULL);
    cap->thread_started = 0;
  }

  /* The thread is gone: the backend may be read and closed from here. Spooled batches are
   * discarded, as close() promises for everything not yet delivered; they were emitted, so the
   * addon counts them with the batches in flight (emitted - delivered). The batch the thread was
   * filling was not: it is counted here. */
  pthread_mutex_lock(&cap->mu);
  for (shoal_message *msg = spool_pop(cap); msg != NULL; msg = spool_pop(cap)) capture_message_free(msg);
  pthread_mutex_unlock(&cap->mu);
  capture_unsent(cap, cap->batch.packets);
  batch_reset(&cap->batch);
  capture_stats(cap, &cap->final_stats);
  if (cap->state != NULL) {
    cap->ops->close(cap->state);
    cap->state = NULL;
  }
  cap->closed = 1;
  if (cap->wake_fd >= 0) close(cap->wake_fd);
  cap->wake_fd = -1;
  batch_free(&cap->batch);
}

void capture_destroy(shoal_capture *cap) {
  if (cap == NULL) return;
  capture_close(cap);
  pthread_mutex_destroy(&cap->mu);
  pthread_cond_destroy(&cap->cv);
  shoal_options_free(&cap->opts);
  free(cap);
}
