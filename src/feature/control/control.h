/* The control port (control-spec.txt): listeners (ControlPort,
 * ControlSocket), one connection state per controller, authentication
 * (NULL, COOKIE, SAFECOOKIE, HASHEDPASSWORD), and the dispatch of each
 * command to its handler, which writes exactly one reply. Before a
 * controller authenticates only PROTOCOLINFO, AUTHCHALLENGE, AUTHENTICATE
 * and QUIT are served; anything else gets "514 Authentication required."
 * and the connection is closed, as it is after a failed AUTHENTICATE or
 * when CONTROL_MAX_PREAUTH_BYTES arrive before authenticating.
 *
 * Commands and GETINFO keys live in tables that other modules extend with
 * control_register_command() / control_register_getinfo(): the app layer
 * adds those that need the options (GETCONF, SETCONF, SIGNAL...), so this
 * module never includes src/app. Events: control_events.h.
 *
 * Output is bounded: a controller whose unread replies and events pass
 * CONTROL_MAX_OUTBUF is closed rather than let memory grow. */
#ifndef TOR_FEATURE_CONTROL_CONTROL_H
#define TOR_FEATURE_CONTROL_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "core/proto/proto_control.h"
#include "lib/conf/confline.h"

struct event_base;
struct evbuffer;
typedef struct control_conn_t control_conn_t;

/* Bytes of one command (with its data) once authenticated: HSPOST carries a
 * descriptor (< 50 KB) and LOADCONF a torrc. */
#define CONTROL_MAX_COMMAND (1024 * 1024)
/* What an unauthenticated controller may send in all. */
#define CONTROL_MAX_PREAUTH_BYTES 8192
/* Unread output (replies and events) before we give up on a controller. */
#define CONTROL_MAX_OUTBUF (16 * 1024 * 1024)

typedef struct control_config_t {
  const config_line_t *ports;        /* ControlPort lines */
  const config_line_t *sockets;      /* ControlSocket lines (paths) */
  int cookie_auth;                   /* CookieAuthentication */
  const char *cookie_file;           /* CookieAuthFile; NULL: datadir's */
  int cookie_group_readable;         /* CookieAuthFileGroupReadable */
  const config_line_t *hashed_passwords; /* HashedControlPassword lines */
  const char *port_write_to_file;    /* ControlPortWriteToFile */
  int port_file_group_readable;      /* ControlPortFileGroupReadable */
  const char *datadir;
  /* The version string reported by PROTOCOLINFO and GETINFO version. */
  const char *version;
  /* Called when a connection that took ownership (TAKEOWNERSHIP) closes:
   * tor exits then. */
  void (*owner_gone)(void);
} control_config_t;

/* Opens the listeners and writes the cookie and port files. The config is
 * copied. Returns 0, or -1 (logged) when a listener or file failed. With
 * no ControlPort and no ControlSocket it does nothing and returns 0. */
int control_start(struct event_base *base, const control_config_t *config);
/* Closes every connection and listener, removes the port file. */
void control_stop(void);
/* Whether the listeners are open. */
int control_is_running(void);

/* ---- for command handlers ---- */

/* Where a handler writes its one reply (proto_control's writers). */
struct evbuffer *control_conn_out(control_conn_t *conn);
/* Writes what is queued to the socket now, as far as it takes it (before
 * an action that may end the process). */
void control_conn_flush_now(control_conn_t *conn);
/* Closes the connection once its output is flushed (QUIT, auth failure). */
void control_conn_close_after_flush(control_conn_t *conn);
int control_conn_is_authenticated(const control_conn_t *conn);
/* Marks this connection as the owning controller (TAKEOWNERSHIP) or not. */
void control_conn_set_owner(control_conn_t *conn, int owner);
/* The connection whose command is being answered (GETINFO keys that
 * depend on it, as onions/current), or NULL. */
control_conn_t *control_current_conn(void);
/* A number for this connection, unique in the process. */
unsigned control_conn_id(const control_conn_t *conn);
/* Every open connection, for the events module: iterate with
 * control_conn_first() / control_conn_next(). */
control_conn_t *control_conn_first(void);
control_conn_t *control_conn_next(control_conn_t *conn);
/* Per-connection event state owned by control_events.c. */
struct control_event_state_t *control_conn_event_state(control_conn_t *conn);
/* Queues an event's bytes (already formatted) unless the connection's
 * output is over the bound, in which case it is closed. */
void control_conn_queue_event(control_conn_t *conn, const char *data, size_t len);

typedef void (*control_command_fn)(control_conn_t *conn, const control_cmd_t *cmd);
/* Adds or replaces the handler of a command (keyword matched
 * case-insensitively). The keyword string must outlive the table. */
void control_register_command(const char *keyword, control_command_fn fn);

/* Answers one GETINFO key: returns 0 with *answer a new string (the value,
 * free()d by the caller), 0 with *answer NULL if the key is not known,
 * or -1 with *errmsg set (reply 551). */
typedef int (*control_getinfo_fn)(const char *key, char **answer, const char **errmsg);
/* A key ("version") or, with is_prefix, a family ("md/id/"); doc is
 * listed by info/names. Strings must outlive the table. */
void control_register_getinfo(const char *key, int is_prefix, const char *doc,
                              control_getinfo_fn fn);
/* The answer to one key, as control_getinfo_fn (used by GETINFO). */
int control_getinfo_answer(const char *key, char **answer, const char **errmsg);
/* For answers built in an evbuffer: its bytes as a NUL-terminated string
 * the caller owns (NULL without memory); b is freed in any case. */
char *control_evbuffer_to_answer(struct evbuffer *b);

/* The built-in commands and keys (control_cmds.c, control_getinfo.c). */
void control_cmds_register(void);
void control_getinfo_register(void);

/* Addresses of the open control listeners ("127.0.0.1:9051" or paths),
 * for GETINFO net/listeners/control; returns how many (at most max). */
int control_listener_addresses(const char **out, int max);

#endif
