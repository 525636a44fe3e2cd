package io.acquire.services.compute;

import io.acquire.client.wire.Json;
import io.acquire.services.compute.LocalExecutor.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs as Slurm batch jobs through Slurm's command line tools: {@code sbatch --parsable}
 * to submit (one {@link JobRunner} per job, with the cores, memory and time limit the job
 * was quoted for, on its resource's partition), {@code squeue} to follow every job in one
 * call per tick, {@code scancel} to stop one. Slurm's job id goes into the job's record, so
 * a backend that restarts takes its queued and running jobs back from the store
 * ({@link #adopt}) and misses no ending: Slurm shows finished jobs for {@code MinJobAge},
 * then its job completion log ({@code jobcomp/filetxt}) and the runner's exit note in the
 * work directory still say how each ended.
 *
 * <p>Slurm's time limits are whole minutes, so the executor stops a job at its maximum run
 * time in seconds itself; Slurm's limit (a minute later) is the backstop while no backend
 * is watching. The work directory must be on a file system the cluster's nodes share.
 */
final class SlurmExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SlurmExecutor.class);
  /** The runner's JVM, beside the workload's heap that the job was quoted for. */
  static final int RUNNER_MIB = 256;
  static final String RUNNER_EXIT = "runner.exit";
  private static final Set<String> WAITING = Set.of("PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD",
      "REQUEUE_FED", "RESV_DEL_HOLD", "SUSPENDED");
  private static final Set<String> ACTIVE = Set.of("RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING", "RESIZING",
      "STOPPED");
  /** Endings that mean the job's batch script ran. */
  private static final Set<String> RAN = Set.of("COMPLETED", "FAILED", "OUT_OF_MEMORY", "TIMEOUT");

  /** What the executor knows of a job it follows; changed only by the ticker thread once submitted. */
  private static final class Followed {
    final String jobId;
    final String batchJob;
    final long maxRuntimeSeconds;
    final int memoryMib;
    final Path work;
    Instant startedAt;
    String stopReason;
    boolean cancelSent;

    Followed(JobRecord job, String batchJob, Path work) {
      this.jobId = job.id();
      this.batchJob = batchJob;
      this.maxRuntimeSeconds = job.request().maxRuntimeSeconds();
      this.memoryMib = job.request().memoryMib();
      this.work = work;
      this.startedAt = job.status().equals(JobRecord.RUNNING) ? job.startedAt() : null;
    }
  }

  /** One line of squeue: a job's state and the times Slurm gives. */
  record SlurmJob(String id, String state, Instant start, Instant end) {}

  private final Lifecycle lifecycle;
  private final SlurmCli cli;
  private final Path workRoot;
  private final Function<String, Optional<String>> partitionOf;
  private final Path completionLog;
  private final Clock clock;
  private final boolean keepWork;
  private final String classpath;
  private final Map<String, Followed> followed = new ConcurrentHashMap<>();
  private final Set<String> submitting = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<Submission> toSubmit = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService ticker;
  private final List<Thread> submitters = new java.util.ArrayList<>();

  /** A job to submit; {@code lookup} first asks Slurm whether an earlier process submitted it already. */
  private record Submission(JobRecord job, boolean lookup) {}

  /**
   * @param partitionOf the Slurm partition of a resource name, empty if it is not a Slurm resource
   * @param completionLog Slurm's {@code JobCompLoc} when {@code JobCompType=jobcomp/filetxt}, or null
   */
  SlurmExecutor(Lifecycle lifecycle, SlurmCli cli, Path workRoot, Function<String, Optional<String>> partitionOf,
      Path completionLog, String classpath, Duration poll, int submitterCount, Clock clock, boolean keepWork) {
    this.lifecycle = lifecycle;
    this.cli = cli;
    this.workRoot = WorkDirectories.openRoot(workRoot);
    this.partitionOf = partitionOf;
    this.completionLog = completionLog;
    this.classpath = classpath;
    this.clock = clock;
    this.keepWork = keepWork;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "compute-slurm");
      thread.setDaemon(true);
      return thread;
    });
    ticker.scheduleWithFixedDelay(this::tickQuietly, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    // sbatch waits on the controller for most of its time, so a few run side by side.
    for (int i = 0; i < submitterCount; i++) {
      Thread submitter = new Thread(this::submitLoop, "compute-slurm-submit-" + i);
      submitter.setDaemon(true);
      submitter.start();
      submitters.add(submitter);
    }
  }

  @Override
  public void enqueue(JobRecord job) {
    submitting.add(job.id());
    toSubmit.add(new Submission(job, false));
  }

  @Override
  public void adopt(JobRecord job) {
    if (followed.containsKey(job.id()) || !submitting.add(job.id())) {
      return;
    }
    if (job.batchJob() != null) {
      follow(job, job.batchJob());
      submitting.remove(job.id());
      log.info("Following job {} again: Slurm job {}", job.id(), job.batchJob());
    } else {
      toSubmit.add(new Submission(job, true));
    }
  }

  /** Stops following a job another compute process has taken over; it goes on in Slurm. */
  void forget(String jobId) {
    if (followed.remove(jobId) != null) {
      log.info("Job {} was taken over by another compute process; no longer following it", jobId);
    }
  }

  /** Whether this executor follows the job or is about to submit it (for tests and recovery). */
  boolean follows(String jobId) {
    return followed.containsKey(jobId) || submitting.contains(jobId);
  }

  // Submitting ---------------------------------------------------------------------------

  private void submitLoop() {
    while (!Thread.currentThread().isInterrupted()) {
      Submission next;
      try {
        next = toSubmit.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (!submit(next)) {
          // The controller is unreachable. Whether an sbatch was taken is unknown, so the retry
          // looks the job up by name before submitting it again.
          Thread.sleep(1000);
          toSubmit.add(new Submission(next.job(), true));
          continue;
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Submitting job {} failed; it will be tried again", next.job().id(), e);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException stopped) {
          return;
        }
        toSubmit.add(new Submission(next.job(), true));
        continue;
      }
      submitting.remove(next.job().id());
    }
  }

  /** Submits one job; false if Slurm could not be reached (to try again), true once it is in Slurm or has ended. */
  private boolean submit(Submission submission) {
    String id = submission.job().id();
    Optional<JobRecord> current = lifecycle.current(id);
    if (current.isEmpty() || current.get().isFinal()) {
      return true;
    }
    JobRecord job = current.get();
    if (job.batchJob() != null) {
      follow(job, job.batchJob());
      return true;
    }
    if (job.cancelRequested()) {
      lifecycle.finish(id, JobRecord.CANCELLED, null, "cancelled before it started", false);
      return true;
    }
    if (submission.lookup()) {
      // An earlier process may have submitted it and stopped before recording Slurm's id.
      SlurmCli.Result found = cli.run("squeue", List.of("-h", "-t", "all", "-n", id, "-o", "%i"));
      if (!found.ok()) {
        return !found.unreachable() && failToSubmit(job, found);
      }
      String existing = found.out().strip();
      if (!existing.isEmpty()) {
        String batchJob = existing.lines().findFirst().orElseThrow().strip();
        if (lifecycle.submitted(id, batchJob)) {
          follow(job, batchJob);
        }
        return true;
      }
    }
    String partition = partitionOf.apply(job.request().resource()).orElse(null);
    if (partition == null) {
      lifecycle.finish(id, JobRecord.FAILED, null, "its resource " + job.request().resource()
          + " is no longer offered on Slurm here; nothing was charged", false);
      return true;
    }
    Path work = workRoot.resolve(id);
    Optional<JobTicket> ticket = lifecycle.issue(job);
    if (ticket.isEmpty()) {
      return true;
    }
    Path script;
    try {
      WorkDirectories.createPrivate(work);
      Path ticketFile = WorkDirectories.writePrivately(work.resolve("ticket.json"), Json.write(ticket.get()));
      script = WorkDirectories.writePrivately(work.resolve("job.sh"), script(ticketFile)
          .getBytes(StandardCharsets.UTF_8));
    } catch (IOException | UncheckedIOException e) {
      lifecycle.finish(id, JobRecord.FAILED, null, "the job could not be prepared for Slurm: " + e.getMessage()
          + "; nothing was charged", false);
      WorkDirectories.deleteQuietly(work);
      return true;
    }
    long minutes = Math.max(1, (job.request().maxRuntimeSeconds() + 59) / 60) + 1;
    SlurmCli.Result result = cli.run("sbatch", List.of("--parsable", "--job-name=" + id, "--partition=" + partition,
        "--nodes=1", "--ntasks=1", "--cpus-per-task=" + job.request().cores(),
        "--mem=" + (job.request().memoryMib() + RUNNER_MIB), "--time=" + minutes, "--no-requeue", "--export=NIL",
        "--chdir=" + work, "--output=" + work.resolve("runner.log"), script.toString()));
    if (!result.ok()) {
      if (result.unreachable()) {
        return false;
      }
      WorkDirectories.deleteQuietly(work);
      return failToSubmit(job, result);
    }
    String batchJob = result.out().strip().split(";")[0];
    if (!lifecycle.submitted(id, batchJob)) {
      // Another process took the job over while this one was submitting it: it runs that one's submission.
      cli.run("scancel", List.of(batchJob));
      log.warn("Job {} was taken over by another compute process while being submitted; cancelled Slurm job {}",
          id, batchJob);
      return true;
    }
    follow(job, batchJob);
    log.info("Submitted job {} of {} to Slurm partition {} as {}", id, job.owner(), partition, batchJob);
    return true;
  }

  private boolean failToSubmit(JobRecord job, SlurmCli.Result result) {
    lifecycle.finish(job.id(), JobRecord.FAILED, null, "Slurm refused the job (" + result.error()
        + "); nothing was charged", false);
    return true;
  }

  private void follow(JobRecord job, String batchJob) {
    followed.putIfAbsent(job.id(), new Followed(job, batchJob, workRoot.resolve(job.id())));
  }

  /**
   * The batch script: runs the runner and notes its exit code, so an ending is known even
   * after Slurm has forgotten the job. SIGTERM (cancel, time limit) goes to every process of
   * the job; the shell traps it to outlive the runner, which stops its workload and sends
   * what it wrote first.
   */
  private String script(Path ticket) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // --export=NIL leaves the job no PATH: workloads that run system tools (GROMACS's gmx) need
    // one, and the gmx the backend was told to use (ACQUIRE_GMX) is the one its nodes use too.
    String gmx = System.getenv(io.acquire.services.compute.gromacs.Gmx.ENVIRONMENT);
    return "#!/bin/sh\n"
        + "trap 'true' TERM INT\n"
        + ": \"${PATH:=/usr/local/bin:/usr/bin:/bin}\"\nexport PATH\n"
        + (gmx == null || gmx.isBlank() ? ""
            : "export " + io.acquire.services.compute.gromacs.Gmx.ENVIRONMENT + "=" + quote(gmx) + "\n")
        + quote(java) + " -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp " + quote(classpath) + " "
        + JobRunner.class.getName() + " " + quote(ticket.toString()) + "\n"
        + "code=$?\n"
        + "echo \"$code\" > " + RUNNER_EXIT + ".tmp && mv " + RUNNER_EXIT + ".tmp " + RUNNER_EXIT + "\n"
        + "exit \"$code\"\n";
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  // Following ----------------------------------------------------------------------------

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("Following Slurm jobs failed; it will run again", e);
    }
  }

  private void tick() {
    Instant now = clock.instant();
    // Taken before asking Slurm, so a job submitted meanwhile is not mistaken for one Slurm forgot.
    List<Followed> watched = List.copyOf(followed.values());
    if (!watched.isEmpty()) {
      Optional<Map<String, SlurmJob>> states = queue();
      if (states.isPresent()) {
        Set<String> cancels = lifecycle.cancelRequests();
        Map<String, SlurmJob> forgotten = null;
        Map<Followed, String> toCancel = new java.util.LinkedHashMap<>();
        for (Followed f : watched) {
          SlurmJob slurm = states.get().get(f.batchJob);
          if (slurm == null) {
            if (forgotten == null) {
              forgotten = completions();
            }
            slurm = forgotten.get(f.batchJob);
          }
          watch(f, slurm, cancels.contains(f.jobId), now, toCancel);
        }
        cancel(toCancel);
      }
    }
  }

  /** Follows one job; one that must be stopped goes into {@code toCancel} with the reason. */
  private void watch(Followed f, SlurmJob slurm, boolean cancelRequested, Instant now,
      Map<Followed, String> toCancel) {
    if (slurm == null) {
      // Slurm no longer knows it and no completion was logged: the runner's note is all there is.
      Optional<Integer> code = runnerExit(f.work);
      if (code.isPresent()) {
        // The note was written as the runner ended: its time is the job's end.
        Instant ended = null;
        try {
          ended = Files.getLastModifiedTime(f.work.resolve(RUNNER_EXIT)).toInstant();
        } catch (IOException e) {
          // charged up to now then, still never above the quote
        }
        end(f, new SlurmJob(f.batchJob, code.get() == 0 ? "COMPLETED" : "FAILED", null, ended), cancelRequested);
      } else {
        end(f, new SlurmJob(f.batchJob, "UNKNOWN", null, null), cancelRequested);
      }
      return;
    }
    if (WAITING.contains(slurm.state())) {
      if (cancelRequested && !f.cancelSent) {
        toCancel.put(f, JobRecord.CANCELLED);
      }
    } else if (ACTIVE.contains(slurm.state())) {
      if (f.startedAt == null) {
        f.startedAt = slurm.start() != null ? slurm.start() : now;
        lifecycle.running(f.jobId, f.startedAt);
      }
      if (f.stopReason == null) {
        if (Duration.between(f.startedAt, now).toMillis() >= f.maxRuntimeSeconds * 1000) {
          toCancel.put(f, JobRecord.TIMED_OUT);
        } else if (cancelRequested) {
          toCancel.put(f, JobRecord.CANCELLED);
        }
      }
    } else {
      end(f, slurm, cancelRequested);
    }
  }

  /**
   * Cancels jobs with one {@code scancel} per 200. Slurm answers an error for a job that has
   * just ended, which needs no cancel; only an unreachable controller means trying again.
   */
  private void cancel(Map<Followed, String> jobs) {
    List<Map.Entry<Followed, String>> all = List.copyOf(jobs.entrySet());
    for (int from = 0; from < all.size(); from += 200) {
      List<Map.Entry<Followed, String>> chunk = all.subList(from, Math.min(all.size(), from + 200));
      SlurmCli.Result result = cli.run("scancel", chunk.stream().map(e -> e.getKey().batchJob).toList());
      if (!result.ok() && result.unreachable()) {
        log.warn("scancel could not reach Slurm ({}); trying again", result.error());
        return;
      }
      for (Map.Entry<Followed, String> e : chunk) {
        e.getKey().cancelSent = true;
        e.getKey().stopReason = e.getValue();
      }
    }
  }

  private void end(Followed f, SlurmJob slurm, boolean cancelRequested) {
    if (!lifecycle.holds(f.jobId)) {
      // Taken over while this process was silent: the holder ends it, from the work directory left as it is.
      forget(f.jobId);
      return;
    }
    Optional<Integer> noted = runnerExit(f.work);
    // A job cancelled while pending has start and end times too; only these say the script ran.
    boolean ran = noted.isPresent() || RAN.contains(slurm.state());
    if (f.startedAt == null && ran && slurm.start() != null) {
      f.startedAt = slurm.start(); // it started and ended between two looks, or while no backend watched
      lifecycle.running(f.jobId, f.startedAt);
    }
    String reason = f.stopReason;
    if (reason == null && cancelRequested) {
      reason = JobRecord.CANCELLED;
    }
    if (reason == null && f.startedAt != null && slurm.end() != null
        && Duration.between(f.startedAt, slurm.end()).toSeconds() >= f.maxRuntimeSeconds) {
      reason = JobRecord.TIMED_OUT; // stopped by this executor before a restart, or by Slurm's own limit
    }
    Outcome outcome = switch (slurm.state()) {
      case "COMPLETED", "FAILED" -> LocalExecutor.outcome(f.work, noted.orElse(JobRunner.RUNNER_FAILED), reason,
          f.maxRuntimeSeconds);
      case "CANCELLED", "TIMEOUT", "DEADLINE" -> {
        if (f.startedAt == null) {
          yield reason != null
              ? new Outcome(JobRecord.CANCELLED, null, "cancelled before it started", false)
              : new Outcome(JobRecord.FAILED, null, "cancelled in Slurm before it started, not through Acquire; "
                  + "nothing was charged", false);
        }
        if (reason == null && slurm.state().equals("CANCELLED")) {
          yield new Outcome(JobRecord.FAILED, noted.orElse(null), "cancelled in Slurm, not through Acquire; "
              + "nothing was charged", false);
        }
        yield LocalExecutor.outcome(f.work, noted.orElse(JobRunner.STOPPED), reason == null ? JobRecord.TIMED_OUT
            : reason, f.maxRuntimeSeconds);
      }
      case "OUT_OF_MEMORY" -> new Outcome(JobRecord.FAILED, noted.orElse(null), "it ran out of memory: it asked "
          + "for " + f.memoryMib + " MiB", f.startedAt != null);
      case "UNKNOWN" -> new Outcome(JobRecord.FAILED, null, "Slurm no longer knows job " + f.batchJob
          + " and no ending of it was recorded, a failure of the platform; nothing was charged", false);
      default -> new Outcome(JobRecord.FAILED, noted.orElse(null), "Slurm ended it as " + slurm.state()
          + " (job " + f.batchJob + "), a failure of the platform; nothing was charged", false);
    };
    lifecycle.finish(f.jobId, outcome.status(), outcome.exitCode(), outcome.message(), outcome.charge(),
        slurm.end() != null ? slurm.end() : clock.instant());
    followed.remove(f.jobId);
    log.info("Job {} {} (Slurm job {} {})", f.jobId, outcome.status(), f.batchJob, slurm.state());
    if (!keepWork) {
      WorkDirectories.deleteQuietly(f.work);
    }
  }

  private static Optional<Integer> runnerExit(Path work) {
    try {
      return Optional.of(Integer.parseInt(Files.readString(work.resolve(RUNNER_EXIT)).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Every job Slurm shows (finished ones for MinJobAge), by id; empty if the controller did not answer. */
  private Optional<Map<String, SlurmJob>> queue() {
    SlurmCli.Result result = cli.run("squeue", List.of("-h", "-t", "all", "-O", "JobID:|,State:|,StartTime:|,EndTime:|"));
    if (!result.ok()) {
      log.debug("squeue failed: {}", result.error());
      return Optional.empty();
    }
    Map<String, SlurmJob> jobs = new HashMap<>();
    for (String line : result.out().split("\n")) {
      String[] fields = line.split("\\|", -1);
      if (fields.length >= 4) {
        String id = fields[0].strip();
        jobs.put(id, new SlurmJob(id, fields[1].strip(), time(fields[2], ZoneOffset.UTC),
            time(fields[3], ZoneOffset.UTC)));
      }
    }
    return Optional.of(jobs);
  }

  /**
   * Jobs in Slurm's completion log ({@code jobcomp/filetxt}: one line of {@code key=value}
   * per finished job, times in the controller's zone, taken to be this machine's).
   */
  Map<String, SlurmJob> completions() {
    Map<String, SlurmJob> jobs = new HashMap<>();
    if (completionLog == null || !Files.exists(completionLog)) {
      return jobs;
    }
    try (Stream<String> lines = Files.lines(completionLog)) {
      lines.forEach(line -> {
        Map<String, String> fields = new HashMap<>();
        for (String pair : line.split(" ")) {
          int eq = pair.indexOf('=');
          if (eq > 0) {
            fields.put(pair.substring(0, eq), pair.substring(eq + 1));
          }
        }
        String id = fields.get("JobId");
        if (id != null && fields.containsKey("JobState")) {
          ZoneId zone = ZoneId.systemDefault();
          jobs.put(id, new SlurmJob(id, fields.get("JobState"), time(fields.getOrDefault("StartTime", ""), zone),
              time(fields.getOrDefault("EndTime", ""), zone)));
        }
      });
    } catch (IOException | UncheckedIOException e) {
      log.warn("Cannot read Slurm's job completion log {}: {}", completionLog, e.getMessage());
    }
    return jobs;
  }

  private static Instant time(String text, ZoneId zone) {
    String t = text.strip();
    if (t.isEmpty() || t.equals("N/A") || t.equals("Unknown") || t.equals("None")) {
      return null;
    }
    try {
      return LocalDateTime.parse(t).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Stops following; the jobs go on in Slurm, and a backend that starts later takes them back. */
  @Override
  public void close() {
    ticker.shutdownNow();
    submitters.forEach(Thread::interrupt);
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
      for (Thread submitter : submitters) {
        submitter.join(5000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
