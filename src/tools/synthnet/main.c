/* synthnet: command line. See doc/synthnet.1.txt. */
#include "orconfig.h"
#include "src/tools/synthnet/synthnet.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
  (void)sig;
  stop_flag = 1;
}

static void
usage(FILE *f)
{
  fprintf(f,
    "usage: synthnet [options] (-c FILE | -e 'STATEMENTS')\n"
    "  -c, --config FILE       read the configuration from FILE ('-': stdin)\n"
    "  -e, --eval TEXT         configuration on the command line; statements\n"
    "                          separated by ';' (may be repeated)\n"
    "  -d, --duration SECONDS  stop after this long (default: until signalled)\n"
    "  -r, --report SECONDS    counters every SECONDS to stderr (default 1, 0: off)\n"
    "  -q, --quiet             no periodic report\n"
    "      --busy              never sleep when idle (lowest latency, 100%% CPU)\n"
    "      --seed N            seed of the random streams (default 1)\n"
    "      --packets N         size of the packet pool (default 32768)\n"
    "      --no-app-timing     do not measure time per app (a little faster)\n"
    "      --pidfile FILE      write the process id to FILE\n"
    "      --list-apps         list the app classes and their arguments\n"
    "  -h, --help\n"
    "Statements: app NAME CLASS [key=value ...]   link NAME.PORT -> NAME.PORT\n"
    "A summary of all counters goes to stdout at exit.\n");
}

static char *
read_file(const char *path)
{
  FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
  if (!f)
    return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t n = fread(buf + len, 1, cap - len - 1, f);
    len += n;
    if (n == 0)
      break;
    if (len + 1 == cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  if (buf)
    buf[len] = '\0';
  if (f != stdin)
    fclose(f);
  return buf;
}

static int
append(char **conf, const char *text)
{
  size_t old = *conf ? strlen(*conf) : 0;
  char *n = realloc(*conf, old + strlen(text) + 2);
  if (!n)
    return -1;
  memcpy(n + old, text, strlen(text) + 1);
  strcat(n, "\n");
  *conf = n;
  return 0;
}

int
main(int argc, char **argv)
{
  enum { OPT_BUSY = 256, OPT_SEED, OPT_PACKETS, OPT_NOTIMING, OPT_PIDFILE,
         OPT_LIST };
  static const struct option opts[] = {
    { "config", required_argument, NULL, 'c' },
    { "eval", required_argument, NULL, 'e' },
    { "duration", required_argument, NULL, 'd' },
    { "report", required_argument, NULL, 'r' },
    { "quiet", no_argument, NULL, 'q' },
    { "busy", no_argument, NULL, OPT_BUSY },
    { "seed", required_argument, NULL, OPT_SEED },
    { "packets", required_argument, NULL, OPT_PACKETS },
    { "no-app-timing", no_argument, NULL, OPT_NOTIMING },
    { "pidfile", required_argument, NULL, OPT_PIDFILE },
    { "list-apps", no_argument, NULL, OPT_LIST },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 } };
  char *conf = NULL;
  struct sn_run_opts ro = { .report_interval_s = 1.0 };
  uint64_t seed = 1;
  unsigned long packets = 32768;
  int timing = 1;
  const char *pidfile = NULL;
  int c;
  while ((c = getopt_long(argc, argv, "c:e:d:r:qh", opts, NULL)) != -1) {
    char *end;
    switch (c) {
    case 'c': {
      char *text = read_file(optarg);
      if (!text) {
        fprintf(stderr, "synthnet: %s: %s\n", optarg, strerror(errno));
        return 2;
      }
      if (append(&conf, text) < 0)
        return 2;
      free(text);
      break;
    }
    case 'e':
      if (append(&conf, optarg) < 0)
        return 2;
      break;
    case 'd':
      ro.duration_s = strtod(optarg, &end);
      if (*end || ro.duration_s < 0) {
        fprintf(stderr, "synthnet: bad duration %s\n", optarg);
        return 2;
      }
      break;
    case 'r':
      ro.report_interval_s = strtod(optarg, &end);
      if (*end || ro.report_interval_s < 0) {
        fprintf(stderr, "synthnet: bad report interval %s\n", optarg);
        return 2;
      }
      break;
    case 'q':
      ro.report_interval_s = 0;
      break;
    case OPT_BUSY:
      ro.busy = 1;
      break;
    case OPT_SEED:
      seed = strtoull(optarg, &end, 0);
      if (*end) {
        fprintf(stderr, "synthnet: bad seed %s\n", optarg);
        return 2;
      }
      break;
    case OPT_PACKETS:
      packets = strtoul(optarg, &end, 0);
      if (*end || packets < 256) {
        fprintf(stderr, "synthnet: --packets needs a number >= 256\n");
        return 2;
      }
      break;
    case OPT_NOTIMING:
      timing = 0;
      break;
    case OPT_PIDFILE:
      pidfile = optarg;
      break;
    case OPT_LIST:
      for (int i = 0; sn_app_classes[i]; i++)
        printf("%-10s %s\n", sn_app_classes[i]->name, sn_app_classes[i]->usage);
      return 0;
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (optind != argc || !conf) {
    usage(stderr);
    return 2;
  }
  if (sn_pool_init(packets) < 0) {
    fprintf(stderr, "synthnet: cannot allocate %lu packets\n", packets);
    return 1;
  }
  struct sn_engine *e = sn_engine_new(seed);
  char err[300];
  if (!e || sn_engine_configure(e, conf, err, sizeof(err)) < 0) {
    fprintf(stderr, "synthnet: %s\n", e ? err : "out of memory");
    sn_engine_free(e);
    return 1;
  }
  free(conf);
  if (e->napps == 0) {
    fprintf(stderr, "synthnet: no apps configured\n");
    return 1;
  }
  e->time_apps = timing;
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  if (pidfile) {
    FILE *pf = fopen(pidfile, "w");
    if (!pf) {
      fprintf(stderr, "synthnet: %s: %s\n", pidfile, strerror(errno));
      return 1;
    }
    fprintf(pf, "%ld\n", (long)getpid());
    fclose(pf);
  }
  ro.stop = &stop_flag;
  ro.report = stderr;
  uint64_t t0 = sn_monotonic_ns();
  sn_engine_run(e, &ro);
  double secs = (double)(sn_monotonic_ns() - t0) / 1e9;
  sn_engine_summary(e, stdout, secs);
  sn_engine_free(e);
  sn_pool_destroy();
  if (pidfile)
    unlink(pidfile);
  return 0;
}
