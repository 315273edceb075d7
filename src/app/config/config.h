/* The daemon's options: the or_options_t struct, the table that describes
 * every option (options_table.c), and loading them from the defaults torrc,
 * the torrc and the command line. get_options() is the current set. */
#ifndef TOR_APP_CONFIG_CONFIG_H
#define TOR_APP_CONFIG_CONFIG_H

#include <stdint.h>

#include "lib/conf/confline.h"
#include "lib/conf/confmgr.h"

typedef struct or_options_t {
  /* Process and files */
  char *DataDirectory;
  int RunAsDaemon;
  char *PidFile;
  int ShutdownWaitLength;        /* seconds */
  int DisableDebuggerAttachment;
  int Sandbox;
  char *OwningControllerProcess;
  int HeartbeatPeriod;           /* seconds */
  int ConnLimit;
  int DisableNetwork;
  /* Logging */
  config_line_t *Logs;
  char *SafeLogging;             /* "0", "1" or "relay" */
  int LogTimeGranularity;        /* msec */
  int ProtocolWarnings;
  /* Network and client */
  config_line_t *DirAuthorities;
  config_line_t *AlternateDirAuthorities;
  config_line_t *AlternateBridgeAuthorities;
  config_line_t *FallbackDirs;
  int UseDefaultFallbackDirs;
  double DirAuthorityFallbackRate;
  config_line_t *SocksPorts;
  config_line_t *Addresses;
  double PathsNeededToBuildCircuits;
  int ConfluxEnabled;            /* autobool */
  char *ConfluxClientUX;
  int TestingTorNetwork;
  /* Control */
  config_line_t *ControlPorts;
  config_line_t *ControlSockets;
  int CookieAuthentication;
  char *CookieAuthFile;
  int CookieAuthFileGroupReadable;
  config_line_t *HashedControlPasswords;
  char *ControlPortWriteToFile;
  int ControlPortFileGroupReadable;
  int HiddenServiceSingleHopMode;   /* accepted; only 0 is supported */
  int HiddenServiceNonAnonymousMode;
  char *ClientOnionAuthDir;        /* *.auth_private client credentials */
  /* Onion services: HiddenServiceDir, HiddenServicePort... in order */
  config_line_t *HiddenServiceOptions;
  /* Relay (accepted, inert) */
  char *Nickname;
  config_line_t *ORPorts;
  config_line_t *DirPorts;
  int ExitRelay;                 /* autobool */
  int AssumeReachable;
  char *ContactInfo;
  int ServerDNSDetectHijacking;
  char *ServerDNSTestAddresses;
  char *ServerDNSResolvConfFile;
  /* Directory authority testing knobs (accepted, inert) */
  char *TestingDirAuthVoteExit;
  char *TestingDirAuthVoteHSDir;
  char *TestingDirAuthVoteGuard;
  int V3AuthNIntervalsValid;
  uint64_t TestingMinExitFlagThreshold;
  int TestingDownloadDelays[5];  /* seconds; accepted, inert */
} or_options_t;

extern const config_format_t options_format;

/* What the command line asked for. */
typedef enum {
  CMD_RUN_TOR = 0,
  CMD_VERIFY_CONFIG,
  CMD_VERSION,
  CMD_LIBRARY_VERSIONS,
  CMD_HELP,
  CMD_LIST_TORRC_OPTIONS,
  CMD_LIST_DEPRECATED_OPTIONS,
  CMD_LIST_MODULES,
  CMD_DUMP_MANPAGE_OPTIONS,
  CMD_DUMP_CONFIG,
  CMD_HASH_PASSWORD,           /* --hash-password PW */
  CMD_LIST_FINGERPRINT,        /* --list-fingerprint: make the relay keys, print */
} tor_command_t;

typedef struct tor_cmdline_t {
  tor_command_t command;
  const char *torrc_path;      /* NULL: the default; "-": standard input */
  const char *defaults_path;   /* NULL: the default */
  int ignore_missing_torrc;
  int quiet_level;             /* 0, 1 (--hush), 2 (--quiet) */
  int dump_full;               /* --dump-config full */
  const char *hash_password;   /* --hash-password's argument (the last one) */
  config_line_t *option_lines; /* --Name value, owned */
} tor_cmdline_t;

/* Parses argv. Returns 0, or -1 with a message in err. */
int cmdline_parse(int argc, char **argv, tor_cmdline_t *out, char *err, size_t errlen);
void cmdline_clear(tor_cmdline_t *cmdline);

/* Reads the defaults torrc, the torrc and the command-line options, and
 * builds and validates a new or_options_t (caller frees with
 * options_free()). Returns NULL with the reason in err. Logs which files
 * it read. */
or_options_t *options_load(const tor_cmdline_t *cmdline, char *err, size_t errlen);
/* The same, reading only the defaults torrc when defaults_only. */
or_options_t *options_load_sources(const tor_cmdline_t *cmdline, int defaults_only,
                                   char *err, size_t errlen);
/* Cross-option checks and normalisation (absolute paths...). */
int options_validate(or_options_t *options, char *err, size_t errlen);
void options_free(or_options_t *options);
/* SafeLogging as 0 (off), 1 (on), 2 (relay); -1 if unrecognized. */
int options_safe_logging_mode(const or_options_t *options);

/* The options in force; NULL before the first successful load. */
const or_options_t *get_options(void);
/* Installs new options (taking ownership) and frees the old ones. */
void set_options(or_options_t *options);

/* Logs one notice per inert option that the merged lines set. */
void options_report_inert(const config_line_t *merged);
/* The merged lines of the last options_load(), for reporting. */
const config_line_t *options_last_merged_lines(void);

/* SETCONF and RESETCONF: new options from the lines in force with
 * `changes` applied. Every option a change names loses its lines; the
 * change's own line is added unless it is a CONFLINE_CLEAR line (back to
 * the default). Returns the validated options (caller installs them with
 * set_options() and the lines with options_adopt_merged_lines(), or frees
 * both), or NULL with the control-port code in *code (552 unknown option,
 * 513 bad value, 553 an option that cannot change while running, 551 out
 * of memory) and the reason in err. */
or_options_t *options_with_changes(const config_line_t *changes, config_line_t **merged_out,
                                   int *code, char *err, size_t errlen);
/* LOADCONF: new options from the defaults torrc, text in place of the
 * torrc, and the command line; as options_with_changes() otherwise (*code
 * 552 for a bad text, 553 for a change not allowed while running). */
or_options_t *options_from_torrc_text(const tor_cmdline_t *cmdline, const char *text,
                                      size_t len, config_line_t **merged_out, int *code,
                                      char *err, size_t errlen);
/* Makes merged the lines in force (taking ownership). */
void options_adopt_merged_lines(config_line_t *merged);

/* The directory authorities and fallback directories the options select
 * (feature/nodelist/dir_servers.h: tor's defaults unless the torrc names
 * its own). Returns 0 (free out with dir_servers_clear), or -1 with the
 * reason in err. */
struct dir_servers_t;
int options_dir_servers(const or_options_t *options, struct dir_servers_t *out, char *err,
                        size_t errlen);

/* Default locations. */
const char *options_default_torrc(void);
const char *options_default_defaults_torrc(void);

#endif
