/* Ephemeral onion services over the control port (ADD_ONION, DEL_ONION,
 * GETINFO onions/current and onions/detached): control_onion_cmds.c.
 * Internal to src/feature/control. */
#ifndef TOR_FEATURE_CONTROL_CONTROL_ONION_H
#define TOR_FEATURE_CONTROL_CONTROL_ONION_H

#include "feature/control/control.h"

void control_onion_register(void);
/* A connection is closing: the services it made without Flags=Detach go. */
void control_onion_conn_closed(control_conn_t *conn);

#endif
