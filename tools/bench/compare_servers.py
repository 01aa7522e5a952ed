#!/usr/bin/python3
"""Compare quiver-server with nats-server under the same loads, on the same machine.

Runs testing/loadgen against both brokers, interleaved (quiver, nats, quiver, nats, ... for
--rounds rounds) so that drift in machine load hits both alike, and reports the median of the
rounds as a Markdown table: load | quiver | nats-server | ratio | goal | met?

Every run gets a fresh broker on a free 127.0.0.1 port with default settings
(`BIN -a 127.0.0.1 -p PORT`); brokers are stopped by PID (SIGTERM, then SIGKILL). JetStream loads
(js-*) add `-js -sd DIR` with a fresh store directory per run, removed afterwards. For the
*-interval loads quiver also gets `-c FILE` with --interval-conf (default
`jetstream { sync_interval: "1s" }`, quiver's interval mode; its default fsyncs before every
ack), while nats-server keeps its defaults (2.9 fsyncs every 2 minutes). Nothing is built here.
Build first, in the optimised configuration:

  bazel --output_base=/root/.cache/bazel_ob_$USER build --config=opt \\
      //server:quiver-server //testing/loadgen:loadgen

and pass --quiver / --loadgen, or let the script find them: it takes the newest of
  <workspace>/bazel-out/k8-opt/bin/<package>/<name>          (default output base)
  ~/.cache/bazel_ob_*/execroot/quiver/bazel-out/k8-opt/bin/<package>/<name>
(`bazel --output_base=OB cquery --config=opt --output=files //server:quiver-server` prints the
exact path for one output base.) --nats defaults to /usr/sbin/nats-server.

  /usr/bin/python3 tools/bench/compare_servers.py                 # full run, ~3-4 min on 2 cores
  /usr/bin/python3 tools/bench/compare_servers.py --quick         # 1/10 of the messages, 1 round
  /usr/bin/python3 tools/bench/compare_servers.py --only pub16,reqrep --json out.json
  /usr/bin/python3 tools/bench/compare_servers.py --no-quiver     # nats-server alone
  /usr/bin/python3 tools/bench/compare_servers.py --only js-pub16,js-pull16,js-push16
  sudo /usr/bin/python3 tools/bench/compare_servers.py --nice -10 # while others build

On a shared 2-core machine, concurrent compiles make single rounds vary 2-3x; the table warns
when the load average exceeded the CPU count. --nice -10 (root) and more --rounds help.

Python 3 standard library only.
"""

import argparse
import glob
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

WORKSPACE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# ----------------------------------------------------------------------------------------------
# Loads: name -> loadgen arguments (message counts are scaled by --scale).


def loads(scale):
    def n(count):
        return str(max(1000, int(count * scale)))

    return {
        # Each run lasts ~1-3 s on 2 cores: long enough to average out scheduler noise from
        # other work on the machine, short enough for 3 rounds x 2 brokers in ~3-4 minutes.
        "pub16": ["pub", "--msgs", n(10_000_000), "--size", "16"],
        # 1 KiB loads write 1 MiB batches: with 64 KiB writes the single generator thread, not
        # the broker, sets the rate at ~2.5 GB/s on this machine (both brokers then look alike).
        "pub1k": ["pub", "--msgs", n(2_000_000), "--size", "1Ki", "--batch-bytes", "1Mi"],
        "pubsub16": ["pubsub", "--msgs", n(4_000_000), "--size", "16"],
        "pubsub1k": ["pubsub", "--msgs", n(1_000_000), "--size", "1Ki", "--batch-bytes", "1Mi"],
        "fanout4": ["fanout", "--subs", "4", "--msgs", n(2_000_000), "--size", "16"],
        "queue4": ["queue", "--subs", "4", "--msgs", n(2_000_000), "--size", "16"],
        "reqrep": ["reqrep", "--size", "16", "--seconds", f"{max(0.5, 5 * scale):g}"],
        "subjects": ["subjects", "--subjects", n(1_000_000), "--msgs", n(1_000_000),
                     "--subs", "2", "--size", "16"],
        "idle": ["idle", "--conns", "IDLE_CONNS"],  # filled in by main()
        # JetStream, file storage, one stream per run on a fresh store directory. Publishing
        # keeps 256 acks outstanding (nats.go PublishAsync with a max pending of 256). The
        # consume loads first fill the stream the same way, then drain it through a durable
        # consumer with explicit acks (nats bench's default). Each run takes ~2-4 s on nats-server.
        "js-pub16": ["js-pub", "--msgs", n(400_000), "--size", "16", "--window", "256"],
        "js-pub16-interval": ["js-pub", "--msgs", n(400_000), "--size", "16", "--window", "256"],
        "js-pub1k": ["js-pub", "--msgs", n(300_000), "--size", "1Ki", "--window", "256"],
        "js-pub1k-interval": ["js-pub", "--msgs", n(300_000), "--size", "1Ki", "--window", "256"],
        "js-pull16": ["js-consume-pull", "--msgs", n(300_000), "--size", "16", "--batch", "256"],
        "js-push16": ["js-consume-push", "--msgs", n(250_000), "--size", "16"],
    }


