"""Jupyter's own kernel conformance suite, run against the Acquire Java kernel.

Run by KernelConformanceTest with JUPYTER_DATA_DIR pointing at a freshly installed
kernelspec; by hand: JUPYTER_DATA_DIR=... /usr/bin/python3 -m unittest -v test_kernel_conformance
"""
import unittest

import jupyter_kernel_test


class AcquireJavaKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "acquire-java"
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("to stderr");'

    completion_samples = [
        {"text": "StringBuil", "matches": {"StringBuilder"}},
        {"text": '"abc".toUpp', "matches": {"toUpperCase("}},
    ]
    complete_code_samples = ["1 + 1", "int x = 3;", "void f() { }", "for (int i = 0; i < 2; i++) { }"]
    incomplete_code_samples = ["for (int i = 0; i < 2; i++) {", "void f() {", "int y = 1 +"]

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "int z = 2;\nz + 3", "result": "5"},
        {"code": '"acq" + "uire"', "result": "acquire"},
    ]

    code_generate_error = 'throw new IllegalStateException("deliberate")'

    code_display_data = [
        {"code": 'display("shown by display()");', "mime": "text/plain"},
    ]

    # Shift-Tab: an SDK type, whose Javadoc the kernel ships.
    code_inspect_sample = "io.acquire.client.User"

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 ? 7"

    code_page_something = None
    code_clear_output = None


class AcquireJavaKernelExtraTests(jupyter_kernel_test.KernelTests):
    """What the Acquire kernel adds: updates of an earlier display, Acquire on the class path."""

    kernel_name = "acquire-java"
    language_name = "java"

    def run_cell(self, code):
        """Executes code and returns its IOPub messages up to idle, as a front end reads them."""
        msg_id = self.kc.execute(code=code)
        messages = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            messages.append(msg)
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["content"]["status"], "ok", messages)
        return messages

    def test_update_display_data_replaces_an_earlier_output(self):
        output = self.run_cell('String id = display("before");\nupdateDisplay(id, "after");')
        shown = [m for m in output if m["msg_type"] == "display_data"]
        updated = [m for m in output if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shown), 1, [(m["msg_type"], m["content"]) for m in output])
        self.assertEqual(len(updated), 1)
        display_id = shown[0]["content"]["transient"]["display_id"]
        self.assertEqual(updated[0]["content"]["transient"]["display_id"], display_id)
        self.assertEqual(updated[0]["content"]["data"]["text/plain"], "after")

    def test_update_after_the_cell_ended_reaches_the_cell_that_made_the_display(self):
        first = self.run_cell(
            'String late = display("waiting");\n'
            'new Thread(() -> { try { Thread.sleep(1500); } catch (InterruptedException e) { }'
            ' updateDisplay(late, "done"); }).start();')
        shown = [m for m in first if m["msg_type"] == "display_data"][0]
        parent = shown["parent_header"]["msg_id"]
        self.run_cell("1 + 1")
        deadline = 10
        while True:
            msg = self.kc.get_iopub_msg(timeout=deadline)
            if msg["msg_type"] == "update_display_data":
                break
        self.assertEqual(msg["content"]["data"]["text/plain"], "done")
        self.assertEqual(msg["content"]["transient"]["display_id"], shown["content"]["transient"]["display_id"])
        self.assertEqual(msg["parent_header"]["msg_id"], parent, "tied to the cell that made the display")

    def test_acquire_client_is_importable_without_setup(self):
        output = self.run_cell("User.class.getName()")
        results = [m for m in output if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "io.acquire.client.User")


if __name__ == "__main__":
    unittest.main()
