package io.acquire.notebook;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Display} in a stock kernel on the IJava base library, through the base library's
 * public display stream. That stream sends only while a cell runs and drops what comes while
 * the kernel is idle, so a live plot there redraws while some cell runs: its own when it
 * ends with {@code plot.await(…)}, or any later one.
 */
final class StockKernelOutputs {
  private final BaseKernel kernel;
  private final Set<String> ids = ConcurrentHashMap.newKeySet();

  StockKernelOutputs(BaseKernel kernel) {
    this.kernel = kernel;
  }

  String display(Object value) {
    if (!kernel.getIO().isAttached()) {
      throw new IllegalStateException("display() can only start a new output while a cell runs.");
    }
    String id = UUID.randomUUID().toString();
    DisplayData data = kernel.getRenderer().render(value);
    data.setDisplayId(id);
    ids.add(id);
    kernel.getIO().display.display(data);
    return id;
  }

  void updateDisplay(String id, Object value) {
    if (!ids.contains(id)) {
      throw new IllegalArgumentException("No display with id " + id + "; use the id display() returned.");
    }
    kernel.getIO().display.updateDisplay(id, kernel.getRenderer().render(value));
  }
}
