/* Control port listeners, connections and dispatch: see control.h. */
#include "orconfig.h"
#include "feature/control/control.h"
#include "feature/control/control_addr.h"
#include "feature/control/control_auth_state.h"
#include "feature/control/control_events.h"
#include "feature/control/control_onion.h"
#include "core/mainloop/listener.h"
#include "lib/conf/portspec.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_LISTENERS 16
#define MAX_COMMANDS 64
#define MAX_GETINFO 96

struct control_conn_t {
  control_conn_t *next, *prev;
  struct bufferevent *bev;
  unsigned id;
  int closing;              /* flushing, then closing; reads ignored */
  int free_scheduled;       /* deferred_free_cb will free it */
  int is_owner;
  size_t preauth_bytes;     /* bytes received before authenticating */
  control_auth_state_t auth;
  control_event_state_t events;
};

typedef struct command_entry_t {
  const char *keyword;
  control_command_fn fn;
} command_entry_t;

typedef struct getinfo_entry_t {
  const char *key;
  int is_prefix;
  const char *doc;
  control_getinfo_fn fn;
} getinfo_entry_t;

static listener_t *listeners[MAX_LISTENERS];
static int n_listeners;
static int running;
static control_conn_t *all_conns;
static unsigned next_conn_id = 1;
static command_entry_t commands[MAX_COMMANDS];
static int n_commands;
static getinfo_entry_t getinfo_keys[MAX_GETINFO];
static int n_getinfo;
static control_config_t config;
static char *port_file_written;
static control_conn_t *current_conn;

/* ---- tables ---- */

/* The built-in commands and keys go in first, so that other modules'
 * registrations (before or after control_start) replace or extend them. */
static void
ensure_builtins(void)
{
  static int done;
  if (done)
    return;
  done = 1;
  control_cmds_register();
  control_getinfo_register();
}

void
control_register_command(const char *keyword, control_command_fn fn)
{
  ensure_builtins();
  for (int i = 0; i < n_commands; i++)
    if (!strcasecmp(commands[i].keyword, keyword)) {
      commands[i].fn = fn;
      return;
    }
  if (n_commands == MAX_COMMANDS) {
    log_warn(LD_BUG, "Control command table is full; %s not registered.", keyword);
    return;
  }
  commands[n_commands].keyword = keyword;
  commands[n_commands].fn = fn;
  n_commands++;
}

void
control_register_getinfo(const char *key, int is_prefix, const char *doc,
                         control_getinfo_fn fn)
{
  ensure_builtins();
  for (int i = 0; i < n_getinfo; i++)
    if (!strcmp(getinfo_keys[i].key, key)) {
      getinfo_keys[i].fn = fn;
      getinfo_keys[i].doc = doc;
      getinfo_keys[i].is_prefix = is_prefix;
      return;
    }
  if (n_getinfo == MAX_GETINFO) {
    log_warn(LD_BUG, "GETINFO table is full; %s not registered.", key);
    return;
  }
  getinfo_keys[n_getinfo].key = key;
  getinfo_keys[n_getinfo].is_prefix = is_prefix;
  getinfo_keys[n_getinfo].doc = doc;
  getinfo_keys[n_getinfo].fn = fn;
  n_getinfo++;
}

int
control_getinfo_answer(const char *key, char **answer, const char **errmsg)
{
  *answer = NULL;
  /* Keys are case-sensitive, as in tor ("VERSION" is unknown); an exact
   * key wins over a prefix family. */
  for (int i = 0; i < n_getinfo; i++)
    if (!getinfo_keys[i].is_prefix && !strcmp(getinfo_keys[i].key, key))
      return getinfo_keys[i].fn(key, answer, errmsg);
  for (int i = 0; i < n_getinfo; i++)
    if (getinfo_keys[i].is_prefix &&
        !strncmp(getinfo_keys[i].key, key, strlen(getinfo_keys[i].key)))
      return getinfo_keys[i].fn(key, answer, errmsg);
  return 0;
}

