package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs Jupyter's kernel conformance suite (jupyter_kernel_test) against the kernel; fails with its report. */
class KernelConformanceTest {
  @TempDir
  Path jupyterData;

  @Test
  void kernelPassesJupytersConformanceSuite() throws Exception {
    Jupyter.requirePython("jupyter_kernel_test", "python3-jupyter-kernel-test");
    Jupyter.installKernel(jupyterData);
    Jupyter.Result result = Jupyter.run(
        List.of(Jupyter.PYTHON.toString(), "-m", "unittest", "-v", "test_kernel_conformance"),
        Map.of("JUPYTER_DATA_DIR", jupyterData.toString(), "JUPYTER_PATH", jupyterData.toString()),
        Path.of("src", "test", "python"), 300);
    System.out.println(result.output());
    assertEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("OK"), result.output());
  }
}
