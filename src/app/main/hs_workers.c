/* Onion service worker processes: see hs_workers.h. */
#define _GNU_SOURCE
#include "orconfig.h"
#include "app/main/hs_workers.h"
#include "feature/hs/hs_service_keys.h"
#include "feature/hs/hs_worker_conf.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RESTART_MAX_DELAY 60     /* seconds */
#define RESTART_STABLE_AFTER 60  /* a worker that ran this long restarts at once */
#define STOP_WAIT_MSEC 10000
#define PATH_LEN 4400

typedef struct hs_group_t hs_group_t;

typedef struct hs_worker_t {
  hs_group_t *group;
  int index;                           /* 1.. */
  char datadir[PATH_LEN], hsdir[PATH_LEN], torrc[PATH_LEN], defaults[PATH_LEN];
  char address[ONION_ADDRESS_LEN + 1];
  pid_t pid;                           /* 0: not running */
  time_t started;
  int delay;                           /* seconds before the next restart */
  struct event *restart_timer;
  int out_fd;
  struct event *out_ev;
  char buf[8192];
  size_t buflen;
  int percent;
  uint64_t circuits, streams, bytes_sent, bytes_received;
} hs_worker_t;

struct hs_group_t {
  char master[ONION_ADDRESS_LEN + 1];
  int service_index;                   /* among the HiddenServiceDir blocks */
  int n;
  hs_worker_t workers[HS_CONFIG_MAX_WORKERS];
  unsigned restarts;
};

static struct {
  struct event_base *base;
  hs_group_t *groups[HS_CONFIG_MAX_SERVICES];
  int n;
  struct event *sigchld_ev;
  struct event *summary_timer;
  int stopping;
} W;

/* ---- the workers' files ---- */

static int
write_worker_torrc(hs_worker_t *w, const config_line_t *merged)
{
  char err[1024];
  char *text = hs_worker_torrc(merged, w->group->service_index, w->datadir, w->hsdir,
                               (long)getpid());
  if (!text) {
    log_warn(LD_CONFIG, "Could not make the torrc of onion service worker %s: out of memory",
             w->torrc);
    return -1;
  }
  int rv = fs_write_file_atomic(w->torrc, text, strlen(text), 0600, err, sizeof(err));
  free(text);
  if (rv == 0)
    rv = fs_write_file_atomic(w->defaults, "", 0, 0600, err, sizeof(err));
  if (rv < 0)
    log_warn(LD_FS, "Onion service worker files: %s", err);
  return rv;
}

/* The worker's directories, keys, ob_config and torrc. */
static int
prepare_worker(hs_worker_t *w, const char *base, const config_line_t *merged)
{
  char err[1024], path[PATH_LEN + 16], text[128];
  hs_service_keys_t keys;
  snprintf(w->datadir, sizeof(w->datadir), "%s/%.16s-%d", base, w->group->master, w->index);
  snprintf(w->hsdir, sizeof(w->hsdir), "%s/hs", w->datadir);
  snprintf(w->torrc, sizeof(w->torrc), "%s/torrc", w->datadir);
  snprintf(w->defaults, sizeof(w->defaults), "%s/torrc-defaults", w->datadir);
  if (fs_check_private_dir(w->datadir, 1, err, sizeof(err)) < 0 ||
      fs_check_private_dir(w->hsdir, 1, err, sizeof(err)) < 0 ||
      hs_service_keys_load_or_create(w->hsdir, &keys, err, sizeof(err)) < 0) {
    log_err(LD_FS, "Onion service %s.onion, worker %d: %s", w->group->master, w->index, err);
    return -1;
  }
  memcpy(w->address, keys.address, sizeof(w->address));
  snprintf(path, sizeof(path), "%s/%s", w->hsdir, HS_OB_CONFIG_FILENAME);
  int n = snprintf(text, sizeof(text), "MasterOnionAddress %s.onion\n", w->group->master);
  if (fs_write_file_atomic(path, text, (size_t)n, 0600, err, sizeof(err)) < 0) {
    log_err(LD_FS, "Onion service %s.onion, worker %d: %s", w->group->master, w->index, err);
    return -1;
  }
  return write_worker_torrc(w, merged);
}

/* ---- what a worker says ---- */

