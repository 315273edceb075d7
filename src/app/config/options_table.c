/* Every option the daemon accepts: name, type, default and description.
 * This one table drives parsing, --help, --list-torrc-options and the
 * OPTIONS section of the man page. Options marked INERT are accepted (so
 * torrc files written for tor, and by chutney, load) but do nothing yet;
 * doc/tor.1 lists them. */
#include "orconfig.h"
#include "app/config/config.h"
#include "feature/nodelist/default_dirs.h"
#include "lib/conf/portspec.h"

#include <stddef.h>

#define OFF(field) offsetof(or_options_t, field)
#define VAR(name, type, field, dflt, flags, desc) \
  { name, CONFIG_TYPE_##type, OFF(field), dflt, desc, flags, 0, 0, NULL, 0, 0 }
#define INTVAR(name, field, dflt, lo, hi, flags, desc) \
  { name, CONFIG_TYPE_INT, OFF(field), dflt, desc, flags, lo, hi, NULL, 0, 0 }
#define DBLVAR(name, field, dflt, lo, hi, flags, desc) \
  { name, CONFIG_TYPE_DOUBLE, OFF(field), dflt, desc, flags, lo, hi, NULL, 0, 0 }
#define PORTVAR(name, field, dflt, addr, allowed, defaults, flags, desc) \
  { name, CONFIG_TYPE_PORT, OFF(field), dflt, desc, flags, 0, 0, addr, allowed, defaults }
#define HSVAR(name, desc) \
  { name, CONFIG_TYPE_LINELIST_GROUP, OFF(HiddenServiceOptions), NULL, desc, \
    CVFLAG_NO_RELOAD, 0, 0, NULL, 0, 0 }

#define INERT CVFLAG_INERT
#define NORELOAD CVFLAG_NO_RELOAD

static const config_var_t option_vars[] = {
  /* Process and files */
  VAR("DataDirectory", FILENAME, DataDirectory, NULL, NORELOAD,
      "Store working data, state and keys in this directory (created with mode 0700). "
      "Default: ~/.tor, or " LOCALSTATEDIR "/lib/tor when the home directory is /."),
  VAR("RunAsDaemon", BOOL, RunAsDaemon, "0", NORELOAD,
      "If 1, fork and run in the background."),
  VAR("PidFile", FILENAME, PidFile, NULL, 0,
      "Write the process ID to this file on startup and remove it on clean exit."),
  VAR("ShutdownWaitLength", INTERVAL, ShutdownWaitLength, "30 seconds", 0,
      "After SIGINT, wait this long before exiting (a second SIGINT exits at once)."),
  VAR("DisableDebuggerAttachment", BOOL, DisableDebuggerAttachment, "1", NORELOAD,
      "If 1, forbid debuggers and core dumps from reading this process's memory."),
  VAR("Sandbox", BOOL, Sandbox, "0", INERT | NORELOAD,
      "Run inside a system-call sandbox (not available in this daemon)."),
  VAR("__OwningControllerProcess", STRING, OwningControllerProcess, NULL, 0,
      "Exit when the process with this PID exits."),
  VAR("HeartbeatPeriod", INTERVAL, HeartbeatPeriod, "6 hours", 0,
      "Log a heartbeat line at notice level this often (0 disables it)."),
  INTVAR("ConnLimit", ConnLimit, "1000", 0, 2147483647, INERT,
         "Minimum number of file descriptors that must be available."),
  VAR("DisableNetwork", BOOL, DisableNetwork, "0", NORELOAD,
      "If 1, make no network connections and accept none."),
  /* Logging */
  VAR("Log", LINELIST, Logs, NULL, 0,
      "Where to send log messages: \"SEVERITY[-SEVERITY] stderr|stdout|syslog\" or "
      "\"SEVERITY[-SEVERITY] file FILENAME\"; severities are debug, info, notice, warn "
      "and err, each optionally prefixed by [domain,~domain,...]. "
      "Default: notice stdout."),
  VAR("SafeLogging", STRING, SafeLogging, "1", 0,
      "0: log addresses as they are; 1: scrub every address; relay: scrub only client addresses."),
  VAR("LogTimeGranularity", MSEC_INTERVAL, LogTimeGranularity, "1 second", 0,
      "Round the timestamps of log messages down to this many milliseconds."),
  VAR("ProtocolWarnings", BOOL, ProtocolWarnings, "0", 0,
      "If 1, log protocol violations by other parties at warn level instead of info."),
  /* Network and client */
  VAR("DirAuthority", LINELIST, DirAuthorities, NULL, NORELOAD,
      "\"[nickname] [flags] ADDRESS:DIRPORT FINGERPRINT\": a directory authority to use "
      "instead of the default ones (without any, those of the public Tor network, "
      "as in tor " DEFAULT_DIRS_TOR_VERSION ")."),
  VAR("AlternateDirAuthority", LINELIST, AlternateDirAuthorities, NULL, NORELOAD,
      "As DirAuthority, but replaces only the default directory authorities, "
      "keeping the default bridge authority."),
  VAR("AlternateBridgeAuthority", LINELIST, AlternateBridgeAuthorities, NULL, NORELOAD,
      "As DirAuthority, but replaces only the default bridge authority."),
  VAR("FallbackDir", LINELIST, FallbackDirs, NULL, NORELOAD,
      "\"ADDRESS[:DIRPORT] orport=PORT id=FINGERPRINT [weight=N] [ipv6=[ADDR]:PORT]\": "
      "a directory to bootstrap from, replacing the default fallback directories. "
      "Fetches go to its DirPort if it has one, else over BEGIN_DIR on a one-hop "
      "CREATE_FAST circuit to its ORPort (tor " DEFAULT_DIRS_TOR_VERSION
      "'s own fallbacks have no DirPort)."),
  VAR("UseDefaultFallbackDirs", BOOL, UseDefaultFallbackDirs, "1", NORELOAD,
      "If 1, bootstrap from tor's default fallback directories as well as the "
      "authorities, when the directory authorities are the default ones and no "
      "FallbackDir is set."),
  /* tor takes any number here (it "should be 1.0 or less"; below 0 is 0):
   * wide bounds keep tor's torrc files loading. */
  DBLVAR("DirAuthorityFallbackRate", DirAuthorityFallbackRate, "0.1", -1000, 1000,
         NORELOAD, "While bootstrapping from fallback directories, the directory "
         "authorities are chosen this many times as often as their weight says (0: never, "
         "while a usable fallback exists)."),
  PORTVAR("SocksPort", SocksPorts, "9050", "127.0.0.1",
          PORTFLAGS_SOCKS_ALLOWED, PORTFLAGS_SOCKS_DEFAULT, NORELOAD,
          "\"[ADDRESS:]PORT|auto|0|unix:PATH [flags]\": accept SOCKS 4, 4a and 5 "
          "connections here. IsolateClientAddr and IsolateSOCKSAuth are on by default; "
          "v3 onion addresses are reached as tor reaches them (keys for client "
          "authorization from ClientOnionAuthDir)."),
  VAR("Address", LINELIST, Addresses, NULL, INERT,
      "The address (or host name) of this relay."),
  DBLVAR("PathsNeededToBuildCircuits", PathsNeededToBuildCircuits, "-1", -1, 1, 0,
         "Fraction of possible paths whose descriptors must be known before building "
         "circuits; -1 means the consensus decides."),
  VAR("ConfluxEnabled", AUTOBOOL, ConfluxEnabled, "auto", 0,
      "If 1, exit streams go over conflux sets (two circuits linked at one exit, "
      "proposal 329); 0 never; auto as the consensus says (cfx_enabled)."),
  VAR("ConfluxClientUX", STRING, ConfluxClientUX, "throughput", 0,
      "What conflux sets ask the exit for: throughput, latency, throughput_lowmem or "
      "latency_lowmem."),
  VAR("TestingTorNetwork", BOOL, TestingTorNetwork, "0", NORELOAD,
      "If 1, adjust defaults for a private test network (needs DirAuthority lines)."),
  /* Control */
  PORTVAR("ControlPort", ControlPorts, NULL, "127.0.0.1",
          PORTFLAGS_CONTROL_ALLOWED, 0, NORELOAD,
          "\"[ADDRESS:]PORT|auto|unix:PATH [flags]\": accept controller connections here "
          "(control-spec.txt); flags GroupWritable, WorldWritable, RelaxDirModeCheck."),
  VAR("ControlSocket", LINELIST, ControlSockets, NULL, NORELOAD,
      "Accept controller connections on this Unix socket (mode 0600)."),
  VAR("CookieAuthentication", BOOL, CookieAuthentication, "0", NORELOAD,
      "If 1, controllers authenticate with the 32-byte cookie that Tor writes at startup "
      "(COOKIE or SAFECOOKIE)."),
  VAR("CookieAuthFile", FILENAME, CookieAuthFile, NULL, NORELOAD,
      "Where to write the control authentication cookie "
      "(default: DataDirectory/control_auth_cookie)."),
  VAR("CookieAuthFileGroupReadable", BOOL, CookieAuthFileGroupReadable, "0", NORELOAD,
      "If 1, make the cookie file readable by the default group (mode 0640)."),
  VAR("HashedControlPassword", LINELIST, HashedControlPasswords, NULL, NORELOAD,
      "Controllers may authenticate with a password whose hash (tor --hash-password) is "
      "given here; repeat for more passwords."),
  VAR("ControlPortWriteToFile", FILENAME, ControlPortWriteToFile, NULL, NORELOAD,
      "Write the control listeners' addresses to this file (PORT=ADDR:PORT, UNIX_PORT=PATH)."),
  VAR("ControlPortFileGroupReadable", BOOL, ControlPortFileGroupReadable, "0", NORELOAD,
      "If 1, make ControlPortWriteToFile readable by the default group."),
  /* Onion services */
  VAR("ClientOnionAuthDir", FILENAME, ClientOnionAuthDir, NULL, 0,
      "Directory of v3 onion service client authorization files: each "
      "NAME.auth_private holds one line \"<56-char onion address>:descriptor:x25519:"
      "<base32 private key>\". It must exist and be ours; group and world access "
      "is removed. Reread on SIGHUP; ONION_CLIENT_AUTH_ADD Flags=Permanent writes "
      "files here."),
  VAR("HiddenServiceSingleHopMode", BOOL, HiddenServiceSingleHopMode, "0", NORELOAD,
      "Single onion services (one-hop rendezvous) are not supported: only 0."),
  VAR("HiddenServiceNonAnonymousMode", BOOL, HiddenServiceNonAnonymousMode, "0", NORELOAD,
      "Non-anonymous mode (needed for single onion services) is not supported: only 0."),
  HSVAR("HiddenServiceDir",
        "Start an onion service whose keys and hostname live in this directory "
        "(mode 0700). The HiddenService options after it configure it."),
  HSVAR("HiddenServicePort",
        "\"VIRTPORT [TARGET]\": streams to VIRTPORT of the onion service go to TARGET "
        "(a port, ADDRESS:PORT or unix:PATH; default 127.0.0.1:VIRTPORT)."),
  HSVAR("HiddenServiceBulkSource",
        "\"VIRTPORT [Pattern=zero|random|sequence] [Bytes=SIZE] [Rate=SIZE]\": streams to "
        "VIRTPORT get bytes generated inside the daemon: zero bytes (the default), random "
        "bytes, or the sequence of 64-bit big-endian counters 0, 1, 2...; Bytes= ends the "
        "stream with END reason DONE after that many bytes; Rate= caps each stream (per "
        "second)."),
  HSVAR("HiddenServiceBulkSink",
        "\"VIRTPORT\": streams to VIRTPORT are read and discarded (upload tests)."),
  HSVAR("HiddenServiceVersion", "The onion service protocol version; only 3."),
  HSVAR("HiddenServiceNumIntroductionPoints",
        "Number of introduction points the service keeps (1 to 20; default 3)."),
  HSVAR("HiddenServiceMaxStreams",
        "Most streams one rendezvous circuit may have open at once (0, the default, "
        "means no limit); more are refused."),
  HSVAR("HiddenServiceOnionBalanceInstance",
        "If 1, the service is an OnionBalance instance: it also answers introductions "
        "made for the master addresses that the file ob_config in its HiddenServiceDir "
        "names (\"MasterOnionAddress ADDRESS.onion\" lines)."),
  HSVAR("HiddenServiceOnionBalanceFrontend",
        "If 1, the service is an OnionBalance frontend built in: it has no ports or intro "
        "points of its own; its descriptor lists the intro points of the services named "
        "by HiddenServiceOnionBalanceBackend (fetched from the HSDirs every minute, at "
        "most 20, shared fairly), which must be OnionBalance instances of its address."),
  HSVAR("HiddenServiceOnionBalanceBackend",
        "\"ADDRESS.onion\": a backend of this OnionBalance frontend (one line each, up to "
        "16)."),
  HSVAR("HiddenServiceNumWorkers",
        "\"N|auto\": run the service in N worker processes (1 to 16; default 1, no "
        "workers; auto: one per core), each an OnionBalance instance with its own intro "
        "points, circuits and keys under DataDirectory/onion-workers; this daemon fronts "
        "them as HiddenServiceOnionBalanceFrontend does, restarts a worker that dies, and "
        "passes SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2 on to them."),
  HSVAR("HiddenServiceMaxStreamsCloseCircuit",
        "If 1, a rendezvous circuit that asks for more than HiddenServiceMaxStreams "
        "streams is closed instead of the extra stream refused."),
  /* Relay: accepted so relay torrc files load; this daemon is not a relay yet. */
  VAR("Nickname", STRING, Nickname, NULL, INERT,
      "The relay's nickname: 1 to 19 characters among [A-Za-z0-9]."),
  PORTVAR("ORPort", ORPorts, NULL, "0.0.0.0", PORTFLAGS_SERVER_ALLOWED, 0, INERT,
          "\"[ADDRESS:]PORT|auto [flags]\": accept relay connections here."),
  PORTVAR("DirPort", DirPorts, NULL, "0.0.0.0", PORTFLAGS_SERVER_ALLOWED, 0, INERT,
          "\"[ADDRESS:]PORT|auto [flags]\": answer directory requests here."),
  VAR("ExitRelay", AUTOBOOL, ExitRelay, "auto", INERT,
      "Whether this relay allows exit traffic."),
  VAR("AssumeReachable", BOOL, AssumeReachable, "0", INERT,
      "If 1, skip the relay's own reachability tests."),
  VAR("ContactInfo", STRING, ContactInfo, NULL, INERT,
      "Administrative contact information for this relay."),
  VAR("ServerDNSDetectHijacking", BOOL, ServerDNSDetectHijacking, "1", INERT,
      "If 1, check whether the DNS resolver hijacks failed lookups."),
  VAR("ServerDNSTestAddresses", CSV, ServerDNSTestAddresses,
      "www.google.com,www.mit.edu,www.yahoo.com,www.slashdot.org", INERT,
      "Addresses used to check DNS hijacking."),
  VAR("ServerDNSResolvConfFile", FILENAME, ServerDNSResolvConfFile, NULL, INERT,
      "Read DNS resolver settings from this file instead of /etc/resolv.conf."),
  /* Directory authority testing options */
  VAR("TestingDirAuthVoteExit", CSV, TestingDirAuthVoteExit, NULL, INERT,
      "Relays that authorities vote Exit for (testing networks)."),
  VAR("TestingDirAuthVoteHSDir", CSV, TestingDirAuthVoteHSDir, NULL, INERT,
      "Relays that authorities vote HSDir for (testing networks)."),
  VAR("TestingDirAuthVoteGuard", CSV, TestingDirAuthVoteGuard, NULL, INERT,
      "Relays that authorities vote Guard for (testing networks)."),
  INTVAR("V3AuthNIntervalsValid", V3AuthNIntervalsValid, "3", 2, 2147483647, INERT,
         "Number of voting intervals a consensus stays valid (authorities)."),
  VAR("TestingMinExitFlagThreshold", MEMUNIT, TestingMinExitFlagThreshold, "0", INERT,
      "Minimum bandwidth for the Exit flag (testing networks)."),
  /* Download schedules of testing networks: this daemon fetches as soon as
   * it needs a document, so these are accepted and have no effect. */
  VAR("TestingServerDownloadInitialDelay", INTERVAL, TestingDownloadDelays[0], "0", INERT,
      "Initial delay before a relay retries a download (testing networks)."),
  VAR("TestingClientDownloadInitialDelay", INTERVAL, TestingDownloadDelays[1], "0", INERT,
      "Initial delay before a client retries a download (testing networks)."),
  VAR("TestingServerConsensusDownloadInitialDelay", INTERVAL, TestingDownloadDelays[2], "0", INERT,
      "Initial delay before a relay retries a consensus download (testing networks)."),
  VAR("TestingClientConsensusDownloadInitialDelay", INTERVAL, TestingDownloadDelays[3], "0", INERT,
      "Initial delay before a client retries a consensus download (testing networks)."),
  VAR("TestingClientMaxIntervalWithoutRequest", INTERVAL, TestingDownloadDelays[4], "10 minutes",
      INERT, "Longest a client waits between directory requests (testing networks)."),
};

const config_format_t options_format = {
  option_vars,
  sizeof(option_vars) / sizeof(option_vars[0]),
  sizeof(or_options_t),
};
