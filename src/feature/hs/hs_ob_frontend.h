/* The built-in OnionBalance frontend: an onion service of ours whose
 * descriptor lists its backends' intro points instead of its own
 * (HiddenServiceOnionBalanceFrontend 1 and HiddenServiceOnionBalanceBackend
 * lines), so one address is served by instances anywhere -- ours or real
 * tor's with HiddenServiceOnionBalanceInstance 1 and an ob_config naming
 * this address. No Python, no second tor, no control port.
 *
 * The frontend fetches each backend's descriptor from the HSDirs (through
 * hs_dirop, as our client does) every HS_OB_REFETCH_INTERVAL seconds
 * (HS_OB_FIRST_RETRY_INTERVAL until it came once),
 * decrypts it and keeps its intro points; a backend whose fetch fails twice
 * in a row is dropped until it answers again. hs_ob_frontend_pick merges
 * the intro points into at most HS_DESC_MAX_INTRO_POINTS for the master
 * descriptor (the service signs and uploads it as its own): when there are
 * more, round robin over the backends from a rotating start, each taking
 * a rotating choice of its own, so every backend gets its share over time;
 * never two on one relay (a real tor client would use only the first).
 * Logs name the backend and what happened. */
#ifndef TOR_FEATURE_HS_HS_OB_FRONTEND_H
#define TOR_FEATURE_HS_HS_OB_FRONTEND_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_ob_config.h"
#include "lib/crypt/onion_address.h"

#define HS_OB_REFETCH_INTERVAL 60
/* Until a backend's descriptor came once (it is starting, as workers do). */
#define HS_OB_FIRST_RETRY_INTERVAL 15
/* A backend never seen after this many tries gets one notice. */
#define HS_OB_UNSEEN_NOTICE_AFTER 4
#define HS_OB_MAX_FAILURES 2

typedef struct hs_ob_frontend_t hs_ob_frontend_t;

/* For the master `name` (56 characters, for logs), fronting backends[0..n)
 * (56-character addresses, checked by the caller). NULL on no memory. */
hs_ob_frontend_t *hs_ob_frontend_new(const char *name,
                                     const char (*backends)[ONION_ADDRESS_LEN + 1], int n);
void hs_ob_frontend_free(hs_ob_frontend_t *f);
/* Starts the fetches that are due. */
void hs_ob_frontend_tick(hs_ob_frontend_t *f, time_t now);
/* What a fetch brought for backend addr (unknown addresses are ignored):
 * its descriptor text[0..len) as hs_dirop checked it (signed for the
 * backend's blinded key), or text NULL when no HSDir had it. A descriptor
 * that does not parse or decrypt, or lists no intro point, counts as a
 * failure: the backend's last good intro points stay until
 * HS_OB_MAX_FAILURES in a row. The fetches call it; tests too. */
void hs_ob_frontend_offer(hs_ob_frontend_t *f, const char *addr, const char *text, size_t len,
                          time_t now);
/* 1 once the set of intro points changed since the last take (a backend
 * came, went or republished); the flag is cleared. */
int hs_ob_frontend_take_changed(hs_ob_frontend_t *f);
/* Intro points known now, over every live backend. */
size_t hs_ob_frontend_n_intro_points(const hs_ob_frontend_t *f);
/* Copies (shallowly: link specifiers stay owned by f, valid until the
 * next tick's fetches end) at most max merged intro points into out, for
 * the descriptor built now; each call moves the rotation on. */
size_t hs_ob_frontend_intro_points(hs_ob_frontend_t *f, hs_desc_intro_point_t *out, size_t max);

/* The merge, alone: counts[b] intro points for backend b; writes up to max
 * (backend, index) pairs to out and returns how many: turn by turn over
 * the backends starting at rotation % n, each taking its next intro point
 * from offset rotation % counts[b]. With relay non-NULL, relay[b][i]
 * numbers the relay of backend b's intro point i (0 .. total intro
 * points - 1, equal for the same relay) and a relay is used once: real tor
 * clients would only ever use the first intro point on a relay. */
#define HS_OB_PICK_MAX_BACKENDS 64   /* more: nothing is picked */
size_t hs_ob_frontend_pick(const size_t *counts, const int *const *relay, int n_backends,
                           size_t max, unsigned rotation, size_t (*out)[2]);

#endif
