/* SOCKS4/4a/5 server-side parsing and replies. Every function reads only
 * within (data, len); a message that is not all there yet gives
 * SOCKS_NEED_MORE, unless what is there already breaks a limit. */
#include "orconfig.h"
#include "core/proto/proto_socks.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

enum {
  STAGE_START = 0,      /* nothing parsed yet */
  STAGE_S5_AUTH,        /* we chose 0x02: an RFC 1929 message must follow */
  STAGE_S5_REQUEST,     /* methods (and auth) done: the request follows */
  STAGE_FINISHED,       /* DONE or ERROR was returned */
};

/* Tor 0.4.9 reserves usernames that start with this (proposal 351). */
#define PROP351_PREFIX "<torS0X>"
#define PROP351_PREFIX_LEN 8

void
socks_parser_init(socks_parser_t *p, unsigned options)
{
  memset(p, 0, sizeof(*p));
  p->options = options;
  p->stage = STAGE_START;
}

static uint16_t
get_u16(const uint8_t *b)
{
  return (uint16_t)((b[0] << 8) | b[1]);
}

static socks_status_t
set_reply(socks_parser_t *p, socks_status_t status, size_t len)
{
  p->reply = p->reply_buf;
  p->reply_len = len;
  if (status == SOCKS_ERROR || status == SOCKS_DONE)
    p->stage = STAGE_FINISHED;
  return status;
}

static socks_status_t
fail_silently(socks_parser_t *p)
{
  p->reply = NULL;
  p->reply_len = 0;
  p->stage = STAGE_FINISHED;
  return SOCKS_ERROR;
}

static socks_status_t
fail_socks4(socks_parser_t *p)
{
  return set_reply(p, SOCKS_ERROR,
                   socks4_reply(p->reply_buf, SOCKS4_REJECTED, NULL, 0));
}

static socks_status_t
fail_socks5(socks_parser_t *p, uint8_t rep)
{
  return set_reply(p, SOCKS_ERROR, socks5_reply(p->reply_buf, rep,
                                                SOCKS_ADDR_IPV4, NULL, 0, 0));
}

/* Index of the first NUL in data[from..len), or -1. */
static long
find_nul(const uint8_t *data, size_t from, size_t len)
{
  const uint8_t *z = from < len ? memchr(data + from, 0, len - from) : NULL;
  return z ? (long)(z - data) : -1;
}

/* ---- SOCKS4 and 4a ---- */

