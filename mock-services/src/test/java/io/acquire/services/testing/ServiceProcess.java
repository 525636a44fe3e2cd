package io.acquire.services.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backend process of its own (a separate JVM, as on another host) running some of the
 * services with {@code acquire-server}, on this test's class path, bound to 127.0.0.1.
 * Its output goes to a log file in {@code logs}, which is how its URL is learnt.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("Acquire backend ready at (http://127\\.0\\.0\\.1:(\\d+))");

  private final String name;
  private final Process process;
  private final String url;
  private final int port;

  private ServiceProcess(String name, Process process, String url, int port) {
    this.name = name;
    this.process = process;
    this.url = url;
    this.port = port;
  }

  /**
   * Starts {@code acquire-server} with {@code args} and waits until it says it is ready.
   *
   * @param logs where the process's output goes, as {@code <name>-<n>.log}
   */
  public static ServiceProcess start(String name, Path logs, List<String> args) throws IOException,
      InterruptedException {
    return start(name, logs, args, java.util.Map.of());
  }

  /** {@link #start(String, Path, List)} with {@code environment} added to this JVM's (e.g. a store's credentials). */
  public static ServiceProcess start(String name, Path logs, List<String> args, java.util.Map<String, String> environment)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "io.acquire.services.AcquireServer", "--host", "127.0.0.1"));
    command.addAll(args);
    Path log;
    int n = 1;
    do {
      log = logs.resolve(name + "-" + n++ + ".log");
    } while (Files.exists(log));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher ready = READY.matcher(Files.readString(log));
      if (ready.find()) {
        return new ServiceProcess(name, process, ready.group(1), Integer.parseInt(ready.group(2)));
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new IllegalStateException(name + " did not start within 90 s:\n" + Files.readString(log));
  }

  public String url() {
    return url;
  }

  public int port() {
    return port;
  }

  /** Kills the process at once (SIGKILL), as a crash or a lost host would: nothing is flushed or closed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  @Override
  public String toString() {
    return "ServiceProcess[" + name + " at " + url + "]";
  }
}
