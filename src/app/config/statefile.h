/* The "state" file in the DataDirectory, in tor's format: torrc syntax,
 * a comment header, "Guard ..." lines, "LastWritten" and "TorVersion".
 * Lines we don't use are kept and written back. A state file that cannot
 * be parsed is moved aside to "state.0" (as tor does) and we start fresh,
 * so a damaged file never stops the daemon nor is silently lost. */
#ifndef TOR_APP_CONFIG_STATEFILE_H
#define TOR_APP_CONFIG_STATEFILE_H

#include <stddef.h>
#include <time.h>

#include "feature/client/guards.h"

/* Loads DataDirectory/state into guards (which it initialises). Returns 0
 * (also when there is no state file yet), -1 on an I/O error. */
int statefile_load(const char *datadir, guard_set_t *guards);
/* Writes DataDirectory/state atomically. Returns 0 or -1 (logged). */
int statefile_save(const char *datadir, const guard_set_t *guards, time_t now);
/* Frees the lines kept from the last load. */
void statefile_free_all(void);

#endif
