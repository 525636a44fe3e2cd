"""Kernel start-up and cell latency, against a plain jshell measured in the same run.

    JUPYTER_DATA_DIR=/tmp/acquire-bench scripts/install-kernel.sh
    JUPYTER_DATA_DIR=/tmp/acquire-bench /usr/bin/python3 acquire-notebook/bench/kernel_startup.py

or, to compare installs side by side in one run (each a Jupyter data directory holding
kernels/acquire-java, for example one installed from an older commit):

    /usr/bin/python3 acquire-notebook/bench/kernel_startup.py before=/tmp/bench-before after=/tmp/bench-after

Rounds alternate the kernels and plain `jshell`. Printed for each: every round, then min,
median and max of cold start (kernel process start to the first cell's result), of a
trivial cell (1 + 1) on the warm kernel (median of the 20 cells right after the first), of
20 more after a pause of 3 s (a person typing the next cell), and of the same cell once
the kernel has settled (median of 20 after 100 more: its JIT has compiled javac's paths
by then), the round trip of an empty request (kernel_info, median of 50: the kernel's
message loop without JShell), the kernel process's CPU for the start and per cell (from
/proc), and the ratios to the first kernel and to jshell.
Needs jupyter_client (Debian's python3-jupyter-client: run it with /usr/bin/python3).
"""
import os
import statistics
import subprocess
import sys
import time

import jupyter_client
from jupyter_client.kernelspec import KernelSpecManager

ROUNDS = 5
CELLS = 20
SETTLING_CELLS = 100
EMPTY_REQUESTS = 50
PAUSE_SECONDS = 3
TICKS = os.sysconf("SC_CLK_TCK")


def timed_cell(client, code):
    """Runs a cell: its text/plain result, and the seconds to that result and to the kernel's idle."""
    start = time.perf_counter()
    msg_id = client.execute(code)
    result, result_at = None, None
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_result":
            result, result_at = msg["content"]["data"]["text/plain"], time.perf_counter() - start
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return result, result_at, time.perf_counter() - start


def run_cell(client, code):
    return timed_cell(client, code)[0]


def cells_of_one_plus_one(client, pid):
    """The median time of CELLS cells of 1 + 1, and the kernel's CPU per cell."""
    times = []
    before = cpu_seconds(pid)
    for _ in range(CELLS):
        result, _, took = timed_cell(client, "1 + 1")
        assert result == "2"
        times.append(took)
    return statistics.median(times), (cpu_seconds(pid) - before) / CELLS


def empty_request(client):
    """The median round trip of kernel_info, the request that does least in the kernel."""
    times = []
    for _ in range(EMPTY_REQUESTS):
        start = time.perf_counter()
        client.kernel_info(reply=True, timeout=60)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def kernel_pid(manager):
    provisioner = getattr(manager, "provisioner", None)
    process = getattr(provisioner, "process", None) if provisioner else None
    return (process or manager.kernel).pid


def kernel_round(data_dir):
    specs = KernelSpecManager(kernel_dirs=[os.path.join(data_dir, "kernels")]) if data_dir else KernelSpecManager()
    start = time.perf_counter()
    manager = jupyter_client.KernelManager(kernel_name="acquire-java", kernel_spec_manager=specs)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    assert run_cell(client, "1 + 1") == "2"
    cold = time.perf_counter() - start
    pid = kernel_pid(manager)
    cold_cpu = cpu_seconds(pid)
    cell, cell_cpu = cells_of_one_plus_one(client, pid)
    time.sleep(PAUSE_SECONDS)
    paused, paused_cpu = cells_of_one_plus_one(client, pid)
    for _ in range(SETTLING_CELLS):
        run_cell(client, "1 + 1")
    settled, settled_cpu = cells_of_one_plus_one(client, pid)
    empty = empty_request(client)
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    return {"cold": cold, "cold_cpu": cold_cpu, "cell": cell, "cell_cpu": cell_cpu,
            "paused": paused, "paused_cpu": paused_cpu, "settled": settled, "settled_cpu": settled_cpu, "empty": empty}


