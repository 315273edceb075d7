/* SocksPort: listeners for applications (TCP or unix sockets, as the
 * SocksPort lines say), the SOCKS 4/4a/5 handshake (proto_socks), and the
 * relaying of each application connection over a stream on an exit
 * circuit from the client (one circuit per isolation key: by default the
 * client address and the SOCKS username/password, as tor's
 * IsolateClientAddr and IsolateSOCKSAuth). Connections to .onion
 * addresses go over a rendezvous circuit from hs_client instead (BEGIN
 * ":PORT"; its failures answered with tor's extended SOCKS5 errors; a
 * stream with no CONNECTED in 30 s, or whose circuit dies before it, tries
 * one more circuit). Logs tor's "Opening Socks listener on ..." / "Opened
 * Socks listener connection (ready) on ..." lines. */
#ifndef TOR_FEATURE_CLIENT_SOCKS_PORT_H
#define TOR_FEATURE_CLIENT_SOCKS_PORT_H

#include <stdint.h>

#include "lib/conf/confline.h"

struct event_base;

/* Opens one listener per SocksPort line (port 0 lines are skipped).
 * Returns the number opened, or -1 (logged) if one could not be. */
int socks_ports_open(struct event_base *base, const config_line_t *lines);
/* The open listeners' addresses ("127.0.0.1:9050" or unix paths), for
 * GETINFO net/listeners/socks; returns how many (at most max). */
int socks_ports_addresses(const char **out, int max);
/* CLOSESTREAM: closes the application connection whose STREAM events carry
 * this id (its stream ends with DONE). 0, or -1 if there is none. */
int socks_ports_close_stream(unsigned event_id);
/* GETINFO stream-status: "ID STATUS CIRC TARGET" per application stream
 * (LF-separated, no final LF); a new string, NULL when out of memory. */
char *socks_ports_stream_status(void);
/* STREAM_BW: calls fn for every stream that moved bytes since the last
 * call (written: from the application into the stream; read: from the
 * stream to the application), and starts counting again. */
typedef void (*socks_stream_bw_fn)(unsigned id, uint64_t written, uint64_t read, void *arg);
void socks_ports_report_stream_bw(socks_stream_bw_fn fn, void *arg);
/* Whether a connection with that STREAM id exists. */
int socks_ports_has_stream(unsigned event_id);
/* Closes the listeners and every application connection. */
void socks_ports_close(void);

#endif
