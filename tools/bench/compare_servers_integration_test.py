"""Runs compare_servers.py end to end at a tiny scale, with nats-server standing in for both
brokers: every load must complete with zero loss and a full table."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
NATS = "/usr/sbin/nats-server"


class CompareServersTest(unittest.TestCase):
    @unittest.skipUnless(os.access(NATS, os.X_OK), "nats-server not installed")
    def test_every_load_against_nats_twice(self):
        loadgen = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ["LOADGEN"])
        with tempfile.TemporaryDirectory() as tmp:
            out_json = os.path.join(tmp, "out.json")
            proc = subprocess.run(
                ["/usr/bin/python3", os.path.join(HERE, "compare_servers.py"),
                 "--quiver", NATS, "--nats", NATS, "--loadgen", loadgen, "--rounds", "1",
                 "--scale", "0.01", "--idle-conns", "50", "--startup-repeats", "2",
                 "--json", out_json],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=240)
            self.assertEqual(proc.returncode, 0, proc.stderr.decode())
            with open(out_json) as f:
                doc = json.load(f)
        table = proc.stdout.decode()
        self.assertIn("| load | quiver | nats-server | ratio | goal | met? |", table)
        self.assertEqual(set(doc["runs"]), {"pub16", "pub1k", "pubsub16", "pubsub1k", "fanout4",
                                            "queue4", "reqrep", "subjects", "idle"})
        for load, per_server in doc["runs"].items():
            for server in ("quiver", "nats"):
                (r,) = per_server[server]
                self.assertTrue(r["ok"], f"{load}/{server}: {r}")
                self.assertEqual(r.get("lost", 0), 0)
        self.assertEqual(doc["runs"]["idle"]["nats"][0]["opened"], 50)
        self.assertGreater(doc["runs"]["idle"]["nats"][0]["bytes_per_conn"], 0)
        self.assertEqual(len(doc["startup"]["nats"]["accept_ms"]), 2)
        loss = doc["summary"][-1]
        self.assertEqual((loss["quiver"], loss["nats"], loss["met"]), ("0 (0/9)", "0 (0/9)", "yes"))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
