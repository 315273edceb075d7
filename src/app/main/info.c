/* Informational commands: see info.h. */
#include "orconfig.h"
#include "app/main/info.h"
#include "app/config/config.h"
#include "lib/crypt/crypto_s2k.h"

#include <event2/event.h>
#include <gnu/libc-version.h>
#include <lzma.h>
#include <openssl/crypto.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>
#include <zstd.h>

const char *
tor_version_line(void)
{
  return "Tor version " TOR_VERSION ".";
}

const char *
tor_platform_summary(void)
{
  static char buf[512];
  struct utsname u;
  const char *sys = uname(&u) == 0 ? u.sysname : "Unknown";
  snprintf(buf, sizeof(buf),
           "%s with Libevent %s, OpenSSL %s, Zlib %s, Liblzma %s, Libzstd %s, "
           "Libsodium %s and Glibc %s as libc",
           sys, event_get_version(), OpenSSL_version(OPENSSL_VERSION_STRING),
           zlibVersion(), lzma_version_string(), ZSTD_versionString(),
           sodium_version_string(), gnu_get_libc_version());
  return buf;
}

void
print_version(void)
{
  printf("%s\n", tor_version_line());
  printf("This build of tor-bulk is covered by the 3-clause BSD license.\n");
  printf("Tor is running on %s.\n", tor_platform_summary());
#ifdef __VERSION__
  printf("Tor compiled with GCC version %s\n", __VERSION__);
#endif
}

void
print_library_versions(void)
{
  printf("%s\n", tor_version_line());
  printf("Library versions\tCompiled\t\tRuntime\n");
  printf("Libevent\t\t%-15s\t\t%s\n", LIBEVENT_VERSION, event_get_version());
  printf("OpenSSL \t\t%-15s\t\t%s\n", OPENSSL_VERSION_STR, OpenSSL_version(OPENSSL_VERSION_STRING));
  printf("Zlib    \t\t%-15s\t\t%s\n", ZLIB_VERSION, zlibVersion());
  printf("Liblzma \t\t%-15s\t\t%s\n", LZMA_VERSION_STRING, lzma_version_string());
  printf("Libzstd \t\t%-15s\t\t%s\n", ZSTD_VERSION_STRING, ZSTD_versionString());
  printf("Libsodium\t\t%-15s\t\t%s\n", SODIUM_VERSION_STRING, sodium_version_string());
  printf("Glibc   \t\t%-15s\t\t%s\n", "", gnu_get_libc_version());
}

static const char *
default_text(const config_var_t *var)
{
  return var->default_value ? var->default_value : "(none)";
}

void
print_help(void)
{
  printf("%s\n\n", tor_version_line());
  printf("Usage: tor [-f FILE] [--defaults-torrc FILE] [OPTIONS...]\n\n"
         "  -f, --torrc-file FILE      read the configuration from FILE, or standard input\n"
         "                             when FILE is - (default %s)\n"
         "  --defaults-torrc FILE      read defaults from FILE (default %s)\n"
         "  --ignore-missing-torrc     treat a missing torrc as empty\n"
         "  --verify-config            check the configuration and exit\n"
         "  --version                  print the version and exit\n"
         "  --library-versions         print the versions of the libraries and exit\n"
         "  --list-torrc-options       list every option this tor accepts\n"
         "  --list-modules             list the optional modules and whether they are built\n"
         "  --hash-password PASSWORD   print the HashedControlPassword value for PASSWORD\n"
         "  --list-fingerprint         make or load a relay's keys and print its fingerprint\n"
         "  --quiet, --hush            log only errors (--quiet) or warnings (--hush) at startup\n"
         "  -h, --help                 this message\n"
         "  --Option value             set a torrc option (overrides the torrc)\n\n",
         options_default_torrc(), options_default_defaults_torrc());
  printf("Options (name, type, default):\n");
  for (size_t i = 0; i < options_format.n_vars; i++) {
    const config_var_t *var = &options_format.vars[i];
    if (var->flags & CVFLAG_HIDDEN)
      continue;
    printf("  %-28s %-17s %s%s\n      %s\n", var->name, config_type_name(var->type),
           default_text(var), (var->flags & CVFLAG_INERT) ? "  [no effect yet]" : "",
           var->description);
  }
  printf("\nSee the tor(1) manual page for details.\n");
}

void
print_torrc_options(void)
{
  for (size_t i = 0; i < options_format.n_vars; i++)
    if (!(options_format.vars[i].flags & CVFLAG_HIDDEN))
      printf("%s\n", options_format.vars[i].name);
}

void
print_modules(void)
{
  /* Tor's optional modules; this daemon builds none of them yet. */
  printf("relay: no\n");
  printf("dirauth: no\n");
  printf("dircache: no\n");
  printf("pow: no\n");
}

/* Writes s with roff's special characters escaped. */
static void
print_roff_escaped(const char *s)
{
  for (; *s; s++) {
    if (*s == '\\')
      fputs("\\e", stdout);
    else if (*s == '-')
      fputs("\\-", stdout);
    else
      putchar(*s);
  }
}

void
print_manpage_options(void)
{
  for (size_t i = 0; i < options_format.n_vars; i++) {
    const config_var_t *var = &options_format.vars[i];
    if (var->flags & CVFLAG_HIDDEN)
      continue;
    printf(".TP\n.B ");
    print_roff_escaped(var->name);
    printf("\n");
    printf("Type: %s.  Default: ", config_type_name(var->type));
    print_roff_escaped(default_text(var));
    printf(".\n.br\n");
    print_roff_escaped(var->description);
    printf("\n");
    if (var->flags & CVFLAG_INERT)
      printf(".br\n\\fINot implemented yet: accepted so that torrc files written for tor "
             "load, but has no effect in this daemon.\\fR\n");
    if (var->flags & CVFLAG_NO_RELOAD)
      printf(".br\nCannot be changed while running (SIGHUP keeps the old value).\n");
  }
  printf(".SH OPTIONS THAT DO NOTHING YET\n"
         "These options are accepted, so that torrc files written for tor (and by\n"
         "chutney) load, but this daemon does not act on them yet. Setting one logs\n"
         "a notice at startup.\n.PP\n");
  for (size_t i = 0; i < options_format.n_vars; i++) {
    const config_var_t *var = &options_format.vars[i];
    if ((var->flags & CVFLAG_INERT) && !(var->flags & CVFLAG_HIDDEN)) {
      print_roff_escaped(var->name);
      printf("\n.br\n");
    }
  }
}

int
print_hashed_password(const char *pw)
{
  char *hashed = s2k_hashed_password_new((const uint8_t *)pw, strlen(pw));
  if (!hashed) {
    fprintf(stderr, "Unable to hash the password: the random number generator failed.\n");
    return 1;
  }
  printf("%s\n", hashed);
  free(hashed);
  return fflush(stdout) == 0 ? 0 : 1;
}
