#!/usr/bin/python3
"""Quiver's client and `quiver bench` against libnats (Debian's nats.c 3.4), on the same server.

Each round starts a fresh broker (quiver-server; with --nats also nats-server 2.9.10) on a free
127.0.0.1 port for every run and drives it with, in an order that alternates between rounds:

  libnats_bench   pub / pubsub / req (nats.c defaults) and req --send-asap
  client_bench    pub (coroutine on the client's io_context), pub-blocking (publish() from the
                  main thread), req (blocking request from the main thread)
  quiver bench    --pub 1 / --pub 1 --sub 1 / --pub 1 --sub 1 --request, with --json

and prints the medians of the rounds as a Markdown table: load | Quiver | libnats | ratio |
goal | met? The goals (docs/PERFORMANCE.md): client publish throughput at 16 B >= libnats;
request/reply round trip (p50) <= libnats; `quiver bench` within 10% of the libnats load
generator.

Nothing is built here. Build first, in the optimised configuration:

  bazel --output_base=/root/.cache/bazel_ob_$USER build --config=opt \\
      //cli:quiver //cli/bench:client_bench //cli/bench:libnats_bench //server:quiver-server

and pass the paths, or let the script find the newest of
  <workspace>/bazel-out/k8-opt/bin/<package>/<name>
  ~/.cache/bazel_ob_*/execroot/quiver/bazel-out/k8-opt/bin/<package>/<name>

  /usr/bin/python3 cli/bench/client_vs_libnats.py                  # 5 rounds, ~1-2 min
  /usr/bin/python3 cli/bench/client_vs_libnats.py --nats --rounds 3 --json out.json
  /usr/bin/python3 cli/bench/client_vs_libnats.py --scale 0.01 --rounds 1   # smoke run

Brokers are stopped by PID (SIGTERM, then SIGKILL). Python 3 standard library only.
"""

import argparse
import glob
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

WORKSPACE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# ----------------------------------------------------------------------------------------------
# Runs: name -> (tool, arguments). {n_pub} etc. are filled in from --scale.

BASE_COUNTS = {"n_pub": 3_000_000, "n_pubsub": 1_000_000, "n_req": 5_000}


def runs(scale):
    n = {k: str(max(100, int(v * scale))) for k, v in BASE_COUNTS.items()}
    return {
        "libnats_pub": ("libnats", ["pub", "--msgs", n["n_pub"], "--size", "16"]),
        "client_pub": ("client", ["pub", "--msgs", n["n_pub"], "--size", "16"]),
        "client_pub_blocking": ("client", ["pub-blocking", "--msgs", n["n_pub"], "--size", "16"]),
        "bench_pub": ("quiver", ["--pub", "1", "--msgs", n["n_pub"], "--size", "16"]),
        "libnats_pubsub": ("libnats", ["pubsub", "--msgs", n["n_pubsub"], "--size", "16"]),
        "bench_pubsub": ("quiver", ["--pub", "1", "--sub", "1", "--msgs", n["n_pubsub"],
                                    "--size", "16"]),
        "libnats_req": ("libnats", ["req", "--msgs", n["n_req"], "--size", "16"]),
        "libnats_req_asap": ("libnats", ["req", "--msgs", n["n_req"], "--size", "16",
                                         "--send-asap"]),
        "client_req": ("client", ["req", "--msgs", n["n_req"], "--size", "16"]),
        "bench_req": ("quiver", ["--pub", "1", "--sub", "1", "--request", "--msgs", n["n_req"],
                                 "--size", "16"]),
    }


def metrics(name, result):
    """The figures a run contributes, under common keys."""
    if result.get("tool") == "quiver":
        pub = result.get("pub") or {}
        sub = result.get("sub") or {}
        lat = result.get("latency_us") or {}
        return {
            "msgs_per_s": pub.get("msgs_per_s"),
            "sub_msgs_per_s": sub.get("msgs_per_s") if name != "bench_req" else None,
            "lost": result.get("lost"),
            "p50_us": lat.get("p50") if name == "bench_req" else None,
            "p99_us": lat.get("p99") if name == "bench_req" else None,
        }
    lost = None
    if "received" in result:
        lost = result["msgs"] - result["received"]
    elif "failed" in result:
        lost = result["failed"]
    return {
        "msgs_per_s": result.get("msgs_per_s"),
        "sub_msgs_per_s": result.get("sub_msgs_per_s"),
        "lost": lost,
        "p50_us": result.get("lat_p50_us"),
        "p99_us": result.get("lat_p99_us"),
    }


