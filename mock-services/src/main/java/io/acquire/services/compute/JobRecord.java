package io.acquire.services.compute;

import io.acquire.client.Money;
import io.acquire.client.wire.ComputeWire.JobRequest;
import io.acquire.client.wire.ComputeWire.JobView;
import java.time.Instant;
import java.util.Set;

/**
 * A job as compute stores it: what was asked and quoted, where it stands, and who runs it.
 *
 * @param executor the process running it (its instance id), which refreshes {@code heartbeatAt}
 * @param credential the session id of the job's drive credential, revoked when the job ends
 * @param batchJob the batch system's id for the job (Slurm's job id), null under the local executor
 */
record JobRecord(String id, String owner, JobRequest request, String quote, Money price, String hold,
    String outputDrive, String status, Instant submittedAt, Instant startedAt, Instant endedAt, Integer exitCode,
    String message, Money cost, boolean cancelRequested, String executor, Instant heartbeatAt, String credential,
    String batchJob) {

  static final String QUEUED = "queued";
  static final String RUNNING = "running";
  static final String COMPLETED = "completed";
  static final String FAILED = "failed";
  static final String CANCELLED = "cancelled";
  static final String TIMED_OUT = "timed_out";
  private static final Set<String> FINAL = Set.of(COMPLETED, FAILED, CANCELLED, TIMED_OUT);

  boolean isFinal() {
    return FINAL.contains(status);
  }

  JobRecord started(Instant at, String credentialSession) {
    return new JobRecord(id, owner, request, quote, price, hold, outputDrive, RUNNING, submittedAt, at, endedAt,
        exitCode, message, cost, cancelRequested, executor, at, credentialSession, batchJob);
  }

  JobRecord issued(Instant at, String credentialSession) {
    return new JobRecord(id, owner, request, quote, price, hold, outputDrive, status, submittedAt, startedAt, endedAt,
        exitCode, message, cost, cancelRequested, executor, at, credentialSession, batchJob);
  }

  JobRecord submitted(Instant at, String batchJobId) {
    return new JobRecord(id, owner, request, quote, price, hold, outputDrive, status, submittedAt, startedAt, endedAt,
        exitCode, message, cost, cancelRequested, executor, at, credential, batchJobId);
  }

  JobRecord running(Instant at) {
    return new JobRecord(id, owner, request, quote, price, hold, outputDrive, RUNNING, submittedAt, at, endedAt,
        exitCode, message, cost, cancelRequested, executor, at, credential, batchJob);
  }

  JobRecord ended(String finalStatus, Instant at, Integer code, String why, Money charged) {
    return new JobRecord(id, owner, request, quote, price, hold, outputDrive, finalStatus, submittedAt, startedAt, at,
        code, why, charged, cancelRequested, executor, heartbeatAt, credential, batchJob);
  }

  JobRecord cancelling() {
    return new JobRecord(id, owner, request, quote, price, hold, outputDrive, status, submittedAt, startedAt, endedAt,
        exitCode, "cancel requested", cost, true, executor, heartbeatAt, credential, batchJob);
  }

  /** The job held by compute process {@code instance} from now on (see {@link JobLeases}). */
  JobRecord heldBy(String instance) {
    return new JobRecord(id, owner, request, quote, price, hold, outputDrive, status, submittedAt, startedAt, endedAt,
        exitCode, message, cost, cancelRequested, instance, heartbeatAt, credential, batchJob);
  }

  JobRecord heartbeat(Instant at) {
    return new JobRecord(id, owner, request, quote, price, hold, outputDrive, status, submittedAt, startedAt, endedAt,
        exitCode, message, cost, cancelRequested, executor, at, credential, batchJob);
  }

  JobView view() {
    return new JobView(id, owner, request, status, price, cost, hold, outputDrive, submittedAt, startedAt, endedAt,
        exitCode, message);
  }
}
