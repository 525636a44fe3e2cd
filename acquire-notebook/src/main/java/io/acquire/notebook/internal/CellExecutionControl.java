package io.acquire.notebook.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * Runs cell code in the kernel's own JVM, so cells share static state with the kernel
 * (the display API needs that) and start fast. Two departures from JShell's local engine:
 * each run happens on its own thread, so an interrupt can stop it; and a run's result is
 * kept as the object itself, handed back to JShell as an id, so renderers see the real
 * value instead of its {@code toString()}.
 */
final class CellExecutionControl extends DirectExecutionControl {
  static final String VALUE_PREFIX = "acquire-value#";

  private final Map<String, Object> values = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile Thread running;
  private volatile boolean stopRequested;
  /** A cell is being evaluated: an interrupt while it compiles must stop it before it runs. */
  private volatile boolean inCell;

  /** A cell's evaluation begins: an interrupt from an earlier cell no longer counts. */
  void beginCell() {
    stopRequested = false;
    inCell = true;
  }

  void endCell() {
    inCell = false;
  }

  @Override
  protected String invoke(Method cell) throws Exception {
    if (stopRequested) {
      // Interrupted while JShell compiled it: the cell never starts, as the user asked.
      throw new StoppedException();
    }
    AtomicReference<Object> value = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      try {
        value.set(cell.invoke(null));
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "acquire-cell");
    thread.setContextClassLoader(cell.getDeclaringClass().getClassLoader());
    running = thread;
    thread.start();
    try {
      thread.join();
    } finally {
      running = null;
    }
    if (stopRequested) {
      throw new StoppedException();
    }
    stopRequested = false;
    Throwable thrown = failure.get();
    if (thrown instanceof InvocationTargetException || thrown instanceof Exception) {
      throw (Exception) thrown;
    }
    if (thrown != null) {
      throw new InvocationTargetException(thrown);
    }
    String id = VALUE_PREFIX + ids.incrementAndGet();
    values.put(id, value.get() == null ? NULL : value.get());
    return id;
  }

  /** The object behind a value id JShell reported ({@link #NULL} for null), or null if the id is not ours. */
  Object take(String id) {
    return id == null ? null : values.remove(id);
  }

  /** True once after a run was stopped by {@link #stop()}. */
  boolean consumeStopped() {
    boolean stopped = stopRequested;
    stopRequested = false;
    return stopped;
  }

  void forgetValues() {
    values.clear();
  }

  /**
   * Interrupts the running cell; if it ignores the interrupt for a second, stops its thread
   * (on JDKs that still allow {@link Thread#stop()}). A cell still compiling stops before it runs.
   */
  @Override
  @SuppressWarnings({"deprecation", "removal"})
  public void stop() {
    Thread thread = running;
    if (thread == null) {
      if (inCell) {
        stopRequested = true;
      }
      return;
    }
    stopRequested = true;
    thread.interrupt();
    try {
      thread.join(1000);
      if (thread.isAlive()) {
        thread.stop();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (UnsupportedOperationException e) {
      // Newer JDKs cannot stop a thread: a cell that ignores interrupts keeps running.
    }
  }

  /** Stands for a null result, since the map holds no nulls. */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };
}