def jshell_round():
    start = time.perf_counter()
    out = subprocess.run(["jshell", "-q"], input="System.out.println(1 + 1)\n/exit\n", capture_output=True,
                         text=True, check=True).stdout
    assert "2" in out
    return {"cold": time.perf_counter() - start}


def spread(values, scale=1.0, unit="s", digits=2):
    ordered = sorted(values)
    fmt = f"{{:.{digits}f}}"
    return (f"min {fmt.format(ordered[0] * scale)}, median {fmt.format(statistics.median(ordered) * scale)}, "
            f"max {fmt.format(ordered[-1] * scale)} {unit}")


def main():
    kernels = []
    for arg in sys.argv[1:]:
        label, _, path = arg.partition("=")
        kernels.append((label, path))
    if not kernels:
        kernels = [("kernel", None)]
    results = {label: [] for label, _ in kernels}
    results["plain jshell"] = []
    for r in range(1, ROUNDS + 1):
        for label, path in kernels:
            result = kernel_round(path)
            results[label].append(result)
            print(f"round {r} {label:>12}: cold start {result['cold']:.2f} s (CPU {result['cold_cpu']:.2f} s), "
                  f"1 + 1 {result['cell'] * 1000:.1f} ms (CPU {result['cell_cpu'] * 1000:.1f} ms per cell), "
                  f"after a pause {result['paused'] * 1000:.1f} ms (CPU {result['paused_cpu'] * 1000:.1f} ms), "
                  f"settled {result['settled'] * 1000:.1f} ms (CPU {result['settled_cpu'] * 1000:.1f} ms), "
                  f"kernel_info {result['empty'] * 1000:.2f} ms", flush=True)
        result = jshell_round()
        results["plain jshell"].append(result)
        print(f"round {r} {'plain jshell':>12}: start, 1 + 1, exit {result['cold']:.2f} s", flush=True)
    print(f"\n{ROUNDS} rounds, {CELLS} cells of 1 + 1 per kernel round (then {CELLS} after a {PAUSE_SECONDS} s pause, "
          f"{CELLS} after {SETTLING_CELLS} more), "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    jshell = statistics.median(r["cold"] for r in results["plain jshell"])
    first = kernels[0][0]
    first_cold = statistics.median(r["cold"] for r in results[first])
    first_cell = statistics.median(r["cell"] for r in results[first])
    first_settled = statistics.median(r["settled"] for r in results[first])
    for label, _ in kernels:
        rounds = results[label]
        cold = statistics.median(r["cold"] for r in rounds)
        cell = statistics.median(r["cell"] for r in rounds)
        settled = statistics.median(r["settled"] for r in rounds)
        print(f"{label}: cold start {spread([r['cold'] for r in rounds])}; CPU at first result, median "
              f"{statistics.median(r['cold_cpu'] for r in rounds):.2f} s")
        print(f"{label}: 1 + 1 {spread([r['cell'] for r in rounds], 1000, 'ms', 1)}; CPU per cell, median "
              f"{statistics.median(r['cell_cpu'] for r in rounds) * 1000:.1f} ms")
        print(f"{label}: 1 + 1 after a {PAUSE_SECONDS} s pause {spread([r['paused'] for r in rounds], 1000, 'ms', 1)}; "
              f"CPU per cell, median {statistics.median(r['paused_cpu'] for r in rounds) * 1000:.1f} ms")
        print(f"{label}: 1 + 1 settled {spread([r['settled'] for r in rounds], 1000, 'ms', 1)}; CPU per cell, median "
              f"{statistics.median(r['settled_cpu'] for r in rounds) * 1000:.1f} ms")
        print(f"{label}: kernel_info round trip {spread([r['empty'] for r in rounds], 1000, 'ms', 2)}")
        print(f"{label}: ratio cold start / plain jshell {cold / jshell:.2f}"
              + (f"; cold start / {first} {cold / first_cold:.2f}, 1 + 1 / {first} {cell / first_cell:.2f}, "
                 f"settled / {first} {settled / first_settled:.2f}"
                 if label != first else ""))
    print(f"plain jshell: start, 1 + 1, exit {spread([r['cold'] for r in results['plain jshell']])}")


if __name__ == "__main__":
    main()