def is_js(load):
    return load.startswith("js-")


def is_interval(load):
    """quiver runs these with --interval-conf; nats-server runs them as it runs the others."""
    return load.endswith("-interval")


def broker_args(load, server, store_dir=None, interval_conf=None):
    """Flags after `-a 127.0.0.1 -p PORT` for one run of `load` on `server`."""
    args = []
    if is_js(load):
        args += ["-js", "-sd", store_dir]
    if is_interval(load) and server == "quiver":
        args += ["-c", interval_conf]
    return args


def default_selection(all_loads, have_quiver):
    """Every load plus startup; without quiver the *-interval loads would only repeat js-pub*."""
    return [l for l in all_loads if have_quiver or not is_interval(l)] + ["startup"]


# Report rows: (label, load, json key, direction, goal). direction "up": higher is better and
# the goal is quiver/nats >= goal; "down": lower is better and quiver/nats <= goal. goal None:
# reported only.
ROWS = [
    ("pub 16 B ({msgs} msgs), msgs/s", "pub16", "pub_msgs_per_s", "up", 1.2),
    ("pub 1 KiB ({msgs} msgs), msgs/s", "pub1k", "pub_msgs_per_s", "up", 1.2),
    ("pubsub 16 B ({msgs} msgs), delivered msgs/s", "pubsub16", "delivered_msgs_per_s", "up",
     1.5),
    ("pubsub 1 KiB ({msgs} msgs), delivered msgs/s", "pubsub1k", "delivered_msgs_per_s", "up",
     1.5),
    ("fanout 1→4 16 B ({msgs} msgs), delivered msgs/s", "fanout4", "delivered_msgs_per_s", "up",
     1.5),
    ("pub 1 KiB, broker CPU ns per msg", "pub1k", "broker_cpu_ns_per_msg", "down", None),
    ("pubsub 1 KiB, broker CPU ns per delivered msg", "pubsub1k", "broker_cpu_ns_per_msg", "down",
     None),
    ("queue group of 4, 16 B ({msgs} msgs), delivered msgs/s", "queue4", "delivered_msgs_per_s",
     "up", None),
    ("reqrep 16 B ({seconds} s), p50 µs", "reqrep", "lat_p50_us", "down", None),
    ("reqrep 16 B ({seconds} s), p99 µs", "reqrep", "lat_p99_us", "down", 0.8),
    ("reqrep 16 B ({seconds} s), p99.9 µs", "reqrep", "lat_p999_us", "down", None),
    ("reqrep 16 B ({seconds} s), req/s", "reqrep", "req_per_s", "up", None),
    ("{subjects} distinct subjects → s.*.x + s.>, delivered msgs/s", "subjects",
     "delivered_msgs_per_s", "up", None),
    ("idle memory per connection ({conns} conns), bytes", "idle", "bytes_per_conn", "down", 0.5),
    ("JS publish 16 B, async with acks ({msgs} msgs), msgs/s", "js-pub16", "pub_msgs_per_s", "up",
     1.0),
    ("JS publish 1 KiB, async with acks ({msgs} msgs), msgs/s", "js-pub1k", "pub_msgs_per_s", "up",
     1.0),
    ("JS publish 16 B, quiver sync_interval 1s ({msgs} msgs), msgs/s", "js-pub16-interval",
     "pub_msgs_per_s", "up", 2.0),
    ("JS publish 1 KiB, quiver sync_interval 1s ({msgs} msgs), msgs/s", "js-pub1k-interval",
     "pub_msgs_per_s", "up", 2.0),
    ("JS publish 16 B, ack latency p50 µs", "js-pub16", "ack_lat_p50_us", "down", None),
    ("JS publish 16 B, ack latency p99 µs", "js-pub16", "ack_lat_p99_us", "down", None),
    ("JS pull consume 16 B, batch {batch} ({msgs} msgs), msgs/s", "js-pull16",
     "consume_msgs_per_s", "up", 1.5),
    ("JS push consume 16 B ({msgs} msgs), msgs/s", "js-push16", "consume_msgs_per_s", "up", 1.5),
]

