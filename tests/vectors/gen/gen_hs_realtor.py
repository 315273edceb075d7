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
                "<unix time> <node> <event line>", in the order tor sent
                them (NEWCONSENSUS only as "<time> <node> NEWCONSENSUS");
                HS_DESC UPLOAD lines
                (hs0) and REQUESTED lines (client0) give the blinded key and
                the HSDIR_INDEX of each HSDir that real tor chose.
  state.txt     every second per node: "<unix time> <node> valid-after=...
                sr-current=... sr-previous=..." (GETINFO consensus/valid-after,
                sr/current, sr/previous).
  desc-N.txt    descriptors client0 fetched (HS_DESC_CONTENT), as served.
  relays.txt    "<nickname> <rsa fingerprint> <ed25519 id base64>" for every
                node with an ORPort (the ed25519 id from its key file).
  hs_ed25519_secret_key, hs_ed25519_public_key, hostname: hs0's keys.

client0 is asked to HSFETCH hs0's address every 45 s.  Nothing here is
computed: it is what real tor printed.

    /usr/bin/python3 tests/vectors/gen/gen_hs_realtor.py --describe DIR OUTFILE

writes what stem reads in the descriptors DIR/desc-*.txt (decrypted with
DIR/hostname) as tests/vectors/hs/realtor_desc.txt.

    /usr/bin/python3 tests/vectors/gen/gen_hs_realtor.py --convert CAPDIR OUTFILE