/* "key -- doc\n" for every key, for info/names (prefixes end in '*'). */
char *control_getinfo_names(void);
char *
control_getinfo_names(void)
{
  size_t cap = 256;
  for (int i = 0; i < n_getinfo; i++)
    cap += strlen(getinfo_keys[i].key) + strlen(getinfo_keys[i].doc) + 8;
  char *out = malloc(cap);
  if (!out)
    return NULL;
  size_t len = 0;
  for (int i = 0; i < n_getinfo; i++)
    len += (size_t)snprintf(out + len, cap - len, "%s%s -- %s\n", getinfo_keys[i].key,
                            getinfo_keys[i].is_prefix ? "*" : "", getinfo_keys[i].doc);
  if (len && out[len - 1] == '\n')
    out[--len] = '\0';
  return out;
}

/* ---- connections ---- */

struct evbuffer *
control_conn_out(control_conn_t *conn)
{
  return bufferevent_get_output(conn->bev);
}

int
control_conn_is_authenticated(const control_conn_t *conn)
{
  return conn->auth.authenticated;
}

void
control_conn_set_owner(control_conn_t *conn, int owner)
{
  conn->is_owner = owner;
}

control_conn_t *
control_current_conn(void)
{
  return current_conn;
}

unsigned
control_conn_id(const control_conn_t *conn)
{
  return conn->id;
}

control_conn_t *
control_conn_first(void)
{
  return all_conns;
}

control_conn_t *
control_conn_next(control_conn_t *conn)
{
  return conn->next;
}

struct control_event_state_t *
control_conn_event_state(control_conn_t *conn)
{
  return &conn->events;
}

control_auth_state_t *
control_conn_auth_state(control_conn_t *conn)
{
  return &conn->auth;
}

const control_config_t *
control_get_config(void)
{
  return &config;
}

static void
control_conn_free(control_conn_t *c)
{
  int was_owner = c->is_owner;
  control_onion_conn_closed(c);
  if (c->prev)
    c->prev->next = c->next;
  else
    all_conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  bufferevent_free(c->bev);
  memset(c, 0, sizeof(*c));
  free(c);
  control_events_update();
  if (was_owner && config.owner_gone) {
    log_notice(LD_CONTROL, "Owning controller connection has closed -- exiting now.");
    config.owner_gone();
  }
}

void
control_conn_flush_now(control_conn_t *conn)
{
  struct evbuffer *out = bufferevent_get_output(conn->bev);
  evutil_socket_t fd = bufferevent_getfd(conn->bev);
  while (fd >= 0 && evbuffer_get_length(out) > 0)
    if (evbuffer_write(out, fd) <= 0)
      break;
}

/* arg is the connection's id, so a connection freed meanwhile (by
 * control_stop) is not freed twice. */
static void
deferred_free_cb(evutil_socket_t fd, short what, void *arg)
{
  unsigned id = (unsigned)(uintptr_t)arg;
  (void)fd; (void)what;
  for (control_conn_t *c = all_conns; c; c = c->next)
    if (c->id == id) {
      control_conn_free(c);
      return;
    }
}

void
control_conn_close_after_flush(control_conn_t *conn)
{
  if (conn->closing)
    return;
  conn->closing = 1;
  bufferevent_disable(conn->bev, EV_READ);
  if (evbuffer_get_length(bufferevent_get_output(conn->bev)) == 0) {
    /* Never free here: a handler or an event emitter up the stack may
     * still hold conn. The next loop turn frees it. */
    conn->free_scheduled = 1;
    bufferevent_disable(conn->bev, EV_WRITE);
    struct timeval now = { 0, 0 };
    if (event_base_once(bufferevent_get_base(conn->bev), -1, EV_TIMEOUT, deferred_free_cb,
                        (void *)(uintptr_t)conn->id, &now) < 0)
      conn->free_scheduled = 0;   /* then the write or event callback frees it */
  }
}

