/* OnionBalance instances (proposal 307; tor's HiddenServiceOnionBalanceInstance):
 * the file ob_config in the service's HiddenServiceDir, in torrc syntax,
 * names the master addresses whose descriptors list this service's intro
 * points:
 *   MasterOnionAddress <56 base32 characters>.onion     (one or more)
 * An instance then accepts INTRODUCE2 cells made for a master's
 * subcredentials as well as its own. Parsing takes (text, length); any
 * other option, an address that does not decode (version, checksum) or a
 * file with no MasterOnionAddress is an error naming file and line. */
#ifndef TOR_FEATURE_HS_HS_OB_CONFIG_H
#define TOR_FEATURE_HS_HS_OB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define HS_OB_CONFIG_FILENAME "ob_config"
#define HS_OB_MAX_MASTERS 8
/* Backends one built-in frontend fronts (hs_ob_frontend.h). */
#define HS_OB_MAX_BACKENDS 16

/* Writes the masters' ed25519 identity keys to masters[0..]; returns how
 * many (1..max), or -1 with "source:line: reason" (or "source: reason")
 * in err. A master named twice counts once. */
int hs_ob_config_parse(const char *text, size_t len, const char *source,
                       uint8_t masters[][32], int max, char *err, size_t errlen);
/* The masters' subcredentials an instance accepts at time period tp_now
 * (period_length minutes): for each master, periods tp_now-1, tp_now and
 * tp_now+1 in that order, as tor's instances accept them (a master
 * descriptor may be a period behind or ahead of the client). out has room
 * for n_masters * HS_OB_PERIODS; returns how many were written. */
#define HS_OB_PERIODS 3
size_t hs_ob_subcredentials(const uint8_t masters[][32], int n_masters, uint64_t tp_now,
                            uint64_t period_length, uint8_t out[][32]);
/* Reads dir/ob_config and parses it; a missing or unreadable file is an
 * error naming it. */
int hs_ob_config_load(const char *dir, uint8_t masters[][32], int max, char *err,
                      size_t errlen);

#endif
