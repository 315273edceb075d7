/* The control port's authentication: the cookie (written at start when
 * CookieAuthentication is on), and the commands a controller uses before it
 * is authenticated: PROTOCOLINFO (which methods, where the cookie is, our
 * version), AUTHCHALLENGE (SAFECOOKIE nonces and hashes) and AUTHENTICATE
 * (NULL when no method is configured, the cookie in hex or quoted, the
 * SAFECOOKIE client hash, or a password checked against every
 * HashedControlPassword). Failures answer tor's texts, which stem matches,
 * and close the connection. Internal to src/feature/control. */
#ifndef TOR_FEATURE_CONTROL_CONTROL_AUTH_STATE_H
#define TOR_FEATURE_CONTROL_CONTROL_AUTH_STATE_H

#include <stdint.h>

#include "feature/control/control.h"

typedef struct control_auth_state_t {
  int authenticated;
  int sent_protocolinfo;         /* PROTOCOLINFO is allowed once before auth */
  int got_challenge;             /* AUTHCHALLENGE done: only its answer counts */
  uint8_t client_hash[32];       /* what the SAFECOOKIE answer must be */
} control_auth_state_t;

control_auth_state_t *control_conn_auth_state(control_conn_t *conn);
const control_config_t *control_get_config(void);

/* Writes the cookie file if CookieAuthentication is on. 0 or -1 (logged). */
int control_auth_setup(void);
/* Forgets the cookie (and removes nothing: tor leaves the file). */
void control_auth_teardown(void);
/* Registers PROTOCOLINFO, AUTHCHALLENGE, AUTHENTICATE. */
void control_auth_register(void);

#endif
