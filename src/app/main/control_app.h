/* The control port as the app layer runs it: starts feature/control with
 * the options' ControlPort, ControlSocket, cookie and password settings,
 * and adds the commands and GETINFO keys that need the options or the
 * process: GETCONF, SETCONF, RESETCONF, LOADCONF, SAVECONF (through the one options
 * table: what can change at run time changes, the rest is refused with
 * 553), SIGNAL (the same actions as Unix signals), and config-file,
 * config-text, config/names, config/defaults, signal/names. An owning
 * controller (TAKEOWNERSHIP) that goes away makes tor exit. */
#ifndef TOR_APP_MAIN_CONTROL_APP_H
#define TOR_APP_MAIN_CONTROL_APP_H

#include "app/config/config.h"

struct event_base;

/* 0, or -1 (logged) if a listener or the cookie could not be set up. */
int control_app_start(struct event_base *base, const or_options_t *options);

#endif
