/* What the informational commands print: --version, --library-versions,
 * --help, --list-torrc-options, --list-modules, and the options section of
 * the man page (--dump-manpage-options, used by the build). */
#ifndef TOR_APP_MAIN_INFO_H
#define TOR_APP_MAIN_INFO_H

/* "Tor version X." — chutney and scripts read this first line. */
const char *tor_version_line(void);
/* "Linux with Libevent 2.1.12-stable, OpenSSL 3.0.19, ..." */
const char *tor_platform_summary(void);
void print_version(void);
void print_library_versions(void);
void print_help(void);
void print_torrc_options(void);
void print_modules(void);
void print_manpage_options(void);
/* --hash-password: prints "16:..." (HashedControlPassword) for pw on
 * stdout; returns the exit status (0, or 1 when hashing failed). */
int print_hashed_password(const char *pw);

#endif
