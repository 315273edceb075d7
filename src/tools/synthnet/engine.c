/* synthnet engine: apps, links between them, the breath loop and the
 * counters. */
#include "orconfig.h"
#include "src/tools/synthnet/synthnet.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <poll.h>
#include <time.h>

const struct sn_app_class *const sn_app_classes[] = {
  &sn_app_source, &sn_app_sink, &sn_app_tap, &sn_app_loss, &sn_app_delay,
  &sn_app_rate, &sn_app_reorder, &sn_app_duplicate, &sn_app_corrupt,
  &sn_app_rawsocket, NULL };

const struct sn_app_class *
sn_app_class_find(const char *name)
{
  for (int i = 0; sn_app_classes[i]; i++)
    if (!strcasecmp(sn_app_classes[i]->name, name))
      return sn_app_classes[i];
  return NULL;
}

struct sn_engine *
sn_engine_new(uint64_t seed)
{
  struct sn_engine *e = calloc(1, sizeof(*e));
  if (!e)
    return NULL;
  e->seed = seed;
  e->time_apps = 1;
  e->now_ns = sn_monotonic_ns();
  e->realtime_ns = sn_realtime_ns();
  return e;
}

void
sn_engine_free(struct sn_engine *e)
{
  if (!e)
    return;
  for (int i = 0; i < e->napps; i++) {
    struct sn_app *a = e->apps[i];
    if (a->cls->stop)
      a->cls->stop(a);
    free(a);
  }
  for (int i = 0; i < e->nlinks; i++)
    sn_link_free(e->links[i]);
  free(e);
}

static int
valid_name(const char *s)
{
  if (!*s || strlen(s) >= 32)
    return 0;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
      return 0;
  return 1;
}

struct sn_app *
sn_engine_app(struct sn_engine *e, const char *name)
{
  for (int i = 0; i < e->napps; i++)
    if (!strcmp(e->apps[i]->name, name))
      return e->apps[i];
  return NULL;
}

