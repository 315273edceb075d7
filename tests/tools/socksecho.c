/* socksecho: a tiny SOCKS server built on core/proto/proto_socks, for
 * end-to-end tests with real SOCKS clients (curl). It listens on
 * 127.0.0.1, and for each connection runs the handshake, prints one line
 * describing the parsed request to stdout, grants it, then answers the
 * application's first bytes with an HTTP 200 page carrying the same line.
 *
 * Usage: socksecho [--port N] [--count N] [--prefer-no-auth] [--no-isolate]
 * It prints "listening PORT" first (port 0 picks a free one). */
#include "orconfig.h"
#include "core/proto/proto_socks.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_MAX 4096

static int
write_all(int fd, const void *data, size_t len)
{
  const uint8_t *p = data;
  while (len) {
    ssize_t n = write(fd, p, len);
    if (n <= 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Credentials as text, non-printable bytes as \xNN. */
static void
format_bytes(char *out, size_t outlen, const uint8_t *b, size_t len)
{
  size_t o = 0;
  for (size_t i = 0; i < len && o + 5 < outlen; i++) {
    if (b[i] >= 0x21 && b[i] < 0x7f && b[i] != '\\')
      out[o++] = (char)b[i];
    else
      o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", b[i]);
  }
  out[o] = 0;
}

static void
describe(const socks_request_t *req, char *line, size_t len)
{
  char user[4 * SOCKS4_MAX_USERID_LEN + 1], pass[4 * SOCKS5_MAX_CRED_LEN + 1];
  format_bytes(user, sizeof(user), req->username, req->username_len);
  format_bytes(pass, sizeof(pass), req->password, req->password_len);
  snprintf(line, len, "version=%u%s cmd=0x%02x atyp=%d addr=%s port=%u "
           "auth=%s user=%s pass=%s", req->version,
           req->is_socks4a ? "a" : "", req->command, (int)req->addr_type,
           req->address, req->port, req->got_auth ? "yes" : "no", user, pass);
}

static void
grant(int fd, const socks_request_t *req)
{
  uint8_t out[SOCKS_REPLY_MAX];
  static const uint8_t lo[4] = { 127, 0, 0, 1 };
  size_t n;
  if (req->version == 4)
    n = socks4_reply(out, SOCKS4_GRANTED, lo, req->port);
  else
    n = socks5_reply(out, SOCKS5_SUCCEEDED, SOCKS_ADDR_IPV4, lo, 4, req->port);
  write_all(fd, out, n);
}

static void
serve(int fd, unsigned options)
{
  uint8_t buf[BUF_MAX];
  size_t have = 0, consumed;
  socks_parser_t p;
  char line[3000], page[3200];
  socks_parser_init(&p, options);
  for (;;) {
    socks_status_t rv = socks_parse(&p, buf, have, &consumed);
    if (rv == SOCKS_REPLY || rv == SOCKS_ERROR)
      write_all(fd, p.reply, p.reply_len);
    memmove(buf, buf + consumed, have - consumed);
    have -= consumed;
    if (rv == SOCKS_ERROR) {
      printf("error\n");
      return;
    }
    if (rv == SOCKS_DONE)
      break;
    if (rv == SOCKS_NEED_MORE) {
      ssize_t n;
      if (have == sizeof(buf))
        return;
      n = read(fd, buf + have, sizeof(buf) - have);
      if (n <= 0) {
        printf("closed\n");
        return;
      }
      have += (size_t)n;
    }
  }
  describe(&p.req, line, sizeof(line));
  printf("%s\n", line);
  fflush(stdout);
  grant(fd, &p.req);
  /* Wait for the application's first bytes (unless they came early). */
  if (have == 0 && read(fd, buf, sizeof(buf)) <= 0)
    return;
  snprintf(page, sizeof(page), "HTTP/1.0 200 OK\r\nContent-Type: text/plain"
           "\r\n\r\n%s\n", line);
  write_all(fd, page, strlen(page));
}

int
main(int argc, char **argv)
{
  int port = 0, count = -1, one = 1, lfd;
  unsigned options = SOCKS_OPT_ISOLATE_AUTH;
  struct sockaddr_in sin;
  socklen_t slen = sizeof(sin);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--port") && i + 1 < argc)
      port = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--count") && i + 1 < argc)
      count = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--prefer-no-auth"))
      options |= SOCKS_OPT_PREFER_NO_AUTH;
    else if (!strcmp(argv[i], "--no-isolate"))
      options &= ~SOCKS_OPT_ISOLATE_AUTH;
    else {
      fprintf(stderr, "usage: socksecho [--port N] [--count N] "
              "[--prefer-no-auth] [--no-isolate]\n");
      return 2;
    }
  }
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  if (lfd < 0)
    return 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t)port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
      listen(lfd, 16) < 0 ||
      getsockname(lfd, (struct sockaddr *)&sin, &slen) < 0) {
    perror("socksecho");
    return 1;
  }
  printf("listening %u\n", ntohs(sin.sin_port));
  fflush(stdout);
  while (count != 0) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
      continue;
    serve(fd, options);
    fflush(stdout);
    close(fd);
    if (count > 0)
      count--;
  }
  close(lfd);
  return 0;
}
