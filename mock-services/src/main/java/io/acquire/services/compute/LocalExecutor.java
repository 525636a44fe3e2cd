package io.acquire.services.compute;

import io.acquire.client.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs as local processes, one {@link JobRunner} each, first come first served while
 * their cores fit in this machine's. One thread does all the bookkeeping on a short tick:
 * starting queued jobs, noticing cancellations (which may arrive through another backend
 * process, so they are read from the store), stopping jobs past their maximum run time, and
 * reporting each ending once.
 */
final class LocalExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(LocalExecutor.class);
  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);
  /** How long a stopped runner gets to send what its workload wrote before it is killed. */
  private static final Duration GRACE = Duration.ofSeconds(15);

  private record Running(JobRecord job, Process process, Path work, Instant startedAt, String stopReason,
      Instant stoppedAt) {
    Running stopping(String reason, Instant at) {
      return new Running(job, process, work, startedAt, reason, at);
    }
  }

  private final Lifecycle lifecycle;
  private final Path workRoot;
  private final int cores;
  private final Clock clock;
  private final boolean keepWork;
  private final Deque<JobRecord> queue = new ArrayDeque<>();
  private final Map<String, Running> running = new HashMap<>();
  private final ScheduledExecutorService ticker;
  private Instant lastHeartbeat = Instant.EPOCH;

  LocalExecutor(Lifecycle lifecycle, Path workRoot, int cores, Clock clock, boolean keepWork) {
    this.lifecycle = lifecycle;
    this.workRoot = WorkDirectories.openRoot(workRoot);
    this.cores = cores;
    this.clock = clock;
    this.keepWork = keepWork;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "compute-executor");
      thread.setDaemon(true);
      return thread;
    });
    ticker.scheduleWithFixedDelay(this::tickQuietly, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void enqueue(JobRecord job) {
    queue.addLast(job);
  }

  /**
   * A local job's runner is a child of the process that started it and stops when that
   * process goes, so another process cannot take it over: compute's recovery ends it instead.
   */
  @Override
  public void adopt(JobRecord job) {}

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("Executor bookkeeping failed; it will run again", e);
    }
  }

  private synchronized void tick() {
    Instant now = clock.instant();
    for (Running r : List.copyOf(running.values())) {
      watch(r, now);
    }
    while (!queue.isEmpty()) {
      JobRecord head = queue.peekFirst();
      Optional<JobRecord> current = lifecycle.current(head.id());
      if (current.isEmpty() || current.get().isFinal()) {
        queue.removeFirst();
      } else if (current.get().cancelRequested()) {
        queue.removeFirst();
        lifecycle.finish(head.id(), JobRecord.CANCELLED, null, "cancelled before it started", false);
      } else if (head.request().cores() <= cores - coresInUse()) {
        queue.removeFirst();
        launch(current.get(), now);
      } else {
        break;
      }
    }
    if (Duration.between(lastHeartbeat, now).compareTo(HEARTBEAT) >= 0) {
      lastHeartbeat = now;
      List<String> ids = new ArrayList<>(running.keySet());
      queue.forEach(j -> ids.add(j.id()));
      if (!ids.isEmpty()) {
        lifecycle.heartbeat(ids);
      }
    }
  }

  private int coresInUse() {
    return running.values().stream().mapToInt(r -> r.job().request().cores()).sum();
  }

  private void launch(JobRecord job, Instant now) {
    Path work = workRoot.resolve(job.id());
    Optional<JobTicket> ticket;
    try {
      ticket = lifecycle.start(job);
      if (ticket.isEmpty()) {
        return;
      }
      WorkDirectories.createPrivate(work);
      Path ticketFile = WorkDirectories.writePrivately(work.resolve("ticket.json"), Json.write(ticket.get()));
      Process process = new ProcessBuilder(javaCommand(ticket.get().classpath(), ticketFile))
          .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("runner.log").toFile())
          .start();
      running.put(job.id(), new Running(job, process, work, now, null, null));
      log.info("Started job {} of {} ({} cores)", job.id(), job.owner(), job.request().cores());
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not start job {}", job.id(), e);
      lifecycle.finish(job.id(), JobRecord.FAILED, null, "the job could not be started on this machine: "
          + e.getMessage() + "; nothing was charged", false);
      WorkDirectories.deleteQuietly(work);
    }
  }

  private void watch(Running r, Instant now) {
    if (!r.process().isAlive()) {
      running.remove(r.job().id());
      ended(r, r.process().exitValue());
      return;
    }
    if (r.stopReason() != null) {
      if (Duration.between(r.stoppedAt(), now).compareTo(GRACE) > 0) {
        // A runner that did not stop in time may have left its workload running: kill that too.
        r.process().descendants().forEach(ProcessHandle::destroyForcibly);
        r.process().destroyForcibly();
      }
      return;
    }
    long maxRuntime = r.job().request().maxRuntimeSeconds();
    if (Duration.between(r.startedAt(), now).toMillis() >= maxRuntime * 1000) {
      stop(r, JobRecord.TIMED_OUT, now);
    } else if (lifecycle.current(r.job().id()).map(JobRecord::cancelRequested).orElse(true)) {
      stop(r, JobRecord.CANCELLED, now);
    }
  }

  private void stop(Running r, String reason, Instant now) {
    running.put(r.job().id(), r.stopping(reason, now));
    r.process().destroy(); // SIGTERM: the runner stops the workload and sends what it wrote
  }

  private void ended(Running r, int exitCode) {
    String id = r.job().id();
    Outcome outcome = outcome(r.work(), exitCode, r.stopReason(), r.job().request().maxRuntimeSeconds());
    lifecycle.finish(id, outcome.status(), outcome.exitCode(), outcome.message(), outcome.charge());
    log.info("Job {} {} (exit {})", id, outcome.status(), outcome.exitCode());
    if (!keepWork) {
      WorkDirectories.deleteQuietly(r.work());
    }
  }

  /** How a job ended and whether it is charged, as its runner's exit and the notes in its work directory say. */
  record Outcome(String status, Integer exitCode, String message, boolean charge) {}

  /**
   * Reads a job's ending from its runner's exit code and its work directory.
   *
   * @param stopReason {@link JobRecord#TIMED_OUT} or {@link JobRecord#CANCELLED} if the executor stopped it, else null
   */
  static Outcome outcome(Path work, int exitCode, String stopReason, long maxRuntimeSeconds) {
    // The runner notes the workload's exit before it leaves: without that note, the runner (the platform) failed.
    boolean workloadEnded = Files.exists(work.resolve(JobRunner.WORKLOAD_EXIT));
    boolean charge = stopReason != null || (workloadEnded && exitCode != JobRunner.RUNNER_FAILED);
    if (!workloadEnded && exitCode != JobRunner.RUNNER_FAILED && stopReason == null) {
      exitCode = JobRunner.RUNNER_FAILED;
    }
    if (JobRecord.TIMED_OUT.equals(stopReason)) {
      return new Outcome(JobRecord.TIMED_OUT, exitCode, "stopped at its maximum run time of " + maxRuntimeSeconds
          + " s", charge);
    } else if (JobRecord.CANCELLED.equals(stopReason)) {
      return new Outcome(JobRecord.CANCELLED, exitCode, "cancelled while running", charge);
    } else if (exitCode == 0) {
      return new Outcome(JobRecord.COMPLETED, exitCode, null, charge);
    }
    String message = switch (exitCode) {
      case 2 -> "the workload refused its input: " + lastLine(work.resolve("workload.log"))
          .replace(work.resolve("inputs") + java.io.File.separator, "");
      case JobRunner.RUNNER_FAILED -> "the job runner failed (" + lastLine(work.resolve("runner.log"))
          + "); nothing was charged";
      default -> "the workload failed with exit code " + exitCode + ": " + lastLine(work.resolve("workload.log"));
    };
    return new Outcome(JobRecord.FAILED, exitCode, message, charge);
  }

  @Override
  public synchronized void close() {
    ticker.shutdownNow();
    for (Running r : running.values()) {
      r.process().destroy();
    }
    // Give runners a moment to stop, then remove their work directories: they hold credentials.
    for (Running r : running.values()) {
      try {
        r.process().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!keepWork) {
        WorkDirectories.deleteQuietly(r.work());
      }
    }
  }

  private static List<String> javaCommand(String classpath, Path ticket) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, JobRunner.class.getName(), ticket.toString());
  }

  static String lastLine(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.filter(l -> !l.isBlank()).reduce((a, b) -> b).map(String::strip).orElse("no output");
    } catch (IOException | UncheckedIOException e) {
      return "no output";
    }
  }
}