/* 04 | CD | DSTPORT(2) | DSTIP(4) | USERID NUL | [HOSTNAME NUL, for 4a] */
static socks_status_t
parse_socks4(socks_parser_t *p, const uint8_t *data, size_t len,
             size_t *consumed)
{
  socks_request_t *req = &p->req;
  long uid_end, host_end;
  uint32_t ip;
  if (len < 8)
    return SOCKS_NEED_MORE;
  req->version = 4;
  req->command = data[1];
  req->port = get_u16(data + 2);
  ip = ((uint32_t)data[4] << 24) | ((uint32_t)data[5] << 16) |
       ((uint32_t)data[6] << 8) | data[7];
  if (req->command != SOCKS_CMD_CONNECT && req->command != SOCKS_CMD_RESOLVE) {
    log_protocol_warn(LD_PROTOCOL, "socks4: command %u not supported; "
                      "rejecting.", req->command);
    return fail_socks4(p);
  }
  if ((req->command == SOCKS_CMD_CONNECT && req->port == 0) || ip == 0) {
    log_protocol_warn(LD_PROTOCOL, "socks4: port or destination IP is zero; "
                      "rejecting.");
    return fail_socks4(p);
  }
  uid_end = find_nul(data, 8, len);
  if (uid_end < 0 || uid_end - 8 > SOCKS4_MAX_USERID_LEN) {
    if (len - 8 > SOCKS4_MAX_USERID_LEN || uid_end >= 0) {
      log_protocol_warn(LD_PROTOCOL, "socks4: user id longer than %d bytes; "
                        "rejecting.", SOCKS4_MAX_USERID_LEN);
      return fail_socks4(p);
    }
    return SOCKS_NEED_MORE;
  }
  req->username_len = (size_t)uid_end - 8;
  memcpy(req->username, data + 8, req->username_len);
  req->got_auth = req->username_len > 0;
  if ((ip >> 8) != 0) {
    /* Plain SOCKS4: an IPv4 address. */
    req->addr_type = SOCKS_ADDR_IPV4;
    memcpy(req->addr_bytes, data + 4, 4);
    inet_ntop(AF_INET, req->addr_bytes, req->address, sizeof(req->address));
    *consumed = (size_t)uid_end + 1;
    return set_reply(p, SOCKS_DONE, 0);
  }
  /* SOCKS4a: 0.0.0.x with x != 0, then a hostname. */
  host_end = find_nul(data, (size_t)uid_end + 1, len);
  if (host_end < 0 || host_end - uid_end - 1 > SOCKS_MAX_HOSTNAME_LEN) {
    if (host_end >= 0 || len - (size_t)uid_end - 1 > SOCKS_MAX_HOSTNAME_LEN) {
      log_protocol_warn(LD_PROTOCOL, "socks4a: hostname longer than %d "
                        "bytes; rejecting.", SOCKS_MAX_HOSTNAME_LEN);
      return fail_socks4(p);
    }
    return SOCKS_NEED_MORE;
  }
  if (host_end == uid_end + 1) {
    log_protocol_warn(LD_PROTOCOL, "socks4a: empty hostname; rejecting.");
    return fail_socks4(p);
  }
  req->is_socks4a = 1;
  req->addr_type = SOCKS_ADDR_HOSTNAME;
  memcpy(req->address, data + uid_end + 1, (size_t)(host_end - uid_end - 1));
  req->address[host_end - uid_end - 1] = 0;
  *consumed = (size_t)host_end + 1;
  return set_reply(p, SOCKS_DONE, 0);
}

/* ---- SOCKS5 ---- */

/* 05 | NMETHODS | METHODS. We pick 0x02 when offered, so that
 * IsolateSOCKSAuth sees credentials, unless "no auth" is offered too and
 * the port has PreferSOCKSNoAuth or no IsolateSOCKSAuth (tor's rule). */
static socks_status_t
parse_socks5_methods(socks_parser_t *p, const uint8_t *data, size_t len,
                     size_t *consumed)
{
  int have_none = 0, have_userpass = 0;
  uint8_t chosen;
  size_t n;
  if (len < 2)
    return SOCKS_NEED_MORE;
  n = data[1];
  if (n == 0) {
    log_protocol_warn(LD_PROTOCOL, "socks5: client offered no methods.");
    return fail_silently(p);
  }
  if (len < 2 + n)
    return SOCKS_NEED_MORE;
  for (size_t i = 0; i < n; i++) {
    have_none |= data[2 + i] == 0x00;
    have_userpass |= data[2 + i] == 0x02;
  }
  p->req.version = 5;
  if (have_none && ((p->options & SOCKS_OPT_PREFER_NO_AUTH) ||
                    !(p->options & SOCKS_OPT_ISOLATE_AUTH) || !have_userpass))
    chosen = 0x00;
  else if (have_userpass)
    chosen = 0x02;
  else
    chosen = 0xFF;
  p->reply_buf[0] = 5;
  p->reply_buf[1] = chosen;
  *consumed = 2 + n;
  if (chosen == 0xFF) {
    log_protocol_warn(LD_PROTOCOL, "socks5: offered methods include neither "
                      "'no auth' nor username/password; rejecting.");
    return set_reply(p, SOCKS_ERROR, 2);
  }
  p->req.auth_method = chosen;
  p->stage = chosen == 0x02 ? STAGE_S5_AUTH : STAGE_S5_REQUEST;
  return set_reply(p, SOCKS_REPLY, 2);
}

