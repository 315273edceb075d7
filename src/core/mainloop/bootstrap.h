/* Bootstrap progress, reported as tor does: one notice per step forward,
 * "Bootstrapped N% (tag): Summary", in tor's order of phases, and never
 * backwards. Chutney and people reading the log look for these lines,
 * "Bootstrapped 100% (done): Done" above all. */
#ifndef TOR_CORE_MAINLOOP_BOOTSTRAP_H
#define TOR_CORE_MAINLOOP_BOOTSTRAP_H

typedef enum {
  BOOTSTRAP_STARTING = 0,
  BOOTSTRAP_CONN = 5,
  BOOTSTRAP_CONN_DONE = 10,
  BOOTSTRAP_HANDSHAKE = 14,
  BOOTSTRAP_HANDSHAKE_DONE = 15,
  BOOTSTRAP_ONEHOP_CREATE = 20,
  BOOTSTRAP_REQUESTING_STATUS = 25,
  BOOTSTRAP_LOADING_STATUS = 30,
  BOOTSTRAP_LOADING_KEYS = 40,
  BOOTSTRAP_REQUESTING_DESCRIPTORS = 45,
  BOOTSTRAP_LOADING_DESCRIPTORS = 50,
  BOOTSTRAP_ENOUGH_DIRINFO = 75,
  BOOTSTRAP_AP_CONN = 80,
  BOOTSTRAP_AP_CONN_DONE = 85,
  BOOTSTRAP_AP_HANDSHAKE = 89,
  BOOTSTRAP_AP_HANDSHAKE_DONE = 90,
  BOOTSTRAP_CIRCUIT_CREATE = 95,
  BOOTSTRAP_DONE = 100,
} bootstrap_phase_t;

/* Moves to `phase` and logs it, if it is further than where we are. The
 * optional detail replaces nothing in the line; it is logged at info. */
void bootstrap_note_phase(bootstrap_phase_t phase);
/* Where we are, 0..100. */
int bootstrap_percent(void);
/* "tag" and "Summary" of a phase, as tor spells them. */
const char *bootstrap_phase_tag(bootstrap_phase_t phase);
const char *bootstrap_phase_summary(bootstrap_phase_t phase);
/* Called after each step forward is logged (the control port's
 * STATUS_CLIENT BOOTSTRAP events); NULL removes it. */
typedef void (*bootstrap_observer_fn)(int percent, const char *tag, const char *summary);
void bootstrap_set_observer(bootstrap_observer_fn fn);
/* Back to 0 without logging (tests, or a restart of the client). */
void bootstrap_reset(void);

#endif
