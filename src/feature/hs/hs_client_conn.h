/* One attempt of the onion service client to reach a service
 * (rend-spec-v3 3.2 and 4, client side), from launch until the rendezvous
 * circuit is joined, and then that circuit for as long as it lives.
 *
 * Two circuits, launched together:
 *   rendezvous (purpose HS_CLIENT_REND) to a relay we chose: once built,
 *     ESTABLISH_RENDEZVOUS with a fresh 20-byte cookie; states
 *     HSCR_CONNECTING -> HSCR_ESTABLISHED_IDLE (RENDEZVOUS_ESTABLISHED)
 *     -> HSCR_ESTABLISHED_WAITING (the intro point acked) -> HSCR_JOINED
 *     (RENDEZVOUS2 completed the hs-ntor handshake; the end-to-end hop is
 *     added and streams may be opened on it);
 *   introduction (purpose HS_CLIENT_INTRO) to an intro point of the
 *     descriptor: once built and the rendezvous point established,
 *     INTRODUCE1 (fresh client key, our cookie, the rendezvous point's
 *     link specifiers and ntor key); states HSCI_CONNECTING ->
 *     HSCI_INTRO_SENT -> HSCI_DONE (INTRODUCE_ACK status 0; then closed).
 *     A NACK, a failed circuit or no ACK within HS_CLIENT_CONN_ACK_TIMEOUT
 *     asks the owner for another intro point (at most
 *     HS_CLIENT_CONN_MAX_INTROS in all); the rendezvous circuit stays.
 * Timeouts besides the circuits' own build timeout:
 * HS_CLIENT_CONN_ESTABLISH_TIMEOUT for RENDEZVOUS_ESTABLISHED after the
 * build and HS_CLIENT_CONN_REND_TIMEOUT for RENDEZVOUS2 after the ACK,
 * checked by hs_client_conn_tick(), which the owner calls every second.
 *
 * The owner hears through its callbacks, each the last thing the attempt
 * does in that call (the owner may free it from ended):
 *   next_intro   the current intro point failed (reported with it): fill
 *                *next and return 0, or return -1 when none is left
 *   joined       the circuit is ready for streams
 *   ended        exactly once: the attempt failed (why), or the joined
 *                circuit closed (HS_CLIENT_OK); free it with
 *                hs_client_conn_free
 * On the joined circuit, messages from the end-to-end hop go to the stream
 * module (stream_circuit_relay and friends).
 *
 * Circuit operations go through a table that tests may replace
 * (hs_client_conn_set_ops), so the whole exchange can be driven without
 * a network. */
#ifndef TOR_FEATURE_HS_HS_CLIENT_CONN_H
#define TOR_FEATURE_HS_HS_CLIENT_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/or/circuit.h"
#include "feature/hs/hs_cells.h"
#include "feature/hs/hs_client.h"

#define HS_CLIENT_CONN_ACK_TIMEOUT 30
#define HS_CLIENT_CONN_ESTABLISH_TIMEOUT 30
#define HS_CLIENT_CONN_REND_TIMEOUT 60
#define HS_CLIENT_CONN_MAX_INTROS 8

/* What INTRODUCE1 needs of one intro point (from the descriptor). */
typedef struct hs_client_intro_t {
  circuit_hop_info_t hop;   /* the intro relay; its ntor key is onion-key */
  uint8_t auth_key[32];     /* KP_hs_ipt_sid */
  uint8_t enc_key[32];      /* KP_hss_ntor (B) */
} hs_client_intro_t;

typedef struct hs_client_conn_params_t {
  char addr[ONION_ADDRESS_LEN + 1];  /* logs and the circuits' REND_QUERY */
  uint8_t subcred[32];               /* N_hs_subcred of the descriptor */
  circuit_hop_info_t rend_point;     /* IPv4 literal address required */
  hs_client_intro_t intro;           /* the first intro point to try */
  int cc_sendme_inc;                 /* > 0: ask for congestion control on the
                                      * rendezvous circuit (the descriptor's
                                      * flow-control offers version 2) */
} hs_client_conn_params_t;

typedef struct hs_client_conn_t hs_client_conn_t;

typedef struct hs_client_conn_owner_t {
  int (*next_intro)(hs_client_conn_t *c, const hs_client_intro_t *failed,
                    hs_client_intro_t *next, void *arg);
  void (*joined)(hs_client_conn_t *c, circuit_t *circ, void *arg);
  void (*ended)(hs_client_conn_t *c, hs_client_status_t why, void *arg);
} hs_client_conn_owner_t;

struct hs_e2e_crypto_t;
typedef struct hs_client_circ_ops_t {
  circuit_t *(*launch)(const circuit_hop_info_t *last, const circuit_handlers_t *handlers,
                       void *arg, const circuit_purpose_t *purpose);
  int (*send)(circuit_t *circ, int hop, uint8_t command, const uint8_t *body, size_t len);
  /* Must call the circuit's on_closed, as circuit_close does. */
  void (*close)(circuit_t *circ, circuit_close_reason_t reason);
  void (*set_purpose)(circuit_t *circ, const char *purpose, const char *hs_state,
                      const char *rend_query);
  int (*n_hops)(const circuit_t *circ);
  int (*add_e2e)(circuit_t *circ, struct hs_e2e_crypto_t *e2e);
  time_t (*now)(void);
  unsigned (*log_id)(const circuit_t *circ);
  /* circuit_e2e_use_congestion_control; NULL: never used. */
  int (*use_cc)(circuit_t *circ, int sendme_inc);
} hs_client_circ_ops_t;

/* NULL: the real ones (client_launch_circuit_to, circuit_*, time). */
void hs_client_conn_set_ops(const hs_client_circ_ops_t *ops);

/* Launches both circuits. NULL if either could not be launched (nothing
 * is left behind and no callback runs). owner is copied. */
hs_client_conn_t *hs_client_conn_start(const hs_client_conn_params_t *p,
                                       const hs_client_conn_owner_t *owner, void *arg);
/* Checks the timeouts; may report (next_intro, ended). */
void hs_client_conn_tick(hs_client_conn_t *c, time_t now);
/* Closes what is still open, without callbacks, and frees. NULL is fine. */
void hs_client_conn_free(hs_client_conn_t *c);

/* "HSCR_CONNECTING" ... "HSCR_JOINED", or "" once ended. */
const char *hs_client_conn_rend_state(const hs_client_conn_t *c);
/* "HSCI_CONNECTING", "HSCI_INTRO_SENT", "HSCI_DONE", or "" (none). */
const char *hs_client_conn_intro_state(const hs_client_conn_t *c);
/* The rendezvous circuit (NULL once closed). */
circuit_t *hs_client_conn_circuit(const hs_client_conn_t *c);
int hs_client_conn_is_joined(const hs_client_conn_t *c);
/* The cookie of ESTABLISH_RENDEZVOUS (tests). */
const uint8_t *hs_client_conn_cookie(const hs_client_conn_t *c);

#endif
