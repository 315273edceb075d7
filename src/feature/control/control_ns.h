/* Router status entries for the control port: GETINFO ns/all, ns/id/FP,
 * ns/name/NICK, and the entry formatter NEWCONSENSUS events share
 * (control_ns.c). */
#ifndef TOR_FEATURE_CONTROL_CONTROL_NS_H
#define TOR_FEATURE_CONTROL_CONTROL_NS_H

#include "feature/dirparse/consensus.h"

struct evbuffer;

/* Appends r's "r", optional "a", "s" and "w" lines, each ending in LF. */
void control_ns_format_entry(struct evbuffer *out, const consensus_router_t *r);
void control_ns_register(void);

#endif
