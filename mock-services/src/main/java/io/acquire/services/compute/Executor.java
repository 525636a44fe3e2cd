package io.acquire.services.compute;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where jobs run: the {@link LocalExecutor} (child processes of this backend) or the
 * {@link SlurmExecutor} (batch jobs on a Slurm cluster). Compute hands an executor each job
 * it accepts; the executor starts it, watches for cancellation (read from the store, since
 * it may arrive through another backend process) and for its maximum run time, and reports
 * its ending once through {@link Lifecycle}.
 */
interface Executor extends AutoCloseable {

  /** Takes a job just submitted (queued in the store). */
  void enqueue(JobRecord job);

  /**
   * Takes over a job found unfinished in the store that this executor is not following,
   * such as one submitted before this backend process started. Called again for jobs it
   * follows already, which it ignores.
   */
  void adopt(JobRecord job);

  @Override
  void close();

  /** What an executor needs from the compute service. */
  interface Lifecycle {
    Optional<JobRecord> current(String jobId);

    /** Marks the job running and returns its ticket; empty if it must not start after all. */
    Optional<JobTicket> start(JobRecord job);

    /**
     * Issues the job's credential and returns its ticket while the job stays queued, for a
     * batch system that starts it later; empty if it must not be submitted after all.
     */
    Optional<JobTicket> issue(JobRecord job);

    /**
     * Records the batch system's id for the job, so that any backend process can follow it;
     * false if this process no longer holds the job (another took it over), when the batch
     * job must be cancelled instead.
     */
    boolean submitted(String jobId, String batchJob);

    /** Whether this process holds the job, rather than another that took it over (see {@link JobLeases}). */
    boolean holds(String jobId);

    /** Marks a queued job running since {@code at}. */
    void running(String jobId, Instant at);

    void finish(String jobId, String status, Integer exitCode, String message, boolean charge);

    /** Ends a job as {@link #finish(String, String, Integer, String, boolean)} at a time the batch system reported. */
    void finish(String jobId, String status, Integer exitCode, String message, boolean charge, Instant endedAt);

    void heartbeat(List<String> jobIds);

    /** The jobs whose owners asked to cancel them and that have not ended, in one read of the store. */
    Set<String> cancelRequests();
  }
}
