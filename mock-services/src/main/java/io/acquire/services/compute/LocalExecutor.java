package io.acquire.services.compute;

import io.acquire.client.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
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
final class LocalExecutor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalExecutor.class);
  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);
  /** How long a stopped runner gets to send what its workload wrote before it is killed. */
  private static final Duration GRACE = Duration.ofSeconds(15);

  /** What the executor needs from the compute service. */
  interface Lifecycle {
    Optional<JobRecord> current(String jobId);

    /** Marks the job running and returns its ticket; empty if it must not start after all. */
    Optional<JobTicket> start(JobRecord job);

    void finish(String jobId, String status, Integer exitCode, String message, boolean charge);

    void heartbeat(List<String> jobIds);
  }

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
    this.workRoot = workRoot;
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

  synchronized void enqueue(JobRecord job) {
    queue.addLast(job);
  }

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
      createPrivately(work);
      Path ticketFile = writePrivately(work.resolve("ticket.json"), Json.write(ticket.get()));
      Process process = new ProcessBuilder(javaCommand(ticket.get().classpath(), ticketFile))
          .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("runner.log").toFile())
          .start();
      running.put(job.id(), new Running(job, process, work, now, null, null));
      log.info("Started job {} of {} ({} cores)", job.id(), job.owner(), job.request().cores());
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not start job {}", job.id(), e);
      lifecycle.finish(job.id(), JobRecord.FAILED, null, "the job could not be started on this machine: "
          + e.getMessage() + "; nothing was charged", false);
      deleteQuietly(work);
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
    String status;
    String message;
    // The runner notes the workload's exit before it leaves: without that note, the runner (the platform) failed.
    boolean workloadEnded = Files.exists(r.work().resolve(JobRunner.WORKLOAD_EXIT));
    boolean charge = r.stopReason() != null || (workloadEnded && exitCode != JobRunner.RUNNER_FAILED);
    if (!workloadEnded && exitCode != JobRunner.RUNNER_FAILED && r.stopReason() == null) {
      exitCode = JobRunner.RUNNER_FAILED;
    }
    if (JobRecord.TIMED_OUT.equals(r.stopReason())) {
      status = JobRecord.TIMED_OUT;
      message = "stopped at its maximum run time of " + r.job().request().maxRuntimeSeconds() + " s";
    } else if (JobRecord.CANCELLED.equals(r.stopReason())) {
      status = JobRecord.CANCELLED;
      message = "cancelled while running";
    } else if (exitCode == 0) {
      status = JobRecord.COMPLETED;
      message = null;
    } else {
      status = JobRecord.FAILED;
      message = switch (exitCode) {
        case 2 -> "the workload refused its input: " + lastLine(r.work().resolve("workload.log"))
            .replace(r.work().resolve("inputs") + java.io.File.separator, "");
        case JobRunner.RUNNER_FAILED -> "the job runner failed (" + lastLine(r.work().resolve("runner.log"))
            + "); nothing was charged";
        default -> "the workload failed with exit code " + exitCode + ": " + lastLine(r.work().resolve("workload.log"));
      };
    }
    lifecycle.finish(id, status, exitCode, message, charge);
    log.info("Job {} {} (exit {})", id, status, exitCode);
    if (!keepWork) {
      deleteQuietly(r.work());
    }
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
        deleteQuietly(r.work());
      }
    }
  }

  private static List<String> javaCommand(String classpath, Path ticket) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, JobRunner.class.getName(), ticket.toString());
  }

  /** A job's work directory, open to its owner only: it holds the ticket and the job's inputs. */
  private static void createPrivately(Path dir) throws IOException {
    Files.createDirectories(dir.getParent());
    Files.createDirectories(dir);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** Writes a file only its owner can read: the ticket holds the job's credential. */
  private static Path writePrivately(Path file, byte[] bytes) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    return Files.write(file, bytes);
  }

  static String lastLine(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.filter(l -> !l.isBlank()).reduce((a, b) -> b).map(String::strip).orElse("no output");
    } catch (IOException | UncheckedIOException e) {
      return "no output";
    }
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not delete the work directory {}", dir);
    }
  }
}