turns a capture into the vector file the unit tests read
(tests/vectors/hs/realtor_ring.txt): one record per HS_DESC UPLOAD
(role 0, hs0) or REQUESTED (role 1, client0) event with the consensus
valid-after and SRVs the node reported last before the event (polled
every second: the consensus in force at an event is the one the node
reported first after its last NEWCONSENSUS event; without those, events
whose node's next report differs from the one before are dropped as
ambiguous), the blinded
key, the HSDir's ed25519 id and the HSDIR_INDEX; and one record per relay
("relay_ed25519_id", "relay_rsa_id") so the tests can rebuild the ring.
Uploads of one blinded key within one second form a batch (field
"batch"): the set of HSDirs real tor chose for it."""

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


def convert(capdir, outfile):
    import calendar
    relays = {}
    for line in open(os.path.join(capdir, "relays.txt")):
        nick, fp, ed = line.split()
        relays[fp] = base64.b64decode(ed + "=" * (-len(ed) % 4))
    states = []  # (time, node, valid_after, current, previous)
    for line in open(os.path.join(capdir, "state.txt")):
        t, node, *kv = line.split()
        d = dict(x.split("=", 1) for x in kv)
        if "?" in (d["valid-after"],):
            continue
        va = calendar.timegm(time.strptime(d["valid-after"], "%Y-%m-%dT%H:%M:%S"))
        states.append((float(t), node, va, d.get("current", ""), d.get("previous", "")))

    def state_after(t, node):
        for s in states:
            if s[1] == node and s[0] > t:
                return s if s[0] - t < 15 else None
        return None

    def state_before(t, node):
        best = None
        for s in states:
            if s[1] == node and s[0] <= t:
                best = s
        return best

    def srv(v):
        v = v.rstrip("?")
        return base64.b64decode(v) if v else b""

    def i8(v):
        return int(v).to_bytes(8, "big")

    with open(os.path.join(capdir, "hostname")) as hf:
        onion = hf.read().strip()[:-len(".onion")]
    recs = []
    batches = {}
    last_newcons = {}
    for line in open(os.path.join(capdir, "events.txt")):
        f = line.split()
        if len(f) == 3 and f[2] == "NEWCONSENSUS":
            last_newcons[f[1]] = float(f[0])
            continue
        if len(f) < 9 or f[3] != "HS_DESC" or f[4] not in ("UPLOAD", "REQUESTED"):
            continue
        t, node, action = float(f[0]), f[1], f[4]
        hsdir = f[7].split("~")[0].lstrip("$")
        bkey = f[8]
        idx = [x for x in f if x.startswith("HSDIR_INDEX=")]
        if not idx or hsdir not in relays:
            continue
        if node in last_newcons:
            # the consensus in force: the first report after the node
            # announced its latest consensus (the event stream is ordered)
            st = state_after(last_newcons[node], node)
        else:
            st = state_before(t, node)
            after = state_after(t, node)
            if after is not None and after[2:] != st[2:]:
                continue  # the consensus changed around the event: ambiguous
        if st is None:
            continue
        role = 0 if action == "UPLOAD" else 1
        # only hs0's own uploads and client0's fetches of hs0
        if (role == 0 and node != "hs0") or (role == 1 and f[5] != onion):
            continue
        key = (role, bkey, int(t))
        batch = batches.setdefault(key, len(batches))
        rec = [("role", bytes([role])), ("batch", i8(batch)), ("time", i8(int(t))),
               ("valid_after", i8(st[2])),
               ("have_srv_current", bytes([bool(srv(st[3]))])),
               ("srv_current", srv(st[3]) or bytes(32)),
               ("have_srv_previous", bytes([bool(srv(st[4]))])),
               ("srv_previous", srv(st[4]) or bytes(32)),
               ("blinded_pk", base64.b64decode(bkey + "=" * (-len(bkey) % 4))),
               ("hsdir_ed25519_id", relays[hsdir]),
               ("hsdir_index", bytes.fromhex(idx[0].split("=", 1)[1]))]
        recs.append(rec)
    relay_recs = [[("relay_ed25519_id", ed), ("relay_rsa_id", bytes.fromhex(fp))]
                  for fp, ed in sorted(relays.items())]
    with open(outfile.replace("_ring.txt", "_relays.txt"), "w") as out:
        out.write("# Every relay of the captured network (all had the HSDir flag).\n")
        for rec in relay_recs:
            out.write("\n")
            for k, v in rec:
                out.write("%s = %s\n" % (k, v.hex()))
    with open(outfile, "w") as out:
        out.write("# Converted by tests/vectors/gen/gen_hs_realtor.py --convert from a capture\n"
                  "# of real tor 0.4.9.11 on a private network (TestingTorNetwork, 20 s\n"
                  "# voting); see tests/vectors/hs/README.md. One event per line:\n"
                  "# role(0 upload by hs0, 1 fetch by client0) batch time valid_after\n"
                  "# have_srv_current srv_current have_srv_previous srv_previous\n"
                  "# blinded_pk hsdir_ed25519_id hsdir_index   (integers decimal, rest hex;\n"
                  "# a missing SRV is written as 32 zero bytes with have = 0)\n")
        for rec in recs:
            d = dict(rec)
            out.write("%d %d %d %d %d %s %d %s %s %s %s\n" % (
                d["role"][0], int.from_bytes(d["batch"], "big"),
                int.from_bytes(d["time"], "big"), int.from_bytes(d["valid_after"], "big"),
                d["have_srv_current"][0], d["srv_current"].hex(),
                d["have_srv_previous"][0], d["srv_previous"].hex(),
                d["blinded_pk"].hex(), d["hsdir_ed25519_id"].hex(), d["hsdir_index"].hex()))


def describe(descdir, outfile):
    """Expected fields of real tor's descriptors in descdir/desc-*.txt, as
    stem parses and decrypts them (vector format of tests/vectors)."""
    import calendar
    import glob
    import stem.descriptor.hidden_service as hs
    with open(os.path.join(descdir, "hostname")) as f:
        addr = f.read().strip()
    with open(outfile, "w") as out:
        out.write("# stem 1.8.1's reading of real tor's descriptors in tests/vectors/hs/realtor/\n"
                  "# (gen_hs_realtor.py --describe); integers 8-byte big-endian.\n")
        for path in sorted(glob.glob(os.path.join(descdir, "desc-*.txt"))):
            text = open(path, "rb").read()
            d = hs.HiddenServiceDescriptorV3(text, validate=True)
            inner = d.decrypt(addr)
            rec = [("file", os.path.basename(path).encode()),
                   ("revision_counter", d.revision_counter.to_bytes(8, "big")),
                   ("lifetime", d.lifetime.to_bytes(8, "big")),
                   ("blinded_pk", d.signing_cert.signing_key()),
                   ("signing_pk", d.signing_cert.key),
                   ("signing_cert_expiration",
                    int(calendar.timegm(d.signing_cert.expiration.timetuple()) // 3600).to_bytes(8, "big")),
                   ("n_intro_points", len(inner.introduction_points).to_bytes(8, "big"))]
            for i, ip in enumerate(inner.introduction_points):
                rec += [("ip%d_link_specifiers" % i,
                         bytes([len(ip.link_specifiers)]) + b"".join(l.pack() for l in ip.link_specifiers)),
                        ("ip%d_onion_key" % i, base64.b64decode(ip.onion_key_raw)),
                        ("ip%d_auth_key" % i, ip.auth_key_cert.key),
                        ("ip%d_enc_key" % i, base64.b64decode(ip.enc_key_raw))]
            out.write("\n")
            for k, v in rec:
                out.write("%s = %s\n" % (k, v.hex()))


def main():
    if sys.argv[1] == "--describe":
        return describe(sys.argv[2], sys.argv[3])
    if sys.argv[1] == "--convert":
        return convert(sys.argv[2], sys.argv[3])
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
                    if ev.type == "NEWCONSENSUS":
                        events.write("%.3f %s NEWCONSENSUS\n" % (t, name))
                    elif ev.type == "HS_DESC_CONTENT":
                        ndesc[0] += 1
                        path = os.path.join(out, "desc-%d.txt" % ndesc[0])
                        with open(path, "w") as df:
                            df.write(str(ev.descriptor) if ev.descriptor else "")
                        events.write("%.3f %s HS_DESC_CONTENT %s %s desc-%d.txt\n"
                                     % (t, name, ev.address, ev.directory, ndesc[0]))
                    else:
                        events.write("%.3f %s %s\n" % (t, name, ev.raw_content().strip()))
                    events.flush()
            c.add_event_listener(on_event, EventType.HS_DESC, EventType.HS_DESC_CONTENT,
                                 EventType.NEWCONSENSUS)

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
            time.sleep(1)
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