JS_NOTE = ("JetStream (js-*): file storage, default settings, one stream per run on a fresh store "
           "directory; publishes keep 256 acks outstanding; consumers are durable with explicit "
           "acks. quiver fsyncs before each ack unless sync_interval is set (*-interval rows); "
           "nats-server 2.9 acks before fsync (sync every 2 min).")


def label_params(args):
    """{msgs}, {subjects}, {conns}, {seconds}, {batch} of a load's loadgen arguments, for row
    labels."""
    def short(v):
        n = float(v)
        for div, suffix in ((1e6, "M"), (1e3, "k")):
            if n >= div:
                return f"{n / div:g}{suffix}"
        return f"{n:g}"

    params = {"msgs": "", "subjects": "", "conns": "", "seconds": "", "batch": ""}
    for flag, value in zip(args, args[1:]):
        if flag.startswith("--") and flag[2:] in params:
            params[flag[2:]] = short(value)
    return params


# ----------------------------------------------------------------------------------------------
# Locating binaries.


def find_bazel_output(package, name):
    rel = os.path.join("bazel-out", "k8-opt", "bin", package, name)
    candidates = [os.path.join(WORKSPACE, rel)]
    candidates += glob.glob(os.path.expanduser(
        os.path.join("~", ".cache", "bazel_ob_*", "execroot", "quiver", rel)))
    found = [c for c in candidates if os.path.isfile(c) and os.access(c, os.X_OK)]
    if not found:
        return None
    return max(found, key=os.path.getmtime)


