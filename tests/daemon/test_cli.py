"""The daemon's command line, torrc handling and process life, checked by
running src/app/tor. Where real tor (/usr/bin/tor) is installed, its own
--dump-config output is the expected value for our torrc parsing."""
import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest

TOP = os.environ.get("TOP_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("TOP_BUILDDIR", TOP)
TOR = os.path.abspath(os.path.join(BUILD, "src", "app", "tor"))
REAL_TOR = shutil.which("tor", path="/usr/bin:/usr/sbin")
TORRC_DIR = os.path.join(TOP, "tests", "data", "torrc")

# What chutney writes for client and onion-service nodes (issue 2).
CHUTNEY_OPTIONS = """TestingTorNetwork PathsNeededToBuildCircuits TestingDirAuthVoteExit
TestingDirAuthVoteHSDir TestingDirAuthVoteGuard V3AuthNIntervalsValid
TestingMinExitFlagThreshold DataDirectory RunAsDaemon ConnLimit Nickname
ShutdownWaitLength DisableDebuggerAttachment ControlPort ControlSocket
CookieAuthentication PidFile Log ProtocolWarnings SafeLogging
LogTimeGranularity Sandbox __OwningControllerProcess DirAuthority SocksPort
Address HiddenServiceDir HiddenServicePort HiddenServiceVersion ORPort
DirPort ExitRelay AssumeReachable ContactInfo ServerDNSDetectHijacking
ServerDNSTestAddresses ServerDNSResolvConfFile""".split()


def run(*args, timeout=20, **kw):
    return subprocess.run([TOR, *args], capture_output=True, text=True, timeout=timeout, **kw)


class Tmp(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tor-cli-")
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    def fixture(self, name):
        """A torrc from tests/data/torrc with @DIR@ replaced by our temp dir."""
        with open(os.path.join(TORRC_DIR, name)) as f:
            return self.write(name, f.read().replace("@DIR@", self.dir))


class Informational(Tmp):
    def test_version_first_line(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        first = r.stdout.splitlines()[0]
        self.assertRegex(first, r"^Tor version [A-Za-z0-9 \-+.()]+\.$")
        self.assertIn("OpenSSL", r.stdout)
        self.assertIn("Libevent", r.stdout)

    def test_list_torrc_options_is_one_name_per_line(self):
        r = run("--list-torrc-options")
        self.assertEqual(r.returncode, 0)
        names = r.stdout.splitlines()
        for n in names:
            self.assertRegex(n, r"^[A-Za-z_][A-Za-z0-9_]*$")
        for n in CHUTNEY_OPTIONS:
            self.assertIn(n, names)

    def test_listed_options_are_exactly_the_accepted_ones(self):
        names = run("--list-torrc-options").stdout.split()
        # Each listed option is known (an empty value is fine to the parser).
        torrc = self.write("all", "".join(f"{n}\n" for n in names if not n.startswith("HiddenService")))
        r = run("-f", torrc, "--verify-config", "--DataDirectory", self.path("d"))
        self.assertNotIn("Unknown option", r.stdout + r.stderr)
        # A name not in the list is refused.
        r = run("-f", self.write("bad", "ExitPolicy accept *:*\n"), "--verify-config")
        self.assertNotIn("ExitPolicy", names)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Unknown option 'ExitPolicy'.  Failing.", r.stdout)

    def test_list_modules(self):
        r = run("--list-modules", "--quiet")
        self.assertEqual(r.returncode, 0)
        lines = r.stdout.splitlines()
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, r"^[a-z0-9_-]+: (yes|no)$")

    def test_help_lists_options_with_defaults(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"ShutdownWaitLength\s+TimeInterval\s+30 seconds")


class TorrcFiles(Tmp):
    def verify(self, torrc, *extra):
        return run("-f", torrc, "--verify-config", *extra)

    def test_sample_and_chutney_templates_verify(self):
        for name in ("chutney-client.torrc", "chutney-hs-v3.torrc"):
            r = self.verify(self.fixture(name))
            self.assertEqual(r.returncode, 0, name + r.stdout)
            self.assertIn("Configuration was valid", r.stdout)
        r = self.verify(os.path.join(TOP, "torrc.sample"))
        self.assertEqual(r.returncode, 0, r.stdout)

    @unittest.skipUnless(REAL_TOR, "real tor is not installed")
    def test_dump_config_matches_real_tor(self):
        d = self.path("torrc.d")
        os.mkdir(d)
        self.write("torrc.d/b", "Nickname second\n")
        self.write("torrc.d/a", "Nickname first\n+SocksPort 9250\n")
        self.write("torrc.d/.hidden", "Nickname hidden\n")
        self.write("defaults", "SocksPort 7000\nContactInfo from-defaults\nHeartbeatPeriod 2 hours\n")
        for name in ("syntax.torrc", "chutney-client.torrc", "chutney-hs-v3.torrc"):
            torrc = self.fixture(name)
            args = ["--defaults-torrc", self.path("defaults"), "-f", torrc, "--dump-config", "short"]
            want = subprocess.run([REAL_TOR, *args], capture_output=True, text=True, timeout=30)
            got = run(*args)
            self.assertEqual(want.returncode, 0, want.stdout)
            self.assertEqual(got.returncode, 0, got.stdout)
            self.assertEqual(sorted(got.stdout.splitlines()), sorted(want.stdout.splitlines()), name)

    def test_errors_name_file_line_and_option(self):
        cases = [
            ("SocksPort 9050\nFoo bar\n", ["Unknown option 'Foo'.  Failing.", ":2"]),
            ("\nSocksPort 70000\n", ["SocksPort", "70000", ":2"]),
            ("Log notice stdout\nLog loud stdout\n", ["Log", "loud", ":2", "severity"]),
            ("SocksPort 9050\n%include /nonexistent/torrc.d\n", ["%include", ":2", "/nonexistent"]),
        ]
        for text, wanted in cases:
            torrc = self.write("torrc", text)
            r = self.verify(torrc)
            self.assertEqual(r.returncode, 1, text)
            out = r.stdout + r.stderr
            self.assertIn(torrc, out)
            for w in wanted:
                self.assertIn(w, out, text)

    def test_command_line_overrides_and_is_checked(self):
        torrc = self.write("torrc", "SocksPort 9050\n")
        r = self.verify(torrc, "--socksport", "70000")
        self.assertEqual(r.returncode, 1)
        self.assertIn("command line", r.stdout)
        r = run("-f", torrc, "--SocksPort", "9999", "ShutdownWaitLength", "5", "--dump-config", "short")
        self.assertEqual(r.stdout.splitlines(), ["ShutdownWaitLength 5", "SocksPort 9999"])
        r = self.verify(torrc, "--SocksPort")
        self.assertEqual(r.returncode, 1)

    def test_missing_torrc(self):
        r = self.verify(self.path("nope"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("Unable to open configuration file", r.stdout)
        r = self.verify(self.path("nope"), "--ignore-missing-torrc")
        self.assertEqual(r.returncode, 0)


def s2k_check(encoded, password):
    """Independent check of a HashedControlPassword value ("16:" + hex of
    salt(8) | count byte | SHA-1 digest), RFC 2440 iterated+salted S2K."""
    raw = bytes.fromhex(encoded[3:])
    salt, c, digest = raw[:8], raw[8], raw[9:]
    count = (16 + (c & 15)) << ((c >> 4) + 6)
    unit = salt + password.encode()
    count = max(count, len(unit))
    return hashlib.sha1((unit * (count // len(unit) + 1))[:count]).digest() == digest


def run_real(*args, timeout=30, **kw):
    return subprocess.run([REAL_TOR, *args], capture_output=True, text=True, timeout=timeout, **kw)


class HashPassword(Tmp):
    PASSWORDS = ["foo", "", "two words", "p\u00e4ssw\u00f6rd \u2603", "x" * 300]
    SHAPE = r"^16:[0-9A-F]{16}60[0-9A-F]{40}$"

    def test_quiet_prints_one_line_that_verifies(self):
        for pw in self.PASSWORDS:
            r = run("--quiet", "--hash-password", pw)
            self.assertEqual(r.returncode, 0, pw)
            self.assertEqual(r.stderr, "")
            lines = r.stdout.splitlines()
            self.assertEqual(len(lines), 1, r.stdout)
            self.assertRegex(lines[0], self.SHAPE)
            self.assertTrue(s2k_check(lines[0], pw), pw)
            self.assertFalse(s2k_check(lines[0], pw + "x"), pw)

    def test_without_quiet_last_line_is_the_hash_and_salts_differ(self):
        # stem/onionprobe take the last line of stdout.
        a = run("--hash-password", "secret").stdout.splitlines()[-1]
        b = run("--hash-password", "secret").stdout.splitlines()[-1]
        self.assertRegex(a, self.SHAPE)
        self.assertTrue(s2k_check(a, "secret") and s2k_check(b, "secret"))
        self.assertNotEqual(a, b)

    def test_torrc_is_not_read_and_last_value_wins(self):
        bad = self.write("bad", "Bogus 1\n")
        r = run("-f", bad, "--quiet", "--hash-password", "a", "--hash-password", "b")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertTrue(s2k_check(r.stdout.splitlines()[-1], "b"))
        r = run("--hash-password", "a", "--version")
        self.assertTrue(r.stdout.startswith("Tor version "))

    def test_missing_value_fails(self):
        r = run("--hash-password")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Command-line option '--hash-password' with no value. Failing.", r.stdout)

    @unittest.skipUnless(REAL_TOR, "real tor is not installed")
    def test_real_tor_agrees(self):
        # The verifier accepts real tor's hashes, whose shape ours has.
        for pw in self.PASSWORDS:
            want = run_real("--quiet", "--hash-password", pw)
            self.assertEqual(want.returncode, 0)
            line = want.stdout.splitlines()[-1]
            self.assertRegex(line, self.SHAPE)
            self.assertTrue(s2k_check(line, pw), pw)
            self.assertEqual(len(want.stdout.splitlines()),
                             len(run("--quiet", "--hash-password", pw).stdout.splitlines()))
        self.assertEqual(run_real("--hash-password").returncode, run("--hash-password").returncode)


class TorrcFromStdin(Tmp):
    CASES = [
        "SocksPort 9999\nContactInfo from stdin\n",
        "",
        "# only a comment\n",
        "SocksPort 9999\nBogus 1\n",
        "SocksPort 70000\n",
        "Nickname first\n%include inc\n",
    ]

    def both(self, args, text):
        got = run(*args, input=text, cwd=self.dir)
        want = run_real(*args, input=text, cwd=self.dir) if REAL_TOR else None
        return got, want

    def test_verify_config_reads_stdin(self):
        self.write("inc", "ContactInfo included\n")
        for flag in ("-f", "--torrc-file"):
            for text in self.CASES:
                args = [flag, "-", "--defaults-torrc", self.path("none"), "--verify-config"]
                got, want = self.both(args, text)
                ok = "Bogus" not in text and "70000" not in text
                self.assertEqual(got.returncode, 0 if ok else 1, text + got.stdout)
                if ok:
                    self.assertIn("Configuration was valid", got.stdout)
                else:
                    self.assertIn("<stdin>", got.stdout)
                if want:
                    self.assertEqual(got.returncode, want.returncode, text + want.stdout)

    @unittest.skipUnless(REAL_TOR, "real tor is not installed")
    def test_dump_config_from_stdin_matches_real_tor(self):
        self.write("inc", "ContactInfo included\n")
        defaults = self.write("defaults", "SocksPort 7000\nHeartbeatPeriod 2 hours\n")
        for text in ("SocksPort 9999\nContactInfo from stdin\n", "Nickname first\n%include inc\n", ""):
            for d in (defaults, self.path("none")):
                got, want = self.both(["--defaults-torrc", d, "-f", "-", "--dump-config", "short"], text)
                self.assertEqual(want.returncode, 0, want.stdout)
                self.assertEqual(got.returncode, 0, got.stdout)
                self.assertEqual(sorted(got.stdout.splitlines()), sorted(want.stdout.splitlines()), text)

    def test_oversized_stdin_is_refused(self):
        r = run("-f", "-", "--verify-config", input="#" * (5 * 1024 * 1024))
        self.assertEqual(r.returncode, 1)
        self.assertIn("standard input is longer than", r.stdout)


class Process(Tmp):
    def start(self, torrc_text, *extra):
        torrc = self.write("torrc", torrc_text.replace("@DIR@", self.dir))
        log = open(self.path("stdout"), "w")
        p = subprocess.Popen([TOR, "-f", torrc, *extra], stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def wait_for_log(self, path, text, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.exists(path) and text in open(path).read():
                return True
            time.sleep(0.05)
        self.fail(f"'{text}' not in {path} after {timeout}s: {open(path).read() if os.path.exists(path) else ''}")

    # No DirAuthority lines: without DisableNetwork the daemon would join the
    # public Tor network (tor's default authorities); tests never do.
    BASE = ("DataDirectory @DIR@/data\nLog notice file @DIR@/notice.log\nSocksPort 0\n"
            "DisableNetwork 1\n")

    def test_sigterm_exits_cleanly_and_datadir_is_private(self):
        p = self.start(self.BASE + "PidFile @DIR@/pid\n")
        self.wait_for_log(self.path("notice.log"), "running on")
        self.wait_for_log(self.path("pid"), str(p.pid))
        mode = stat.S_IMODE(os.stat(self.path("data")).st_mode)
        self.assertEqual(mode, 0o700)
        self.assertTrue(os.path.exists(self.path("data/lock")))
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(5), 0)
        self.assertIn("Catching signal TERM, exiting cleanly.", open(self.path("notice.log")).read())
        self.assertFalse(os.path.exists(self.path("pid")))

    def test_sigint_waits_shutdown_wait_length(self):
        p = self.start(self.BASE + "ShutdownWaitLength 2\n")
        self.wait_for_log(self.path("notice.log"), "running on")
        t0 = time.time()
        p.send_signal(signal.SIGINT)
        self.assertEqual(p.wait(10), 0)
        self.assertGreaterEqual(time.time() - t0, 1.5)
        self.assertIn("will shut down in 2 seconds", open(self.path("notice.log")).read())

    def test_second_daemon_on_same_datadir_is_refused(self):
        p = self.start(self.BASE)
        self.wait_for_log(self.path("notice.log"), "running on")
        r = run("-f", self.path("torrc"), timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn("another Tor process is running with the same data directory",
                      open(self.path("notice.log")).read())
        p.terminate()
        p.wait(5)

    def test_group_readable_datadir_is_refused(self):
        os.mkdir(self.path("data"), 0o750)
        os.chmod(self.path("data"), 0o750)
        r = run("-f", self.write("torrc", self.BASE.replace("@DIR@", self.dir)), timeout=10)
        self.assertEqual(r.returncode, 1)
        log = open(self.path("notice.log")).read()
        self.assertIn("too permissive", log)
        self.assertIn("chmod 700", log)

    def test_sighup_rereads_torrc(self):
        p = self.start(self.BASE)
        self.wait_for_log(self.path("notice.log"), "running on")
        with open(self.path("torrc"), "a") as f:
            f.write(f"Log info file {self.dir}/info.log\nDataDirectory {self.dir}/other\n")
        p.send_signal(signal.SIGHUP)
        self.wait_for_log(self.path("notice.log"), "changing DataDirectory is not allowed")
        self.assertTrue(os.path.exists(self.path("info.log")))
        # A broken torrc on SIGHUP keeps the daemon and its old options.
        with open(self.path("torrc"), "a") as f:
            f.write("Bogus 1\n")
        p.send_signal(signal.SIGHUP)
        self.wait_for_log(self.path("notice.log"), "keeping the old one")
        self.assertIsNone(p.poll())
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(5), 0)

    def test_run_as_daemon_and_owning_controller(self):
        owner = subprocess.Popen(["sleep", "30"])
        self.procs.append(owner)
        r = run("-f", self.write("torrc", (self.BASE + "RunAsDaemon 1\nPidFile @DIR@/pid\n"
                                           "__OwningControllerProcess %d\n" % owner.pid)
                                 .replace("@DIR@", self.dir)), timeout=10)
        self.assertEqual(r.returncode, 0)
        self.wait_for_log(self.path("pid"), "\n")
        pid = int(open(self.path("pid")).read())
        os.kill(pid, 0)
        owner.kill()
        owner.wait()
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
            self.fail("daemon did not exit when its owning controller died")
        self.assertIn("Owning controller process has vanished", open(self.path("notice.log")).read())


if __name__ == "__main__":
    unittest.main()


class ListFingerprint(Tmp):
    """--list-fingerprint as chutney runs it (relay part 1): the relay keys
    made in DataDirectory/keys, the fingerprint files written, and the
    spaced fingerprint printed last. Real tor is the referee both ways: it
    reads the keys we made (same fingerprints, nothing regenerated), and we
    read the keys it made."""

    def list_fp(self, binary, datadir):
        torrc = self.write("empty-torrc", "")
        return subprocess.run([binary, "--ignore-missing-torrc", "-f", torrc, "--orport", "1",
                               "--datadirectory", datadir, "--nickname", "fpnode",
                               "--list-fingerprint"], capture_output=True, text=True, timeout=60)

    def check_output(self, r, datadir):
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        last = r.stdout.strip().splitlines()[-1]
        self.assertRegex(last, r"^fpnode( [0-9A-F]{4}){10}$")
        with open(os.path.join(datadir, "fingerprint")) as f:
            fp = f.read()
        self.assertEqual(fp, "fpnode %s\n" % last.split(" ", 1)[1].replace(" ", ""))
        with open(os.path.join(datadir, "fingerprint-ed25519")) as f:
            self.assertRegex(f.read(), r"^fpnode [A-Za-z0-9+/]{43}\n$")
        return fp

    def key_files(self, datadir):
        keys = os.path.join(datadir, "keys")
        out = {}
        for name in sorted(os.listdir(keys)):
            with open(os.path.join(keys, name), "rb") as f:
                out[name] = f.read()
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(keys, name)).st_mode), 0o600, name)
        return out

    def test_client_has_no_keys(self):
        torrc = self.write("empty-torrc", "")
        r = run("--ignore-missing-torrc", "-f", torrc, "--datadirectory", self.path("dd"),
                "--list-fingerprint")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Clients don't have long-term identity keys. Exiting.", r.stdout)

    @unittest.skipUnless(REAL_TOR, "real tor is not installed")
    def test_real_tor_reads_our_keys(self):
        dd = self.path("ours")
        ours = self.check_output(self.list_fp(TOR, dd), dd)
        before = self.key_files(dd)
        self.assertEqual(sorted(before), [
            "ed25519_master_id_public_key", "ed25519_master_id_secret_key",
            "ed25519_signing_cert", "ed25519_signing_secret_key", "secret_id_key",
            "secret_onion_key", "secret_onion_key_ntor"])
        with open(os.path.join(dd, "fingerprint-ed25519")) as f:
            ed_ours = f.read()
        real = self.check_output(self.list_fp(REAL_TOR, dd), dd)
        self.assertEqual(real, ours)
        with open(os.path.join(dd, "fingerprint-ed25519")) as f:
            self.assertEqual(f.read(), ed_ours)
        self.assertEqual(self.key_files(dd), before)

    @unittest.skipUnless(REAL_TOR, "real tor is not installed")
    def test_we_read_real_tor_keys(self):
        dd = self.path("real")
        real = self.check_output(self.list_fp(REAL_TOR, dd), dd)
        before = self.key_files(dd)
        with open(os.path.join(dd, "fingerprint-ed25519")) as f:
            ed_real = f.read()
        ours = self.check_output(self.list_fp(TOR, dd), dd)
        self.assertEqual(ours, real)
        with open(os.path.join(dd, "fingerprint-ed25519")) as f:
            self.assertEqual(f.read(), ed_real)
        self.assertEqual(self.key_files(dd), before)

    def test_corrupt_key_refused_not_replaced(self):
        dd = self.path("dd")
        self.check_output(self.list_fp(TOR, dd), dd)
        path = os.path.join(dd, "keys", "secret_onion_key_ntor")
        with open(path, "r+b") as f:
            f.truncate(40)
        r = self.list_fp(TOR, dd)
        self.assertEqual(r.returncode, 1)
        self.assertIn("secret_onion_key_ntor: key file is truncated", r.stdout)
        self.assertEqual(os.path.getsize(path), 40)
