/* The daemon's life: command line, options, logs, data directory, the main
 * loop and its signals. tor_run_main() returns the process exit status, as
 * tor's: 0 on success, 1 on a configuration or startup error. */
#ifndef TOR_APP_MAIN_MAIN_H
#define TOR_APP_MAIN_MAIN_H

int tor_run_main(int argc, char **argv);

#endif
