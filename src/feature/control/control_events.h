/* Control-port events (control-spec §4.1): which connection wants which
 * event (SETEVENTS replaces the whole set; every event name of the spec is
 * accepted, even those we never emit), and the emitters other modules call.
 * control_event_wanted() is one load and a mask test, so emitters cost
 * nothing when no controller listens; formatting happens only then. Events
 * go to the connections' output after any reply already written, never
 * inside one (replies are written whole by one handler before the loop
 * runs again). */
#ifndef TOR_FEATURE_CONTROL_CONTROL_EVENTS_H
#define TOR_FEATURE_CONTROL_CONTROL_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/circuit.h"
#include "core/or/channel_tls.h"

struct event_base;

typedef enum {
  /* tor's order (GETINFO events/names), then the spec's other names. */
  CEV_CIRC = 0, CEV_CIRC_MINOR, CEV_STREAM, CEV_ORCONN, CEV_BW, CEV_DEBUG, CEV_INFO,
  CEV_NOTICE, CEV_WARN, CEV_ERR, CEV_NEWDESC, CEV_ADDRMAP, CEV_DESCCHANGED, CEV_NS,
  CEV_STATUS_GENERAL, CEV_STATUS_CLIENT, CEV_STATUS_SERVER, CEV_GUARD, CEV_STREAM_BW,
  CEV_CLIENTS_SEEN, CEV_NEWCONSENSUS, CEV_BUILDTIMEOUT_SET, CEV_SIGNAL,
  CEV_CONF_CHANGED, CEV_CONN_BW, CEV_CELL_STATS, CEV_CIRC_BW, CEV_TRANSPORT_LAUNCHED,
  CEV_HS_DESC, CEV_HS_DESC_CONTENT, CEV_NETWORK_LIVENESS,
  CEV_AUTHDIR_NEWDESCS, CEV_TB_EMPTY, CEV_PT_LOG, CEV_PT_STATUS,
  CEV_N_EVENTS
} control_event_t;

/* Per connection. */
typedef struct control_event_state_t {
  uint64_t mask;   /* 1 << control_event_t */
} control_event_state_t;

/* Events some connection wants (the union over connections). */
extern uint64_t control_events_wanted_;
static inline int
control_event_wanted(control_event_t ev)
{
  return (control_events_wanted_ >> ev) & 1;
}

/* The name as SETEVENTS and events/names spell it. */
const char *control_event_name(control_event_t ev);
/* -1 if unknown (case-insensitive). */
int control_event_from_name(const char *name);
/* "CIRC CIRC_MINOR ...": the names tor lists in GETINFO events/names
 * (not the spec's AUTHDIR_NEWDESCS, TB_EMPTY, PT_LOG, PT_STATUS). */
const char *control_event_all_names(void);
/* Recomputes control_events_wanted_ and the log hook (after SETEVENTS or a
 * connection closed). */
void control_events_update(void);
/* Starts/stops the once-a-second BW timer. */
void control_events_start(struct event_base *base);
void control_events_stop(void);

/* Sends "650 <body>\r\n" to every connection that wants ev. body is one
 * line (no CR LF). */
void control_event_send(control_event_t ev, const char *body);
void control_event_sendf(control_event_t ev, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
/* A multi-line event: "650+<head>\r\n<data, dot-stuffed>.\r\n650 OK\r\n". */
void control_event_send_data(control_event_t ev, const char *head, const char *data,
                             size_t len);

/* Bytes already in wire form ("650-...\r\n650 OK\r\n"). */
void control_event_send_raw(control_event_t ev, const char *data, size_t len);

/* ---- emitters for other modules ---- */

/* The core's circuit observer (CIRC events), installed by
 * control_events_start(), and GETINFO circuit-status. */
void control_circuit_observer(const circuit_t *circ, circuit_event_t ev,
                              circuit_close_reason_t reason);
int control_getinfo_circuit_status(const char *key, char **answer, const char **errmsg);
/* CIRC_BW for every circuit with traffic this second (the BW timer's). */
void control_events_circ_bw_tick(void);

/* The core's channel observer (ORCONN, NETWORK_LIVENESS), CONN_BW for
 * every channel with traffic this second, GETINFO orconn-status and
 * network-liveness. */
void control_channel_observer(const channel_t *chan, channel_event_t ev,
                              channel_close_reason_t reason);
void control_events_conn_bw_tick(void);
int control_getinfo_orconn_status(const char *key, char **answer, const char **errmsg);
int control_getinfo_network_liveness(const char *key, char **answer, const char **errmsg);

/* STREAM_BW for one stream (the BW timer's, and a closing stream's last
 * counts). */
void control_event_stream_bw(unsigned id, uint64_t written, uint64_t read);
/* NEWCONSENSUS: the router status entries of a newly accepted consensus
 * (control_ns.c formats them as GETINFO ns/all). */
struct consensus_t;
void control_event_new_consensus(const struct consensus_t *c);
/* BUILDTIMEOUT_SET COMPUTED with our fixed build timeout (ms), once the
 * client has built its first circuit. */
void control_event_build_timeout_set(int timeout_ms, int total_times);

/* STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=N TAG=t SUMMARY="s". */
void control_event_bootstrap(int percent, const char *tag, const char *summary);
/* STATUS_CLIENT/STATUS_GENERAL: "<severity> <action> [args]". */
void control_event_status(control_event_t ev, const char *severity, const char *action_args);

#endif
