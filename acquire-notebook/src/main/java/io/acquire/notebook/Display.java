package io.acquire.notebook;

/**
 * Shows values in the notebook from cell code, and replaces them in place.
 *
 * <pre>{@code
 * String id = display(chart);          // a new output in this cell
 * updateDisplay(id, newerChart);       // replaces it, even from a background thread after the cell ended
 * }</pre>
 *
 * <p>Both are imported into every cell of the Acquire kernel. Values render through the
 * kernel's renderers (see {@link Renderers}), falling back to {@code toString()}.
 */
public final class Display {
  private Display() {}

  /** Shows {@code value} as a new output of the running cell; returns its display id. */
  public static String display(Object value) {
    return AcquireKernel.running().display(value);
  }

  /** Replaces the output {@code id} with {@code value}; safe from any thread, at any time. */
  public static void updateDisplay(String id, Object value) {
    AcquireKernel.running().updateDisplay(id, value);
  }
}
