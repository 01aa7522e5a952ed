#!/usr/bin/python3
"""Unit tests of client_vs_libnats.py's evaluation and report (no processes)."""

import unittest

import client_vs_libnats as cmp


class EvaluateTest(unittest.TestCase):
    def test_up(self):
        self.assertEqual(cmp.evaluate("up", 1.0, 1.0), "yes")
        self.assertEqual(cmp.evaluate("up", 1.0, 0.99), "NO")

    def test_down(self):
        self.assertEqual(cmp.evaluate("down", 1.0, 0.5), "yes")
        self.assertEqual(cmp.evaluate("down", 1.0, 1.01), "NO")

    def test_within(self):
        self.assertEqual(cmp.evaluate("within", 0.10, 1.10), "yes")
        self.assertEqual(cmp.evaluate("within", 0.10, 0.90), "yes")
        self.assertEqual(cmp.evaluate("within", 0.10, 1.11), "NO")
        self.assertEqual(cmp.evaluate("within", 0.10, 0.89), "NO")

    def test_no_goal_or_no_data(self):
        self.assertEqual(cmp.evaluate("up", None, 2.0), "—")
        self.assertEqual(cmp.evaluate("up", 1.0, None), "—")

    def test_goal_text(self):
        self.assertEqual(cmp.goal_text("up", 1.0), "≥ 1×")
        self.assertEqual(cmp.goal_text("down", 1.0), "≤ 1×")
        self.assertEqual(cmp.goal_text("within", 0.10), "within ±10%")
        self.assertEqual(cmp.goal_text("down", None), "report")


class MetricsTest(unittest.TestCase):
    def test_quiver_bench_json(self):
        pubsub = {"tool": "quiver", "pub": {"msgs_per_s": 10.0}, "sub": {"msgs_per_s": 9.0},
                  "lost": 0, "latency_us": {"p50": 5.0, "p99": 7.0}}
        self.assertEqual(cmp.metrics("bench_pubsub", pubsub),
                         {"msgs_per_s": 10.0, "sub_msgs_per_s": 9.0, "lost": 0, "p50_us": None,
                          "p99_us": None})
        req = {"tool": "quiver", "pub": {"msgs_per_s": 3.0}, "sub": {"msgs_per_s": 3.0},
               "lost": 1, "latency_us": {"p50": 50.0, "p99": 70.0}}
        self.assertEqual(cmp.metrics("bench_req", req),
                         {"msgs_per_s": 3.0, "sub_msgs_per_s": None, "lost": 1, "p50_us": 50.0,
                          "p99_us": 70.0})

    def test_generator_json(self):
        self.assertEqual(cmp.metrics("libnats_pubsub", {"tool": "libnats", "msgs": 10,
                                                        "received": 8, "msgs_per_s": 4.0,
                                                        "sub_msgs_per_s": 2.0})["lost"], 2)
        req = cmp.metrics("client_req", {"tool": "client", "msgs": 10, "failed": 1,
                                         "lat_p50_us": 60.0, "lat_p99_us": 90.0})
        self.assertEqual((req["lost"], req["p50_us"], req["p99_us"]), (1, 60.0, 90.0))


class ReportTest(unittest.TestCase):
    def test_summarize_takes_medians(self):
        samples = {"s": {"client_pub": [{"msgs_per_s": 1.0}, {"msgs_per_s": 3.0},
                                        {"msgs_per_s": 2.0}],
                         "libnats_pub": []}}
        self.assertEqual(cmp.summarize(samples), {"s": {"client_pub": {"msgs_per_s": 2.0},
                                                        "libnats_pub": {}}})

    def test_table_rows_and_ratios(self):
        summary = {"quiver-server": {
            "client_pub": {"msgs_per_s": 7_000_000.0},
            "libnats_pub": {"msgs_per_s": 5_000_000.0},
            "client_req": {"p50_us": 60.0, "p99_us": 200.0},
            "libnats_req": {"p50_us": 1000.0},
        }}
        text = cmp.table(summary, ["quiver-server"])
        lines = text.splitlines()
        self.assertEqual(lines[0], "| load | server | Quiver | libnats 3.4 | ratio | goal | met? |")
        self.assertEqual(len(lines), 2 + len(cmp.ROWS))
        self.assertIn("| client publish 16 B, msgs/s | quiver-server | 7,000,000 | 5,000,000 | "
                      "1.40× | ≥ 1× | yes |", lines)
        self.assertIn("| client request/reply 16 B (blocking), p50 µs | quiver-server | 60.0 | "
                      "1,000.0 | 0.06× | ≤ 1× | yes |", lines)
        # No libnats send_asap data: no ratio, no verdict.
        self.assertIn("| client request/reply 16 B (blocking), p50 µs vs libnats send_asap | "
                      "quiver-server | 60.0 | — | — | ≤ 1× | — |", lines)

    def test_runs_scale_with_a_floor(self):
        plan = cmp.runs(0.00001)
        self.assertEqual(plan["libnats_pub"], ("libnats", ["pub", "--msgs", "100", "--size",
                                                            "16"]))
        self.assertIn("--request", plan["bench_req"][1])
        for _, ours, theirs, _, _, _ in cmp.ROWS:
            self.assertIn(ours, plan)
            self.assertIn(theirs, plan)


if __name__ == "__main__":
    unittest.main()
