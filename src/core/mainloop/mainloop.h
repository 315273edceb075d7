/* The daemon's one libevent loop. mainloop_init() creates it,
 * mainloop_run() runs it until mainloop_exit(); everything else registers
 * its events on mainloop_get_base(). */
#ifndef TOR_CORE_MAINLOOP_MAINLOOP_H
#define TOR_CORE_MAINLOOP_MAINLOOP_H

struct event_base;

int mainloop_init(void);
struct event_base *mainloop_get_base(void);
/* Runs until mainloop_exit(); returns the status passed to it. */
int mainloop_run(void);
void mainloop_exit(int status);
void mainloop_free(void);

#endif