/* 01 | ULEN | UNAME | PLEN | PASSWD (RFC 1929). Empty fields are allowed,
 * as tor allows them. */
static socks_status_t
parse_socks5_userpass(socks_parser_t *p, const uint8_t *data, size_t len,
                      size_t *consumed)
{
  socks_request_t *req = &p->req;
  size_t ulen, plen;
  if (len < 2)
    return SOCKS_NEED_MORE;
  ulen = data[1];
  if (len < 2 + ulen + 1)
    return SOCKS_NEED_MORE;
  plen = data[2 + ulen];
  if (len < 3 + ulen + plen)
    return SOCKS_NEED_MORE;
  req->got_auth = 1;
  req->username_len = ulen;
  memcpy(req->username, data + 2, ulen);
  req->password_len = plen;
  memcpy(req->password, data + 3 + ulen, plen);
  *consumed = 3 + ulen + plen;
  if (ulen >= PROP351_PREFIX_LEN &&
      !memcmp(req->username, PROP351_PREFIX, PROP351_PREFIX_LEN)) {
    /* Proposal 351: "<torS0X>0" is the only format tor 0.4.9 accepts. */
    if (ulen != PROP351_PREFIX_LEN + 1 ||
        req->username[PROP351_PREFIX_LEN] != '0') {
      log_protocol_warn(LD_PROTOCOL, "socks5: unsupported extended "
                        "username format; rejecting.");
      return fail_socks5(p, SOCKS5_GENERAL_FAILURE);
    }
    req->prop351_format0 = 1;
  }
  p->stage = STAGE_S5_REQUEST;
  p->reply_buf[0] = 0x01;
  p->reply_buf[1] = 0x00;
  return set_reply(p, SOCKS_REPLY, 2);
}

/* 05 | CMD | RSV | ATYP | DST.ADDR | DST.PORT. Error replies follow what
 * tor 0.4.9 sends: 07 for an unknown command, 01 for anything malformed
 * (including an unknown ATYP, where RFC 1928 would say 08). */
static socks_status_t
parse_socks5_request(socks_parser_t *p, const uint8_t *data, size_t len,
                     size_t *consumed)
{
  socks_request_t *req = &p->req;
  size_t addr_len, need;
  if (len < 4)
    return SOCKS_NEED_MORE;
  if (data[2] != 0) {
    log_protocol_warn(LD_PROTOCOL, "socks5: reserved byte is %u, not 0; "
                      "rejecting.", data[2]);
    return fail_socks5(p, SOCKS5_GENERAL_FAILURE);
  }
  req->command = data[1];
  if (req->command != SOCKS_CMD_CONNECT && req->command != SOCKS_CMD_RESOLVE &&
      req->command != SOCKS_CMD_RESOLVE_PTR) {
    log_protocol_warn(LD_PROTOCOL, "socks5: command %u not supported; "
                      "rejecting.", req->command);
    return fail_socks5(p, SOCKS5_COMMAND_NOT_SUPPORTED);
  }
  switch (data[3]) {
  case SOCKS_ADDR_IPV4:
    addr_len = 4;
    need = 4 + 4 + 2;
    break;
  case SOCKS_ADDR_IPV6:
    addr_len = 16;
    need = 4 + 16 + 2;
    break;
  case SOCKS_ADDR_HOSTNAME:
    if (len < 5)
      return SOCKS_NEED_MORE;
    addr_len = data[4];
    need = 5 + addr_len + 2;
    break;
  default:
    log_protocol_warn(LD_PROTOCOL, "socks5: address type %u not supported; "
                      "rejecting.", data[3]);
    return fail_socks5(p, SOCKS5_GENERAL_FAILURE);
  }
  if (len < need)
    return SOCKS_NEED_MORE;
  req->addr_type = (socks_addr_type_t)data[3];
  req->port = get_u16(data + need - 2);
  if (req->addr_type == SOCKS_ADDR_HOSTNAME) {
    if (addr_len == 0 || memchr(data + 5, 0, addr_len)) {
      /* tor 0.4.9 would cut the name at the NUL; a name that means one
       * thing to the application and another to us is refused here. */
      log_protocol_warn(LD_PROTOCOL, "socks5: %s hostname; rejecting.",
                        addr_len ? "NUL in" : "empty");
      return fail_socks5(p, SOCKS5_GENERAL_FAILURE);
    }
    memcpy(req->address, data + 5, addr_len);
    req->address[addr_len] = 0;
  } else {
    memcpy(req->addr_bytes, data + 4, addr_len);
    inet_ntop(addr_len == 4 ? AF_INET : AF_INET6, req->addr_bytes,
              req->address, sizeof(req->address));
  }
  *consumed = need;
  return set_reply(p, SOCKS_DONE, 0);
}

