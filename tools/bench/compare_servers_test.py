"""Unit tests of compare_servers.py's reporting: medians, ratios, goals, labels, Markdown."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_servers as cs  # noqa: E402


def run(**fields):
    return dict({"ok": True, "lost": 0, "duplicates": 0}, **fields)


class LabelTest(unittest.TestCase):
    def test_counts_are_shortened(self):
        p = cs.label_params(["pub", "--msgs", "10000000", "--size", "16"])
        self.assertEqual(p["msgs"], "10M")
        p = cs.label_params(["idle", "--conns", "2000"])
        self.assertEqual(p["conns"], "2k")
        p = cs.label_params(["reqrep", "--seconds", "0.5"])
        self.assertEqual(p["seconds"], "0.5")

    def test_scaled_loads_keep_a_floor(self):
        self.assertEqual(cs.loads(0.0001)["pub16"][2], "1000")
        self.assertEqual(cs.loads(1)["subjects"][2], "1000000")


class JetStreamLoadsTest(unittest.TestCase):
    def test_js_loads_and_their_counts(self):
        loads = cs.loads(1)
        self.assertEqual(loads["js-pub16"],
                         ["js-pub", "--msgs", "400000", "--size", "16", "--window", "256"])
        self.assertEqual(loads["js-pub1k"],
                         ["js-pub", "--msgs", "300000", "--size", "1Ki", "--window", "256"])
        self.assertEqual(loads["js-pull16"], ["js-consume-pull", "--msgs", "300000", "--size",
                                              "16", "--batch", "256"])
        self.assertEqual(loads["js-push16"], ["js-consume-push", "--msgs", "250000", "--size",
                                              "16"])
        # The interval variants differ only in quiver's configuration.
        self.assertEqual(loads["js-pub16-interval"], loads["js-pub16"])
        self.assertEqual(loads["js-pub1k-interval"], loads["js-pub1k"])
        self.assertEqual(cs.loads(0.1)["js-pull16"][2], "30000")

    def test_existing_loads_are_unchanged(self):
        loads = cs.loads(1)
        self.assertEqual(loads["pub16"], ["pub", "--msgs", "10000000", "--size", "16"])
        self.assertEqual(loads["reqrep"], ["reqrep", "--size", "16", "--seconds", "5"])

    def test_broker_args(self):
        self.assertEqual(cs.broker_args("pub16", "quiver", None, "/c.conf"), [])
        self.assertEqual(cs.broker_args("js-pub16", "nats", "/sd", "/c.conf"),
                         ["-js", "-sd", "/sd"])
        self.assertEqual(cs.broker_args("js-pub16", "quiver", "/sd", "/c.conf"),
                         ["-js", "-sd", "/sd"])
        self.assertEqual(cs.broker_args("js-pub1k-interval", "quiver", "/sd", "/c.conf"),
                         ["-js", "-sd", "/sd", "-c", "/c.conf"])
        self.assertEqual(cs.broker_args("js-pub1k-interval", "nats", "/sd", "/c.conf"),
                         ["-js", "-sd", "/sd"])

    def test_default_selection_drops_interval_loads_without_quiver(self):
        loads = cs.loads(1)
        with_quiver = cs.default_selection(loads, True)
        self.assertEqual(with_quiver, list(loads) + ["startup"])
        alone = cs.default_selection(loads, False)
        self.assertNotIn("js-pub16-interval", alone)
        self.assertNotIn("js-pub1k-interval", alone)
        self.assertIn("js-pub16", alone)
        self.assertEqual(len(alone), len(with_quiver) - 2)


class MedianTest(unittest.TestCase):
    def test_ignores_missing_values(self):
        self.assertEqual(cs.median([3, None, 1, 2]), 2)
        self.assertIsNone(cs.median([None]))


class BuildRowsTest(unittest.TestCase):
    def setUp(self):
        self.args = cs.loads(1)
        self.args["idle"] = ["idle", "--conns", "10000"]

    def rows(self, results, startup=None, have_quiver=True):
        return {r["key"] + ":" + r["load"]: r
                for r in cs.build_rows(results, startup, have_quiver, self.args)}

    def test_throughput_goal_uses_median_ratio(self):
        results = {"pubsub16": {
            "quiver": [run(delivered_msgs_per_s=v) for v in (300, 100, 200)],
            "nats": [run(delivered_msgs_per_s=v) for v in (100, 140, 120)]}}
        rows = cs.build_rows(results, None, True, self.args)
        self.assertEqual(rows[0]["load"], "pubsub 16 B (4M msgs), delivered msgs/s")
        self.assertEqual(rows[0]["quiver"], 200)
        self.assertEqual(rows[0]["nats"], 120)
        self.assertAlmostEqual(rows[0]["ratio"], 200 / 120)
        self.assertEqual(rows[0]["goal"], "≥ 1.5×")
        self.assertEqual(rows[0]["met"], "yes")

    def test_latency_goal_is_an_upper_bound(self):
        results = {"reqrep": {"quiver": [run(lat_p99_us=90, lat_p50_us=50)],
                              "nats": [run(lat_p99_us=100, lat_p50_us=40)]}}
        rows = cs.build_rows(results, None, True, self.args)
        p99 = [r for r in rows if r["key"] == "lat_p99_us"][0]
        self.assertEqual(p99["goal"], "≤ 0.8×")
        self.assertEqual(p99["met"], "NO")  # 0.9 > 0.8
        p50 = [r for r in rows if r["key"] == "lat_p50_us"][0]
        self.assertEqual(p50["met"], "—")

    def test_startup_goal_is_absolute(self):
        startup = {"quiver": {"accept_ms": [5, 30, 6], "ready_ms": []},
                   "nats": {"accept_ms": [10, 11, 12], "ready_ms": [9]}}
        rows = cs.build_rows({}, startup, True, self.args)
        accept = [r for r in rows if r["key"] == "accept_ms"][0]
        self.assertEqual(accept["quiver"], 6)
        self.assertEqual(accept["met"], "yes")
        ready = [r for r in rows if r["key"] == "ready_ms"][0]
        self.assertIsNone(ready["quiver"])
        self.assertIsNone(ready["ratio"])

    def test_any_loss_or_failed_run_fails_the_loss_goal(self):
        results = {"fanout4": {
            "quiver": [run(delivered_msgs_per_s=1), run(delivered_msgs_per_s=1, lost=3)],
            "nats": [run(delivered_msgs_per_s=1), {"ok": False, "errors": ["x"]}]}}
        loss = cs.build_rows(results, None, True, self.args)[-1]
        self.assertEqual(loss["quiver"], "3 (0/2)")
        self.assertEqual(loss["nats"], "0 (1/2)")
        self.assertEqual(loss["met"], "NO")

    def test_js_goals(self):
        results = {
            "js-pub16": {"quiver": [run(pub_msgs_per_s=90.0, ack_lat_p99_us=500.0)],
                         "nats": [run(pub_msgs_per_s=100.0, ack_lat_p99_us=1000.0)]},
            "js-pub16-interval": {"quiver": [run(pub_msgs_per_s=210.0)],
                                  "nats": [run(pub_msgs_per_s=100.0)]},
            "js-pull16": {"quiver": [run(consume_msgs_per_s=140.0)],
                          "nats": [run(consume_msgs_per_s=100.0)]},
            "js-push16": {"quiver": [run(consume_msgs_per_s=150.0)],
                          "nats": [run(consume_msgs_per_s=100.0)]},
        }
        rows = {r["load"]: r for r in cs.build_rows(results, None, True, self.args)}
        pub = rows["JS publish 16 B, async with acks (400k msgs), msgs/s"]
        self.assertAlmostEqual(pub["ratio"], 0.9)
        self.assertEqual((pub["goal"], pub["met"]), ("≥ 1×", "NO"))
        interval = rows["JS publish 16 B, quiver sync_interval 1s (400k msgs), msgs/s"]
        self.assertEqual((interval["goal"], interval["met"]), ("≥ 2×", "yes"))
        p99 = rows["JS publish 16 B, ack latency p99 µs"]
        self.assertAlmostEqual(p99["ratio"], 0.5)
        self.assertEqual((p99["goal"], p99["met"]), ("report", "—"))
        pull = rows["JS pull consume 16 B, batch 256 (300k msgs), msgs/s"]
        self.assertEqual((pull["goal"], pull["met"]), ("≥ 1.5×", "NO"))
        push = rows["JS push consume 16 B (250k msgs), msgs/s"]
        self.assertEqual((push["goal"], push["met"]), ("≥ 1.5×", "yes"))
        self.assertNotIn("JS publish 1 KiB, async with acks (300k msgs), msgs/s", rows)

    def test_js_loss_counts(self):
        results = {"js-pull16": {
            "quiver": [run(consume_msgs_per_s=1, lost=2, duplicates=1)],
            "nats": [run(consume_msgs_per_s=1)]}}
        loss = cs.build_rows(results, None, True, self.args)[-1]
        self.assertEqual(loss["quiver"], "3 (0/1)")
        self.assertEqual(loss["met"], "NO")

    def test_markdown_table(self):
        results = {"idle": {"quiver": [run(bytes_per_conn=7000.0)],
                            "nats": [run(bytes_per_conn=20000.0)]}}
        table = cs.markdown(cs.build_rows(results, None, True, self.args)).splitlines()
        self.assertEqual(table[0], "| load | quiver | nats-server | ratio | goal | met? |")
        self.assertEqual(
            table[2], "| idle memory per connection (10k conns), bytes | 7,000 | 20,000 | "
                      "0.35× | ≤ 0.5× | yes |")
        self.assertEqual(table[3], "| lost + duplicated msgs, all runs (failed runs) | 0 (0/1) | "
                                   "0 (0/1) | — | = 0 everywhere | yes |")


if __name__ == "__main__":
    unittest.main()
