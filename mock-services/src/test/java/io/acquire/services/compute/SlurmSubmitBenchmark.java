package io.acquire.services.compute;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.Quote;
import io.acquire.client.User;
import io.acquire.services.AcquireServer;
import io.acquire.services.testing.RealLogins;
import io.acquire.services.testing.SlurmCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Submitting to Slurm through the API: N jobs quoted, then submitted one after another by
 * one client (each {@code POST /jobs} timed), against bare {@code sbatch --parsable} to the
 * same partition in the same run. The partition is held DOWN while they are submitted, so
 * all N stay pending in Slurm and the machine's two cores are not spent running N JVMs:
 * what is measured is submission and following, and that none is lost (every job gets a
 * Slurm job id, then every one is cancelled through the API and ends cancelled with its hold
 * released). Then the partition comes up and a few short MD jobs run to completion on it.
 * Over a durable local store, with the one-node cluster of scripts/slurm-cluster.sh.
 * Run with {@code scripts/benchmark.sh io.acquire.services.compute.SlurmSubmitBenchmark [jobs] [bare] [run]}.
 */
public final class SlurmSubmitBenchmark {
  private SlurmSubmitBenchmark() {}

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int bare = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int run = args.length > 2 ? Integer.parseInt(args[2]) : 6;
    SlurmCluster slurm = SlurmCluster.get();
    Path data = Files.createTempDirectory("slurm-bench-store");
    Path work = Files.createTempDirectory("slurm-bench-work");
    AcquireServer.Builder builder = AcquireServer.builder().dataDirectory(data).port(0)
        .option("identity.bcrypt-cost", "4").option("compute.work-directory", work.resolve("jobs").toString());
    slurm.computeOptions().forEach(builder::option);
    try (AcquireServer server = builder.start(); User user = RealLogins.loggedIn(server.url(), "bench")) {
      Account account = Account.create(user, "bench");
      Money before = account.balance();
      Drive inputs = Drive.open(user, "inputs");
      inputs.upload(Files.writeString(work.resolve("short.json"), ComputeServiceTest.SHORT_RAMP), "md/short.json");
      JobSpec spec = JobSpec.workload("md-equilibrate").input(inputs, "md/short.json").cores(1).memoryMib(256)
          .maxRuntime(Duration.ofSeconds(60)).resource("standard").paidBy(account);

      List<Quote> quotes = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        quotes.add(Job.quote(user, spec));
      }
      slurm.run("scontrol", "update", "PartitionName=standard", "State=DOWN");
      try {
        List<Job> submitted = new ArrayList<>();
        double[] api = new double[jobs];
        long first = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
          long start = System.nanoTime();
          submitted.add(quotes.get(i).submit());
          api[i] = (System.nanoTime() - start) / 1e6;
        }
        double submitSeconds = (System.nanoTime() - first) / 1e9;
        long allIn = waitForPending(slurm, jobs, Duration.ofMinutes(10));
        double inSlurmSeconds = (allIn - first) / 1e9;

        double[] sbatch = new double[bare];
        for (int i = 0; i < bare; i++) {
          long start = System.nanoTime();
          slurm.run("sbatch", "--parsable", "--partition=standard", "--job-name=bare", "--mem=256",
              "--time=1", "--output=/dev/null", "--wrap=true");
          sbatch[i] = (System.nanoTime() - start) / 1e6;
        }
        slurm.run("scancel", "--name=bare");

        for (Job job : submitted) {
          job.cancel();
        }
        Map<String, Integer> ends = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        List<Job> listed;
        while (true) {
          listed = Job.list(user);
          long open = listed.stream().filter(j -> !j.lastKnownStatus().isFinal()).count();
          if (open == 0 || System.nanoTime() > deadline) {
            break;
          }
          Thread.sleep(500);
        }
        listed.forEach(j -> ends.merge(j.lastKnownStatus().toString(), 1, Integer::sum));
        long charged = listed.stream().filter(j -> j.cost().map(Money::isPositive).orElse(false)).count();

        Arrays.sort(api);
        Arrays.sort(sbatch);
        System.out.printf("%d jobs submitted through the API in %.1f s (%.0f/s); all %d pending in Slurm %.1f s "
            + "after the first submit%n", jobs, submitSeconds, jobs / submitSeconds, jobs, inSlurmSeconds);
        System.out.printf("submit at the API (POST /jobs, one client) ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f"
            + "  (target p95 < 50)%n", pct(api, 50), pct(api, 95), pct(api, 99), api[api.length - 1]);
        System.out.printf("baseline: bare sbatch --parsable (a process each) ms: p50 %.1f  p95 %.1f  p99 %.1f  "
            + "max %.1f  (%d calls)%n", pct(sbatch, 50), pct(sbatch, 95), pct(sbatch, 99), sbatch[sbatch.length - 1],
            bare);
        System.out.printf("ended after cancel: %s of %d listed; %d charged anything; balance %s -> %s; holds left "
            + "%d%n", ends, listed.size(), charged, before, account.balance(), account.status().holds().size());
      } finally {
        slurm.run("scontrol", "update", "PartitionName=standard", "State=UP");
      }

      List<Job> running = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < run; i++) {
        running.add(Job.quote(user, spec).submit());
      }
      Map<String, Integer> ends = new TreeMap<>();
      for (Job job : running) {
        JobStatus status = job.waitFor(Duration.ofMinutes(5));
        ends.merge(status.toString(), 1, Integer::sum);
      }
      System.out.printf("%d short MD jobs run on Slurm: %s in %.1f s from the first submit%n", run, ends,
          (System.nanoTime() - start) / 1e9);
    }
  }

  /** Waits until Slurm shows {@code count} pending jobs named job_…; returns when (System.nanoTime()). */
  private static long waitForPending(SlurmCluster slurm, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long pending = slurm.run("squeue", "-h", "-t", "PENDING", "-o", "%j").lines()
          .filter(l -> l.startsWith("job_")).count();
      if (pending >= count) {
        return System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + pending + " of " + count + " jobs reached Slurm in " + timeout);
      }
      Thread.sleep(50);
    }
  }

  private static double pct(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
