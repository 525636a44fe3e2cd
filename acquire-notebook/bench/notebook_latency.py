"""`1 + 1` as a browser sends it (through the notebook server's websocket) against the same
kernel spoken to directly over ZeroMQ, in one run, cells alternating between the two paths.

    JUPYTER_DATA_DIR=/tmp/acquire-bench scripts/install-kernel.sh
    JUPYTER_DATA_DIR=/tmp/acquire-bench /usr/bin/python3 acquire-notebook/bench/notebook_latency.py

Starts the classic Notebook server (Debian's) on a free loopback port, starts the
acquire-java kernel through its REST API, and sends execute requests in the Jupyter
websocket protocol a browser speaks; the direct path is jupyter_client on the same kernel's
connection file. For each path prints every cell, then min, median and max of the time
from sending the request to the result and to the kernel's idle status. The difference is
the notebook server's share; what a browser adds on top (its JavaScript and rendering) is
not in either. Needs Debian's python3-notebook and python3-jupyter-client.
"""
import asyncio
import json
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
import uuid

import jupyter_client
from jupyter_core.paths import jupyter_runtime_dir
from tornado.websocket import websocket_connect

from kernel_startup import timed_cell

CELLS = 30
WARM_UP_CELLS = 5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as reply:
        return json.loads(reply.read() or b"null")


def message(msg_type, content, session):
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "bench", "session": session,
                       "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}


async def websocket_cell(ws, session, code):
    msg = message("execute_request", {"code": code, "silent": False, "store_history": True,
                                      "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}, session)
    start = time.perf_counter()
    await ws.write_message(json.dumps(msg))
    result = None
    while True:
        reply = json.loads(await ws.read_message())
        if reply.get("parent_header", {}).get("msg_id") != msg["header"]["msg_id"]:
            continue
        if reply["msg_type"] == "execute_result":
            result = time.perf_counter() - start
            assert reply["content"]["data"]["text/plain"] == "2", reply
        if reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
            return result, time.perf_counter() - start


def spread(values):
    ordered = sorted(v * 1000 for v in values)
    return f"min {ordered[0]:.1f}, median {statistics.median(ordered):.1f}, max {ordered[-1]:.1f} ms"


class WebSocket:
    """The notebook server's kernel websocket, on an event loop of its own thread
    (jupyter_client's blocking client runs its own loop and cannot share one)."""

    def __init__(self, url):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.ws = self.run(self.connect(url))

    @staticmethod
    async def connect(url):
        return await websocket_connect(url)

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=120)

    def close(self):
        self.loop.call_soon_threadsafe(self.ws.close)
        self.loop.call_soon_threadsafe(self.loop.stop)


def start_notebook_server(port, token, notebooks):
    """The classic Notebook server on a loopback port, once it answers; kernels from $JUPYTER_DATA_DIR."""
    server = subprocess.Popen(
        ["jupyter", "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--NotebookApp.token={token}", f"--notebook-dir={notebooks}", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "JUPYTER_PATH": os.environ.get("JUPYTER_DATA_DIR", "")})
    for _ in range(300):
        try:
            request(f"http://127.0.0.1:{port}/api/status?token={token}")
            break
        except OSError:
            time.sleep(0.1)
    return server


def direct_client(kernel):
    """A jupyter_client on the notebook server's kernel by its id, over ZeroMQ, ready."""
    client = jupyter_client.BlockingKernelClient(
        connection_file=os.path.join(jupyter_runtime_dir(), f"kernel-{kernel}.json"))
    client.load_connection_file()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return client


def main():
    port, token = free_port(), uuid.uuid4().hex
    with tempfile.TemporaryDirectory() as notebooks:
        server = start_notebook_server(port, token, notebooks)
        base = f"http://127.0.0.1:{port}"
        try:
            kernel = request(f"{base}/api/kernels?token={token}", "POST", {"name": "acquire-java"})["id"]
            session = uuid.uuid4().hex
            ws = WebSocket(f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels?session_id={session}&token={token}")
            client = direct_client(kernel)
            for _ in range(WARM_UP_CELLS):
                ws.run(websocket_cell(ws.ws, session, "1 + 1"))
                timed_cell(client, "1 + 1")
            times = {"websocket": [], "direct": []}
            for i in range(CELLS):
                for path in (("websocket", "direct") if i % 2 == 0 else ("direct", "websocket")):
                    result = ws.run(websocket_cell(ws.ws, session, "1 + 1")) if path == "websocket" \
                        else timed_cell(client, "1 + 1")[1:]
                    times[path].append(result)
            for path, cells in times.items():
                print(f"{path:>9}: " + " ".join(f"{r * 1000:.1f}" for r, _ in cells))
            print(f"\n{CELLS} cells of 1 + 1 per path after {WARM_UP_CELLS} each to warm up, one kernel, "
                  f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
            for path, cells in times.items():
                print(f"{path}: to the result {spread([r for r, _ in cells])}; to idle {spread([i for _, i in cells])}")
            ratio = statistics.median(r for r, _ in times["websocket"]) / statistics.median(r for r, _ in times["direct"])
            print(f"websocket / direct (median to the result): {ratio:.2f}")
            client.stop_channels()
            ws.close()
            request(f"{base}/api/kernels/{kernel}?token={token}", "DELETE")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
