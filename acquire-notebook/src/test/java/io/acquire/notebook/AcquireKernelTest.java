package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The kernel served in this JVM and spoken to over its sockets, as a front end would. */
class AcquireKernelTest {
  @Test
  void theBaseLibraryLogsNothingBelowWarningWhileServingRequests() throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler recorder = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() < Level.WARNING.intValue()) {
          logged.add(record.getLoggerName() + ": " + record.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    root.addHandler(recorder);
    try (KernelClient kernel = new KernelClient()) {
      assertEquals("ok", kernel.execute("1 + 1").reply().path("status").asText());
      kernel.request("complete_request", java.util.Map.of("code", "Strin", "cursor_pos", 5));
    } finally {
      root.removeHandler(recorder);
    }
    assertTrue(logged.isEmpty(), "lines that would reach Jupyter's terminal: " + logged);
  }

  @Test
  void inspectionAndHistoryAnswerOverTheWire() throws Exception {
    try (KernelClient kernel = new KernelClient()) {
      kernel.execute("int answer = 6 * 7;");
      var inspect = kernel.request("inspect_request",
          java.util.Map.of("code", "answer + 1", "cursor_pos", 3, "detail_level", 0)).reply();
      assertTrue(inspect.path("found").asBoolean(), inspect.toString());
      assertEquals("answer: int = 42", inspect.path("data").path("text/plain").asText());
      var history = kernel.request("history_request",
          java.util.Map.of("output", false, "raw", true, "hist_access_type", "tail", "n", 1)).reply();
      assertEquals("ok", history.path("status").asText(), history.toString());
      assertEquals("int answer = 6 * 7;", history.path("history").path(0).path(2).asText(), history.toString());
    }
  }

  @Test
  void kernelInfoNamesTheCodeMirrorModeByTheMimeTypeFrontEndsMap() throws Exception {
    try (KernelClient kernel = new KernelClient()) {
      var info = kernel.request("kernel_info_request", java.util.Map.of()).reply();
      assertEquals("text/x-java", info.path("language_info").path("codemirror_mode").asText(), info.toString());
      assertEquals("ok", info.path("status").asText());
    }
  }

  @Test
  void anInterruptOnControlStopsACellStillRunningOnShellAndTheNextCellRuns() throws Exception {
    try (KernelClient kernel = new KernelClient()) {
      kernel.execute("1 + 1"); // the shell is built: the next cell is under way within the pause below
      String running = kernel.sendWithoutWaiting("execute_request", java.util.Map.of("code", "Thread.sleep(60_000);",
          "silent", false, "store_history", true, "user_expressions", java.util.Map.of(),
          "allow_stdin", false, "stop_on_error", true));
      Thread.sleep(1000); // the cell is compiling or sleeping: either way the interrupt must stop it
      long start = System.nanoTime();
      kernel.requestOnControl("interrupt_request", java.util.Map.of()); // the base library's reply has no status
      assertEquals("error", kernel.reply(running).path("status").asText());
      assertTrue(System.nanoTime() - start < 20_000_000_000L, "the interrupted cell ran on");
      assertEquals("ok", kernel.execute("1 + 1").reply().path("status").asText());
    }
  }

  @Test
  void theTrainingRunAnswersItsCellsToAClientOverLoopbackSockets() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process training = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        AcquireKernel.class.getName(), AcquireKernel.TRAIN).redirectErrorStream(true).start();
    assertTrue(training.waitFor(2, TimeUnit.MINUTES), "the training run did not end");
    String output = new String(training.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, training.exitValue(), output);
    assertTrue(output.contains("Training: " + AcquireKernel.TRAINING_CELLS.size()
        + " cells answered over loopback sockets."), output);
  }
}