# Rows: (label, quiver run, libnats run, metric, kind, goal). kind "up": higher is better,
# met when ratio >= goal; "down": lower is better, met when ratio <= goal; "within": met when
# |ratio - 1| <= goal; goal None: reported only.
ROWS = [
    ("client publish 16 B, msgs/s", "client_pub", "libnats_pub", "msgs_per_s", "up", 1.0),
    ("client publish 16 B from a thread (pub-blocking), msgs/s", "client_pub_blocking",
     "libnats_pub", "msgs_per_s", "up", None),
    ("client request/reply 16 B (blocking), p50 µs", "client_req", "libnats_req", "p50_us",
     "down", 1.0),
    ("client request/reply 16 B (blocking), p50 µs vs libnats send_asap", "client_req",
     "libnats_req_asap", "p50_us", "down", 1.0),
    ("client request/reply 16 B (blocking), p99 µs vs libnats send_asap", "client_req",
     "libnats_req_asap", "p99_us", "down", None),
    ("`quiver bench` pub 16 B, msgs/s", "bench_pub", "libnats_pub", "msgs_per_s", "within", 0.10),
    ("`quiver bench` pub 16 B vs client_bench pub (tool overhead)", "bench_pub", "client_pub",
     "msgs_per_s", "within", 0.10),
    ("`quiver bench` pubsub 16 B, published msgs/s", "bench_pubsub", "libnats_pubsub",
     "msgs_per_s", "within", 0.10),
    ("`quiver bench` pubsub 16 B, delivered msgs/s", "bench_pubsub", "libnats_pubsub",
     "sub_msgs_per_s", "within", 0.10),
    ("`quiver bench` request/reply 16 B, p50 µs", "bench_req", "libnats_req_asap", "p50_us",
     "down", None),
    ("`quiver bench` request/reply 16 B, p99 µs", "bench_req", "libnats_req_asap", "p99_us",
     "down", None),
]


# ----------------------------------------------------------------------------------------------
# Evaluation and report (pure; tested by client_vs_libnats_test.py).


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def evaluate(kind, goal, ratio):
    """'yes', 'NO' or '—' (no goal or no data)."""
    if goal is None or ratio is None:
        return "—"
    if kind == "up":
        return "yes" if ratio >= goal else "NO"
    if kind == "down":
        return "yes" if ratio <= goal else "NO"
    if kind == "within":
        return "yes" if abs(ratio - 1.0) <= goal + 1e-12 else "NO"
    raise ValueError(kind)


def goal_text(kind, goal):
    if goal is None:
        return "report"
    if kind == "up":
        return f"≥ {goal:g}×"
    if kind == "down":
        return f"≤ {goal:g}×"
    return f"within ±{goal * 100:g}%"


