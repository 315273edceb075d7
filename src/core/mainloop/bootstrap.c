/* Bootstrap progress: see bootstrap.h. */
#include "orconfig.h"
#include "core/mainloop/bootstrap.h"
#include "lib/log/log.h"

#include <stddef.h>

typedef struct phase_name_t {
  bootstrap_phase_t phase;
  const char *tag;
  const char *summary;
} phase_name_t;

/* Tor's tags and summaries (tor 0.4.9's log lines). */
static const phase_name_t phases[] = {
  { BOOTSTRAP_STARTING, "starting", "Starting" },
  { BOOTSTRAP_CONN, "conn", "Connecting to a relay" },
  { BOOTSTRAP_CONN_DONE, "conn_done", "Connected to a relay" },
  { BOOTSTRAP_HANDSHAKE, "handshake", "Handshaking with a relay" },
  { BOOTSTRAP_HANDSHAKE_DONE, "handshake_done", "Handshake with a relay done" },
  { BOOTSTRAP_ONEHOP_CREATE, "onehop_create", "Establishing an encrypted directory connection" },
  { BOOTSTRAP_REQUESTING_STATUS, "requesting_status", "Asking for networkstatus consensus" },
  { BOOTSTRAP_LOADING_STATUS, "loading_status", "Loading networkstatus consensus" },
  { BOOTSTRAP_LOADING_KEYS, "loading_keys", "Loading authority key certs" },
  { BOOTSTRAP_REQUESTING_DESCRIPTORS, "requesting_descriptors", "Asking for relay descriptors" },
  { BOOTSTRAP_LOADING_DESCRIPTORS, "loading_descriptors", "Loading relay descriptors" },
  { BOOTSTRAP_ENOUGH_DIRINFO, "enough_dirinfo", "Loaded enough directory info to build circuits" },
  { BOOTSTRAP_AP_CONN, "ap_conn", "Connecting to a relay to build circuits" },
  { BOOTSTRAP_AP_CONN_DONE, "ap_conn_done", "Connected to a relay to build circuits" },
  { BOOTSTRAP_AP_HANDSHAKE, "ap_handshake", "Finishing handshake with a relay to build circuits" },
  { BOOTSTRAP_AP_HANDSHAKE_DONE, "ap_handshake_done", "Handshake finished with a relay to build circuits" },
  { BOOTSTRAP_CIRCUIT_CREATE, "circuit_create", "Establishing a Tor circuit" },
  { BOOTSTRAP_DONE, "done", "Done" },
};

static int current_percent = -1;
static bootstrap_observer_fn observer;

void
bootstrap_set_observer(bootstrap_observer_fn fn)
{
  observer = fn;
}

static const phase_name_t *
find_phase(bootstrap_phase_t phase)
{
  for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
    if (phases[i].phase == phase)
      return &phases[i];
  return NULL;
}

const char *
bootstrap_phase_tag(bootstrap_phase_t phase)
{
  const phase_name_t *p = find_phase(phase);
  return p ? p->tag : "undef";
}

const char *
bootstrap_phase_summary(bootstrap_phase_t phase)
{
  const phase_name_t *p = find_phase(phase);
  return p ? p->summary : "Undefined";
}

void
bootstrap_note_phase(bootstrap_phase_t phase)
{
  if ((int)phase <= current_percent)
    return;
  current_percent = (int)phase;
  log_notice(LD_CONTROL, "Bootstrapped %d%% (%s): %s", (int)phase,
             bootstrap_phase_tag(phase), bootstrap_phase_summary(phase));
  if (observer)
    observer((int)phase, bootstrap_phase_tag(phase), bootstrap_phase_summary(phase));
}

int
bootstrap_percent(void)
{
  return current_percent < 0 ? 0 : current_percent;
}

void
bootstrap_reset(void)
{
  current_percent = -1;
}
