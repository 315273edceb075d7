/* Onion services (rend-spec-v3), the service side: for each configured
 * HiddenServiceDir, once the client has bootstrapped: three introduction
 * points (3-hop circuits ending at relays, ESTABLISH_INTRO with a fresh
 * auth key), descriptors for the current and next time periods uploaded
 * over BEGIN_DIR to the responsible HSDirs of the hash ring (again when
 * the intro points change, on a new time period, and every half hour),
 * INTRODUCE2 answered with a circuit to the client's rendezvous point,
 * RENDEZVOUS1 and the end-to-end hop, then streams served by hs_stream
 * (bulk source, bulk sink, or local targets). */
#ifndef TOR_FEATURE_HS_HS_SERVICE_H
#define TOR_FEATURE_HS_HS_SERVICE_H

#include "feature/hs/hs_config.h"
#include "feature/hs/hs_service_keys.h"
#include <stddef.h>

struct event_base;

/* Loads or creates every service's keys (hostname files appear at once)
 * and starts the service timer. Returns 0, or -1 (logged) when a service
 * directory or key is unusable. */
int hs_services_start(struct event_base *base, const hs_service_config_t *configs, int n,
                      int testing_network);
void hs_services_stop(void);
/* ADD_ONION: a service whose keys live in memory only. esk is the 64-byte
 * expanded Ed25519 secret key, or NULL for a new one; owner is the control
 * connection that made it (its services go when it closes) or 0 for a
 * detached one. keys_out gets the keys and address. Returns 0, -2 when a
 * service with that address exists, -1 otherwise, with the reason in err.
 * It publishes once the client has bootstrapped, as the others. */
int hs_service_add_ephemeral(const hs_service_config_t *cfg, const uint8_t *esk,
                             unsigned owner, hs_service_keys_t *keys_out, char *err,
                             size_t errlen);
/* DEL_ONION: 0, or -1 if no ephemeral service has that address (56
 * characters, no ".onion"). Streams already open go on. */
int hs_service_remove(const char *address);
/* The addresses of live ephemeral services: those of owner, or the
 * detached ones. Returns how many (at most max). */
size_t hs_service_list(unsigned owner, int detached, const char **out, size_t max);
/* A control connection closed: its non-detached services go. */
void hs_service_owner_gone(unsigned owner);
/* GETINFO hs/service/desc/id/ADDR: the descriptor last built for the
 * current time period of the live service with that address (56
 * characters, no ".onion"), as uploaded; NULL if none yet. Owned by the
 * service, valid until the next upload or its removal. */
const char *hs_service_current_descriptor(const char *address);

/* Logs, per service, streams served and bytes sent and received (the
 * heartbeat and SIGUSR1). */
void hs_services_log_stats(void);

#endif