/* ---- dispatch ---- */

static int
looks_like_http(uint8_t first)
{
  /* GET, HEAD, POST/PUT, CONNECT: tor looks at the first byte only. */
  return first == 'G' || first == 'H' || first == 'P' || first == 'C';
}

socks_status_t
socks_parse(socks_parser_t *p, const uint8_t *data, size_t len,
            size_t *consumed)
{
  *consumed = 0;
  p->reply = NULL;
  p->reply_len = 0;
  switch (p->stage) {
  case STAGE_START:
    /* Like tor, decide once two bytes are there. */
    if (len < 2)
      return SOCKS_NEED_MORE;
    if (data[0] == 4)
      return parse_socks4(p, data, len, consumed);
    if (data[0] == 5)
      return parse_socks5_methods(p, data, len, consumed);
    if (looks_like_http(data[0])) {
      log_protocol_warn(LD_PROTOCOL, "Application spoke HTTP to the "
                        "SocksPort; sending it an explanation.");
      p->stage = STAGE_FINISHED;
      p->reply = (const uint8_t *)socks_http_not_a_proxy_response();
      p->reply_len = strlen(socks_http_not_a_proxy_response());
      return SOCKS_ERROR;
    }
    log_protocol_warn(LD_PROTOCOL, "Socks version %u not recognized.",
                      data[0]);
    return fail_silently(p);
  case STAGE_S5_AUTH:
    if (len < 1)
      return SOCKS_NEED_MORE;
    if (data[0] != 0x01) {
      log_protocol_warn(LD_PROTOCOL, "socks5: expected username/password "
                        "version 1, got %u; rejecting.", data[0]);
      return fail_socks5(p, SOCKS5_GENERAL_FAILURE);
    }
    return parse_socks5_userpass(p, data, len, consumed);
  case STAGE_S5_REQUEST:
    if (len < 1)
      return SOCKS_NEED_MORE;
    /* Some clients send username/password although we chose "no auth";
     * tor accepts that once. */
    if (data[0] == 0x01 && p->req.auth_method == 0x00 && !p->req.got_auth)
      return parse_socks5_userpass(p, data, len, consumed);
    if (data[0] != 5) {
      log_protocol_warn(LD_PROTOCOL, "socks5: request has version %u; "
                        "rejecting.", data[0]);
      return fail_socks5(p, SOCKS5_GENERAL_FAILURE);
    }
    return parse_socks5_request(p, data, len, consumed);
  default:
    log_warn(LD_BUG, "socks_parse called after the handshake ended.");
    return SOCKS_ERROR;
  }
}

int
socks_auth_isolation_equal(const socks_request_t *a, const socks_request_t *b)
{
  /* Under proposal 351 format 0 the username is always "<torS0X>0", so
   * comparing both fields compares the password, as the proposal wants. */
  return a->got_auth == b->got_auth &&
         a->username_len == b->username_len &&
         a->password_len == b->password_len &&
         !memcmp(a->username, b->username, a->username_len) &&
         !memcmp(a->password, b->password, a->password_len);
}

/* ---- replies ---- */

size_t
socks4_reply(uint8_t *out, uint8_t code, const uint8_t ipv4[4], uint16_t port)
{
  out[0] = 0;
  out[1] = code;
  out[2] = (uint8_t)(port >> 8);
  out[3] = (uint8_t)port;
  if (ipv4)
    memcpy(out + 4, ipv4, 4);
  else
    memset(out + 4, 0, 4);
  return 8;
}

