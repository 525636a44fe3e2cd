package io.acquire.services.accounting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Backend processes (registry and accounting) on one data directory, each logging to a file: what crash tests kill. */
final class ChildBackends {
  private static final Pattern READY = Pattern.compile("Acquire backend ready at (http://\\S+)");

  private final Path data;
  private final Map<Process, Path> logs = new ConcurrentHashMap<>();

  /** @param data holds the store ({@code data/store}) and the processes' logs */
  ChildBackends(Path data) {
    this.data = data;
  }

  Path store() {
    return data.resolve("store");
  }

  /** Starts one; {@link #awaitReady} gives its URL. */
  Process start() throws IOException {
    Path log = Files.createTempFile(data, "child", ".log");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "io.acquire.services.AcquireServer", "--port", "0",
        "--data", store().toString(), "--services", "registry,accounting")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    logs.put(process, log);
    return process;
  }

  String awaitReady(Process process) throws Exception {
    Path log = logs.get(process);
    for (int i = 0; i < 600; i++) {
      Matcher m = READY.matcher(Files.readString(log));
      if (m.find()) {
        return m.group(1);
      }
      if (!process.isAlive()) {
        throw new AssertionError("child backend exited: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("child backend did not start: " + Files.readString(log));
  }
}
