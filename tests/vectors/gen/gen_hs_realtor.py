#!/usr/bin/python3
"""Capture onion-service facts from real tor on a private network, as
known answers for our HS key blinding, time periods, SRV choice and HSDir
ring (src/feature/hs/).

    /usr/bin/python3 tests/vectors/gen/gen_hs_realtor.py OUTDIR [MINUTES]

Starts a private network of real tor (scripts/testnet: 3 authorities,
8 relays, client0, hs0; TestingTorNetwork with 20 s voting, so the HS time
period is 24 * 20 s = 8 minutes and its rotation offset 12 * 20 s =
4 minutes), then for MINUTES (default 20) records:

  events.txt    one line per control event of hs0 and client0:
                "<unix time> <node> <event line>"; HS_DESC UPLOAD lines
                (hs0) and REQUESTED lines (client0) give the blinded key and
                the HSDIR_INDEX of each HSDir that real tor chose.
  state.txt     every 10 s per node: "<unix time> <node> valid-after=...
                sr-current=... sr-previous=..." (GETINFO consensus/valid-after,
                sr/current, sr/previous).
  desc-N.txt    descriptors client0 fetched (HS_DESC_CONTENT), as served.
  relays.txt    "<nickname> <rsa fingerprint> <ed25519 id base64>" for every
                node with an ORPort (the ed25519 id from its key file).
  hs_ed25519_secret_key, hs_ed25519_public_key, hostname: hs0's keys.

client0 is asked to HSFETCH hs0's address every 45 s.  Nothing here is
computed: it is what real tor printed."""

import base64
import os
import shutil
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

import testnet  # noqa: E402
from stem.control import Controller, EventType  # noqa: E402


def main():
    out = os.path.abspath(sys.argv[1])
    minutes = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    os.makedirs(out, exist_ok=True)
    lock = threading.Lock()
    events = open(os.path.join(out, "events.txt"), "a")
    state = open(os.path.join(out, "state.txt"), "a")
    ndesc = [0]

    net = testnet.start(relays=8, clients=1, onion_services=1, timeout=300)
    try:
        hsdir = os.path.join(net.datadir("hs0"), "hs")
        for f in ("hs_ed25519_secret_key", "hs_ed25519_public_key", "hostname"):
            shutil.copy(os.path.join(hsdir, f), os.path.join(out, f))
        with open(os.path.join(out, "relays.txt"), "w") as rf:
            for name in net.names("authority") + net.names("relay"):
                with open(os.path.join(net.datadir(name), "keys",
                                       "ed25519_master_id_public_key"), "rb") as kf:
                    pk = kf.read()[32:64]
                rf.write("%s %s %s\n" % (net.node(name)["nickname"]
                                         if "nickname" in net.node(name) else name,
                                         net.fingerprint(name),
                                         base64.b64encode(pk).decode().rstrip("=")))
        onion = net.onion("hs0")[:-len(".onion")]

        ctrls = {}
        for name in ("hs0", "client0"):
            c = Controller.from_port(port=net.control_port(name))
            c.authenticate()
            ctrls[name] = c

            def on_event(ev, name=name):
                with lock:
                    t = time.time()
                    if ev.type == "HS_DESC_CONTENT":
                        ndesc[0] += 1
                        path = os.path.join(out, "desc-%d.txt" % ndesc[0])
                        with open(path, "w") as df:
                            df.write(str(ev.descriptor) if ev.descriptor else "")
                        events.write("%.3f %s HS_DESC_CONTENT %s %s desc-%d.txt\n"
                                     % (t, name, ev.address, ev.directory, ndesc[0]))
                    else:
                        events.write("%.3f %s %s\n" % (t, name, ev.raw_content().strip()))
                    events.flush()
            c.add_event_listener(on_event, EventType.HS_DESC, EventType.HS_DESC_CONTENT)

        deadline = time.time() + minutes * 60
        last_fetch = 0
        while time.time() < deadline:
            for name, c in ctrls.items():
                vals = []
                for key in ("consensus/valid-after", "sr/current", "sr/previous"):
                    try:
                        vals.append("%s=%s" % (key.split("/")[-1],
                                               c.get_info(key).replace(" ", "T")))
                    except Exception as e:  # not known yet
                        vals.append("%s=?" % key.split("/")[-1])
                with lock:
                    state.write("%.3f %s %s\n" % (time.time(), name, " ".join(vals)))
                    state.flush()
            if time.time() - last_fetch > 45:
                last_fetch = time.time()
                try:
                    ctrls["client0"].msg("HSFETCH %s" % onion)
                except Exception as e:
                    print("HSFETCH failed: %s" % e, file=sys.stderr)
            time.sleep(10)
        for c in ctrls.values():
            c.close()
    finally:
        keep = os.path.join(out, "testnet-logs")
        os.makedirs(keep, exist_ok=True)
        for name in ("hs0", "client0"):
            try:
                shutil.copy(os.path.join(net.datadir(name), "info.log"),
                            os.path.join(keep, name + "-info.log"))
            except OSError:
                pass
        net.stop()


if __name__ == "__main__":
    main()