size_t
socks5_reply(uint8_t *out, uint8_t rep, socks_addr_type_t type,
             const uint8_t *addr, size_t addr_len, uint16_t port)
{
  size_t n = 4;
  out[0] = 5;
  out[1] = rep;
  out[2] = 0;
  if (type == SOCKS_ADDR_HOSTNAME && addr && addr_len >= 1 &&
      addr_len <= 255) {
    out[3] = SOCKS_ADDR_HOSTNAME;
    out[4] = (uint8_t)addr_len;
    memcpy(out + 5, addr, addr_len);
    n = 5 + addr_len;
  } else if (type == SOCKS_ADDR_IPV6 && addr && addr_len == 16) {
    out[3] = SOCKS_ADDR_IPV6;
    memcpy(out + 4, addr, 16);
    n = 20;
  } else {
    out[3] = SOCKS_ADDR_IPV4;
    if (addr && addr_len == 4)
      memcpy(out + 4, addr, 4);
    else
      memset(out + 4, 0, 4);
    n = 8;
  }
  out[n] = (uint8_t)(port >> 8);
  out[n + 1] = (uint8_t)port;
  return n + 2;
}

/* END reasons (tor-spec 6.3) to REP codes (RFC 1928 section 6). A reply
 * built from an END reason always reports a failure, so even DONE (the
 * exit closed before the stream was usable) is a general failure. Reasons
 * with an RFC counterpart use it; the rest say "general failure":
 *   RESOLVEFAILED -> host unreachable: the name did not resolve.
 *   CONNECTREFUSED -> connection refused; CONNRESET too (tor-spec notes
 *     older exits sent CONNECTREFUSED for resets).
 *   EXITPOLICY -> not allowed by ruleset: the exit's policy forbids it.
 *   TIMEOUT -> TTL expired: the usual way clients report a timeout.
 *   NOROUTE -> network unreachable: the exit had no route to the host. */
uint8_t
socks5_rep_from_end_reason(uint8_t end_reason)
{
  switch (end_reason) {
  case 2:  /* RESOLVEFAILED */
    return SOCKS5_HOST_UNREACHABLE;
  case 3:  /* CONNECTREFUSED */
  case 12: /* CONNRESET */
    return SOCKS5_CONNECTION_REFUSED;
  case 4:  /* EXITPOLICY */
    return SOCKS5_NOT_ALLOWED;
  case 7:  /* TIMEOUT */
    return SOCKS5_TTL_EXPIRED;
  case 8:  /* NOROUTE */
    return SOCKS5_NET_UNREACHABLE;
  default: /* MISC, DESTROY, DONE, HIBERNATING, INTERNAL, RESOURCELIMIT,
            * TORPROTOCOL, NOTDIRECTORY and unknown reasons */
    return SOCKS5_GENERAL_FAILURE;
  }
}

/* The status line and Content-Type are what tor 0.4.9 sends; the page is
 * our own wording. */
static const char http_not_a_proxy[] =
  "HTTP/1.0 501 Tor is not an HTTP Proxy\r\n"
  "Content-Type: text/html; charset=iso-8859-1\r\n"
  "\r\n"
  "<html>\n"
  "<head><title>Wrong kind of proxy</title></head>\n"
  "<body>\n"
  "<h1>This port speaks SOCKS, not HTTP.</h1>\n"
  "<p>Your application sent an HTTP proxy request to a Tor SOCKS port.\n"
  "Set it up to use this port as a SOCKS 4a or SOCKS 5 proxy (with remote\n"
  "name resolution), or give Tor an HTTPTunnelPort and point the\n"
  "application's HTTP proxy setting at that port.</p>\n"
  "</body>\n"
  "</html>\n";

const char *
socks_http_not_a_proxy_response(void)
{
  return http_not_a_proxy;
}
