/* The server side of SOCKS as a tor SocksPort speaks it: SOCKS4, SOCKS4a,
 * SOCKS5 (RFC 1928) with "no auth" and username/password (RFC 1929), and
 * tor's RESOLVE (0xF0) and RESOLVE_PTR (0xF1) commands (socks-extensions).
 *
 * The parser holds no bytes. The caller keeps what the client sent so far
 * and calls socks_parse() with all of it; the result says how many leading
 * bytes were a complete message (`consumed`; the caller drops them) and
 * what to do:
 *   SOCKS_NEED_MORE  nothing consumed; call again when more bytes arrive.
 *   SOCKS_REPLY      send reply[0..reply_len) and call again with the rest
 *                    (SOCKS5 method selection, username/password reply).
 *   SOCKS_DONE       the request is in parser->req; bytes after `consumed`
 *                    are the application's early data (optimistic data).
 *   SOCKS_ERROR      send the reply (it may be empty, or the HTTP page for a
 *                    client that spoke HTTP), then close.
 * Limits follow tor 0.4.9: SOCKS4 user id <= 512 bytes, hostnames <= 255. */
#ifndef TOR_CORE_PROTO_PROTO_SOCKS_H
#define TOR_CORE_PROTO_PROTO_SOCKS_H

#include <stddef.h>
#include <stdint.h>

#define SOCKS4_MAX_USERID_LEN 512
#define SOCKS_MAX_HOSTNAME_LEN 255
#define SOCKS5_MAX_CRED_LEN 255

#define SOCKS_CMD_CONNECT 0x01
#define SOCKS_CMD_RESOLVE 0xF0
#define SOCKS_CMD_RESOLVE_PTR 0xF1

/* SOCKS5 reply codes (RFC 1928 section 6, and tor's ExtendedErrors). */
#define SOCKS5_SUCCEEDED 0x00
#define SOCKS5_GENERAL_FAILURE 0x01
#define SOCKS5_NOT_ALLOWED 0x02
#define SOCKS5_NET_UNREACHABLE 0x03
#define SOCKS5_HOST_UNREACHABLE 0x04
#define SOCKS5_CONNECTION_REFUSED 0x05
#define SOCKS5_TTL_EXPIRED 0x06
#define SOCKS5_COMMAND_NOT_SUPPORTED 0x07
#define SOCKS5_ADDRESS_TYPE_NOT_SUPPORTED 0x08
#define SOCKS5_HS_NOT_FOUND 0xF0
#define SOCKS5_HS_IS_INVALID 0xF1
#define SOCKS5_HS_INTRO_FAILED 0xF2
#define SOCKS5_HS_REND_FAILED 0xF3
#define SOCKS5_HS_MISSING_CLIENT_AUTH 0xF4
#define SOCKS5_HS_BAD_CLIENT_AUTH 0xF5
#define SOCKS5_HS_BAD_ADDRESS 0xF6
#define SOCKS5_HS_INTRO_TIMEDOUT 0xF7

#define SOCKS4_GRANTED 0x5A
#define SOCKS4_REJECTED 0x5B

/* Parser options, from the SocksPort's flags. */
#define SOCKS_OPT_ISOLATE_AUTH   (1u << 0) /* IsolateSOCKSAuth (default on) */
#define SOCKS_OPT_PREFER_NO_AUTH (1u << 1) /* PreferSOCKSNoAuth */

typedef enum {
  SOCKS_ADDR_IPV4 = 1,
  SOCKS_ADDR_HOSTNAME = 3,
  SOCKS_ADDR_IPV6 = 4,
} socks_addr_type_t;

typedef struct socks_request_t {
  uint8_t version;              /* 4 or 5 */
  uint8_t command;              /* SOCKS_CMD_* */
  int is_socks4a;
  socks_addr_type_t addr_type;
  uint8_t addr_bytes[16];       /* IPV4: 4 bytes; IPV6: 16 */
  char address[SOCKS_MAX_HOSTNAME_LEN + 1]; /* text: dotted quad, IPv6
                                             * (RFC 5952), or the hostname */
  uint16_t port;
  /* SOCKS5: 0x00 or 0x02 as negotiated. */
  uint8_t auth_method;
  /* Credentials: SOCKS5 username/password, or the SOCKS4 user id as the
   * username. got_auth says whether any were sent (empty ones count). */
  int got_auth;
  uint8_t username[SOCKS4_MAX_USERID_LEN];
  size_t username_len;
  uint8_t password[SOCKS5_MAX_CRED_LEN];
  size_t password_len;
  /* Proposal 351 (tor 0.4.9): the username was "<torS0X>0", so only the
   * password is the isolation string. */
  int prop351_format0;
} socks_request_t;

typedef enum {
  SOCKS_ERROR = -1,
  SOCKS_NEED_MORE = 0,
  SOCKS_REPLY = 1,
  SOCKS_DONE = 2,
} socks_status_t;

#define SOCKS_REPLY_MAX (4 + 1 + 255 + 2)

typedef struct socks_parser_t {
  unsigned options;             /* SOCKS_OPT_* */
  int stage;                    /* private: where the handshake is */
  socks_request_t req;
  /* The bytes to send for SOCKS_REPLY and SOCKS_ERROR. */
  const uint8_t *reply;
  size_t reply_len;
  uint8_t reply_buf[SOCKS_REPLY_MAX];
} socks_parser_t;

void socks_parser_init(socks_parser_t *p, unsigned options);

socks_status_t socks_parse(socks_parser_t *p, const uint8_t *data,
                           size_t len, size_t *consumed);

/* Whether two requests may share a circuit as far as IsolateSOCKSAuth is
 * concerned: same credentials, or under proposal 351 format 0 the same
 * password. */
int socks_auth_isolation_equal(const socks_request_t *a,
                               const socks_request_t *b);

/* Reply builders; each writes into out (at least SOCKS_REPLY_MAX bytes)
 * and returns the length. */
/* SOCKS4: VN 0, CD, then port and IPv4 (the answer for RESOLVE). */
size_t socks4_reply(uint8_t *out, uint8_t code, const uint8_t ipv4[4],
                    uint16_t port);
/* SOCKS5 with a BND address of type IPV4 (4 bytes), IPV6 (16 bytes) or
 * HOSTNAME (1..255 bytes, for RESOLVE_PTR answers); addr NULL means
 * 0.0.0.0. */
size_t socks5_reply(uint8_t *out, uint8_t rep, socks_addr_type_t type,
                    const uint8_t *addr, size_t addr_len, uint16_t port);

/* The SOCKS5 REP code tor's client sends for a relay END reason
 * (tor-spec 6.3); see proto_socks.c for why each maps where it does. */
uint8_t socks5_rep_from_end_reason(uint8_t end_reason);

/* The HTTP response for a client that spoke HTTP to the SocksPort. */
const char *socks_http_not_a_proxy_response(void);

#endif
