package io.github.spencerpark.ijava;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for a stock Java kernel, for StockKernelTest: JShell on IJava's base library
 * and nothing of Acquire's, started as IJava 1.3 starts ({@code IJava <connection file>})
 * and found as it is found ({@code IJava.getKernelInstance()}), because IJava's own jar is
 * not on Maven Central to test against.
 */
public final class IJava {
  private static volatile JavaKernel kernel;

  private IJava() {}

  /** The running kernel, or null before it starts: IJava's entry point for code in cells. */
  public static JavaKernel getKernelInstance() {
    return kernel;
  }

  public static void main(String[] args) throws Exception {
    JupyterConnection connection = new JupyterConnection(KernelConnectionProperties.parse(
        Files.readString(Path.of(args[0]))));
    kernel = new JavaKernel();
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
    kernel = null;
    System.exit(0); // as IJava does: cells may have left non-daemon threads behind
  }
}
