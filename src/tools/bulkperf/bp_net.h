/* tor-bulkperf: non-blocking connection set-up (TCP connect, then SOCKS5
 * through the proxy, or direct with --socks none), driven by libevent.
 * Internal to the tool. */
#ifndef TOOLS_BULKPERF_BP_NET_H
#define TOOLS_BULKPERF_BP_NET_H

#include "tools/bulkperf/bulkperf.h"

#include <event2/event.h>
#include <sys/socket.h>

struct bp_conn;
/* Called once: ok=1 connected (c->fd is yours, c->extra holds payload that
 * came with the SOCKS reply); ok=0 failed with the plain message err. */
typedef void (*bp_conn_cb)(struct bp_conn *c, int ok, const char *err);

typedef struct bp_conn {
  struct event_base *base;
  struct event *ev;
  int fd;
  int phase;
  bp_socks_t socks;
  const bp_opts_t *o;
  /* wall-clock microseconds, Torperf's steps */
  int64_t t_start, t_socket, t_connect, t_negotiate, t_request, t_response;
  double m_start, m_ready;        /* monotonic */
  uint64_t rbytes, wbytes;        /* bytes on the socket during set-up */
  uint8_t extra[512];          /* >= the SOCKS-phase read size */
  size_t nextra;
  bp_conn_cb cb;
  void *arg;
} bp_conn_t;

/* Resolve HOST:PORT (numeric or name) for connect(); -1 with err set. */
int bp_resolve(const char *host, uint16_t port, struct sockaddr_storage *ss,
               socklen_t *len, char *err, size_t errlen);
/* Start connecting: to the proxy (or to the target with --socks none) at
 * sa, then SOCKS CONNECT to the target, with username user (isolation). */
int bp_conn_start(bp_conn_t *c, struct event_base *base,
                  const struct sockaddr_storage *sa, socklen_t salen,
                  const bp_opts_t *o, const char *user, bp_conn_cb cb,
                  void *arg);
/* Abandon a connection still being set up. */
void bp_conn_abort(bp_conn_t *c);
/* Make a socket non-blocking with large buffers. */
void bp_sock_tune(int fd);
/* "host:ip:port" of the local end (OnionPerf ENDPOINTLOCAL style). */
void bp_sock_local(int fd, char *buf, size_t len);

#endif
