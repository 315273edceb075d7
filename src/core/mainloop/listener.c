/* Listening sockets: see listener.h. */
#include "orconfig.h"
#include "core/mainloop/listener.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct listener_t {
  struct evconnlistener *evl;
  struct event_base *base;
  port_spec_t spec;
  char address[320];
  uint16_t port;
  listener_accept_fn accept_fn;
  void *arg;
};

static void
accept_cb(struct evconnlistener *evl, evutil_socket_t fd, struct sockaddr *sa, int salen,
          void *arg)
{
  listener_t *l = arg;
  char peer[64];
  uint16_t port = 0;
  (void)evl; (void)salen;
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, peer, sizeof(peer));
    port = ntohs(((struct sockaddr_in *)sa)->sin_port);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, peer, sizeof(peer));
    port = ntohs(((struct sockaddr_in6 *)sa)->sin6_port);
  } else {
    snprintf(peer, sizeof(peer), "unix");
  }
  l->accept_fn(l->base, fd, peer, port, l->arg);
}

/* Fills ss for spec; -1 (logged) if the address is not usable. */
static int
make_sockaddr(const char *kind, const port_spec_t *spec, struct sockaddr_storage *ss,
              socklen_t *sslen)
{
  memset(ss, 0, sizeof(*ss));
  if (spec->unix_path[0]) {
    struct sockaddr_un *sun = (struct sockaddr_un *)ss;
    if (strlen(spec->unix_path) >= sizeof(sun->sun_path)) {
      log_warn(LD_CONFIG, "%sPort unix socket path is too long: %s", kind, spec->unix_path);
      return -1;
    }
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, spec->unix_path, strlen(spec->unix_path) + 1);
    *sslen = sizeof(*sun);
    return 0;
  }
  int port = spec->port == PORTSPEC_AUTO ? 0 : spec->port;
  struct sockaddr_in *sin = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, spec->address, &sin->sin_addr) == 1) {
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    *sslen = sizeof(*sin);
  } else if (inet_pton(AF_INET6, spec->address, &sin6->sin6_addr) == 1) {
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t)port);
    *sslen = sizeof(*sin6);
  } else {
    log_warn(LD_CONFIG, "%sPort address %s is not an IP address.", kind, spec->address);
    return -1;
  }
  return 0;
}

listener_t *
listener_open(struct event_base *base, const char *kind, const port_spec_t *spec,
              listener_accept_fn accept_fn, void *arg)
{
  struct sockaddr_storage ss;
  socklen_t sslen;
  if (make_sockaddr(kind, spec, &ss, &sslen) < 0)
    return NULL;
  listener_t *l = calloc(1, sizeof(*l));
  if (!l)
    return NULL;
  l->base = base;
  l->spec = *spec;
  l->accept_fn = accept_fn;
  l->arg = arg;
  if (spec->unix_path[0]) {
    unlink(spec->unix_path);
    snprintf(l->address, sizeof(l->address), "%s", spec->unix_path);
  } else {
    snprintf(l->address, sizeof(l->address), "%s:%d", spec->address,
             spec->port == PORTSPEC_AUTO ? 0 : spec->port);
  }
  log_notice(LD_NET, "Opening %s listener on %s", kind, l->address);
  l->evl = evconnlistener_new_bind(base, accept_cb, l,
                                   LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
                                   LEV_OPT_CLOSE_ON_EXEC, -1, (struct sockaddr *)&ss,
                                   (int)sslen);
  if (!l->evl) {
    log_warn(LD_NET, "Could not bind to %s: %s", l->address, strerror(errno));
    free(l);
    return NULL;
  }
  if (spec->unix_path[0]) {
    mode_t mode = (spec->flags & PORTFLAG_WORLD_WRITABLE) ? 0666
                  : (spec->flags & PORTFLAG_GROUP_WRITABLE) ? 0660 : 0600;
    if (chmod(spec->unix_path, mode) < 0)
      log_warn(LD_FS, "Could not set permissions on %s: %s", spec->unix_path,
               strerror(errno));
  } else {
    struct sockaddr_storage bound;
    socklen_t blen = sizeof(bound);
    if (getsockname(evconnlistener_get_fd(l->evl), (struct sockaddr *)&bound, &blen) == 0) {
      l->port = bound.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&bound)->sin_port)
                                           : ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
      if (strchr(spec->address, ':'))
        snprintf(l->address, sizeof(l->address), "[%s]:%u", spec->address, l->port);
      else
        snprintf(l->address, sizeof(l->address), "%s:%u", spec->address, l->port);
    }
  }
  log_notice(LD_NET, "Opened %s listener connection (ready) on %s", kind, l->address);
  return l;
}

void
listener_close(listener_t *l)
{
  if (!l)
    return;
  evconnlistener_free(l->evl);
  if (l->spec.unix_path[0])
    unlink(l->spec.unix_path);
  free(l);
}

const port_spec_t *
listener_spec(const listener_t *l)
{
  return &l->spec;
}

const char *
listener_address(const listener_t *l)
{
  return l->address;
}

uint16_t
listener_port(const listener_t *l)
{
  return l->port;
}
