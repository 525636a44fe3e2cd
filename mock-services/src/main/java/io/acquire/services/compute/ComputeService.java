package io.acquire.services.compute;

import io.acquire.client.Money;
import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.ComputeWire.JobList;
import io.acquire.client.wire.ComputeWire.JobRequest;
import io.acquire.client.wire.ComputeWire.PriceList;
import io.acquire.client.wire.ComputeWire.Quote;
import io.acquire.client.wire.ComputeWire.Submit;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import io.acquire.services.Service;
import io.acquire.services.ServiceContext;
import io.acquire.services.accounting.Billing;
import io.acquire.services.compute.Jobs.QuoteRecord;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Caller;
import io.acquire.services.http.Routes;
import io.acquire.services.storage.JobDrives;
import io.acquire.services.storage.Drives.DriveRecord;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compute at {@code /t/compute}: a published price list, quotes guaranteed until a
 * deadline, and jobs that hold their quoted price when submitted and are charged for the
 * time they ran (never more than the quote) when they end. Jobs run on the resource their
 * quote chose: this machine ({@link LocalExecutor}) or a Slurm partition
 * ({@link SlurmExecutor}); each gets an output drive that it alone can write.
 * See docs/jobs.md.
 */
public final class ComputeService implements Service, Executor.Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(ComputeService.class);
  /** A job whose executor has not been heard from for this long is taken to have died with it. */
  private static final Duration ABANDONED = Duration.ofSeconds(60);
  /** A hold outlives its job's longest run by this much, so a queued job's money stays reserved. */
  private static final Duration HOLD_MARGIN = Duration.ofDays(1);

  private final ServiceContext context;
  private final Clock clock;
  private final Billing billing;
  private final JobDrives drives;
  private final Jobs jobs;
  private final Prices prices;
  private final io.acquire.services.storage.StoragePrices storagePrices;
  private final String classpath;
  private final long flushMillis;
  private final LocalExecutor local;
  private final SlurmExecutor slurm;
  private final ScheduledExecutorService recovery;
  private final JobLeases leases;
  private final ScheduledExecutorService renewals;

  public ComputeService(ServiceContext context) {
    this.context = context;
    this.clock = context.clock();
    this.billing = Billing.of(context);
    this.drives = JobDrives.of(context);
    this.jobs = new Jobs(context.objects());
    this.prices = new Prices(context, billing.currency());
    this.storagePrices = io.acquire.services.storage.StoragePrices.of(context);
    this.leases = new JobLeases(context.objects().store(), clock,
        Duration.ofSeconds(context.intOption("job-lease-seconds", (int) ABANDONED.toSeconds())));
    this.classpath = absolute(context.option("runner-classpath", System.getProperty("java.class.path")));
    this.flushMillis = context.intOption("flush-millis", 50);
    Path workRoot = Path.of(context.option("work-directory", WorkDirectories.defaultRoot().toString()));
    boolean keepWork = Boolean.parseBoolean(context.option("keep-work", "false"));
    this.local = prices.local().map(r -> new LocalExecutor(this, workRoot, r.maxCores(), clock, keepWork))
        .orElse(null);
    if (prices.resources().stream().anyMatch(r -> r.executor().equals(Prices.SLURM))) {
      String completionLog = context.option("slurm-completion-log", "");
      this.slurm = new SlurmExecutor(this, new SlurmCli(context.option("slurm-bin", ""),
          context.option("slurm-conf", ""), Duration.ofSeconds(context.intOption("slurm-command-timeout-seconds", 20))),
          workRoot, name -> prices.resources().stream()
              .filter(r -> r.name().equals(name) && r.executor().equals(Prices.SLURM)).findFirst()
              .map(Prices.Resource::partition),
          completionLog.isEmpty() ? null : Path.of(completionLog), classpath,
          Duration.ofMillis(context.intOption("slurm-poll-millis", 500)),
          Math.max(1, context.intOption("slurm-submitters", 4)), clock, keepWork);
    } else {
      this.slurm = null;
    }
    this.recovery = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "compute-recovery");
      thread.setDaemon(true);
      return thread;
    });
    // Often enough that another process's lapsed jobs are taken within about one and a half leases.
    long recoverMillis = Math.min(30_000, leases.lease().toMillis() / 2);
    recovery.scheduleWithFixedDelay(this::recoverQuietly, 0, recoverMillis, TimeUnit.MILLISECONDS);
    // Its own thread, so a long recovery pass never delays the renewal that keeps this process's jobs its own.
    this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "compute-lease");
      thread.setDaemon(true);
      return thread;
    });
    long renewMillis = leases.renewEvery().toMillis();
    renewals.scheduleAtFixedRate(this::renewQuietly, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
    Thread check = new Thread(Workload::offered, "compute-workload-check"); // now, not at the first price list
    check.setDaemon(true);
    check.start();
  }

  /** The Slurm executor, if a resource runs on Slurm (for tests). */
  SlurmExecutor slurm() {
    return slurm;
  }

  @Override
  public void mount(Routes routes) {
    routes.get("/prices", ctx -> ctx.json(new PriceList(prices.currency(), prices.offers(),
            prices.quoteValidity().toSeconds(), storagePrices.view())))
        .post("/quotes", routes.forPeople(this::quote))
        .post("/jobs", routes.forPeople(this::submit))
        .get("/jobs", routes.forPeople((ctx, caller) -> {
          ctx.json(new JobList(jobs.of(caller.username()).stream().map(JobRecord::view).toList()));
        }))
        .get("/jobs/{id}", routes.forPeople((ctx, caller) -> ctx.json(owned(ctx, caller).view())))
        .post("/jobs/{id}/cancel", routes.forPeople(this::cancel));
  }

  private void quote(Context ctx, Caller caller) throws java.io.IOException {
    JobRequest request = Bodies.json(ctx, JobRequest.class);
    Workload workload = Workload.named(Bodies.required("workload", request.workload(), 64))
        .orElseThrow(() -> ApiException.badRequest("Unknown workload '" + request.workload() + "'; the price list "
            + "offers " + String.join(", ", Workload.offered().stream().map(Workload::name).toList()) + "."));
    Prices.Choice choice = prices.choose(workload, request);
    billing.requireOwned(caller.username(), Bodies.required("account", request.account(), 64));
    // The inputs may be on a drive shared with the caller: the job reads them as the caller may.
    DriveRecord inputs = drives.readable(caller.username(), Bodies.required("inputDrive", request.inputDrive(), 64),
        request.inputs() == null ? List.of() : request.inputs());
    if (request.inputs() == null) {
      throw ApiException.badRequest("Field 'inputs' is required: the paths of the workload's input files on drive "
          + inputs.name() + ".");
    }
    List<String> paths = request.inputs();
    if (paths.size() < workload.inputs() || paths.size() > workload.maxInputs()) {
      throw ApiException.badRequest("Workload " + workload.name() + " takes " + (workload.inputs() == workload.maxInputs()
          ? workload.inputs() + " input file(s)" : workload.inputs() + " to " + workload.maxInputs() + " input files")
          + "; the request names " + paths.size() + ".");
    }
    List<String> normalised = drives.newestPaths(inputs, paths);
    workload.problemWith(normalised.get(0), drives.head(inputs, normalised.get(0), Workload.CHECKED_BYTES + 1))
        .ifPresent(problem -> {
          throw ApiException.badRequest(problem);
        });
    JobRequest job = new JobRequest(workload.name(), inputs.id(), normalised, request.cores(), request.memoryMib(),
        request.maxRuntimeSeconds(), request.account(), choice.resource().name());
    Instant now = clock.instant();
    long outputBytes = OutputEstimate.bytes(job, drives.newestSizes(inputs, normalised));
    Money storage = Money.ofMinorUnits(storagePrices.yearsMinor(outputBytes, 1), prices.currency());
    QuoteRecord quote = new QuoteRecord("quote_" + UUID.randomUUID().toString().replace("-", ""), caller.username(),
        job, choice.price().plus(storage), now.plus(prices.quoteValidity()), now, storage);
    jobs.saveQuote(quote);
    ctx.status(201).json(new Quote(quote.id(), job, quote.price(), quote.expiresAt(), choice.reason(), storage,
        outputBytes));
  }

  private void submit(Context ctx, Caller caller) {
    String quoteId = Bodies.required("quote", Bodies.json(ctx, Submit.class).quote(), 64);
    QuoteRecord quote = jobs.quote(quoteId).filter(q -> q.owner().equals(caller.username()))
        .orElseThrow(() -> ApiException.notFound("You have no quote " + quoteId + "."));
    String jobId = "job_" + RequestSignature.sha256Hex(quote.id().getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    Optional<JobRecord> existing = jobs.get(jobId);
    if (existing.isPresent()) {
      ctx.json(existing.get().view()); // the same quote submitted again: one job
      return;
    }
    Instant now = clock.instant();
    if (!now.isBefore(quote.expiresAt())) {
      throw ApiException.conflict("Quote " + quote.id() + " expired at " + quote.expiresAt()
          + "; ask for a new quote.");
    }
    JobRequest job = quote.request();
    Executor executor = executor(job).orElseThrow(() -> ApiException.conflict("Quote " + quote.id() + " is for "
        + "resource " + job.resource() + ", which is no longer offered; ask for a new quote."));
    String hold = billing.hold(caller.username(), job.account(), quote.price(),
        now.plusSeconds(job.maxRuntimeSeconds()).plus(HOLD_MARGIN), "job " + jobId + " (" + job.workload() + ")",
        "compute:" + jobId);
    DriveRecord output = drives.createOutputDrive(caller.username(), jobId);
    JobRecord record = new JobRecord(jobId, caller.username(), job, quote.id(), quote.price(), hold, output.id(),
        JobRecord.QUEUED, now, null, null, null, null, null, false, leases.instance(), now, null, null);
    if (jobs.create(record)) {
      executor.enqueue(record);
      log.info("Job {} of {} queued: {} for at most {}", jobId, caller.username(), job.workload(), quote.price());
      ctx.status(201).json(record.view());
    } else {
      ctx.json(jobs.get(jobId).orElseThrow().view());
    }
  }

  private void cancel(Context ctx, Caller caller) {
    JobRecord job = owned(ctx, caller);
    if (job.isFinal()) {
      throw ApiException.conflict("Job " + job.id() + " has already ended (" + job.status() + ").");
    }
    ctx.json(jobs.requestCancel(job.id()).view());
  }

  /** The executor of the job's resource, if this process offers it. */
  private Optional<Executor> executor(JobRequest job) {
    return prices.of(job).map(r -> r.executor().equals(Prices.SLURM) ? slurm : local);
  }

  private JobRecord owned(Context ctx, Caller caller) {
    String id = ctx.pathParam("id");
    return jobs.get(id).filter(j -> j.owner().equals(caller.username()))
        .orElseThrow(() -> ApiException.notFound("You have no job " + id + "."));
  }

  // What the executor calls ----------------------------------------------------------------

  @Override
  public Optional<JobRecord> current(String jobId) {
    return jobs.get(jobId);
  }

  @Override
  public Optional<JobTicket> start(JobRecord job) {
    String sessionId = "job-" + job.id() + "-" + UUID.randomUUID();
    Instant now = clock.instant();
    JobRecord started = jobs.update(job.id(), j -> j.status().equals(JobRecord.QUEUED) && !j.cancelRequested()
        ? j.started(now, sessionId) : j);
    if (!sessionId.equals(started.credential())) {
      // A cancel that lands while the executor is starting the job: the executor has taken the
      // job off its queue, so unless it ends here it would stay queued until recovery failed it.
      if (started.status().equals(JobRecord.QUEUED) && started.cancelRequested()) {
        finish(job.id(), JobRecord.CANCELLED, null, "cancelled before it started", false);
      }
      return Optional.empty();
    }
    return Optional.of(ticket(job, sessionId, now, now.plusSeconds(job.request().maxRuntimeSeconds())
        .plus(Duration.ofMinutes(15)), true));
  }

  /**
   * A queued job's credential, for a batch system that starts it later: it lasts as long as
   * the job's hold, since the job may wait in the cluster's queue before it runs.
   */
  @Override
  public Optional<JobTicket> issue(JobRecord job) {
    String sessionId = "job-" + job.id() + "-" + UUID.randomUUID();
    Instant now = clock.instant();
    JobRecord issued = jobs.update(job.id(), j -> j.status().equals(JobRecord.QUEUED) && !j.cancelRequested()
        && j.batchJob() == null && holds(j) ? j.issued(now, sessionId) : j);
    if (!sessionId.equals(issued.credential())) {
      if (issued.status().equals(JobRecord.QUEUED) && issued.cancelRequested()) {
        finish(job.id(), JobRecord.CANCELLED, null, "cancelled before it started", false);
      }
      return Optional.empty();
    }
    return Optional.of(ticket(job, sessionId, now, now.plusSeconds(job.request().maxRuntimeSeconds())
        .plus(HOLD_MARGIN), false));
  }

  private JobTicket ticket(JobRecord job, String sessionId, Instant now, Instant expires, boolean watchParent) {
    JobRequest request = job.request();
    SigningKey key = SigningKey.generate();
    SessionClaims claims = new SessionClaims("compute", job.owner(), sessionId, key.verifyingKey().toBase64Url(),
        "drive:" + job.outputDrive() + ":write drive:" + request.inputDrive() + ":read", now, expires);
    String certificate = SessionCertificate.issue(claims, context.signingKey()).token();
    Workload workload = Workload.named(request.workload()).orElseThrow();
    return new JobTicket(job.id(), job.owner(), context.urlOf("identity"), context.registryUrl(), request.inputDrive(),
        request.inputs(), job.outputDrive(), workload.mainClass(), request.cores(), request.memoryMib(), classpath,
        Base64Url.encode(key.exportSeedUnsafe()), certificate, flushMillis, watchParent);
  }

  @Override
  public boolean submitted(String jobId, String batchJob) {
    Instant now = clock.instant();
    JobRecord job = jobs.update(jobId, j -> j.isFinal() || !holds(j) ? j : j.submitted(now, batchJob));
    return batchJob.equals(job.batchJob());
  }

  @Override
  public boolean holds(String jobId) {
    return jobs.get(jobId).map(this::holds).orElse(false);
  }

  /** Whether this process holds the job (or nobody does, as in records from before leases). */
  private boolean holds(JobRecord job) {
    return job.executor() == null || job.executor().equals(leases.instance());
  }

  @Override
  public void running(String jobId, Instant at) {
    jobs.update(jobId, j -> j.status().equals(JobRecord.QUEUED) ? j.running(at) : j);
  }

  @Override
  public Set<String> cancelRequests() {
    return jobs.cancelRequests();
  }

  /**
   * Ends a job once: charges the time it ran at the quoted rates (never above the quote,
   * nothing when the platform failed it), releases the rest of the hold, revokes the job's
   * credential, then records the outcome. Charging first means a crash in between is
   * repaired by {@link #recover}, which finds the hold settled and records what it took.
   */
  @Override
  public void finish(String jobId, String status, Integer exitCode, String message, boolean charge) {
    finish(jobId, status, exitCode, message, charge, clock.instant());
  }

  @Override
  public void finish(String jobId, String status, Integer exitCode, String message, boolean charge, Instant now) {
    JobRecord job = jobs.get(jobId).orElseThrow();
    if (job.isFinal()) {
      return;
    }
    Money cost = Money.zero(job.price().currency());
    // The quote's storage part pays for a year of the outputs, the rest for the run time.
    Money storageQuoted = jobs.quote(job.quote()).map(Jobs.QuoteRecord::storage).orElse(null);
    Money storageCost = Money.zero(job.price().currency());
    Money runQuoted = storageQuoted == null ? job.price() : job.price().minus(storageQuoted);
    if (charge && job.startedAt() != null && now.isAfter(job.startedAt())) {
      Money used = prices.price(job.request(), Duration.between(job.startedAt(), now));
      cost = used.compareTo(runQuoted) > 0 ? runQuoted : used;
      if (storageQuoted != null) {
        Money outputs = Money.ofMinorUnits(drives.yearOfOutputs(job.owner(), job.outputDrive()), cost.currency());
        storageCost = outputs.compareTo(storageQuoted) > 0 ? storageQuoted : outputs;
      }
    }
    Money charged = billing.settle(job.hold(), cost.plus(storageCost));
    if (storageQuoted != null) {
      try {
        drives.paidOutputs(job.owner(), job.outputDrive(), job.request().account(),
            Math.min(storageCost.minorUnits(), Math.max(0, charged.minorUnits() - cost.minorUnits())), job.id());
      } catch (RuntimeException e) {
        // The charge stands; only the record that lets a deletion refund it is missing.
        log.warn("Job {} paid for its outputs' storage, but storage did not record it ({}); deleting its outputs "
            + "will refund nothing", jobId, e.getMessage());
      }
    }
    if (job.credential() != null) {
      context.verifier().revoke(job.credential(), now);
    }
    jobs.update(jobId, j -> j.isFinal() ? j : j.ended(status, now, exitCode, message, charged));
  }

  @Override
  public void heartbeat(List<String> jobIds) {
    Instant now = clock.instant();
    for (String id : jobIds) {
      jobs.update(id, j -> j.isFinal() ? j : j.heartbeat(now));
    }
  }

  /**
   * Takes over Slurm jobs whose holder's lease has lapsed (a process that was killed, or that
   * stopped and released them, as a restarting backend does), lets go of those another live
   * process has taken from this one, and ends local jobs whose backend process stopped without
   * ending them, charging nothing. Jobs on a Slurm resource this process does not offer are
   * left alone. See {@link JobLeases}.
   */
  int recover() {
    Instant now = clock.instant();
    int ended = 0;
    String me = leases.instance();
    Map<String, Boolean> lapsed = new HashMap<>(); // one look at each holder per pass, however many jobs it holds
    for (JobRecord job : jobs.active()) {
      Optional<Prices.Resource> resource = prices.of(job.request());
      boolean onSlurm = job.batchJob() != null || job.request().resource() != null && !job.request().resource()
          .equals(Prices.LOCAL) && resource.map(r -> r.executor().equals(Prices.SLURM)).orElse(true);
      if (onSlurm) {
        String holder = job.executor();
        if (slurm == null || resource.isEmpty() || me.equals(holder)) {
          continue;
        }
        if (!lapsed.computeIfAbsent(String.valueOf(holder), h -> leases.lapsed(holder))) {
          slurm.forget(job.id()); // a live process holds it; if this one followed it, it was taken over
          continue;
        }
        // Exactly one process wins this conditional write; a job not yet in Slurm is looked up by
        // name before it is submitted, so the holder that stopped cannot have submitted it twice.
        JobRecord taken = jobs.update(job.id(), j -> !j.isFinal() && java.util.Objects.equals(j.executor(), holder)
            ? j.heldBy(me) : j);
        if (me.equals(taken.executor()) && !taken.isFinal()) {
          log.info("Took over job {} ({}) from compute process {}, silent past its lease", job.id(),
              taken.batchJob() == null ? "not yet in Slurm" : "Slurm job " + taken.batchJob(), holder);
          slurm.adopt(taken);
        }
      } else if (Duration.between(job.heartbeatAt(), now).compareTo(ABANDONED) > 0) {
        finish(job.id(), JobRecord.FAILED, null, "the backend running it stopped; nothing was charged", false);
        ended++;
      }
    }
    return ended;
  }

  private void recoverQuietly() {
    try {
      leases.sweep();
      int ended = recover();
      if (ended > 0) {
        log.info("Ended {} jobs left behind by a backend process that stopped", ended);
      }
    } catch (RuntimeException e) {
      log.warn("Job recovery failed; it will run again", e);
    }
  }

  private void renewQuietly() {
    try {
      leases.renew();
    } catch (RuntimeException e) {
      log.warn("Renewing this process's lease on its jobs failed; it will try again", e);
    }
  }

  @Override
  public void close() {
    recovery.shutdownNow();
    if (local != null) {
      local.close();
    }
    if (slurm != null) {
      slurm.close();
    }
    renewals.shutdown(); // not interrupted: a renewal in flight finishes, then the object goes
    try {
      renewals.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      // Its Slurm jobs go on; the next process to look takes them at once rather than after a lease.
      leases.release();
    } catch (RuntimeException e) {
      log.warn("Could not release this process's lease; others take its jobs when it lapses", e);
    }
  }

  /** Runners start in their job's work directory, so relative class path entries must be made absolute. */
  private static String absolute(String classpath) {
    return java.util.Arrays.stream(classpath.split(java.io.File.pathSeparator)).filter(e -> !e.isEmpty())
        .map(e -> Path.of(e).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

}