static int
count_bootstrapped(const hs_group_t *g)
{
  int n = 0;
  for (int i = 0; i < g->n; i++)
    n += g->workers[i].pid && g->workers[i].percent == 100;
  return n;
}

static void
worker_line(hs_worker_t *w, const char *line, size_t len)
{
  hs_worker_line_t l;
  hs_worker_line_parse(line, len, &l);
  switch (l.kind) {
    case HS_WORKER_LINE_PROBLEM:
      log_fn(l.is_err ? LOG_ERR : LOG_WARN, LD_REND, "Onion service %s.onion, worker %d: %.*s",
             w->group->master, w->index, (int)l.message_len, l.message);
      break;
    case HS_WORKER_LINE_BOOTSTRAP: {
      int was = w->percent;
      w->percent = l.percent;
      if (l.percent == 100 && was < 100)
        log_notice(LD_REND, "Onion service %s.onion: worker %d (%s.onion) bootstrapped; "
                   "%d of %d workers bootstrapped.", w->group->master, w->index, w->address,
                   count_bootstrapped(w->group), w->group->n);
      break;
    }
    case HS_WORKER_LINE_CIRCUITS:
      w->circuits = l.circuits;
      break;
    case HS_WORKER_LINE_SERVICE:
      w->streams = l.streams;
      w->bytes_sent = l.bytes_sent;
      w->bytes_received = l.bytes_received;
      break;
    case HS_WORKER_LINE_OTHER:
      /* Not a log line (a sanitizer report, a crash): worth seeing. */
      if (!l.message && len)
        log_warn(LD_REND, "Onion service %s.onion, worker %d printed: %.*s", w->group->master,
                 w->index, (int)len, line);
      break;
  }
}

static void
close_output(hs_worker_t *w)
{
  if (w->buflen)
    worker_line(w, w->buf, w->buflen);
  w->buflen = 0;
  if (w->out_ev)
    event_free(w->out_ev);
  w->out_ev = NULL;
  if (w->out_fd >= 0)
    close(w->out_fd);
  w->out_fd = -1;
}

static void
output_cb(evutil_socket_t fd, short what, void *arg)
{
  hs_worker_t *w = arg;
  (void)what;
  for (;;) {
    ssize_t r = read(fd, w->buf + w->buflen, sizeof(w->buf) - w->buflen);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    if (r <= 0) {
      close_output(w);
      return;
    }
    w->buflen += (size_t)r;
    size_t start = 0;
    for (size_t i = 0; i < w->buflen; i++) {
      if (w->buf[i] != '\n')
        continue;
      worker_line(w, w->buf + start, i - start);
      start = i + 1;
    }
    if (start == 0 && w->buflen == sizeof(w->buf)) {
      worker_line(w, w->buf, w->buflen);   /* a line too long: take it as it is */
      start = w->buflen;
    }
    memmove(w->buf, w->buf + start, w->buflen - start);
    w->buflen -= start;
  }
}

/* ---- starting and restarting ---- */

static void
close_fds_from(int lowest)
{
#ifdef SYS_close_range
  if (syscall(SYS_close_range, (unsigned)lowest, ~0u, 0) == 0)
    return;
#endif
  long max = sysconf(_SC_OPEN_MAX);
  for (long fd = lowest; fd < (max > 0 ? max : 4096); fd++)
    close((int)fd);
}

