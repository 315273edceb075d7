"""ClientOnionAuthDir and the ONION_CLIENT_AUTH_* control commands, on our
daemon without a network (DisableNetwork 1).

tests/vectors/control/real_tor/onion_client_auth.txt is real tor
0.4.9.11's answer to a sequence of ADD / VIEW / REMOVE commands, with the
files its ClientOnionAuthDir held after each (F: lines); we replay the
client lines and want the same reply lines and the same files. Then the
directory: good and bad files (a bad one is logged by name and skipped),
permissions fixed as tor does, a missing directory refused at start, SIGHUP
rereading the files while keeping credentials added over the control port.
Every receive has a timeout; every daemon is killed at the end."""
import os
import re
import shutil
import signal
import stat
import tempfile
import time
import unittest

from test_control import VECTORS, Daemon, TOR

ADDR = "jvdyym4eaf276oi67ml5vhpvx2qrjobmi4edmee6eoob2epntklyavyd"
ALICE_B32 = "WGB3RWRNFHNFBLYEMH44A7PT645GASPIYIXAK3IX4YCUUKNSUCSA"
ALICE_B64 = "sYO42i0p2lCvBGH5wH3z9zpgSejCLgVtF+YFSimyoKQ="
OTHER = "kfi6fxh2nrneoncih2hl5254h44v7rebdmafvwnreo6am6yctktzxuyd"
KA = "XVCt6jHR3WGp0iUu2YFcX2YiwSk79zLFwb+sg/fTius="


def files_of(d):
    out = []
    for fn in sorted(os.listdir(d)):
        st = os.stat(os.path.join(d, fn))
        with open(os.path.join(d, fn)) as f:
            out.append("F: %s %o %r" % (fn, st.st_mode & 0o7777, f.read()))
    return out or ["F: (none)"]


class AuthDaemon:
    """Our daemon with ClientOnionAuthDir = a fresh directory (files given
    by name -> text) and NULL control authentication."""

    def __init__(self, files=(), mode=0o700, extra=()):
        self.authdir = tempfile.mkdtemp(prefix="tor-ctl-authdir-")
        for name, text in dict(files).items():
            with open(os.path.join(self.authdir, name), "w") as f:
                f.write(text)
        os.chmod(self.authdir, mode)
        try:
            self.d = Daemon("auth", cookie=False,
                            extra=["ClientOnionAuthDir " + self.authdir] + list(extra))
        except BaseException:
            shutil.rmtree(self.authdir, ignore_errors=True)
            raise

    def conn(self):
        c = self.d.connect()
        r = c.cmd("AUTHENTICATE")
        if r != ["250 OK"]:
            raise AssertionError(r)
        return c

    def stop(self):
        self.d.stop()
        shutil.rmtree(self.authdir, ignore_errors=True)


class RealTorTranscript(unittest.TestCase):
    def test_onion_client_auth_transcript(self):
        with open(os.path.join(VECTORS, "onion_client_auth.txt")) as f:
            lines = [l for l in f.read().splitlines() if not l.startswith("#")]
        a = AuthDaemon()
        self.addCleanup(a.stop)
        c = a.d.connect()
        self.addCleanup(c.close)
        got = []
        before = ["F: (none)"]
        for l in lines:
            if not l.startswith("C: "):
                continue
            got.append(l)
            got += ["S: " + r for r in c.cmd(l[3:])]
            now = files_of(a.authdir)
            if now != before:
                got += now
                before = now
        self.assertEqual(got, lines)


