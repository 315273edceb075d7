/* The client's address map (MAPADDRESS, control-spec §3.8): a request for
 * FROM (a SOCKS target's address) goes to TO instead. FROM "0.0.0.0" asks
 * for a fresh virtual IPv4 address in 127.192.0.0/10 (tor's default
 * VirtualAddrNetworkIPv4) that maps to TO. Mapping an address to itself
 * removes it. Entries never expire (tor's "NEVER" for controller
 * mappings). At most ADDRESSMAP_MAX entries. */
#ifndef TOR_FEATURE_CLIENT_ADDRESSMAP_H
#define TOR_FEATURE_CLIENT_ADDRESSMAP_H

#include <stddef.h>

#define ADDRESSMAP_MAX 4096
#define ADDRESSMAP_ADDR_MAX 255

/* Adds or replaces from -> to; *from_out (cap bytes) gets the address
 * actually mapped (the virtual one for "0.0.0.0"). 0, or -1 when an
 * address is empty or too long, or the map is full. */
int addressmap_set(const char *from, const char *to, char *from_out, size_t cap);
/* What addr maps to, or NULL. */
const char *addressmap_lookup(const char *addr);
/* "FROM TO NEVER" lines (LF-separated, no final LF): a new string. */
char *addressmap_list(void);
void addressmap_clear(void);

#endif
