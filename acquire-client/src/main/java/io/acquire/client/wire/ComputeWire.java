package io.acquire.client.wire;

import io.acquire.client.Money;
import java.time.Instant;
import java.util.List;

/** Request and response bodies of the compute service ({@code /t/compute}); see docs/protocol.md. */
public final class ComputeWire {
  private ComputeWire() {}

  /**
   * What one workload costs on one resource and the most a job of it may ask for there. A
   * job's price is {@code (cores × perCoreHour + memory in GiB × perGibHour) × hours},
   * rounded up to the currency's minor unit, and never less than {@code minimum}.
   *
   * @param resource where jobs run, such as {@code local} or a Slurm partition (absent from old services)
   * @param resourceDescription what the resource is, in the operator's words
   */
  public record Offer(String workload, String description, Money perCoreHour, Money perGibHour, Money minimum,
      int maxCores, int maxMemoryMib, long maxRuntimeSeconds, int inputs, String resource,
      String resourceDescription) {}

  /** {@code GET /prices}: the published price list; a quote is honoured for {@code quoteValiditySeconds}. */
  /** @param storage the storage prices (per GiB-year, and the archive's), which a quote's storage part uses */
  public record PriceList(String currency, List<Offer> offers, long quoteValiditySeconds,
      StorageWire.StoragePriceList storage) {}

  /**
   * A job as asked for: the workload, its input files on one of the caller's drives, the
   * resources it may use, and the account that pays.
   *
   * @param resource the resource to run on; null (or absent) lets the quote pick the cheapest that fits
   */
  public record JobRequest(String workload, String inputDrive, List<String> inputs, int cores, int memoryMib,
      long maxRuntimeSeconds, String account, String resource) {

    /** A request that lets the quote pick the resource, as clients before resources sent. */
    public JobRequest(String workload, String inputDrive, List<String> inputs, int cores, int memoryMib,
        long maxRuntimeSeconds, String account) {
      this(workload, inputDrive, inputs, cores, memoryMib, maxRuntimeSeconds, account, null);
    }
  }

  /**
   * {@code POST /quotes}: a price for {@code job}, guaranteed until {@code expiresAt}.
   * {@code job.resource()} is the resource it will run on, and {@code reason} says why that one.
   */
  /**
   * @param price the whole price: the run, and a year's storage of its outputs
   * @param storage the part of {@code price} for a year's storage of the outputs, estimated at {@code outputBytes}
   */
  public record Quote(String id, JobRequest job, Money price, Instant expiresAt, String reason, Money storage,
      long outputBytes) {}

  /** {@code POST /jobs}: run the quoted job; submitting the same quote twice starts one job. */
  public record Submit(String quote) {}

  /**
   * A job as its owner sees it.
   *
   * @param status queued, running, completed, failed, cancelled or timed_out
   * @param cost what was charged once the job ended (never above {@code price}); null before
   * @param outputDrive the read-only drive that receives the job's records and files
   */
  public record JobView(String id, String owner, JobRequest job, String status, Money price, Money cost,
      String hold, String outputDrive, Instant submittedAt, Instant startedAt, Instant endedAt, Integer exitCode,
      String message) {}

  public record JobList(List<JobView> jobs) {}

  /** Output drive paths the job runner writes: records in numbered parts while running, then whole files. */
  public static final String RECORD_PARTS = "records/";
  public static final String RECORDS_FILE = "records.csv";

  /** The path of the {@code n}th (from 1) part of a running job's records. */
  public static String recordPart(int n) {
    return String.format("%s%08d.csv", RECORD_PARTS, n);
  }

  /** A workload's frames (extended XYZ), sent in numbered parts while it runs, then whole. */
  public static final String TRAJECTORY_FILE = "trajectory.xyz";

  /** The path of the {@code n}th (from 1) part of a running job's trajectory; a frame may span two parts. */
  public static String trajectoryPart(int n) {
    return String.format("trajectory/%08d.xyz", n);
  }
}
