/* The GETINFO keys this layer can answer (control-spec §3.9): version,
 * process, bootstrap and directory status, listeners, traffic, event and
 * key names, and the directory documents as we hold them, verbatim
 * (onionbalance hashes each microdescriptor against the consensus). Keys
 * about the options are registered by the app layer. */
#include "orconfig.h"
#include "feature/control/control.h"
#include "feature/control/control_auth_state.h"
#include "feature/control/control_events.h"
#include "core/mainloop/bootstrap.h"
#include "core/or/channel_tls.h"
#include "feature/client/client.h"
#include "feature/client/socks_port.h"
#include "feature/dirclient/dirstate.h"
#include "lib/encoding/base16.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

char *control_getinfo_names(void);

static char *
printf_dup(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *
printf_dup(const char *fmt, ...)
{
  va_list ap;
  char *s = NULL;
  va_start(ap, fmt);
  if (vasprintf(&s, fmt, ap) < 0)
    s = NULL;
  va_end(ap);
  return s;
}

static int
gi_version(const char *key, char **answer, const char **errmsg)
{
  (void)key; (void)errmsg;
  *answer = strdup(control_get_config()->version);
  return 0;
}

static int
gi_process(const char *key, char **answer, const char **errmsg)
{
  (void)errmsg;
  if (!strcmp(key, "process/pid")) {
    *answer = printf_dup("%d", (int)getpid());
  } else if (!strcmp(key, "process/uid")) {
    *answer = printf_dup("%d", (int)getuid());
  } else if (!strcmp(key, "process/user")) {
    struct passwd *pw = getpwuid(getuid());
    *answer = strdup(pw && pw->pw_name ? pw->pw_name : "");
  } else if (!strcmp(key, "process/descriptor-limit")) {
    struct rlimit rl;
    long lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (long)rl.rlim_cur : -1;
    *answer = printf_dup("%ld", lim);
  }
  return 0;
}

static int
gi_status(const char *key, char **answer, const char **errmsg)
{
  (void)errmsg;
  const struct dirstate_t *ds = client_dirstate();
  if (!strcmp(key, "status/bootstrap-phase")) {
    int pct = bootstrap_percent();
    /* The phase we are in is the last one reached. */
    const char *tag = bootstrap_phase_tag((bootstrap_phase_t)pct);
    const char *summary = bootstrap_phase_summary((bootstrap_phase_t)pct);
    char *q = control_quote(summary, strlen(summary));
    *answer = printf_dup("NOTICE BOOTSTRAP PROGRESS=%d TAG=%s SUMMARY=%s", pct, tag,
                         q ? q : "\"\"");
    free(q);
  } else if (!strcmp(key, "status/circuit-established")) {
    *answer = strdup(client_is_bootstrapped() ? "1" : "0");
  } else if (!strcmp(key, "status/enough-dir-info")) {
    *answer = strdup(ds && ds->nodes ? "1" : "0");
  } else if (!strcmp(key, "status/version/current")) {
    /* tor's answers without a consensus, and when the consensus
     * recommends no versions (private networks); we are never on a real
     * consensus's list either. */
    *answer = strdup(ds && ds->consensus ? "none recommended" : "unknown");
  } else if (!strcmp(key, "status/version/recommended")) {
    *answer = strdup("");
  }
  return 0;
}

static char *
join_addresses(const char **addrs, int n)
{
  size_t cap = 1;
  for (int i = 0; i < n; i++)
    cap += strlen(addrs[i]) * 4 + 4;
  char *out = malloc(cap);
  if (!out)
    return NULL;
  size_t len = 0;
  out[0] = '\0';
  for (int i = 0; i < n; i++) {
    char *q = control_quote(addrs[i], strlen(addrs[i]));
    if (!q)
      continue;
    len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", q);
    free(q);
  }
  return out;
}

static int
gi_listeners(const char *key, char **answer, const char **errmsg)
{
  const char *addrs[32];
  int n;
  (void)errmsg;
  if (!strcmp(key, "net/listeners/socks"))
    n = socks_ports_addresses(addrs, 32);
  else if (!strcmp(key, "net/listeners/control"))
    n = control_listener_addresses(addrs, 32);
  else if (!strncmp(key, "net/listeners/", 14))
    n = 0;    /* or, dir, trans, natd, dns, extor, httptunnel, metrics */
  else
    return 0;
  *answer = join_addresses(addrs, n);
  return 0;
}

static int
gi_traffic(const char *key, char **answer, const char **errmsg)
{
  uint64_t r, w;
  (void)errmsg;
  channel_total_bytes(&r, &w);
  if (!strcmp(key, "traffic/read"))
    *answer = printf_dup("%llu", (unsigned long long)r);
  else if (!strcmp(key, "traffic/written"))
    *answer = printf_dup("%llu", (unsigned long long)w);
  return 0;
}

static int
gi_names(const char *key, char **answer, const char **errmsg)
{
  (void)errmsg;
  if (!strcmp(key, "events/names"))
    *answer = strdup(control_event_all_names());
  else if (!strcmp(key, "info/names"))
    *answer = control_getinfo_names();
  else if (!strcmp(key, "features/names"))
    *answer = strdup("VERBOSE_NAMES EXTENDED_EVENTS");
  return 0;
}

static int
gi_consensus(const char *key, char **answer, const char **errmsg)
{
  (void)key;
  const struct dirstate_t *ds = client_dirstate();
  if (!ds || !ds->consensus_text) {
    /* tor's text (its option is about caches; we always keep it). */
    *errmsg = "Could not open cached consensus. Make sure FetchUselessDescriptors is set "
              "to 1.";
    return -1;
  }
  *answer = strndup(ds->consensus_text, ds->consensus_len);
  return 0;
}

/* Appends one microdescriptor's text, with a line end. */
static void
add_md(char **out, size_t *len, size_t *cap, const char *text, size_t n)
{
  if (*len + n + 2 > *cap) {
    size_t ncap = (*len + n + 2) * 2;
    char *p = realloc(*out, ncap);
    if (!p)
      return;
    *out = p;
    *cap = ncap;
  }
  memcpy(*out + *len, text, n);
  *len += n;
  if (n && text[n - 1] != '\n')
    (*out)[(*len)++] = '\n';
  (*out)[*len] = '\0';
}

static int
gi_microdescs(const char *key, char **answer, const char **errmsg)
{
  const struct dirstate_t *ds = client_dirstate();
  size_t cap = 1, len = 0;
  char *out;
  if (!ds || !ds->mds) {
    if (!strcmp(key, "md/all")) {
      *answer = strdup("");
      return 0;
    }
    *errmsg = "No such descriptor";   /* md/id/ before we have any */
    return -1;
  }
  if (!strcmp(key, "md/all")) {
    out = calloc(1, cap);
    for (size_t i = 0; out && i < ds->mds->n; i++) {
      const microdesc_t *md = &ds->mds->mds[i];
      if (md->text_offset + md->text_len <= ds->md_len)
        add_md(&out, &len, &cap, ds->md_text + md->text_offset, md->text_len);
    }
    *answer = out;
    return 0;
  }
  if (strncmp(key, "md/id/", 6))
    return 0;
  /* md/id/<hex fingerprint>, optionally with a leading '$'. */
  const char *fp = key + 6;
  if (*fp == '$')
    fp++;
  uint8_t id[20];
  if (strlen(fp) != 40 || base16_decode(id, sizeof(id), fp, 40) != 20)
    return 0;
  const node_t *node = ds->nodes ? nodelist_find(ds->nodes, id) : NULL;
  const microdesc_t *md = NULL;
  for (size_t i = 0; node && node->has_microdesc && i < ds->mds->n && !md; i++)
    if (!memcmp(ds->mds->mds[i].digest, node->md_digest, 32))
      md = &ds->mds->mds[i];
  if (!md || md->text_offset + md->text_len > ds->md_len) {
    *errmsg = "No such descriptor";
    return -1;
  }
  out = calloc(1, cap);
  if (out)
    add_md(&out, &len, &cap, ds->md_text + md->text_offset, md->text_len);
  *answer = out;
  return 0;
}

static int
gi_streams(const char *key, char **answer, const char **errmsg)
{
  (void)key; (void)errmsg;
  *answer = socks_ports_stream_status();
  return *answer ? 0 : -1;
}

void
control_getinfo_register(void)
{
  control_register_getinfo("version", 0, "The current version of Tor.", gi_version);
  control_register_getinfo("process/pid", 0, "Process id belonging to the main tor "
                           "process.", gi_process);
  control_register_getinfo("process/uid", 0, "User id running the tor process.",
                           gi_process);
  control_register_getinfo("process/user", 0, "Username under which the tor process "
                           "is running.", gi_process);
  control_register_getinfo("process/descriptor-limit", 0, "File descriptor limit.",
                           gi_process);
  control_register_getinfo("status/bootstrap-phase", 0, "The last bootstrap phase "
                           "status event that Tor sent.", gi_status);
  control_register_getinfo("status/circuit-established", 0, "Whether we think client "
                           "functionality is working.", gi_status);
  control_register_getinfo("status/enough-dir-info", 0, "Whether we have enough "
                           "up-to-date directory information to build circuits.",
                           gi_status);
  control_register_getinfo("status/version/current", 0, "Status of the current "
                           "version.", gi_status);
  control_register_getinfo("status/version/recommended", 0, "List of currently "
                           "recommended versions.", gi_status);
  control_register_getinfo("net/listeners/", 1, "Bound addresses by type",
                           gi_listeners);
  control_register_getinfo("traffic/read", 0, "Bytes read since the process was "
                           "started.", gi_traffic);
  control_register_getinfo("traffic/written", 0, "Bytes written since the process "
                           "was started.", gi_traffic);
  control_register_getinfo("events/names", 0, "Events that the controller can ask "
                           "for with SETEVENTS.", gi_names);
  control_register_getinfo("info/names", 0, "List of GETINFO options, types, and "
                           "documentation.", gi_names);
  control_register_getinfo("features/names", 0, "What arguments can USEFEATURE take?",
                           gi_names);
  control_register_getinfo("dir/status-vote/current/consensus-microdesc", 0,
                           "v3 Microdescriptor consensus as retrieved from a DirPort.",
                           gi_consensus);
  control_register_getinfo("md/all", 0, "All known microdescriptors.", gi_microdescs);
  control_register_getinfo("md/id/", 1, "Microdescriptors by ID", gi_microdescs);
  control_register_getinfo("circuit-status", 0, "List of current circuits "
                           "originating here.", control_getinfo_circuit_status);
  control_register_getinfo("stream-status", 0, "List of current streams.", gi_streams);
  control_register_getinfo("orconn-status", 0, "A list of current OR connections.",
                           control_getinfo_orconn_status);
  control_register_getinfo("network-liveness", 0, "Current opinion on whether the "
                           "network is live", control_getinfo_network_liveness);
}
