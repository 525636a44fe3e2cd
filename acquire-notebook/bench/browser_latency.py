"""`1 + 1` in the classic Notebook in headless Chromium: from the run command to the output on
the page, split into where the time goes, against the same kernel spoken to directly over
ZeroMQ, in one run, cells alternating between the page and the direct path.

    JUPYTER_DATA_DIR=/tmp/acquire-bench scripts/install-kernel.sh
    JUPYTER_DATA_DIR=/tmp/acquire-bench /usr/bin/python3 acquire-notebook/bench/browser_latency.py

Drives Debian's Chromium through Debian's chromedriver with the W3C WebDriver protocol (plain
HTTP, no Selenium), as NotebookBrowserTest does from Java. On the page, a script runs the
cell as the Run command does (CodeCell.execute) and times, from that call: the execute_result
reaching the page's kernel object off its websocket (kernel, notebook server, websocket
and deserializing), the result shown
in the cell's output (the front end's handling), and the next frame after it (painted).
The direct path is jupyter_client on the same kernel's connection file (the kernel alone).
Prints every cell, then min, median and max of each. Needs Debian's python3-notebook,
python3-jupyter-client, chromium and chromium-driver.
"""
import json
import os
import statistics
import subprocess
import tempfile
import time
import urllib.request

from kernel_startup import timed_cell
from notebook_latency import direct_client, free_port, start_notebook_server

CELLS = 20
WARM_UP_CELLS = 5
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--window-size=1200,1000"]

# Runs the notebook's first cell as the Run command does and reports, in ms from that call,
# when the page's websocket received the execute_result, when the output showed it, and the
# next frame after that.
RUN_CELL = """
const code = arguments[0], done = arguments[arguments.length - 1];
const notebook = Jupyter.notebook, kernel = notebook.kernel, cell = notebook.get_cell(0);
cell.set_text(code);
cell.clear_output();
const output = cell.output_area.element[0];
let received = null;
// The front end's own hand-off of each deserialized websocket message (Notebook 6's Kernel).
const finish = kernel._finish_ws_message;
kernel._finish_ws_message = function (msg) {
  if (received === null && msg && msg.header && msg.header.msg_type === 'execute_result'
      && msg.parent_header.msg_id === cell.last_msg_id) {
    received = performance.now();
  }
  return finish.apply(this, arguments);
};
let start;
const observer = new MutationObserver(() => {
  const result = output.querySelector('.output_result');
  if (!result) {
    return;
  }
  const shown = performance.now();
  observer.disconnect();
  kernel._finish_ws_message = finish;
  requestAnimationFrame(() => setTimeout(() => done({received: received - start, shown: shown - start,
      painted: performance.now() - start, text: result.textContent.trim()}), 0));
});
observer.observe(output, {childList: true, subtree: true});
start = performance.now();
cell.execute();
"""

KERNEL_READY = """
return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel
    && Jupyter.notebook.kernel.is_connected() && Jupyter.notebook.get_cell(0)) && Jupyter.notebook.kernel.id;
"""


class WebDriver:
    """The few W3C WebDriver commands this needs, over chromedriver's HTTP port."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                self.call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        options = {"binary": "/usr/bin/chromium",
                   "args": CHROMIUM_ARGS + [f"--user-data-dir={tempfile.mkdtemp(prefix='acquire-chromium')}"]}
        session = self.call("POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": options}}})
        self.session = f"/session/{session['sessionId']}"
        self.call("POST", f"{self.session}/timeouts", {"script": 120_000})

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=180) as reply:
            return json.loads(reply.read())["value"]

    def open(self, url):
        self.call("POST", f"{self.session}/url", {"url": url})

    def run(self, script, *args):
        return self.call("POST", f"{self.session}/execute/sync", {"script": script, "args": list(args)})

    def run_async(self, script, *args):
        return self.call("POST", f"{self.session}/execute/async", {"script": script, "args": list(args)})

    def quit(self):
        self.call("DELETE", self.session)


def spread(values):
    ordered = sorted(values)
    return f"min {ordered[0]:.1f}, median {statistics.median(ordered):.1f}, max {ordered[-1]:.1f} ms"


def main():
    port, token = free_port(), os.urandom(16).hex()
    with tempfile.TemporaryDirectory() as notebooks:
        with open(os.path.join(notebooks, "latency.ipynb"), "w") as notebook:
            json.dump({"cells": [{"cell_type": "code", "source": "1 + 1", "metadata": {}, "outputs": [],
                                  "execution_count": None}],
                       "metadata": {"kernelspec": {"name": "acquire-java", "display_name": "Java (Acquire)",
                                                   "language": "java"}},
                       "nbformat": 4, "nbformat_minor": 5}, notebook)
        server = start_notebook_server(port, token, notebooks)
        driver_port = free_port()
        driver = subprocess.Popen(["/usr/bin/chromedriver", f"--port={driver_port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        browser = None
        base = f"http://127.0.0.1:{port}"
        try:
            browser = WebDriver(driver_port)
            browser.open(f"{base}/notebooks/latency.ipynb?token={token}")
            kernel = None
            for _ in range(600):
                kernel = browser.run(KERNEL_READY)
                if kernel:
                    break
                time.sleep(0.1)
            assert kernel, "the notebook's kernel never connected"
            client = direct_client(kernel)
            for _ in range(WARM_UP_CELLS):
                assert browser.run_async(RUN_CELL, "1 + 1")["text"] == "2"
                timed_cell(client, "1 + 1")
            page, direct = [], []
            for i in range(CELLS):
                for path in (("page", "direct") if i % 2 == 0 else ("direct", "page")):
                    if path == "page":
                        cell = browser.run_async(RUN_CELL, "1 + 1")
                        assert cell["text"] == "2", cell
                        page.append(cell)
                    else:
                        result, to_result, _ = timed_cell(client, "1 + 1")
                        assert result == "2"
                        direct.append(to_result * 1000)
            print("page, shown: " + " ".join(f"{c['shown']:.1f}" for c in page))
            print("direct:      " + " ".join(f"{d:.1f}" for d in direct))
            print(f"\n{CELLS} cells of 1 + 1 per path after {WARM_UP_CELLS} each to warm up, one kernel, "
                  f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
            print(f"direct (kernel over ZeroMQ), to the result: {spread(direct)}")
            print(f"page, result on its websocket: {spread([c['received'] for c in page])}")
            print(f"page, result shown in the cell: {spread([c['shown'] for c in page])}")
            print(f"page, next frame painted: {spread([c['painted'] for c in page])}")
            print(f"medians: kernel {statistics.median(direct):.1f} ms, notebook server and websocket "
                  f"{statistics.median(c['received'] for c in page) - statistics.median(direct):.1f} ms, "
                  f"front end to shown {statistics.median(c['shown'] - c['received'] for c in page):.1f} ms")
            client.stop_channels()
        finally:
            if browser is not None:
                browser.quit()
            driver.terminate()
            driver.wait(timeout=30)
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
