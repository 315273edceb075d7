/* The client role: bootstraps the directory (cached files first, then
 * downloads from a fallback or an authority, by DirPort or over BEGIN_DIR
 * on a one-hop CREATE_FAST circuit to its ORPort, and over BEGIN_DIR on a
 * one-hop circuit to a guard once we know the network),
 * keeps it fresh on tor's schedule, reports tor's bootstrap phases, and
 * hands out 3-hop exit circuits for streams, one per isolation key, built
 * through our guards. */
#ifndef TOR_FEATURE_CLIENT_CLIENT_H
#define TOR_FEATURE_CLIENT_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/circuit.h"
#include "feature/client/guards.h"
#include "feature/nodelist/dirauth_line.h"
#include "feature/nodelist/fallbackdir_line.h"

struct event_base;

#define CLIENT_MAX_AUTHORITIES 16

typedef struct client_config_t {
  const char *datadir;
  dir_authority_t authorities[CLIENT_MAX_AUTHORITIES]; /* no bridge authorities */
  int n_authorities;
  /* Fallback directories (FallbackDir, or tor's defaults): until the guards
   * serve the directory, fetches go to a fallback or an authority
   * (dir_servers_pick_bootstrap, the authorities' weight scaled by
   * authority_fallback_rate): to its DirPort when it has one, else over
   * BEGIN_DIR on a one-hop CREATE_FAST circuit to its ORPort (all of tor
   * 0.4.9's fallbacks). */
  const fallback_dir_t *fallbacks;
  int n_fallbacks;
  double authority_fallback_rate; /* DirAuthorityFallbackRate */
  int conflux_enabled;          /* ConfluxEnabled: 0, 1, -1 (auto: consensus) */
  int conflux_ux;               /* ConfluxClientUX as a CONFLUX_UX_* */
  double paths_needed;          /* PathsNeededToBuildCircuits; -1: 0.6 */
  int distinct_subnets;         /* 0 in TestingTorNetwork */
  guard_set_t *guards;          /* loaded by the caller from the state file */
  /* Called when the guard set changed and should be saved. */
  void (*save_guards)(const guard_set_t *guards);
  /* Called when the client cannot go on (e.g. the consensus requires a
   * protocol we lack); the message was logged at err. */
  void (*fatal)(void);
} client_config_t;

/* Starts the client. The config (and the guards it points to) must stay
 * valid until client_stop. Returns 0 or -1. */
int client_start(struct event_base *base, const client_config_t *config);
void client_stop(void);
int client_is_bootstrapped(void);

/* Calls ready(circ, arg) with an open exit circuit for port whose streams
 * may share it with other requests of the same isolation key (circ NULL
 * when none could be built). May call back before returning. */
typedef void (*client_circuit_ready_fn)(circuit_t *circ, void *arg);
void client_get_exit_circuit(const uint8_t *isolation_key, size_t key_len, uint16_t port,
                             client_circuit_ready_fn ready, void *arg);
/* No new streams go to circ (an exit refused one of ours, say); the
 * streams already on it go on. */
void client_retire_circuit(circuit_t *circ);
/* A 3-hop circuit for another role (an onion service's intro, HSDir and
 * rendezvous circuits): our guard, a middle, and the given last hop. The
 * caller's handlers get its events. NULL if no path could be made. */
circuit_t *client_launch_circuit_to(const circuit_hop_info_t *last,
                                    const circuit_handlers_t *handlers, void *arg,
                                    const circuit_purpose_t *purpose);
/* EXTENDCIRCUIT 0: a circuit through hops (n_hops 0: guard, middle and
 * exit chosen as for streams) that serves no stream until a controller
 * closes it. NULL without a directory or a path. */
circuit_t *client_launch_controller_circuit(const circuit_hop_info_t *hops, int n_hops,
                                           const char *purpose);
/* NEWNYM: no new stream goes to a circuit built before now. */
void client_newnym(void);
/* The directory as the client holds it (consensus, nodes). */
struct dirstate_t;
const struct dirstate_t *client_dirstate(void);

/* Forgets a pending request (the requester went away). */
void client_cancel_circuit_request(void *arg);

#endif
