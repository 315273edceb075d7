/* Entry guards, simplified from guard-spec: a sample of Guard-flagged
 * relays (chosen by bandwidth weight, kept across restarts in the state
 * file), of which the first GUARDS_N_PRIMARY still listed and not recently
 * unreachable are the primary guards; every circuit starts at the first
 * usable primary guard. A guard that worked once is "confirmed". State file
 * lines are guard-spec's "Guard in=default rsa_id=... sampled_on=..."
 * format, and unknown K=V entries are kept as they were. */
#ifndef TOR_FEATURE_CLIENT_GUARDS_H
#define TOR_FEATURE_CLIENT_GUARDS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "feature/nodelist/path.h"

#define GUARDS_MAX_SAMPLED 20
#define GUARDS_N_PRIMARY 3
/* How long a guard that failed is skipped before we try it again. */
#define GUARDS_RETRY_AFTER 30

typedef struct guard_entry_t {
  uint8_t rsa_id[20];
  char nickname[20];
  time_t sampled_on;
  time_t confirmed_on;        /* 0: never confirmed */
  int listed;                 /* in the latest consensus */
  time_t unreachable_since;   /* 0: not known unreachable (not persisted) */
  char extra[256];            /* unrecognized K=V entries, kept as read */
} guard_entry_t;

typedef struct guard_set_t {
  guard_entry_t entries[GUARDS_MAX_SAMPLED];
  int n;
} guard_set_t;

void guards_init(guard_set_t *set);

/* Reads the value of one state-file "Guard" line. Entries of another
 * guard instance ("in=bridges") are ignored. Returns 0, or -1 with a
 * reason in err when a required field is missing or malformed. */
int guards_parse_state_line(guard_set_t *set, const char *value, char *err, size_t errlen);
/* Writes entry i's state-file value (without "Guard ") into buf. */
void guards_format_state_line(const guard_set_t *set, int i, char *buf, size_t len);

/* After a new consensus: marks which sampled guards are listed, and
 * samples more Guard-flagged nodes (weighted for the guard position) until
 * GUARDS_N_PRIMARY of them are usable or no more can be found. Returns
 * whether the set changed (and should be saved). */
int guards_update(guard_set_t *set, const node_t *nodes, size_t n_nodes,
                  const bw_weights_t *w, time_t now, path_rng_fn rng);

/* The guard for a new circuit: the first primary guard that is listed,
 * usable, and not marked unreachable in the last GUARDS_RETRY_AFTER
 * seconds. NULL if none. */
const node_t *guards_choose(const guard_set_t *set, const node_t *nodes, size_t n_nodes,
                            time_t now);
/* The same, skipping the n_avoid nodes in avoid (another conflux leg's
 * guard and exit: proposal 329 wants legs that share only the exit). */
const node_t *guards_choose_avoiding(const guard_set_t *set, const node_t *nodes, size_t n_nodes,
                                     time_t now, const node_t *const *avoid, int n_avoid);

/* A circuit through this guard failed at its first hop / succeeded. */
void guards_note_failure(guard_set_t *set, const uint8_t rsa_id[20], time_t now);
/* Returns 1 when this confirmed the guard for the first time (save state). */
int guards_note_success(guard_set_t *set, const uint8_t rsa_id[20], time_t now);

#endif