void
control_conn_queue_event(control_conn_t *conn, const char *data, size_t len)
{
  if (conn->closing)
    return;
  struct evbuffer *out = bufferevent_get_output(conn->bev);
  if (evbuffer_get_length(out) + len > CONTROL_MAX_OUTBUF) {
    log_notice(LD_CONTROL, "Control connection %u is not reading its events; "
               "closing it.", conn->id);
    /* Drop what it did not read: it will never get it anyway. */
    evbuffer_drain(out, evbuffer_get_length(out));
    control_conn_close_after_flush(conn);
    return;
  }
  evbuffer_add(out, data, len);
}

static const char *const preauth_commands[] = {
  "PROTOCOLINFO", "AUTHCHALLENGE", "AUTHENTICATE", "QUIT",
};

static int
allowed_before_auth(const char *keyword)
{
  for (size_t i = 0; i < sizeof(preauth_commands) / sizeof(preauth_commands[0]); i++)
    if (!strcasecmp(keyword, preauth_commands[i]))
      return 1;
  return 0;
}

static void
dispatch(control_conn_t *c, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(c);
  /* After AUTHCHALLENGE only AUTHENTICATE (or QUIT) may follow. */
  if (!c->auth.authenticated && (!allowed_before_auth(cmd->keyword) ||
      (c->auth.got_challenge && strcasecmp(cmd->keyword, "AUTHENTICATE") &&
       strcasecmp(cmd->keyword, "QUIT")))) {
    control_write_end(out, 514, "Authentication required.");
    control_conn_close_after_flush(c);
    return;
  }
  for (int i = 0; i < n_commands; i++)
    if (!strcasecmp(commands[i].keyword, cmd->keyword)) {
      current_conn = c;
      commands[i].fn(c, cmd);
      current_conn = NULL;
      return;
    }
  char name[CONTROL_MAX_KEYWORD + 2];
  snprintf(name, sizeof(name), "%s%s", cmd->is_data ? "+" : "", cmd->keyword);
  char *q = control_quote(name, strlen(name));
  /* tor quotes the keyword as it came: Unrecognized command "+FOO". */
  control_write_endf(out, 510, "Unrecognized command %s", q ? q : "\"\"");
  free(q);
}

/* Controllers that speak HTTP to the control port (a browser, a
 * misconfigured proxy) get tor's HTTP answer and are closed. */
static int
looks_like_http(const uint8_t *data, size_t len)
{
  static const char *const methods[] = { "GET ", "POST ", "CONNECT ", "PUT ", "HEAD " };
  for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
    size_t m = strlen(methods[i]);
    if (len >= m && !memcmp(data, methods[i], m))
      return 1;
  }
  return 0;
}

