"""Runs by StockKernelTest: a live plot in the stock kernel keeps redrawing while the kernel is idle.

Starts the kernelspec stock-java (JUPYTER_DATA_DIR), runs the cells given as a JSON list in the file named by its argument, the
last of which shows a live plot of a running job and ends at once; then, with no request
running, counts the update_display_data messages for that plot, tied to the cell that made it.
Prints one JSON line: {"updates": n, "display_id": id}.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel


def run(client, code):
    msg_id = client.execute(code)
    reply = client.get_shell_msg(timeout=180)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=180)
    if reply["content"]["status"] != "ok":
        raise SystemExit("cell failed: " + code + "\n" + json.dumps(reply["content"]))
    return msg_id


def main():
    with open(sys.argv[1]) as file:
        cells = json.load(file)
    manager, client = start_new_kernel(kernel_name="stock-java", startup_timeout=120)
    try:
        for code in cells[:-1]:
            run(client, code)
        plot_cell = run(client, cells[-1])
        display_id = None
        updates = 0
        idle = False
        deadline = time.monotonic() + 120
        # Until the plot's cell has gone idle, its own messages; then only updates can come, unasked.
        while time.monotonic() < deadline:
            try:
                message = client.get_iopub_msg(timeout=5)
            except Exception:
                if idle and updates > 0:
                    break  # five quiet seconds after updates: the job has ended and the plot with it
                continue
            kind = message["msg_type"]
            parent = message["parent_header"].get("msg_id")
            if kind == "display_data" and parent == plot_cell:
                display_id = message["content"]["transient"]["display_id"]
            elif kind == "status" and parent == plot_cell and message["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "update_display_data" and idle and parent == plot_cell:
                if message["content"]["transient"]["display_id"] == display_id and "image/png" in message["content"]["data"]:
                    updates += 1
    finally:
        client.shutdown()
        client.stop_channels()
        manager.finish_shutdown(waittime=30)
    print(json.dumps({"updates": updates, "display_id": display_id}))


if __name__ == "__main__":
    main()
