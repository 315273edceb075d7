/* MAPADDRESS, RESOLVE and GETINFO address-mappings/... (control_addr_cmds.c).
 * Internal to src/feature/control. */
#ifndef TOR_FEATURE_CONTROL_CONTROL_ADDR_H
#define TOR_FEATURE_CONTROL_CONTROL_ADDR_H

void control_addr_register(void);
/* Forgets lookups in flight and the address map (control_stop). */
void control_addr_stop(void);

#endif
