package io.acquire.notebook;

/**
 * Shows values in the notebook from cell code, and replaces them in place.
 *
 * <pre>{@code
 * String id = display(chart);          // a new output in this cell
 * updateDisplay(id, newerChart);       // replaces it, even from a background thread after the cell ended
 * }</pre>
 *
 * <p>Both are imported into every cell of the Acquire kernel; in a stock kernel they work
 * after {@link Acquire#install()}. Values render through the kernel's renderers (see
 * {@link Renderers}), falling back to {@code toString()}.
 */
public final class Display {
  /** The stock kernel {@link Acquire#install()} found, if this code runs in one. */
  private static volatile StockKernelOutputs stockKernel;

  private Display() {}

  /** Shows {@code value} as a new output of the running cell; returns its display id. */
  public static String display(Object value) {
    AcquireKernel kernel = AcquireKernel.running();
    return kernel != null ? kernel.display(value) : stockKernel().display(value);
  }

  /**
   * Replaces the output {@code id} with {@code value}; safe from any thread. In the Acquire
   * kernel at any time; in a stock kernel while a cell runs (see {@link Acquire}).
   */
  public static void updateDisplay(String id, Object value) {
    AcquireKernel kernel = AcquireKernel.running();
    if (kernel != null) {
      kernel.updateDisplay(id, value);
    } else {
      stockKernel().updateDisplay(id, value);
    }
  }

  static void useStockKernel(StockKernelOutputs outputs) {
    stockKernel = outputs;
  }

  private static StockKernelOutputs stockKernel() {
    StockKernelOutputs outputs = stockKernel;
    if (outputs == null) {
      throw new IllegalStateException("Display needs a Java kernel: the Acquire kernel, or a stock one (IJava) "
          + "after io.acquire.notebook.Acquire.install().");
    }
    return outputs;
  }
}
