package io.acquire.notebook;

import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.DisplayStream;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.messages.publish.PublishUpdateDisplayData;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Display} in a stock kernel on the IJava base library. Outputs go through the
 * base library's public display stream, which sends only while a cell runs; an update made
 * while the kernel is idle goes to the cell that made the output, as in the Acquire kernel,
 * so a live plot keeps redrawing between cells.
 */
final class StockKernelOutputs {
  /**
   * The stream's current cell, which the base library (2.3) keeps private: read once per
   * display, so that later updates have a cell to go to. Where a version lacks it, updates
   * made while the kernel is idle are dropped, as the base library drops them itself.
   */
  private static final Optional<Field> CELL = cellField();

  private final BaseKernel kernel;
  /** Each display id's cell, or the stream itself where the cell could not be read. */
  private final Map<String, Object> cells = new ConcurrentHashMap<>();

  StockKernelOutputs(BaseKernel kernel) {
    this.kernel = kernel;
  }

  String display(Object value) {
    DisplayStream stream = kernel.getIO().display;
    if (!stream.isAttached()) {
      throw new IllegalStateException("display() can only start a new output while a cell runs.");
    }
    String id = UUID.randomUUID().toString();
    DisplayData data = kernel.getRenderer().render(value);
    data.setDisplayId(id);
    cells.put(id, CELL.map(field -> read(field, stream)).orElse(stream));
    stream.display(data);
    return id;
  }

  void updateDisplay(String id, Object value) {
    Object cell = cells.get(id);
    if (cell == null) {
      throw new IllegalArgumentException("No display with id " + id + "; use the id display() returned.");
    }
    DisplayData data = kernel.getRenderer().render(value);
    DisplayStream stream = kernel.getIO().display;
    if (stream.isAttached() || !(cell instanceof ShellReplyEnvironment idle)) {
      // While a cell runs, with it: clients that follow only the running cell (nbclient) see the update too.
      stream.updateDisplay(id, data);
    } else {
      data.setDisplayId(id);
      idle.publish(new PublishUpdateDisplayData(data));
    }
  }

  private static Object read(Field field, DisplayStream stream) {
    try {
      Object cell = field.get(stream);
      return cell == null ? stream : cell;
    } catch (IllegalAccessException e) {
      return stream;
    }
  }

  private static Optional<Field> cellField() {
    try {
      Field field = DisplayStream.class.getDeclaredField("env");
      if (field.getType() != ShellReplyEnvironment.class) {
        return Optional.empty();
      }
      field.setAccessible(true);
      return Optional.of(field);
    } catch (NoSuchFieldException | RuntimeException e) {
      return Optional.empty(); // another version of the base library, or a module that does not open it
    }
  }
}