def fmt(value, metric):
    if value is None:
        return "—"
    if metric.endswith("_us"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def summarize(samples):
    """samples: {server: {run: [metrics per round]}} -> {server: {run: {metric: median}}}"""
    out = {}
    for server, by_run in samples.items():
        out[server] = {}
        for run, rounds in by_run.items():
            keys = set().union(*(r.keys() for r in rounds)) if rounds else set()
            out[server][run] = {k: median([r.get(k) for r in rounds]) for k in keys}
    return out


def table(summary, servers):
    lines = ["| load | server | Quiver | libnats 3.4 | ratio | goal | met? |",
             "|---|---|---:|---:|---:|---|:---:|"]
    for label, ours, theirs, metric, kind, goal in ROWS:
        for server in servers:
            a = summary.get(server, {}).get(ours, {}).get(metric)
            b = summary.get(server, {}).get(theirs, {}).get(metric)
            ratio = a / b if a is not None and b not in (None, 0) else None
            ratio_text = "—" if ratio is None else f"{ratio:.2f}×"
            lines.append(f"| {label} | {server} | {fmt(a, metric)} | {fmt(b, metric)} | "
                         f"{ratio_text} | {goal_text(kind, goal)} | "
                         f"{evaluate(kind, goal, ratio)} |")
    return "\n".join(lines)


def loss_line(summary, servers):
    parts = []
    for server in servers:
        total = 0
        for run, m in summary.get(server, {}).items():
            total += m.get("lost") or 0
        parts.append(f"{server}: {total:g}")
    return "Lost messages / unanswered requests (median per run, summed): " + ", ".join(parts)


# ----------------------------------------------------------------------------------------------
# Processes.


def find_bazel_output(package, name):
    rel = os.path.join("bazel-out", "k8-opt", "bin", package, name)
    candidates = [os.path.join(WORKSPACE, rel)]
    candidates += glob.glob(os.path.expanduser(
        os.path.join("~", ".cache", "bazel_ob_*", "execroot", "quiver", rel)))
    found = [c for c in candidates if os.path.isfile(c) and os.access(c, os.X_OK)]
    return max(found, key=os.path.getmtime) if found else None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, binary, workdir, tag):
        self.binary = binary
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.log_path = os.path.join(workdir, f"{tag}-{self.port}.log")
        self.proc = None

    def start(self, timeout=10.0):
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([self.binary, "-a", "127.0.0.1", "-p", str(self.port)],
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.binary} exited with {self.proc.returncode}; "
                                   f"log: {self.log_path}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.binary} did not accept within {timeout:g} s")
            time.sleep(0.001)

    def stop(self):
        """SIGTERM by PID, then SIGKILL by PID."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def command(tool, args, binaries, url, subject):
    if tool == "quiver":
        return [binaries["quiver"], "bench", subject, *args, "--json", "--no-progress",
                "--server", url]
    binary = binaries["libnats_bench" if tool == "libnats" else "client_bench"]
    return [binary, *args, "--url", url, "--subject", subject]


def run_one(name, tool, args, binaries, server_binary, workdir, timeout):
    broker = Broker(server_binary, workdir, name)
    try:
        broker.start()
        cmd = command(tool, args, binaries, broker.url, "cmp." + name)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout)
        lines = [l for l in proc.stdout.decode().splitlines() if l.startswith("{")]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: "
                               f"{proc.stderr.decode().strip()[-500:]}")
        result = json.loads(lines[-1])
        result["tool"] = tool
        return result
    finally:
        broker.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiver", help="//cli:quiver binary")
    parser.add_argument("--client-bench", help="//cli/bench:client_bench binary")
    parser.add_argument("--libnats-bench", help="//cli/bench:libnats_bench binary")
    parser.add_argument("--quiver-server", help="//server:quiver-server binary")
    parser.add_argument("--nats-server", default="/usr/sbin/nats-server")
    parser.add_argument("--nats", action="store_true", help="also run against nats-server")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="scales the message counts")
    parser.add_argument("--only", help="comma-separated run names (see runs())")
    parser.add_argument("--json", help="write every sample and the medians here")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    args = parser.parse_args()

    binaries = {
        "quiver": args.quiver or find_bazel_output("cli", "quiver"),
        "client_bench": args.client_bench or find_bazel_output("cli/bench", "client_bench"),
        "libnats_bench": args.libnats_bench or find_bazel_output("cli/bench", "libnats_bench"),
    }
    servers = {"quiver-server": args.quiver_server or find_bazel_output("server",
                                                                         "quiver-server")}
    if args.nats:
        servers["nats-server"] = args.nats_server
    missing = [k for k, v in {**binaries, **servers}.items() if not v]
    if missing:
        sys.exit(f"cannot find {', '.join(missing)}: build with --config=opt or pass the paths")

    plan = runs(args.scale)
    if args.only:
        wanted = args.only.split(",")
        unknown = [w for w in wanted if w not in plan]
        if unknown:
            sys.exit(f"unknown runs: {', '.join(unknown)}; known: {', '.join(plan)}")
        plan = {k: v for k, v in plan.items() if k in wanted}

    load_before = os.getloadavg()[0]
    samples = {s: {name: [] for name in plan} for s in servers}
    errors = []
    with tempfile.TemporaryDirectory(prefix="client_vs_libnats.") as workdir:
        for rnd in range(args.rounds):
            names = list(plan)
            if rnd % 2 == 1:
                names.reverse()  # alternate the order: drift in machine load hits both alike
            for server, server_binary in servers.items():
                for name in names:
                    tool, run_args = plan[name]
                    try:
                        result = run_one(name, tool, run_args, binaries, server_binary, workdir,
                                         args.timeout)
                        samples[server][name].append(metrics(name, result))
                    except Exception as e:  # a failed run is reported, not fatal
                        errors.append(f"round {rnd + 1}, {server}, {name}: {e}")
            print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr)
    load_after = os.getloadavg()[0]

    summary = summarize(samples)
    print(f"Quiver client vs libnats 3.4 — {args.rounds} interleaved rounds, medians; "
          f"{platform.node()}, {os.cpu_count()} CPUs, load average {load_before:.1f} → "
          f"{load_after:.1f}\n")
    print(table(summary, list(servers)))
    print()
    print(loss_line(summary, list(servers)))
    if load_before > (os.cpu_count() or 1) or load_after > (os.cpu_count() or 1):
        print("\nWARNING: the load average exceeded the CPU count; ratios are noisy.")
    for e in errors:
        print(f"\nERROR: {e}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"samples": samples, "medians": summary, "errors": errors}, f, indent=1)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