struct sn_app *
sn_engine_add_app(struct sn_engine *e, const char *name, const char *clsname,
                  const char *argtext, char *err, size_t errlen)
{
  const struct sn_app_class *cls = sn_app_class_find(clsname);
  if (!cls) {
    snprintf(err, errlen, "unknown app class \"%s\"", clsname);
    return NULL;
  }
  if (!valid_name(name)) {
    snprintf(err, errlen, "bad app name \"%s\" (letters, digits, _ and -)",
             name);
    return NULL;
  }
  if (sn_engine_app(e, name)) {
    snprintf(err, errlen, "two apps named \"%s\"", name);
    return NULL;
  }
  if (e->napps == SN_MAX_APPS) {
    snprintf(err, errlen, "too many apps");
    return NULL;
  }
  struct sn_args args;
  if (sn_args_parse(&args, argtext) < 0) {
    snprintf(err, errlen, "app %s: %s", name, args.err);
    sn_args_clear(&args);
    return NULL;
  }
  struct sn_app *app = calloc(1, sizeof(*app));
  if (!app) {
    snprintf(err, errlen, "out of memory");
    sn_args_clear(&args);
    return NULL;
  }
  snprintf(app->name, sizeof(app->name), "%s", name);
  app->cls = cls;
  app->engine = e;
  /* Each app's random stream depends on the engine seed and its name, so
   * adding an app does not change what the others draw. */
  uint64_t h = 1469598103934665603ULL;
  for (const char *s = name; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  sn_rng_seed(&app->rng, e->seed ^ h);

  char ierr[200] = "";
  int rc = cls->init ? cls->init(app, &args, ierr, sizeof(ierr)) : 0;
  if (rc == 0 && args.err[0]) {
    snprintf(ierr, sizeof(ierr), "%s", args.err);
    rc = -1;
  }
  if (rc == 0) {
    for (int i = 0; i < args.n; i++) {
      if (!args.used[i]) {
        snprintf(ierr, sizeof(ierr), "unknown argument \"%s\" (%s takes: %s)",
                 args.key[i], cls->name, cls->usage);
        rc = -1;
        break;
      }
    }
  }
  sn_args_clear(&args);
  if (rc < 0) {
    snprintf(err, errlen, "app %s (%s): %s", name, cls->name,
             ierr[0] ? ierr : "cannot start");
    if (cls->stop)
      cls->stop(app);
    free(app);
    return NULL;
  }
  e->apps[e->napps++] = app;
  return app;
}

/* Splits "app.port" into the app and the port name. */
static struct sn_app *
resolve(struct sn_engine *e, const char *spec, char *port, size_t portlen,
        char *err, size_t errlen)
{
  const char *dot = strrchr(spec, '.');
  if (!dot || dot == spec || !dot[1]) {
    snprintf(err, errlen, "\"%s\" is not APP.PORT", spec);
    return NULL;
  }
  char name[64];
  snprintf(name, sizeof(name), "%.*s", (int)(dot - spec), spec);
  struct sn_app *app = sn_engine_app(e, name);
  if (!app) {
    snprintf(err, errlen, "no app named \"%s\"", name);
    return NULL;
  }
  if (!valid_name(dot + 1)) {
    snprintf(err, errlen, "bad port name in \"%s\"", spec);
    return NULL;
  }
  snprintf(port, portlen, "%s", dot + 1);
  return app;
}

static void
update_shortcuts(struct sn_app *app)
{
  app->input = app->nin ? app->in[0].link : NULL;
  app->output = app->nout ? app->out[0].link : NULL;
  for (int i = 0; i < app->nin; i++)
    if (!strcmp(app->in[i].name, "input"))
      app->input = app->in[i].link;
  for (int i = 0; i < app->nout; i++)
    if (!strcmp(app->out[i].name, "output"))
      app->output = app->out[i].link;
}

static int
add_port(struct sn_port *ports, int *n, const char *name, struct sn_link *l,
         const char *appname, char *err, size_t errlen)
{
  for (int i = 0; i < *n; i++) {
    if (!strcmp(ports[i].name, name)) {
      snprintf(err, errlen, "port %s.%s is already linked", appname, name);
      return -1;
    }
  }
  if (*n == SN_MAX_PORTS) {
    snprintf(err, errlen, "app %s has too many ports", appname);
    return -1;
  }
  snprintf(ports[*n].name, sizeof(ports[*n].name), "%s", name);
  ports[*n].link = l;
  (*n)++;
  return 0;
}

static struct sn_link *
connect_ends(struct sn_engine *e, const char *from, const char *to,
             char *err, size_t errlen)
{
  char fport[32] = "", tport[32] = "";
  struct sn_app *fa = NULL, *ta = NULL;
  if (from && !(fa = resolve(e, from, fport, sizeof(fport), err, errlen)))
    return NULL;
  if (to && !(ta = resolve(e, to, tport, sizeof(tport), err, errlen)))
    return NULL;
  if (e->nlinks == SN_MAX_LINKS) {
    snprintf(err, errlen, "too many links");
    return NULL;
  }
  char name[96];
  snprintf(name, sizeof(name), "%s -> %s", from ? from : "(test)",
           to ? to : "(test)");
  struct sn_link *l = sn_link_new(name);
  if (!l) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (fa && add_port(fa->out, &fa->nout, fport, l, fa->name, err, errlen) < 0) {
    free(l);
    return NULL;
  }
  if (ta && add_port(ta->in, &ta->nin, tport, l, ta->name, err, errlen) < 0) {
    if (fa)
      fa->nout--;
    free(l);
    return NULL;
  }
  l->from = fa;
  l->to = ta;
  if (fa)
    update_shortcuts(fa);
  if (ta)
    update_shortcuts(ta);
  e->links[e->nlinks++] = l;
  return l;
}

struct sn_link *
sn_engine_connect(struct sn_engine *e, const char *from, const char *to,
                  char *err, size_t errlen)
{
  return connect_ends(e, from, to, err, errlen);
}

struct sn_link *
sn_engine_feed(struct sn_engine *e, const char *to, char *err, size_t errlen)
{
  return connect_ends(e, NULL, to, err, errlen);
}

struct sn_link *
sn_engine_drain(struct sn_engine *e, const char *from, char *err,
                size_t errlen)
{
  return connect_ends(e, from, NULL, err, errlen);
}

/* Next whitespace-separated word of *s (modified in place), or NULL. */
static char *
next_word(char **s)
{
  char *p = *s;
  while (isspace((unsigned char)*p))
    p++;
  if (!*p)
    return NULL;
  char *w = p;
  while (*p && !isspace((unsigned char)*p))
    p++;
  if (*p)
    *p++ = '\0';
  *s = p;
  return w;
}

int
sn_engine_configure(struct sn_engine *e, const char *text, char *err,
                    size_t errlen)
{
  char *copy = strdup(text);
  if (!copy) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int rc = 0, lineno = 0;
  char *save = NULL;
  /* Statements end at a newline or ';'. Comments run to the end of the
   * line, so remove them first. */
  for (char *p = copy; *p; p++) {
    if (*p == '#')
      while (*p && *p != '\n')
        *p++ = ' ';
    if (!*p)
      break;
  }
  for (char *line = strtok_r(copy, "\n;", &save); line && rc == 0;
       line = strtok_r(NULL, "\n;", &save)) {
    lineno++;
    char *rest = line;
    char *kw = next_word(&rest);
    char e2[240] = "";
    if (!kw)
      continue;
    if (!strcmp(kw, "app")) {
      char *name = next_word(&rest);
      char *cls = next_word(&rest);
      if (!name || !cls) {
        snprintf(e2, sizeof(e2), "expected: app NAME CLASS [key=value ...]");
        rc = -1;
      } else if (!sn_engine_add_app(e, name, cls, rest, e2, sizeof(e2))) {
        rc = -1;
      }
    } else if (!strcmp(kw, "link")) {
      char *from = next_word(&rest);
      char *arrow = next_word(&rest);
      char *to = NULL;
      if (arrow && strcmp(arrow, "->"))
        to = arrow;
      else
        to = next_word(&rest);
      if (!from || !to || next_word(&rest)) {
        snprintf(e2, sizeof(e2), "expected: link APP.PORT -> APP.PORT");
        rc = -1;
      } else if (!sn_engine_connect(e, from, to, e2, sizeof(e2))) {
        rc = -1;
      }
    } else {
      snprintf(e2, sizeof(e2), "unknown statement \"%s\" (app or link)", kw);
      rc = -1;
    }
    if (rc < 0)
      snprintf(err, errlen, "statement %d: %s", lineno, e2);
  }
  free(copy);
  return rc;
}

void
sn_engine_start(struct sn_engine *e)
{
  /* Push apps in the order packets flow (Kahn's algorithm over the links);
   * apps in a cycle keep their configuration order at the end. */
  int indeg[SN_MAX_APPS] = { 0 }, done[SN_MAX_APPS] = { 0 };
  int n = 0;
  for (int i = 0; i < e->nlinks; i++)
    if (e->links[i]->from && e->links[i]->to && e->links[i]->from != e->links[i]->to)
      for (int j = 0; j < e->napps; j++)
        if (e->apps[j] == e->links[i]->to)
          indeg[j]++;
  for (int progress = 1; progress;) {
    progress = 0;
    for (int j = 0; j < e->napps; j++) {
      if (done[j] || indeg[j])
        continue;
      done[j] = 1;
      progress = 1;
      e->push_order[n++] = e->apps[j];
      for (int i = 0; i < e->nlinks; i++) {
        struct sn_link *l = e->links[i];
        if (l->from == e->apps[j] && l->to && l->to != l->from)
          for (int k = 0; k < e->napps; k++)
            if (e->apps[k] == l->to)
              indeg[k]--;
      }
      break; /* restart from the first app: keeps configuration order */
    }
  }
  for (int j = 0; j < e->napps; j++)
    if (!done[j])
      e->push_order[n++] = e->apps[j];
  e->started = 1;
}

void
sn_engine_watch_fd(struct sn_engine *e, int fd)
{
  if (e->nwatch < SN_MAX_APPS)
    e->watch_fds[e->nwatch++] = fd;
}

static uint64_t
links_tx_total(const struct sn_engine *e)
{
  uint64_t t = 0;
  for (int i = 0; i < e->nlinks; i++)
    t += e->links[i]->c.txpackets + e->links[i]->c.rxpackets;
  return t;
}

uint64_t
sn_engine_breathe(struct sn_engine *e)
{
  if (!e->started)
    sn_engine_start(e);
  if (!e->manual_clock) {
    e->now_ns = sn_monotonic_ns();
    e->realtime_ns = sn_realtime_ns();
  }
  uint64_t before = links_tx_total(e);
  uint64_t t = e->now_ns;
  e->next_deadline = UINT64_MAX;
  int timing = e->time_apps && !e->manual_clock;
  for (int i = 0; i < e->napps; i++) {
    struct sn_app *a = e->apps[i];
    if (a->cls->pull) {
      a->cls->pull(a);
      if (timing) {
        uint64_t t2 = sn_monotonic_ns();
        a->busy_ns += t2 - t;
        t = t2;
      }
    }
  }
  for (int i = 0; i < e->napps; i++) {
    struct sn_app *a = e->push_order[i];
    if (a->cls->push) {
      a->cls->push(a);
      if (timing) {
        uint64_t t2 = sn_monotonic_ns();
        a->busy_ns += t2 - t;
        t = t2;
      }
    }
  }
  e->breaths++;
  uint64_t moved = links_tx_total(e) - before;
  if (!moved)
    e->idle_breaths++;
  return moved;
}

/* Sleeps until a watched descriptor is readable or ns have passed. */
static void
idle_wait(struct sn_engine *e, uint64_t ns)
{
  struct pollfd pfd[SN_MAX_APPS];
  for (int i = 0; i < e->nwatch; i++) {
    pfd[i].fd = e->watch_fds[i];
    pfd[i].events = POLLIN;
    pfd[i].revents = 0;
  }
  struct timespec ts = { (time_t)(ns / 1000000000ULL),
                         (long)(ns % 1000000000ULL) };
  if (ppoll(pfd, (nfds_t)e->nwatch, &ts, NULL) < 0 && errno != EINTR)
    nanosleep(&ts, NULL);
}

void
sn_engine_run(struct sn_engine *e, const struct sn_run_opts *o)
{
  FILE *rep = o->report ? o->report : stderr;
  uint64_t start = sn_monotonic_ns();
  uint64_t end = o->duration_s > 0 ? start + (uint64_t)(o->duration_s * 1e9) : 0;
  uint64_t interval = (uint64_t)(o->report_interval_s * 1e9);
  uint64_t next_report = interval ? start + interval : 0;
  uint64_t last_report = start;
  unsigned idle_run = 0;
  if (!e->started)
    sn_engine_start(e);
  for (;;) {
    if (o->stop && *o->stop)
      break;
    uint64_t moved = sn_engine_breathe(e);
    uint64_t now = e->now_ns;
    if (end && now >= end)
      break;
    if (next_report && now >= next_report) {
      sn_engine_report(e, rep, (double)(now - last_report) / 1e9);
      last_report = now;
      next_report += interval;
      if (next_report < now)
        next_report = now + interval;
    }
    if (moved || o->busy) {
      idle_run = 0;
      continue;
    }
    /* Idle: after a few empty breaths, wait for a socket to be readable,
     * the earliest deadline of an app, the next report or the end; at most
     * 10 ms so that a Source-like app without descriptor still runs. */
    if (++idle_run < 8)
      continue;
    uint64_t wake = now + 10000000ULL;
    if (e->next_deadline < wake)
      wake = e->next_deadline;
    if (next_report && next_report < wake)
      wake = next_report;
    if (end && end < wake)
      wake = end;
    if (wake <= now)
      continue;
    idle_wait(e, wake - now);
    e->sleep_ns += sn_monotonic_ns() - now;
  }
}

static double
rate(uint64_t delta, double secs)
{
  return secs > 0 ? (double)delta / secs : 0;
}

void
sn_engine_report(struct sn_engine *e, FILE *f, double secs)
{
  static uint64_t last_breaths, last_sleep;
  double sleep_s = (double)(e->sleep_ns - last_sleep) / 1e9;
  double load = secs > 0 ? 1.0 - sleep_s / secs : 0;
  if (load < 0)
    load = 0;
  fprintf(f, "engine: %.0f breaths/s, load %.1f%%, pool %zu/%zu free\n",
          rate(e->breaths - last_breaths, secs), 100 * load, sn_pool.nfree,
          sn_pool.size);
  last_breaths = e->breaths;
  last_sleep = e->sleep_ns;
  for (int i = 0; i < e->nlinks; i++) {
    struct sn_link *l = e->links[i];
    uint64_t dp = l->c.txpackets - l->last.txpackets;
    uint64_t db = l->c.txbytes - l->last.txbytes;
    uint64_t dd = l->c.txdrop - l->last.txdrop;
    fprintf(f, "  link %-36s %10.0f pps %8.3f Gbit/s drops %6llu/s"
            " (total %llu packets, %llu bytes, %llu drops)\n",
            l->name, rate(dp, secs), rate(db, secs) * 8 / 1e9,
            (unsigned long long)(rate(dd, secs) + 0.5),
            (unsigned long long)l->c.txpackets,
            (unsigned long long)l->c.txbytes,
            (unsigned long long)l->c.txdrop);
    l->last = l->c;
  }
  for (int i = 0; i < e->napps; i++) {
    struct sn_app *a = e->apps[i];
    fprintf(f, "  app  %-12s %-10s drops %6llu/s (total %llu) load %5.1f%%",
            a->name, a->cls->name,
            (unsigned long long)(rate(a->drops - a->last_drops, secs) + 0.5),
            (unsigned long long)a->drops,
            secs > 0 ? 100.0 * (double)(a->busy_ns - a->last_busy_ns) / 1e9 / secs : 0);
    if (a->cls->report) {
      fputc(' ', f);
      a->cls->report(a, f);
    }
    fputc('\n', f);
    a->last_drops = a->drops;
    a->last_busy_ns = a->busy_ns;
  }
  fflush(f);
}

void
sn_engine_summary(struct sn_engine *e, FILE *f, double secs)
{
  fprintf(f, "summary engine seconds=%.3f breaths=%llu idle_breaths=%llu "
          "sleep_s=%.3f pool_free=%zu pool_size=%zu alloc_failures=%llu\n",
          secs, (unsigned long long)e->breaths,
          (unsigned long long)e->idle_breaths, (double)e->sleep_ns / 1e9,
          sn_pool.nfree, sn_pool.size,
          (unsigned long long)sn_pool.alloc_failures);
  for (int i = 0; i < e->nlinks; i++) {
    struct sn_link *l = e->links[i];
    char name[96];
    size_t k = 0;
    for (const char *s = l->name; *s && k + 1 < sizeof(name); s++)
      if (*s != ' ')
        name[k++] = *s;
    name[k] = '\0';
    fprintf(f, "summary link=%s packets=%llu bytes=%llu drops=%llu "
            "pps=%.0f gbps=%.4f\n", name,
            (unsigned long long)l->c.txpackets,
            (unsigned long long)l->c.txbytes,
            (unsigned long long)l->c.txdrop, rate(l->c.txpackets, secs),
            rate(l->c.txbytes, secs) * 8 / 1e9);
  }
  for (int i = 0; i < e->napps; i++) {
    struct sn_app *a = e->apps[i];
    fprintf(f, "summary app=%s class=%s drops=%llu busy_s=%.3f", a->name,
            a->cls->name, (unsigned long long)a->drops,
            (double)a->busy_ns / 1e9);
    if (a->cls->report) {
      fputc(' ', f);
      a->cls->report(a, f);
    }
    fputc('\n', f);
  }
  fflush(f);
}