static int
spawn_worker(hs_worker_t *w)
{
  int fds[2];
  pid_t parent = getpid();
  close_output(w);
  if (pipe2(fds, O_CLOEXEC) < 0) {
    log_warn(LD_GENERAL, "Onion service %s.onion, worker %d: pipe failed: %s",
             w->group->master, w->index, strerror(errno));
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    log_warn(LD_GENERAL, "Onion service %s.onion, worker %d: fork failed: %s",
             w->group->master, w->index, strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    /* The child: only async-signal-safe calls until exec. */
    sigset_t none;
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
      _exit(1);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
      dup2(null, STDIN_FILENO);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close_fds_from(3);
    char *argv[] = { (char *)"tor", (char *)"-f", w->torrc, (char *)"--defaults-torrc",
                     w->defaults, NULL };
    execv("/proc/self/exe", argv);
    _exit(127);
  }
  close(fds[1]);
  w->out_fd = fds[0];
  fcntl(w->out_fd, F_SETFL, fcntl(w->out_fd, F_GETFL) | O_NONBLOCK);
  w->out_ev = event_new(W.base, w->out_fd, EV_READ | EV_PERSIST, output_cb, w);
  if (w->out_ev)
    event_add(w->out_ev, NULL);
  w->pid = pid;
  w->started = time(NULL);
  w->percent = 0;
  w->circuits = w->streams = w->bytes_sent = w->bytes_received = 0;
  log_notice(LD_REND, "Onion service %s.onion: started worker %d (%s.onion), pid %d.",
             w->group->master, w->index, w->address, (int)pid);
  return 0;
}

static void
restart_cb(evutil_socket_t fd, short what, void *arg)
{
  hs_worker_t *w = arg;
  (void)fd; (void)what;
  if (W.stopping || w->pid)
    return;
  if (spawn_worker(w) < 0) {
    struct timeval tv = { RESTART_MAX_DELAY, 0 };
    evtimer_add(w->restart_timer, &tv);
  }
}

static void
worker_exited(hs_worker_t *w, int status)
{
  char how[96];
  if (WIFSIGNALED(status))
    snprintf(how, sizeof(how), "was killed by signal %d (%s)", WTERMSIG(status),
             strsignal(WTERMSIG(status)));
  else
    snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
  pid_t pid = w->pid;
  w->pid = 0;
  w->percent = 0;
  if (W.stopping)
    return;
  long ran = (long)(time(NULL) - w->started);
  w->delay = ran >= RESTART_STABLE_AFTER || w->delay <= 0 ? 1
             : w->delay * 2 > RESTART_MAX_DELAY ? RESTART_MAX_DELAY : w->delay * 2;
  w->group->restarts++;
  log_warn(LD_REND, "Onion service %s.onion: worker %d (pid %d) %s after %ld seconds; "
           "starting it again in %d second%s.", w->group->master, w->index, (int)pid, how,
           ran, w->delay, w->delay == 1 ? "" : "s");
  struct timeval tv = { w->delay, 0 };
  evtimer_add(w->restart_timer, &tv);
}

static void
sigchld_cb(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what; (void)arg;
  for (int g = 0; g < W.n; g++)
    for (int i = 0; i < W.groups[g]->n; i++) {
      hs_worker_t *w = &W.groups[g]->workers[i];
      int status;
      if (w->pid > 0 && waitpid(w->pid, &status, WNOHANG) == w->pid)
        worker_exited(w, status);
    }
}

/* ---- the interface ---- */

int
hs_workers_prepare(struct event_base *base, const or_options_t *options,
                   hs_service_config_t *configs, int n)
{
  char err[1024], dir[PATH_LEN];
  const config_line_t *merged = options_last_merged_lines();
  W.base = base;
  for (int i = 0; i < n; i++) {
    hs_service_config_t *cfg = &configs[i];
    if (cfg->num_workers <= 1)
      continue;
    hs_service_keys_t master;
    if (hs_service_keys_load_or_create(cfg->dir, &master, err, sizeof(err)) < 0) {
      log_err(LD_FS, "%s", err);
      return -1;
    }
    snprintf(dir, sizeof(dir), "%s/onion-workers", options->DataDirectory);
    if (fs_check_private_dir(dir, 1, err, sizeof(err)) < 0) {
      log_err(LD_FS, "%s", err);
      return -1;
    }
    hs_group_t *g = calloc(1, sizeof(*g));
    if (!g)
      return -1;
    W.groups[W.n++] = g;
    memcpy(g->master, master.address, sizeof(g->master));
    g->service_index = i;
    g->n = cfg->num_workers;
    for (int k = 0; k < g->n; k++) {
      hs_worker_t *w = &g->workers[k];
      w->group = g;
      w->index = k + 1;
      w->out_fd = -1;
      if (prepare_worker(w, dir, merged) < 0)
        return -1;
      w->restart_timer = evtimer_new(base, restart_cb, w);
      if (!w->restart_timer)
        return -1;
    }
    /* This daemon fronts the workers: their ports, not its own. */
    cfg->ob_frontend = 1;
    cfg->n_ports = 0;
    cfg->n_ob_backends = g->n;
    for (int k = 0; k < g->n; k++)
      memcpy(cfg->ob_backends[k], g->workers[k].address, sizeof(cfg->ob_backends[k]));
    log_notice(LD_REND, "Onion service %s.onion runs in %d worker processes (%s/%.16s-*), "
               "fronted by this daemon.", g->master, g->n, dir, g->master);
  }
  if (!W.n)
    return 0;
  W.sigchld_ev = evsignal_new(base, SIGCHLD, sigchld_cb, NULL);
  if (!W.sigchld_ev || evsignal_add(W.sigchld_ev, NULL) < 0) {
    log_err(LD_GENERAL, "Couldn't install signal handler for signal %d.", SIGCHLD);
    return -1;
  }
  for (int g = 0; g < W.n; g++)
    for (int k = 0; k < W.groups[g]->n; k++) {
      hs_worker_t *w = &W.groups[g]->workers[k];
      if (spawn_worker(w) < 0) {
        struct timeval tv = { 1, 0 };
        evtimer_add(w->restart_timer, &tv);
      }
    }
  return 0;
}

void
hs_workers_signal(int sig)
{
  /* The daemon is on its way out: workers that exit now stay down. */
  if (sig == SIGTERM || sig == SIGINT)
    W.stopping = 1;
  for (int g = 0; g < W.n; g++)
    for (int k = 0; k < W.groups[g]->n; k++) {
      hs_worker_t *w = &W.groups[g]->workers[k];
      if (sig == SIGHUP)
        write_worker_torrc(w, options_last_merged_lines());
      if (w->pid > 0)
        kill(w->pid, sig);
    }
}

static void
summary_cb(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what; (void)arg;
  for (int g = 0; g < W.n; g++) {
    const hs_group_t *gr = W.groups[g];
    int running = 0;
    uint64_t circuits = 0, streams = 0, sent = 0, received = 0;
    for (int k = 0; k < gr->n; k++) {
      const hs_worker_t *w = &gr->workers[k];
      running += w->pid > 0;
      circuits += w->circuits;
      streams += w->streams;
      sent += w->bytes_sent;
      received += w->bytes_received;
    }
    log_notice(LD_HEARTBEAT, "Heartbeat: onion service %s.onion has %d of %d workers running "
               "(%d bootstrapped, %u restart%s), with %llu circuits open; %llu stream(s) "
               "served, %llu bytes sent, %llu bytes received.", gr->master, running, gr->n,
               count_bootstrapped(gr), gr->restarts, gr->restarts == 1 ? "" : "s",
               (unsigned long long)circuits, (unsigned long long)streams,
               (unsigned long long)sent, (unsigned long long)received);
  }
}

void
hs_workers_log_heartbeat(void)
{
  if (!W.n)
    return;
  /* Fresh counts: each worker answers SIGUSR1 with its stats lines. */
  hs_workers_signal(SIGUSR1);
  if (!W.summary_timer)
    W.summary_timer = evtimer_new(W.base, summary_cb, NULL);
  struct timeval tv = { 2, 0 };
  if (W.summary_timer)
    evtimer_add(W.summary_timer, &tv);
}

void
hs_workers_stop(void)
{
  W.stopping = 1;
  hs_workers_signal(SIGTERM);
  for (int waited = 0;; waited += 20) {
    int left = 0;
    for (int g = 0; g < W.n; g++)
      for (int k = 0; k < W.groups[g]->n; k++) {
        hs_worker_t *w = &W.groups[g]->workers[k];
        int status;
        if (w->pid > 0 && waitpid(w->pid, &status, WNOHANG) == w->pid)
          w->pid = 0;
        if (w->pid > 0 && waited >= STOP_WAIT_MSEC) {
          log_warn(LD_REND, "Onion service %s.onion: worker %d (pid %d) did not exit; "
                   "killing it.", W.groups[g]->master, w->index, (int)w->pid);
          kill(w->pid, SIGKILL);
          waitpid(w->pid, &status, 0);
          w->pid = 0;
        }
        left += w->pid > 0;
      }
    if (!left)
      break;
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
  }
  for (int g = 0; g < W.n; g++) {
    for (int k = 0; k < W.groups[g]->n; k++) {
      hs_worker_t *w = &W.groups[g]->workers[k];
      close_output(w);
      if (w->restart_timer)
        event_free(w->restart_timer);
    }
    free(W.groups[g]);
  }
  if (W.sigchld_ev)
    event_free(W.sigchld_ev);
  if (W.summary_timer)
    event_free(W.summary_timer);
  memset(&W, 0, sizeof(W));
}
