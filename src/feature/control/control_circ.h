/* Circuit and stream commands of the control port (control_circ_cmds.c):
 * EXTENDCIRCUIT, SETCIRCUITPURPOSE, CLOSECIRCUIT, CLOSESTREAM,
 * ATTACHSTREAM. Internal to src/feature/control. */
#ifndef TOR_FEATURE_CONTROL_CONTROL_CIRC_H
#define TOR_FEATURE_CONTROL_CONTROL_CIRC_H

void control_circ_register(void);

#endif
