/* Listening sockets for the daemon's ports (SocksPort, ControlPort, ...):
 * one listener per port_spec_t, TCP on an IPv4/IPv6 address or a unix
 * socket, with tor's log lines "Opening <Kind> listener on ADDR" and
 * "Opened <Kind> listener connection (ready) on ADDR" (with the port the
 * kernel picked for "auto"). Each accepted socket is handed to accept_fn,
 * which owns it from then on. Unix sockets get mode 0600, 0660 with
 * GroupWritable, 0666 with WorldWritable, and are unlinked on close.
 * Ownership: listener_open / listener_close. */
#ifndef TOR_CORE_MAINLOOP_LISTENER_H
#define TOR_CORE_MAINLOOP_LISTENER_H

#include <stdint.h>
#include <sys/socket.h>

#include "lib/conf/portspec.h"

struct event_base;
typedef struct listener_t listener_t;

/* fd is a connected, non-blocking socket; peer is "unix" for unix
 * sockets (peer_port 0), else the client's IP address and port. */
typedef void (*listener_accept_fn)(struct event_base *base, int fd, const char *peer,
                                   uint16_t peer_port, void *arg);

/* Binds and listens. kind names the port in logs ("Socks", "Control").
 * NULL on failure (logged at warn). spec->port must not be 0. */
listener_t *listener_open(struct event_base *base, const char *kind,
                          const port_spec_t *spec, listener_accept_fn accept_fn,
                          void *arg);
void listener_close(listener_t *l);

const port_spec_t *listener_spec(const listener_t *l);
/* "ADDR:PORT" with the bound port, or the unix socket's path. */
const char *listener_address(const listener_t *l);
/* The bound TCP port (0 for unix sockets). */
uint16_t listener_port(const listener_t *l);

#endif