# ----------------------------------------------------------------------------------------------
# Broker processes.


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def cpu_seconds(pid):
    """User + system CPU time the process has used so far (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


class Broker:
    """One broker process on a free port. Timing: spawn -> accepting, spawn -> 'Server is ready'."""

    def __init__(self, binary, workdir, tag, extra_args=()):
        self.binary = binary
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.log_path = os.path.join(workdir, f"{tag}-{self.port}.log")
        self.proc = None
        self.accept_ms = None
        self.ready_ms = None

    def start(self, timeout=10.0, wait_ready=False):
        """Returns once the port accepts (and, with wait_ready, the log says it is ready)."""
        log = open(self.log_path, "wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [self.binary, "-a", "127.0.0.1", "-p", str(self.port)] + self.extra_args,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = t0 + timeout
        while self.accept_ms is None or (wait_ready and self.ready_ms is None):
            now = time.perf_counter()
            if self.ready_ms is None and self._log_says_ready():
                self.ready_ms = (now - t0) * 1000
            if self.accept_ms is None and port_accepts(self.port):
                self.accept_ms = (time.perf_counter() - t0) * 1000
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.binary} exited with {self.proc.returncode} at start; "
                                   f"log: {self.log_path}")
            if self.accept_ms is not None and now > t0 + self.accept_ms / 1000 + 2:
                break  # accepting, but no "Server is ready" within 2 s: report None
            if now > deadline:
                self.stop()
                raise RuntimeError(f"{self.binary} did not accept on port {self.port} within "
                                   f"{timeout:g} s")
            time.sleep(0.0005)
        return self

    def _log_says_ready(self):
        try:
            with open(self.log_path, "rb") as f:
                return b"Server is ready" in f.read()
        except OSError:
            return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM by PID, then SIGKILL by PID after 5 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ----------------------------------------------------------------------------------------------
# Runs.


def run_loadgen(loadgen, port, args, timeout):
    cmd = [loadgen] + args + ["--port", str(port)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    lines = [l for l in proc.stdout.decode().splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"loadgen printed no result (exit {proc.returncode}): "
                           f"{proc.stderr.decode().strip()}")
    return json.loads(lines[-1])


def run_idle(loadgen, broker, args, timeout):
    """Opens the idle connections and measures the broker's RSS before and while they exist."""
    time.sleep(0.3)  # let the broker finish start-up allocations
    before = rss_bytes(broker.proc.pid)
    cmd = [loadgen] + args + ["--port", str(broker.port)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        line = ""
        deadline = time.time() + timeout
        while not line.startswith("{"):
            line = proc.stdout.readline().decode()
            if not line and proc.poll() is not None:
                raise RuntimeError(f"idle loadgen exited {proc.returncode}: "
                                   f"{proc.stderr.read().decode().strip()}")
            if time.time() > deadline:
                raise RuntimeError("idle loadgen timed out")
        result = json.loads(line)
        time.sleep(0.5)  # let the broker settle with every connection established
        after = rss_bytes(broker.proc.pid)
    finally:
        proc.stdin.close()  # loadgen closes its connections and exits
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    opened = result.get("opened", 0)
    result["rss_before"] = before
    result["rss_after"] = after
    result["bytes_per_conn"] = (after - before) / opened if opened else None
    return result


def run_one(load, args, server, binary, loadgen, workdir, timeout, interval_conf=None):
    store_dir = tempfile.mkdtemp(prefix=f"{server}-js-", dir=workdir) if is_js(load) else None
    broker = Broker(binary, workdir, server, broker_args(load, server, store_dir, interval_conf))
    try:
        broker.start()
        if load == "idle":
            result = run_idle(loadgen, broker, args, timeout)
        else:
            # The broker's own CPU time per message: when the load generator (sharing the
            # machine's cores) is what limits throughput, this still shows the broker's cost.
            cpu_before = cpu_seconds(broker.proc.pid)
            result = run_loadgen(loadgen, broker.port, args, timeout)
            cpu = cpu_seconds(broker.proc.pid) - cpu_before
            msgs = max(result.get("published", 0) or 0, result.get("delivered", 0) or 0)
            if msgs:
                result["broker_cpu_ns_per_msg"] = cpu * 1e9 / msgs
        if not broker.alive():
            result.setdefault("errors", []).append(
                f"broker exited with {broker.proc.returncode} during the run")
            result["ok"] = False
    except Exception as e:  # a failed run is a result, not the end of the comparison
        result = {"ok": False, "errors": [f"{type(e).__name__}: {e}"]}
    finally:
        broker.stop()
        if store_dir is not None:
            shutil.rmtree(store_dir, ignore_errors=True)
    return result


def measure_startup(servers, workdir, repeats):
    """spawn -> port accepts, and spawn -> 'Server is ready' in the log; interleaved."""
    out = {name: {"accept_ms": [], "ready_ms": []} for name in servers}
    for _ in range(repeats):
        for name, binary in servers.items():
            broker = Broker(binary, workdir, f"{name}-startup")
            try:
                broker.start(wait_ready=True)
                out[name]["accept_ms"].append(broker.accept_ms)
                if broker.ready_ms is not None:
                    out[name]["ready_ms"].append(broker.ready_ms)
            except RuntimeError as e:
                out[name].setdefault("errors", []).append(str(e))
            finally:
                broker.stop()
    return out


# ----------------------------------------------------------------------------------------------
# Report.


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, key=""):
    if value is None:
        return "—"
    if "bytes" in key or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def build_rows(results, startup, have_quiver, load_args):
    rows = []
    for label, load, key, direction, goal in ROWS:
        if load not in results:
            continue
        label = label.format(**label_params(load_args[load]))
        q = median([r.get(key) for r in results[load].get("quiver", [])])
        n = median([r.get(key) for r in results[load].get("nats", [])])
        ratio = q / n if q is not None and n else None
        if goal is None:
            goal_text, met = "report", "—"
        else:
            goal_text = f"{'≥' if direction == 'up' else '≤'} {goal:g}×"
            if ratio is None:
                met = "—"
            else:
                met = "yes" if (ratio >= goal if direction == "up" else ratio <= goal) else "NO"
        spread = {s: [r.get(key) for r in results[load].get(s, [])] for s in ("quiver", "nats")}
        rows.append({"load": label, "key": key, "quiver": q, "nats": n, "ratio": ratio,
                     "goal": goal_text, "met": met, "rounds": spread})
    if startup:
        for key, label, limit in (("accept_ms", "startup, spawn → accepting, ms", 20.0),
                                  ("ready_ms", "startup, spawn → \"Server is ready\", ms", None)):
            q = median(startup.get("quiver", {}).get(key, []))
            n = median(startup.get("nats", {}).get(key, []))
            ratio = q / n if q is not None and n else None
            if limit is None:
                goal_text, met = "report", "—"
            else:
                goal_text = f"≤ {limit:g} ms (quiver)"
                met = "—" if q is None else ("yes" if q <= limit else "NO")
            rows.append({"load": label, "key": key, "quiver": q, "nats": n, "ratio": ratio,
                         "goal": goal_text, "met": met})
    # Loss is summed over every run (not a median): one lost message anywhere fails the goal.
    totals = {}
    for server in ("quiver", "nats"):
        lost = dups = failed = 0
        runs = 0
        for per_server in results.values():
            for r in per_server.get(server, []):
                runs += 1
                lost += r.get("lost", 0) or 0
                dups += r.get("duplicates", 0) or 0
                failed += 0 if r.get("ok", False) else 1
        totals[server] = (lost, dups, failed, runs)
    q_lost, q_dups, q_failed, q_runs = totals["quiver"]
    n_lost, n_dups, n_failed, n_runs = totals["nats"]
    rows.append({
        "load": "lost + duplicated msgs, all runs (failed runs)", "key": "loss",
        "quiver": f"{q_lost + q_dups} ({q_failed}/{q_runs})" if have_quiver else None,
        "nats": f"{n_lost + n_dups} ({n_failed}/{n_runs})", "ratio": None,
        "goal": "= 0 everywhere",
        "met": ("yes" if q_lost + q_dups == 0 and q_failed == 0 else "NO") if have_quiver else "—"})
    return rows


