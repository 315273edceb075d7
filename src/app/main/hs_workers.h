/* Onion service worker processes (HiddenServiceNumWorkers N > 1): every
 * core of a machine serving one onion address. The service's own
 * HiddenServiceDir keeps the master key; this daemon becomes its frontend
 * (hs_ob_frontend.h) and starts N copies of itself, each an OnionBalance
 * instance of the master with its own keys, intro points, circuits and
 * crypto, in DataDirectory/onion-workers/ADDR16-I/ (DataDirectory of the
 * worker; its HiddenServiceDir is hs/ there, its torrc is torrc, made by
 * hs_worker_conf.h). Their keys persist, so their addresses too.
 *
 * A worker's stdout is a pipe the parent reads: warnings and errors are
 * logged again with the worker's name, Bootstrapped lines and the
 * heartbeat's counts are kept and summed (hs_workers_log_heartbeat). A
 * worker that exits is logged and started again, after 1 s, doubling up
 * to 60 s while it keeps dying within a minute. SIGTERM, SIGINT, SIGHUP
 * (after rewriting the workers' torrc from the new options), SIGUSR1 and
 * SIGUSR2 are passed on. Workers die with the parent (PR_SET_PDEATHSIG,
 * and __OwningControllerProcess). Costs: one process per worker, one pipe
 * read per few log lines; nothing on the data path. */
#ifndef TOR_APP_MAIN_HS_WORKERS_H
#define TOR_APP_MAIN_HS_WORKERS_H

#include "app/config/config.h"
#include "feature/hs/hs_config.h"

struct event_base;

/* For each service of configs[0..n) with num_workers > 1: makes (or
 * reuses) the workers' directories, keys and ob_config naming the
 * service's address, turns the service into their frontend (ports
 * dropped, backends = the workers' addresses), and starts the workers
 * once the main loop runs. 0, or -1 (logged) when a directory or key is
 * unusable. */
int hs_workers_prepare(struct event_base *base, const or_options_t *options,
                       hs_service_config_t *configs, int n);
/* Passes sig (SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2) to every worker;
 * for SIGHUP, rewrites their torrc from the options in force first. */
void hs_workers_signal(int sig);
/* The heartbeat's line per worked service: workers running, restarts,
 * bootstrapped, and the sums of their last circuit and stream counts
 * (refreshed by the SIGUSR1 that this also sends). */
void hs_workers_log_heartbeat(void);
/* SIGTERM to every worker, waiting up to 10 s for them (then SIGKILL). */
void hs_workers_stop(void);

#endif
