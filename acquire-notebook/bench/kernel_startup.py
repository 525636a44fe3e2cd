"""Kernel start-up and cell latency, against a plain jshell measured in the same run.

    JUPYTER_DATA_DIR=/tmp/acquire-bench scripts/install-kernel.sh
    JUPYTER_DATA_DIR=/tmp/acquire-bench /usr/bin/python3 acquire-notebook/bench/kernel_startup.py

Prints medians: cold start (kernel process start to the first cell's result), a trivial
cell (1 + 1) on a warm kernel, and a plain `jshell` evaluating 1 + 1 and exiting.
"""
import statistics
import subprocess
import time

import jupyter_client

RUNS = 5
CELLS = 20


def run_cell(client, code):
    msg_id = client.execute(code)
    result = None
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_result":
            result = msg["content"]["data"]["text/plain"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return result


def kernel_cold_start():
    start = time.perf_counter()
    manager = jupyter_client.KernelManager(kernel_name="acquire-java")
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    assert run_cell(client, "1 + 1") == "2"
    cold = time.perf_counter() - start
    cells = []
    for _ in range(CELLS):
        t = time.perf_counter()
        assert run_cell(client, "1 + 1") == "2"
        cells.append(time.perf_counter() - t)
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    return cold, statistics.median(cells)


def jshell_start():
    start = time.perf_counter()
    out = subprocess.run(["jshell", "-q"], input="System.out.println(1 + 1)\n/exit\n", capture_output=True,
                         text=True, check=True).stdout
    assert "2" in out
    return time.perf_counter() - start


def main():
    colds, cells, jshells = [], [], []
    for _ in range(RUNS):
        cold, cell = kernel_cold_start()
        colds.append(cold)
        cells.append(cell)
        jshells.append(jshell_start())
    cold, cell, jshell = statistics.median(colds), statistics.median(cells), statistics.median(jshells)
    print(f"kernel cold start (process start to first result), median of {RUNS}: {cold:.2f} s")
    print(f"trivial cell (1 + 1) on a warm kernel, median of {RUNS}x{CELLS}: {cell * 1000:.1f} ms")
    print(f"plain jshell start, evaluate 1 + 1 and exit, median of {RUNS}: {jshell:.2f} s")
    print(f"ratio kernel cold start / jshell start: {cold / jshell:.2f}")


if __name__ == "__main__":
    main()
