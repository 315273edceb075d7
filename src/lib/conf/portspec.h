/* Port options (SocksPort, ControlPort, ORPort, DirPort...) as tor writes
 * them: "[ADDR:]PORT|auto|0 [flags...]" or "unix:PATH [flags...]". ADDR may
 * be an IPv4 address, a bracketed IPv6 address or "localhost". Flags are
 * matched case-insensitively against the list the option allows; tor's
 * "No" prefix turns a default-on flag off (NoIsolateSOCKSAuth). */
#ifndef TOR_LIB_CONF_PORTSPEC_H
#define TOR_LIB_CONF_PORTSPEC_H

#include <stddef.h>
#include <stdint.h>

#define PORTSPEC_AUTO (-1)

/* Flags, as a bit set. */
#define PORTFLAG_ISOLATE_CLIENT_ADDR   (1u << 0)
#define PORTFLAG_ISOLATE_SOCKS_AUTH    (1u << 1)
#define PORTFLAG_ISOLATE_CLIENT_PROTO  (1u << 2)
#define PORTFLAG_ISOLATE_DEST_PORT     (1u << 3)
#define PORTFLAG_ISOLATE_DEST_ADDR     (1u << 4)
#define PORTFLAG_IPV4_TRAFFIC          (1u << 5)
#define PORTFLAG_IPV6_TRAFFIC          (1u << 6)
#define PORTFLAG_PREFER_IPV6           (1u << 7)
#define PORTFLAG_DNS_REQUEST           (1u << 8)
#define PORTFLAG_ONION_TRAFFIC         (1u << 9)
#define PORTFLAG_EXTENDED_ERRORS       (1u << 10)
#define PORTFLAG_KEEPALIVE_ISOLATE_SOCKS_AUTH (1u << 11)
#define PORTFLAG_GROUP_WRITABLE        (1u << 12)
#define PORTFLAG_WORLD_WRITABLE        (1u << 13)
#define PORTFLAG_RELAX_DIR_MODE_CHECK  (1u << 14)
#define PORTFLAG_NO_ADVERTISE          (1u << 15)
#define PORTFLAG_NO_LISTEN             (1u << 16)
#define PORTFLAG_IPV4_ONLY             (1u << 17)
#define PORTFLAG_IPV6_ONLY             (1u << 18)
#define PORTFLAG_CACHE_DNS             (1u << 19)
#define PORTFLAG_USE_DNS_CACHE         (1u << 20)
#define PORTFLAG_PREFER_SOCKS_NO_AUTH  (1u << 21)
/* What a kind of port allows, and what it has on by default. */
#define PORTFLAGS_SOCKS_ALLOWED 0x003FFFFFu
/* tor's defaults: isolate by client address and SOCKS credentials only
 * (IsolateDestPort, IsolateDestAddr, IsolateClientProtocol are opt-in). */
#define PORTFLAGS_SOCKS_DEFAULT (PORTFLAG_ISOLATE_CLIENT_ADDR | \
  PORTFLAG_ISOLATE_SOCKS_AUTH | PORTFLAG_IPV4_TRAFFIC | PORTFLAG_IPV6_TRAFFIC | \
  PORTFLAG_DNS_REQUEST | PORTFLAG_ONION_TRAFFIC)
#define PORTFLAGS_CONTROL_ALLOWED (PORTFLAG_GROUP_WRITABLE | \
  PORTFLAG_WORLD_WRITABLE | PORTFLAG_RELAX_DIR_MODE_CHECK)
#define PORTFLAGS_SERVER_ALLOWED (PORTFLAG_NO_ADVERTISE | PORTFLAG_NO_LISTEN | \
  PORTFLAG_IPV4_ONLY | PORTFLAG_IPV6_ONLY)

typedef struct port_spec_t {
  char address[64];   /* "127.0.0.1", "::1"...; "" for unix sockets */
  char unix_path[256];/* non-empty for unix: sockets */
  int port;           /* 1..65535, PORTSPEC_AUTO, or 0 for "disabled" */
  uint32_t flags;
  int session_group;  /* -1 when not given */
} port_spec_t;

/* Parses one port option value. default_address is used when the value is a
 * bare port; allowed/defaults are PORTFLAGS_* sets. Returns 0, or -1 with a
 * reason (naming option_name) in err. */
int port_spec_parse(const char *option_name, const char *value,
                    const char *default_address, uint32_t allowed,
                    uint32_t defaults, port_spec_t *out,
                    char *err, size_t errlen);

#endif
