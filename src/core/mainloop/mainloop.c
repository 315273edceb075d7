/* The daemon's libevent loop: see mainloop.h. */
#include "orconfig.h"
#include "core/mainloop/mainloop.h"
#include "lib/log/log.h"

#include <event2/event.h>

static struct event_base *main_base;
static int exit_status;

int
mainloop_init(void)
{
  if (main_base)
    return 0;
  struct event_config *cfg = event_config_new();
  if (!cfg)
    return -1;
  /* A monotonic clock keeps timers right when the wall clock jumps. */
  event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
  main_base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  if (!main_base) {
    log_err(LD_GENERAL, "Unable to initialize Libevent.");
    return -1;
  }
  log_info(LD_GENERAL, "Initialized libevent version %s using method %s.",
           event_get_version(), event_base_get_method(main_base));
  return 0;
}

struct event_base *
mainloop_get_base(void)
{
  return main_base;
}

int
mainloop_run(void)
{
  exit_status = 0;
  if (event_base_dispatch(main_base) < 0)
    return -1;
  return exit_status;
}

void
mainloop_exit(int status)
{
  exit_status = status;
  event_base_loopbreak(main_base);
}

void
mainloop_free(void)
{
  if (main_base)
    event_base_free(main_base);
  main_base = NULL;
}
