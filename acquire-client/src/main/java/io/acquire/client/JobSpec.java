package io.acquire.client;

import io.acquire.client.wire.ComputeWire.JobRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a job is to run: a workload from the price list, its input files on one drive,
 * the resources it may use and the account that pays. Ask for a {@link Quote} with
 * {@link Job#quote(User, JobSpec)}.
 *
 * <pre>{@code
 * JobSpec spec = JobSpec.workload("md-equilibrate")
 *     .input(inputs, "argon/equilibrate.json")
 *     .cores(1).memoryMib(1024).maxRuntime(Duration.ofMinutes(10))
 *     .paidBy(account);
 * }</pre>
 */
public final class JobSpec {
  private final String workload;
  private String inputDrive;
  private final List<String> inputs = new ArrayList<>();
  private int cores = 1;
  private int memoryMib = 1024;
  private Duration maxRuntime = Duration.ofMinutes(10);
  private String account;
  private String resource;

  private JobSpec(String workload) {
    this.workload = Objects.requireNonNull(workload, "workload == null");
  }

  /** A job of the named workload (see the price list); 1 core, 1 GiB and 10 minutes unless set. */
  public static JobSpec workload(String name) {
    return new JobSpec(name);
  }

  /** Adds an input file; all of a job's inputs come from one drive. */
  public JobSpec input(Drive drive, String path) {
    Objects.requireNonNull(drive, "drive == null");
    if (inputDrive != null && !inputDrive.equals(drive.id())) {
      throw new IllegalArgumentException("All inputs must come from one drive; this job already reads " + inputDrive);
    }
    inputDrive = drive.id();
    inputs.add(Objects.requireNonNull(path, "path == null"));
    return this;
  }

  public JobSpec cores(int cores) {
    this.cores = cores;
    return this;
  }

  public JobSpec memoryMib(int memoryMib) {
    this.memoryMib = memoryMib;
    return this;
  }

  /** The longest the job may run; it is stopped then, and the quote prices exactly this long. */
  public JobSpec maxRuntime(Duration maxRuntime) {
    this.maxRuntime = Objects.requireNonNull(maxRuntime, "maxRuntime == null");
    return this;
  }

  /**
   * Runs the job on the named resource of the price list (such as {@code "local"} or a Slurm
   * partition) instead of the cheapest one that fits, which the quote picks when none is named.
   */
  public JobSpec resource(String name) {
    this.resource = Objects.requireNonNull(name, "name == null");
    return this;
  }

  public JobSpec paidBy(Account account) {
    this.account = Objects.requireNonNull(account, "account == null").id();
    return this;
  }

  JobRequest toWire() {
    if (account == null) {
      throw new IllegalStateException("Say which account pays: call paidBy(account).");
    }
    if (inputDrive == null) {
      throw new IllegalStateException("Name the job's input files: call input(drive, path).");
    }
    return new JobRequest(workload, inputDrive, List.copyOf(inputs), cores, memoryMib, maxRuntime.toSeconds(), account,
        resource);
  }

  @Override
  public String toString() {
    return "JobSpec[" + workload + ", " + inputs + ", " + cores + " cores, " + memoryMib + " MiB, up to "
        + maxRuntime.toSeconds() + " s" + (resource == null ? "" : " on " + resource) + "]";
  }
}