def markdown(rows):
    out = ["| load | quiver | nats-server | ratio | goal | met? |",
           "|---|---:|---:|---:|---|:---:|"]
    for r in rows:
        q = r["quiver"] if isinstance(r["quiver"], str) else fmt(r["quiver"], r["key"])
        n = r["nats"] if isinstance(r["nats"], str) else fmt(r["nats"], r["key"])
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        out.append(f"| {r['load']} | {q} | {n} | {ratio} | {r['goal']} | {r['met']} |")
    return "\n".join(out)


def environment(servers):
    env = {"host": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    env["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    for name, binary in servers.items():
        try:
            v = subprocess.run([binary, "--version"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=5)
            env[f"{name}_version"] = v.stdout.decode().strip().splitlines()[0]
        except Exception as e:  # informational only
            env[f"{name}_version"] = f"unknown ({e})"
        env[f"{name}_binary"] = binary
    return env


# ----------------------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--quiver", help="quiver-server binary (default: newest k8-opt bazel output)")
    p.add_argument("--nats", default="/usr/sbin/nats-server", help="nats-server binary")
    p.add_argument("--loadgen", help="loadgen binary (default: newest k8-opt bazel output)")
    p.add_argument("--no-quiver", action="store_true", help="run nats-server alone")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median reported)")
    p.add_argument("--scale", type=float, default=1.0, help="multiply message counts")
    p.add_argument("--quick", action="store_true", help="--scale 0.1 --rounds 1, 2000 idle conns")
    p.add_argument("--idle-conns", type=int, default=10_000)
    p.add_argument("--startup-repeats", type=int, default=5)
    p.add_argument("--only", help="comma-separated loads: " + ",".join(loads(1)) + ",startup")
    p.add_argument("--timeout", type=float, default=180, help="seconds per loadgen run")
    p.add_argument("--nice", type=int, default=0,
                   help="niceness for this script, the brokers and loadgen (negative needs root; "
                        "e.g. -10 keeps concurrent builds from dominating the numbers)")
    p.add_argument("--json", help="write every run's result and the summary here ('-': stdout)")
    p.add_argument("--interval-conf", default='jetstream { sync_interval: "1s" }',
                   help="quiver's config file text for the *-interval loads (default: %(default)s)")
    a = p.parse_args()
    if a.quick:
        a.scale, a.rounds, a.idle_conns = 0.1, 1, 2000

    loadgen = a.loadgen or find_bazel_output("testing/loadgen", "loadgen")
    if not loadgen or not os.access(loadgen, os.X_OK):
        sys.exit("loadgen not found: build //testing/loadgen:loadgen with --config=opt, "
                 "or pass --loadgen")
    servers = {}
    if not a.no_quiver:
        quiver = a.quiver or find_bazel_output("server", "quiver-server")
        if not quiver or not os.access(quiver, os.X_OK):
            sys.exit("quiver-server not found: build //server:quiver-server with --config=opt, "
                     "pass --quiver, or use --no-quiver")
        servers["quiver"] = quiver
    if not os.access(a.nats, os.X_OK):
        sys.exit(f"nats-server not found at {a.nats}")
    servers["nats"] = a.nats

    if a.nice:
        # Inherited by every broker and loadgen process started below.
        os.setpriority(os.PRIO_PROCESS, 0, a.nice)

    # Brokers and loadgen inherit this: 10,000 idle connections need more than 1024 fds.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    idle_conns = a.idle_conns
    fd_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if fd_limit != resource.RLIM_INFINITY and idle_conns > fd_limit - 100:
        idle_conns = max(1, fd_limit - 100)
        print(f"note: RLIMIT_NOFILE is {fd_limit}; idle uses {idle_conns} connections",
              file=sys.stderr)

    all_loads = loads(a.scale)
    all_loads["idle"] = ["idle", "--conns", str(idle_conns)]
    selected = default_selection(all_loads, "quiver" in servers)
    if a.only:
        selected = [s.strip() for s in a.only.split(",") if s.strip()]
        unknown = [s for s in selected if s not in all_loads and s != "startup"]
        if unknown:
            sys.exit(f"unknown loads: {', '.join(unknown)}")

    env = environment(servers)
    env["loadgen_binary"] = loadgen
    env["loadavg_start"] = os.getloadavg()
    env["nice"] = os.getpriority(os.PRIO_PROCESS, 0)
    env["rounds"] = a.rounds
    env["scale"] = a.scale
    env["idle_conns"] = idle_conns
    env["interval_conf"] = a.interval_conf
    started = time.time()
    results = {}
    with tempfile.TemporaryDirectory(prefix="qv-bench-") as workdir:
        interval_conf = os.path.join(workdir, "interval.conf")
        with open(interval_conf, "w") as f:
            f.write(a.interval_conf + "\n")
        startup = None
        if "startup" in selected:
            startup = measure_startup(servers, workdir, a.startup_repeats)
        for rnd in range(a.rounds):
            for load in [l for l in all_loads if l in selected]:
                for server, binary in servers.items():
                    t0 = time.time()
                    r = run_one(load, all_loads[load], server, binary, loadgen, workdir,
                                a.timeout, interval_conf)
                    r["round"] = rnd
                    r["loadavg_1m_after"] = os.getloadavg()[0]
                    results.setdefault(load, {}).setdefault(server, []).append(r)
                    status = "ok" if r.get("ok") else "FAILED " + "; ".join(r.get("errors", []))
                    print(f"[round {rnd + 1}/{a.rounds}] {load:17s} {server:6s} "
                          f"{time.time() - t0:5.1f} s {status}", file=sys.stderr, flush=True)
    env["loadavg_end"] = os.getloadavg()
    env["seconds"] = round(time.time() - started, 1)

    rows = build_rows(results, startup, "quiver" in servers, all_loads)
    table = markdown(rows)
    la0, la1 = env["loadavg_start"], env["loadavg_end"]
    print(f"quiver-server vs nats-server ({env.get('nats_version', '')}), "
          f"{env['cpus']} CPUs ({env.get('cpu', '?')}), median of {a.rounds} interleaved "
          f"round(s), scale {a.scale:g}, {env['seconds']:.0f} s; load average "
          f"{la0[0]:.1f} → {la1[0]:.1f}\n")
    print(table)
    if any(is_js(l) for l in results):
        print("\n" + JS_NOTE)
    busy = max(la0[0], la1[0])
    if busy > (env["cpus"] or 1):
        print(f"\nWarning: load average {busy:.1f} on {env['cpus']} CPUs: other work competed "
              f"with the brokers, so single rounds vary widely; compare medians, use more "
              f"--rounds, or --nice -10.")
    if a.json:
        doc = {"environment": env, "startup": startup, "runs": results, "summary": rows}
        text = json.dumps(doc, indent=2, ensure_ascii=False)
        if a.json == "-":
            print(text)
        else:
            with open(a.json, "w") as f:
                f.write(text + "\n")
    failed = any(r["met"] == "NO" for r in rows if r["key"] == "loss")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
