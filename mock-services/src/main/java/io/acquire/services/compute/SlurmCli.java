package io.acquire.services.compute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Slurm's command line tools, each call bounded in time: a client of a controller that is
 * down retries for minutes, so a call still running after the timeout is terminated (and
 * killed 2 s later), as coreutils' {@code timeout -k 2} would, but without a process of its
 * own in between: one process per {@code sbatch} is all a submit starts. Times are printed
 * in UTC (TZ=UTC), so they parse without knowing the machine's zone.
 */
final class SlurmCli {
  /** What a tool printed and how it exited; exit 124 (or more) means it was cut off. */
  record Result(int code, String out, String err) {
    boolean ok() {
      return code == 0;
    }

    /** The last line of the error output, for messages. */
    String error() {
      String[] lines = err.strip().split("\n");
      String last = lines[lines.length - 1].strip();
      return last.isEmpty() ? "exit code " + code : last;
    }

    /** The controller could not be reached (down, restarting) or did not answer in time: worth retrying. */
    boolean unreachable() {
      return code >= 124 || err.contains("Unable to contact slurm controller") || err.contains("Socket timed out")
          || err.contains("Connection refused") || err.contains("Zero Bytes were transmitted");
    }
  }

  private final String bin;
  private final String slurmConf;
  private final Duration timeout;

  /**
   * @param bin the directory of sbatch, squeue and scancel; empty to find them on the PATH
   * @param slurmConf the cluster's slurm.conf; empty for the tools' default
   */
  SlurmCli(String bin, String slurmConf, Duration timeout) {
    this.bin = bin;
    this.slurmConf = slurmConf;
    this.timeout = timeout;
  }

  Result run(String tool, List<String> args) {
    List<String> command = new ArrayList<>(List.of(bin.isEmpty() ? tool : Path.of(bin, tool).toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put("TZ", "UTC");
    if (!slurmConf.isEmpty()) {
      env.put("SLURM_CONF", slurmConf);
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Result(127, "", "cannot run " + tool + ": " + e.getMessage());
    }
    AtomicBoolean cutOff = new AtomicBoolean();
    ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> {
      cutOff.set(true);
      process.destroy();
      WATCHDOG.schedule(process::destroyForcibly, 2, TimeUnit.SECONDS);
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      process.getOutputStream().close();
      // Error output is short; read it beside the output so that neither pipe fills.
      StringBuilder err = new StringBuilder();
      Thread errors = new Thread(() -> {
        try {
          err.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          err.append(e.getMessage());
        }
      }, "slurm-cli-stderr");
      errors.setDaemon(true);
      errors.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = process.waitFor();
      errors.join();
      // 124, as timeout(1) answers, tells callers the tool was cut off (see Result#unreachable).
      return new Result(cutOff.get() ? 124 : code, out, err.toString());
    } catch (IOException e) {
      process.destroyForcibly();
      return new Result(127, "", "cannot read what " + tool + " printed: " + e.getMessage());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Result(130, "", tool + " interrupted");
    } finally {
      deadline.cancel(false);
    }
  }

  /** Ends tools that outlive their timeout; one daemon thread for every call of every instance. */
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "slurm-cli-timeout");
    thread.setDaemon(true);
    return thread;
  });
}
