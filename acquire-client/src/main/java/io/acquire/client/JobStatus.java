package io.acquire.client;

/** Where a job stands. It starts queued, runs, and ends in one of the four final states. */
public enum JobStatus {
  QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED, TIMED_OUT;

  /** True once the job has ended and been charged. */
  public boolean isFinal() {
    return this != QUEUED && this != RUNNING;
  }

  static JobStatus fromWire(String status) {
    try {
      return valueOf(status.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidResponseException(200, "Compute answered an unknown job status '" + status + "'.", null);
    }
  }
}
