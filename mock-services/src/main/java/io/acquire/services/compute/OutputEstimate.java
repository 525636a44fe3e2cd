package io.acquire.services.compute;

import io.acquire.client.wire.ComputeWire.JobRequest;
import java.util.List;

/**
 * How many bytes a job's outputs may take, for the year of their storage its quote includes:
 * a fixed part per workload, a multiple of its inputs (a script's outputs tend to grow with
 * what it reads; GROMACS writes its processed inputs back), and a rate per second of the run
 * time asked for (records, logs, trajectories). The job is charged for what its outputs
 * actually take, at most this estimate, as its run time is charged at most its quote.
 */
final class OutputEstimate {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  /** @param perSecond bytes per second of the maximum run time */
  private record Rate(long fixed, int inputMultiple, long perSecond) {}

  private OutputEstimate() {}

  private static Rate rate(String workload) {
    return switch (workload) {
      // records.csv at its densest (a line each 0.01 ps, a few thousand steps a second), final.xyz, summary, log
      case "md-equilibrate" -> new Rate(256 * KIB, 1, 16 * KIB);
      // md.log, md.edr, md.gro, the .tpr and the records
      case "gromacs-equilibrate" -> new Rate(4 * MIB, 2, 64 * KIB);
      // stdout, stderr and what the script leaves in $ACQUIRE_OUTPUT
      default -> new Rate(MIB, 1, 256 * KIB);
    };
  }

  /** The estimate for {@code job}, whose input files have {@code inputSizes} bytes. */
  static long bytes(JobRequest job, List<Long> inputSizes) {
    Rate rate = rate(job.workload());
    long inputs = inputSizes.stream().mapToLong(Long::longValue).sum();
    return Math.addExact(Math.addExact(rate.fixed(), Math.multiplyExact(inputs, rate.inputMultiple())),
        Math.multiplyExact(rate.perSecond(), job.maxRuntimeSeconds()));
  }
}
