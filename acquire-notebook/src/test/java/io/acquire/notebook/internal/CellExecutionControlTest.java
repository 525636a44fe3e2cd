package io.acquire.notebook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import jdk.jshell.spi.ExecutionControl.StoppedException;
import org.junit.jupiter.api.Test;

class CellExecutionControlTest {
  static final AtomicInteger RUNS = new AtomicInteger();

  public static Object snippet() {
    return RUNS.incrementAndGet();
  }

  @Test
  void anInterruptWhileACellCompilesStopsItBeforeItsSnippetRuns() throws Exception {
    CellExecutionControl control = new CellExecutionControl();
    int before = RUNS.get();
    control.beginCell();
    control.stop(); // nothing runs yet: JShell is still compiling the cell
    assertThrows(StoppedException.class, () -> control.invoke(getClass().getMethod("snippet")));
    assertEquals(before, RUNS.get(), "the snippet never ran");
    control.endCell();

    control.beginCell();
    control.invoke(getClass().getMethod("snippet"));
    assertEquals(before + 1, RUNS.get(), "the next cell is not stopped by the earlier interrupt");
    control.endCell();
  }

  @Test
  void anInterruptBetweenCellsStopsNothing() throws Exception {
    CellExecutionControl control = new CellExecutionControl();
    control.stop();
    control.beginCell();
    int before = RUNS.get();
    control.invoke(getClass().getMethod("snippet"));
    assertEquals(before + 1, RUNS.get());
  }
}