class Directory(unittest.TestCase):
    def view(self, a):
        c = a.conn()
        try:
            return c.cmd("ONION_CLIENT_AUTH_VIEW")
        finally:
            c.close()

    def test_good_and_bad_files(self):
        a = AuthDaemon(files={
            "alice.auth_private": "# made by a tool\n%s.onion:descriptor:x25519:%s\r\n" %
                                  (ADDR.upper(), ALICE_B32.lower()),
            "bad.auth_private": "%s:descriptor:x25519:%s\n" % (OTHER, ALICE_B32[:-1]),
            "two.auth_private": "%s:descriptor:x25519:%s\n" % (OTHER, ALICE_B32) * 2,
            "notes.txt": "ignored\n",
        }, mode=0o755)
        self.addCleanup(a.stop)
        self.assertEqual(self.view(a), [
            "250-ONION_CLIENT_AUTH_VIEW",
            "250-CLIENT %s x25519:%s Flags=Permanent" % (ADDR, ALICE_B64),
            "250 OK"])
        log = a.d.log()
        self.assertRegex(log, r"\[warn\] Client authorization file %s/bad\.auth_private: line 1: "
                              r"the private key is not 52 base32 characters" % re.escape(a.authdir))
        self.assertRegex(log, r"\[warn\] Client authorization file %s/two\.auth_private: line 2: "
                              r"a second credential" % re.escape(a.authdir))
        self.assertRegex(log, r"\[notice\] Ignoring notes\.txt in ClientOnionAuthDir")
        # tor: "Fixing permissions on directory"
        self.assertRegex(log, r"\[warn\] ClientOnionAuthDir \S+ was accessible by group or others "
                              r"\(mode 0755\): fixing its permissions to 0700\.")
        self.assertEqual(stat.S_IMODE(os.stat(a.authdir).st_mode), 0o700)
        self.assertTrue(a.d.alive())

    def test_missing_directory_is_refused(self):
        """As tor: 'Directory ... does not exist.' / 'Failed to parse/validate config'."""
        d = tempfile.mkdtemp(prefix="tor-ctl-noauthdir-")
        self.addCleanup(shutil.rmtree, d, True)
        import subprocess
        with open(os.path.join(d, "torrc"), "w") as f:
            f.write("DataDirectory %s/data\nDisableNetwork 1\nSocksPort 0\n"
                    "ClientOnionAuthDir %s/nosuch\n" % (d, d))
        r = subprocess.run([TOR, "-f", os.path.join(d, "torrc")], capture_output=True, text=True,
                           timeout=20)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("ClientOnionAuthDir %s/nosuch: No such file or directory" % d, r.stdout)
        r = subprocess.run([TOR, "-f", os.path.join(d, "torrc"), "--verify-config"],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1, r.stdout)

    def test_sighup_rereads_files_and_keeps_ephemeral(self):
        a = AuthDaemon()
        self.addCleanup(a.stop)
        c = a.conn()
        self.assertEqual(c.cmd("ONION_CLIENT_AUTH_ADD %s x25519:%s ClientName=eph" % (OTHER, KA)),
                         ["250 OK"])
        c.close()
        with open(os.path.join(a.authdir, "alice.auth_private"), "w") as f:
            f.write("%s:descriptor:x25519:%s\n" % (ADDR, ALICE_B32))
        os.kill(a.d.pid, signal.SIGHUP)
        want = ["250-ONION_CLIENT_AUTH_VIEW",
                "250-CLIENT %s x25519:%s Flags=Permanent" % (ADDR, ALICE_B64),
                "250-CLIENT %s x25519:%s ClientName=eph" % (OTHER, KA),
                "250 OK"]
        deadline = time.monotonic() + 10
        while self.view(a) != want and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.view(a), want)
        os.unlink(os.path.join(a.authdir, "alice.auth_private"))
        os.kill(a.d.pid, signal.SIGHUP)
        want = [want[0], want[2], want[3]]
        deadline = time.monotonic() + 10
        while self.view(a) != want and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.view(a), want)
        # the directory gone: the reload keeps the old configuration
        shutil.rmtree(a.authdir)
        os.kill(a.d.pid, signal.SIGHUP)
        deadline = time.monotonic() + 10
        while "Reloading the configuration failed" not in a.d.log() and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertIn("Reloading the configuration failed; keeping the old one.", a.d.log())
        self.assertEqual(self.view(a), want)
        self.assertTrue(a.d.alive())
        os.makedirs(a.authdir, 0o700)   # for stop()


if __name__ == "__main__":
    unittest.main()
