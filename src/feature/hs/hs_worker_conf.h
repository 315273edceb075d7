/* Onion service workers, the part without processes: what a worker is told
 * and what the parent reads back. A service with HiddenServiceNumWorkers
 * N > 1 runs in N processes of this daemon (app/main/hs_workers.h starts,
 * watches and restarts them); each is an OnionBalance instance of the
 * service's address with its own keys, intro points and circuits, and the
 * parent fronts them. Pure functions, so the unit tests see all of it.
 *
 * A worker's torrc is the parent's effective option lines (defaults torrc
 * included: the worker reads an empty one) less what only the parent may
 * hold -- its DataDirectory, listeners and control port, PidFile,
 * RunAsDaemon, Log lines, owning controller, and every onion service --
 * and then its own: its DataDirectory, "Log notice stdout" (a pipe the
 * parent reads) and the parent's file logs under the same names in its
 * DataDirectory, __OwningControllerProcess the parent (it exits when the
 * parent is gone), and the service's lines with its own HiddenServiceDir
 * and HiddenServiceOnionBalanceInstance 1. */
#ifndef TOR_FEATURE_HS_HS_WORKER_CONF_H
#define TOR_FEATURE_HS_HS_WORKER_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "lib/conf/confline.h"

/* The torrc text of a worker of the service_index-th HiddenServiceDir
 * (0-based) of merged. A new string (free()), or NULL when there is no
 * such service or memory ran out. */
char *hs_worker_torrc(const config_line_t *merged, int service_index, const char *datadir,
                      const char *hsdir, long parent_pid);

/* What one line of a worker's "Log notice stdout" says that the parent
 * uses. The severity is the bracketed word after the timestamp. */
typedef enum {
  HS_WORKER_LINE_OTHER = 0,    /* nothing the parent uses */
  HS_WORKER_LINE_PROBLEM,      /* [warn] or [err]: message, is_err */
  HS_WORKER_LINE_BOOTSTRAP,    /* "Bootstrapped P% ...": percent */
  HS_WORKER_LINE_CIRCUITS,     /* heartbeat or SIGUSR1 dump: circuits */
  HS_WORKER_LINE_SERVICE,      /* "Onion service X.onion: S stream(s) served,
                                * B bytes sent, R bytes received." */
} hs_worker_line_kind_t;

typedef struct hs_worker_line_t {
  hs_worker_line_kind_t kind;
  int is_err;
  const char *message;         /* into the line; message_len bytes */
  size_t message_len;
  int percent;
  uint64_t circuits;
  uint64_t streams, bytes_sent, bytes_received;
} hs_worker_line_t;

/* Parses line[0..len) (no newline needed). Never fails: what it does not
 * know is HS_WORKER_LINE_OTHER. */
void hs_worker_line_parse(const char *line, size_t len, hs_worker_line_t *out);

#endif