static void
process_input(control_conn_t *c)
{
  struct evbuffer *in = bufferevent_get_input(c->bev);
  while (!c->closing) {
    size_t len = evbuffer_get_length(in);
    if (len == 0)
      return;
    if (!c->auth.authenticated && c->preauth_bytes == 0 && len >= 4 &&
        looks_like_http(evbuffer_pullup(in, (ev_ssize_t)(len < 8 ? len : 8)),
                        len < 8 ? len : 8)) {
      static const char http_reply[] =
        "HTTP/1.0 501 Tor ControlPort is not an HTTP proxy\r\n"
        "Content-Type: text/html; charset=iso-8859-1\r\n\r\n"
        "<html>\n<head>\n<title>This is the Tor ControlPort, not an HTTP proxy</title>\n"
        "</head>\n<body>\n<h1>This is the Tor ControlPort, not an HTTP proxy</h1>\n"
        "</body>\n</html>\n";
      evbuffer_drain(in, len);
      evbuffer_add(control_conn_out(c), http_reply, sizeof(http_reply) - 1);
      log_notice(LD_CONTROL, "Received HTTP request on ControlPort");
      control_conn_close_after_flush(c);
      return;
    }
    /* Before authenticating, everything sent counts against one bound. */
    size_t max = c->auth.authenticated ? CONTROL_MAX_COMMAND
                 : CONTROL_MAX_PREAUTH_BYTES - c->preauth_bytes;
    size_t look = len < max + 1 ? len : max + 1;
    const uint8_t *data = evbuffer_pullup(in, (ev_ssize_t)look);
    control_cmd_t cmd;
    size_t consumed = 0;
    const char *err = NULL;
    control_read_status_t st = control_read_command(data, look, max, &cmd, &consumed, &err);
    if (st == CONTROL_READ_NEED_MORE)
      return;
    if (st == CONTROL_READ_BAD && c->auth.authenticated && err &&
        !strcmp(err, "Keyword too long")) {
      /* No command has such a name: tor answers it as any unknown one,
       * echoing the whole keyword, and goes on. */
      const uint8_t *lf = memchr(data, '\n', look);
      size_t line = lf ? (size_t)(lf - data) + 1 : look;
      size_t kw = 0;
      while (kw < line && data[kw] != ' ' && data[kw] != '\r' && data[kw] != '\n')
        kw++;
      char *q = control_quote((const char *)data, kw);
      control_write_endf(control_conn_out(c), 510, "Unrecognized command %s",
                         q ? q : "\"\"");
      free(q);
      evbuffer_drain(in, line);
      continue;
    }
    if (st == CONTROL_READ_TOO_LONG || st == CONTROL_READ_BAD) {
      evbuffer_drain(in, len);
      if (!c->auth.authenticated) {
        control_write_end(control_conn_out(c), 514, "Authentication required.");
      } else {
        control_write_end(control_conn_out(c), 500,
                          st == CONTROL_READ_TOO_LONG ? "Line too long." : err ? err
                          : "Protocol error");
      }
      log_info(LD_CONTROL, "Closing control connection %u: %s", c->id,
               err ? err : "bad input");
      control_conn_close_after_flush(c);
      return;
    }
    evbuffer_drain(in, consumed);
    if (!c->auth.authenticated)
      c->preauth_bytes += consumed < max ? consumed : max;
    dispatch(c, &cmd);
    control_cmd_clear(&cmd);
  }
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
  control_conn_t *c = arg;
  (void)bev;
  process_input(c);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
  control_conn_t *c = arg;
  if (c->closing && !c->free_scheduled &&
      evbuffer_get_length(bufferevent_get_output(bev)) == 0)
    control_conn_free(c);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
  control_conn_t *c = arg;
  (void)bev;
  if ((what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) && !c->free_scheduled)
    control_conn_free(c);
}

static void
accept_cb(struct event_base *base, int fd, const char *peer, uint16_t peer_port,
          void *arg)
{
  (void)arg; (void)peer_port;
  control_conn_t *c = calloc(1, sizeof(*c));
  if (!c) {
    close(fd);
    return;
  }
  c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  if (!c->bev) {
    close(fd);
    free(c);
    return;
  }
  c->id = next_conn_id++;
  c->next = all_conns;
  if (all_conns)
    all_conns->prev = c;
  all_conns = c;
  log_info(LD_CONTROL, "New control connection %u from %s.", c->id, peer);
  bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
  bufferevent_enable(c->bev, EV_READ);
}

/* ---- start and stop ---- */

static char *
dup_or_null(const char *s)
{
  return s ? strdup(s) : NULL;
}

static int
open_port(struct event_base *base, const char *option, const char *value)
{
  char err[512];
  port_spec_t spec;
  if (port_spec_parse(option, value, "127.0.0.1", PORTFLAGS_CONTROL_ALLOWED, 0, &spec,
                      err, sizeof(err)) < 0) {
    log_warn(LD_CONFIG, "%s", err);
    return -1;
  }
  if (spec.port == 0 && !spec.unix_path[0])
    return 0;
  if (n_listeners == MAX_LISTENERS) {
    log_warn(LD_CONFIG, "Too many ControlPort and ControlSocket lines (at most %d).",
             MAX_LISTENERS);
    return -1;
  }
  listener_t *l = listener_open(base, "Control", &spec, accept_cb, NULL);
  if (!l)
    return -1;
  listeners[n_listeners++] = l;
  return 0;
}

