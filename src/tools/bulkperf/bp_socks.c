/* tor-bulkperf: SOCKS5 client state machine (RFC 1928 CONNECT, RFC 1929
 * username/password). No I/O here: the caller sends out[] and feeds what it
 * reads, which keeps it testable. */
#include "orconfig.h"
#include "tools/bulkperf/bulkperf.h"

#include <arpa/inet.h>
#include <string.h>

const char *
bp_socks_reply_str(int code)
{
  switch (code) {
  case 0x00: return "succeeded";
  case 0x01: return "general failure";
  case 0x02: return "connection not allowed by ruleset";
  case 0x03: return "network unreachable";
  case 0x04: return "host unreachable";
  case 0x05: return "connection refused";
  case 0x06: return "TTL expired (timed out)";
  case 0x07: return "command not supported";
  case 0x08: return "address type not supported";
  /* tor's extended errors for onion services (SocksPort ExtendedErrors) */
  case 0xF0: return "onion service descriptor can not be found";
  case 0xF1: return "onion service descriptor is invalid";
  case 0xF2: return "onion service introduction failed";
  case 0xF3: return "onion service rendezvous failed";
  case 0xF4: return "onion service missing client authorization";
  case 0xF5: return "onion service wrong client authorization";
  case 0xF6: return "onion service address is invalid";
  case 0xF7: return "onion service introduction timed out";
  default: return "unknown reply code";
  }
}

static size_t
put_connect(bp_socks_t *s)
{
  uint8_t *o = s->out;
  size_t n = 0;
  struct in_addr a4;
  struct in6_addr a6;
  o[n++] = 5;     /* version */
  o[n++] = 1;     /* CONNECT */
  o[n++] = 0;     /* reserved */
  if (inet_pton(AF_INET, s->host, &a4) == 1) {
    o[n++] = 1;
    memcpy(o + n, &a4, 4);
    n += 4;
  } else if (inet_pton(AF_INET6, s->host, &a6) == 1) {
    o[n++] = 4;
    memcpy(o + n, &a6, 16);
    n += 16;
  } else {
    size_t hl = strlen(s->host);
    o[n++] = 3;
    o[n++] = (uint8_t)hl;
    memcpy(o + n, s->host, hl);
    n += hl;
  }
  o[n++] = (uint8_t)(s->port >> 8);
  o[n++] = (uint8_t)(s->port & 0xff);
  s->outlen = n;
  return n;
}

int
bp_socks_begin(bp_socks_t *s, const char *host, uint16_t port,
               const char *user, const char *pass)
{
  memset(s, 0, sizeof(*s));
  s->reply = -1;
  if (!host || !*host || strlen(host) > 255)
    return -1;
  strcpy(s->host, host);
  s->port = port;
  if (user && *user) {
    if (strlen(user) > 255 || (pass && strlen(pass) > 255))
      return -1;
    strcpy(s->user, user);
    strcpy(s->pass, pass && *pass ? pass : "x");
    s->auth = true;
  }
  s->out[0] = 5;
  if (s->auth) {
    /* offer username/password only: without it tor would not isolate */
    s->out[1] = 1;
    s->out[2] = 2;
  } else {
    s->out[1] = 1;
    s->out[2] = 0;
  }
  s->outlen = 3;
  s->state = BP_SOCKS_METHOD;
  return 0;
}

static int
fail(bp_socks_t *s, const char *msg)
{
  s->state = BP_SOCKS_FAILED;
  snprintf(s->err, sizeof(s->err), "%s", msg);
  return BP_SOCKS_EV_ERROR;
}

/* Take bytes into in[] until it holds `want`; returns 1 when complete. */
static int
take(bp_socks_t *s, const uint8_t *data, size_t len, size_t *used,
     size_t want)
{
  size_t need = want - s->inlen;
  size_t avail = len - *used;
  size_t n = avail < need ? avail : need;
  memcpy(s->in + s->inlen, data + *used, n);
  s->inlen += n;
  *used += n;
  return s->inlen == want;
}

int
bp_socks_feed(bp_socks_t *s, const uint8_t *data, size_t len, size_t *used)
{
  *used = 0;
  switch (s->state) {
  case BP_SOCKS_METHOD:
    if (!take(s, data, len, used, 2))
      return BP_SOCKS_EV_MORE;
    if (s->in[0] != 5)
      return fail(s, "the proxy does not speak SOCKS5 (is it a SOCKS port?)");
    s->inlen = 0;
    if (s->in[1] == 0xFF)
      return fail(s, "the SOCKS proxy accepted none of the offered "
                     "authentication methods");
    if (s->in[1] == 2 && s->auth) {
      size_t ul = strlen(s->user), pl = strlen(s->pass), n = 0;
      s->out[n++] = 1;
      s->out[n++] = (uint8_t)ul;
      memcpy(s->out + n, s->user, ul);
      n += ul;
      s->out[n++] = (uint8_t)pl;
      memcpy(s->out + n, s->pass, pl);
      n += pl;
      s->outlen = n;
      s->state = BP_SOCKS_AUTH;
      return BP_SOCKS_EV_SEND;
    }
    if (s->in[1] == 0 && !s->auth) {
      put_connect(s);
      s->state = BP_SOCKS_REPLY;
      return BP_SOCKS_EV_NEGOTIATED;
    }
    return fail(s, "the SOCKS proxy chose an authentication method we did "
                   "not offer");
  case BP_SOCKS_AUTH:
    if (!take(s, data, len, used, 2))
      return BP_SOCKS_EV_MORE;
    s->inlen = 0;
    if (s->in[1] != 0)
      return fail(s, "the SOCKS proxy rejected the username/password");
    put_connect(s);
    s->state = BP_SOCKS_REPLY;
    return BP_SOCKS_EV_NEGOTIATED;
  case BP_SOCKS_REPLY: {
    if (s->inlen < 5 && !take(s, data, len, used, 5))
      return BP_SOCKS_EV_MORE;
    if (s->in[0] != 5)
      return fail(s, "malformed SOCKS5 reply from the proxy");
    s->reply = s->in[1];
    if (s->reply != 0) {
      char msg[300];
      snprintf(msg, sizeof(msg),
               "SOCKS proxy refused CONNECT to %s:%u: %s (reply 0x%02X)",
               s->host, s->port, bp_socks_reply_str(s->reply), s->reply);
      return fail(s, msg);
    }
    size_t want;
    switch (s->in[3]) {
    case 1: want = 4 + 4 + 2; break;
    case 4: want = 4 + 16 + 2; break;
    case 3: want = 4 + 1 + s->in[4] + 2; break;
    default: return fail(s, "malformed SOCKS5 reply (address type)");
    }
    if (!take(s, data, len, used, want))
      return BP_SOCKS_EV_MORE;
    s->state = BP_SOCKS_DONE;
    return BP_SOCKS_EV_DONE;
  }
  case BP_SOCKS_DONE:
    return BP_SOCKS_EV_DONE;
  default:
    return BP_SOCKS_EV_ERROR;
  }
}
