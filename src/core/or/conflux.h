/* Conflux sets, the origin side (proposal 329): circuits ("legs") built to
 * one exit and linked there, so the exit may send a stream's cells over
 * whichever leg has room; the streams see one circuit, the set's anchor
 * (its first leg), and get every multiplexed message in the exit's order.
 * The owner builds the legs (each with congestion control: the exit refuses
 * to link without it) and routes their events here:
 *   conflux_leg_built(set, leg)     sends LINK on it
 *   conflux_leg_relay(set, leg, ...)
 *                                   every relay message of a leg: LINKED is
 *                                   answered with LINKED_ACK; SWITCH and
 *                                   the multiplexed messages are sequenced
 *                                   (conflux_ooo) and handed on in order as
 *                                   on_relay(anchor, ...); others pass as
 *                                   on_relay(leg, ...)
 *   conflux_leg_closed(set, leg)    a leg went away
 * and hears back:
 *   on_linked(set)                  every leg answered LINKED: streams may
 *                                   go on conflux_set_anchor(set)
 * We send only on the anchor, so we never need SWITCH. When any leg closes,
 * the set closes the others (cells in flight on it would be lost, and a
 * stream must end rather than go silently short); the owner hears each
 * close through its circuit handlers. A set that does not link within
 * CIRCUIT_BUILD_TIMEOUT of its first LINK is closed likewise. The set frees
 * itself a loop turn after its last leg closed. */
#ifndef TOR_CORE_OR_CONFLUX_H
#define TOR_CORE_OR_CONFLUX_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/circuit.h"
#include "core/or/conflux_cell.h"
#include "core/or/conflux_ooo.h"

struct event_base;
typedef struct conflux_set_t conflux_set_t;

/* Early messages a set queues at most (~16 MB); more closes the set. */
#define CONFLUX_MAX_QUEUED 32768

typedef struct conflux_handlers_t {
  void (*on_linked)(conflux_set_t *set, void *arg);
  void (*on_relay)(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
                   const uint8_t *data, size_t len, void *arg);
} conflux_handlers_t;

/* A set asking the exit for desired_ux (CONFLUX_UX_*). NULL on no memory. */
conflux_set_t *conflux_set_new(struct event_base *base, uint8_t desired_ux,
                               const conflux_handlers_t *handlers, void *arg);
/* Frees a set that has no leg yet. */
void conflux_set_discard(conflux_set_t *set);
/* Adds a leg (building, launched with purpose "CONFLUX_UNLINKED" as tor
 * names it; it becomes "CONFLUX_LINKED" when the set links; the first leg
 * becomes the anchor). -1 when full, after
 * the set linked, or while it closes. */
int conflux_set_add_leg(conflux_set_t *set, circuit_t *leg);

void conflux_leg_built(conflux_set_t *set, circuit_t *leg);
void conflux_leg_relay(conflux_set_t *set, circuit_t *leg, int hop, uint8_t command,
                       uint16_t stream_id, const uint8_t *data, size_t len);
/* After this call the owner must not use set for leg again (the set may be
 * gone once its last leg has closed). */
void conflux_leg_closed(conflux_set_t *set, circuit_t *leg);

circuit_t *conflux_set_anchor(const conflux_set_t *set);
int conflux_set_is_linked(const conflux_set_t *set);
int conflux_set_n_legs(const conflux_set_t *set);
circuit_t *conflux_set_leg(const conflux_set_t *set, int i);
/* Messages waiting for an earlier one (for tests and logs). */
size_t conflux_set_queued(const conflux_set_t *set);

#endif