/* ControlPortWriteToFile: "PORT=ADDR:PORT" and "UNIX_PORT=PATH" lines. */
static int
write_port_file(void)
{
  char buf[4096], err[512];
  size_t len = 0;
  for (int i = 0; i < n_listeners; i++) {
    const port_spec_t *spec = listener_spec(listeners[i]);
    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s=%s\n",
                            spec->unix_path[0] ? "UNIX_PORT" : "PORT",
                            listener_address(listeners[i]));
    if (len >= sizeof(buf))
      return -1;
  }
  if (fs_write_file_atomic(config.port_write_to_file, buf, len,
                           config.port_file_group_readable ? 0640 : 0600, err,
                           sizeof(err)) < 0) {
    log_warn(LD_CONTROL, "Couldn't write ControlPortWriteToFile %s: %s",
             config.port_write_to_file, err);
    return -1;
  }
  port_file_written = strdup(config.port_write_to_file);
  return 0;
}

int
control_start(struct event_base *base, const control_config_t *cfg)
{
  if (running)
    control_stop();
  if (!cfg->ports && !cfg->sockets)
    return 0;
  config = *cfg;
  config.cookie_file = dup_or_null(cfg->cookie_file);
  config.port_write_to_file = dup_or_null(cfg->port_write_to_file);
  config.datadir = dup_or_null(cfg->datadir);
  config.version = dup_or_null(cfg->version);
  config.ports = config_lines_dup(cfg->ports);
  config.sockets = config_lines_dup(cfg->sockets);
  config.hashed_passwords = config_lines_dup(cfg->hashed_passwords);
  running = 1;
  ensure_builtins();
  int rv = 0;
  for (const config_line_t *l = config.ports; l && rv == 0; l = l->next)
    rv = open_port(base, "ControlPort", l->value);
  for (const config_line_t *l = config.sockets; l && rv == 0; l = l->next) {
    char value[300];
    snprintf(value, sizeof(value), "unix:%s", l->value);
    rv = open_port(base, "ControlSocket", value);
  }
  if (rv == 0)
    rv = control_auth_setup();
  if (rv == 0 && config.port_write_to_file)
    rv = write_port_file();
  if (rv < 0) {
    control_stop();
    return -1;
  }
  control_events_start(base);
  return 0;
}

void
control_stop(void)
{
  while (all_conns) {
    all_conns->is_owner = 0;
    control_conn_free(all_conns);
  }
  for (int i = 0; i < n_listeners; i++)
    listener_close(listeners[i]);
  n_listeners = 0;
  if (port_file_written) {
    unlink(port_file_written);
    free(port_file_written);
    port_file_written = NULL;
  }
  control_events_stop();
  control_auth_teardown();
  control_addr_stop();
  if (running) {
    free((char *)config.cookie_file);
    free((char *)config.port_write_to_file);
    free((char *)config.datadir);
    free((char *)config.version);
    config_lines_free((config_line_t *)config.ports);
    config_lines_free((config_line_t *)config.sockets);
    config_lines_free((config_line_t *)config.hashed_passwords);
  }
  memset(&config, 0, sizeof(config));
  running = 0;
}

int
control_is_running(void)
{
  return running;
}

int
control_listener_addresses(const char **out, int max)
{
  int n = 0;
  for (int i = 0; i < n_listeners && n < max; i++)
    out[n++] = listener_address(listeners[i]);
  return n;
}

char *
control_evbuffer_to_answer(struct evbuffer *b)
{
  size_t len = evbuffer_get_length(b);
  char *s = malloc(len + 1);
  if (s) {
    evbuffer_remove(b, s, len);
    s[len] = '\0';
  }
  evbuffer_free(b);
  return s;
}
