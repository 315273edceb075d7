/* The receive side of a conflux set's sequencing (proposal 329 §2.6). Each
 * leg counts the multiplexed messages arriving on it; a SWITCH on a leg moves
 * its count on by the relative number the sender gave, so every message gets
 * its absolute sequence number. The message that is next in order is handed
 * to deliver() at once, straight from the caller's buffer; one that arrives
 * early is copied into the queue (a min-heap by number, entries recycled,
 * so a steady flow mallocs nothing) and delivered when the gap before it
 * fills. The queue is bounded (max_queued messages): a peer that never
 * fills a gap makes receive() fail rather than eat memory. */
#ifndef TOR_CORE_OR_CONFLUX_OOO_H
#define TOR_CORE_OR_CONFLUX_OOO_H

#include <stddef.h>
#include <stdint.h>

#define CONFLUX_MAX_LEGS 8

typedef struct conflux_ooo_t conflux_ooo_t;

/* Takes one message in order. Returns 0 to go on, nonzero to stop (the
 * set is closing): receive() then returns at once. */
typedef int (*conflux_deliver_fn)(uint8_t command, uint16_t stream_id, const uint8_t *data,
                                  size_t len, void *arg);

/* NULL when out of memory. */
conflux_ooo_t *conflux_ooo_new(size_t max_queued);
void conflux_ooo_free(conflux_ooo_t *q);

/* A SWITCH arrived on leg (0..CONFLUX_MAX_LEGS-1). -1 on a bad leg. */
int conflux_ooo_switch(conflux_ooo_t *q, int leg, uint32_t relative_seq);
/* A multiplexed message (len <= 498 bytes) arrived on leg. Returns 0 (it
 * and whatever it unblocked delivered, or it waits), 1 when deliver asked
 * to stop, or -1 when the set must close: its number was delivered
 * already (the peer's numbering is wrong), the queue is full, or no
 * memory. */
int conflux_ooo_receive(conflux_ooo_t *q, int leg, uint8_t command, uint16_t stream_id,
                        const uint8_t *data, size_t len, conflux_deliver_fn deliver, void *arg);

size_t conflux_ooo_queued(const conflux_ooo_t *q);
/* Highest sequence number delivered so far. */
uint64_t conflux_ooo_delivered(const conflux_ooo_t *q);
/* The last absolute sequence number counted on leg. */
uint64_t conflux_ooo_leg_recv(const conflux_ooo_t *q, int leg);

#endif
