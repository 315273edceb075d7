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

struct event_base;

/* Loads or creates every service's keys (hostname files appear at once)
 * and starts the service timer. Returns 0, or -1 (logged) when a service
 * directory or key is unusable. */
int hs_services_start(struct event_base *base, const hs_service_config_t *configs, int n,
                      int testing_network);
void hs_services_stop(void);
/* Logs, per service, streams served and bytes sent and received (the
 * heartbeat and SIGUSR1). */
void hs_services_log_stats(void);

#endif
