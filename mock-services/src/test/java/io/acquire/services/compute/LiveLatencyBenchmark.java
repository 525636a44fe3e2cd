package io.acquire.services.compute;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.User;
import io.acquire.services.AcquireServer;
import io.acquire.services.testing.RealLogins;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live latency: how long after the workload writes a record a client reading the job
 * through {@link Job} sees it. A watcher tails the workload's own records.csv in the job's
 * work directory every millisecond (when each line was written); the client waits for
 * records with {@code job.awaitRecords} and reads {@code job.getTemperature()} (when each
 * record was seen), as a live plot does. Everything runs on one machine over a durable local
 * store, with the real runner and MD workload; each round is one job.
 *
 * <p>Printed: each round's p50, p95, p99 and max; the min, median and max of the rounds'
 * p95; this JVM's CPU (backend and client; the runner and workload are processes of their
 * own) per record seen; and the baseline measured in the same run, the round trip of one
 * signed status request, with the ratio of the median p95 to it.
 *
 * <pre>scripts/benchmark.sh io.acquire.services.compute.LiveLatencyBenchmark [ps per job] [rounds]</pre>
 */
public final class LiveLatencyBenchmark {
  private LiveLatencyBenchmark() {}

  private record Round(double[] sortedMillis, int written, int seen, double cpuMicrosPerRecord) {}

  public static void main(String[] args) throws Exception {
    int picoseconds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path data = Files.createTempDirectory("latency-store");
    Path work = Files.createTempDirectory("latency-work");
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    try (AcquireServer server = AcquireServer.builder().dataDirectory(data).port(0)
        .option("identity.bcrypt-cost", "4").option("compute.work-directory", work.toString()).start();
        User user = RealLogins.loggedIn(server.url(), "bench")) {
      Account account = Account.create(user, "bench");
      Drive inputs = Drive.open(user, "inputs");
      Path protocol = Files.writeString(work.resolve("protocol.json"),
          "{\"protocol\": {\"runtime\": " + picoseconds + ", \"reportInterval\": 0.1}}");
      inputs.upload(protocol, "protocol.json");
      List<Round> results = new ArrayList<>();
      // Round 0 warms both JVMs' paths up and is not counted.
      for (int round = 0; round <= rounds; round++) {
        long cpuBefore = os.getProcessCpuTime();
        Round result = runJob(user, account, inputs, work);
        result = new Round(result.sortedMillis(), result.written(), result.seen(),
            (os.getProcessCpuTime() - cpuBefore) / 1e3 / Math.max(1, result.seen()));
        double[] sorted = result.sortedMillis();
        System.out.printf("%s %d: %d records written, %d seen; latency ms p50 %.0f  p95 %.0f  p99 %.0f  max %.0f;"
            + " CPU per record %.0f us%n", round == 0 ? "warm-up" : "round", round, result.written(), result.seen(),
            percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1],
            result.cpuMicrosPerRecord());
        if (round > 0) {
          results.add(result);
        }
      }
      Job probe = Job.list(user).get(0);
      double[] roundTrips = new double[50];
      for (int i = 0; i < roundTrips.length; i++) {
        long start = System.nanoTime();
        probe.refresh();
        roundTrips[i] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(roundTrips);
      double[] p95s = results.stream().mapToDouble(r -> percentile(r.sortedMillis(), 95)).sorted().toArray();
      double[] cpu = results.stream().mapToDouble(Round::cpuMicrosPerRecord).sorted().toArray();
      double medianP95 = p95s[p95s.length / 2];
      System.out.printf("%nlive latency p95 over %d rounds: min %.0f, median %.0f, max %.0f ms (target < 200);"
          + " median CPU per record %.0f us in this JVM%n", rounds, p95s[0], medianP95, p95s[p95s.length - 1],
          cpu[cpu.length / 2]);
      System.out.printf("baseline: signed status request round trip, median %.1f ms; median p95 / round trip = %.0f%n",
          roundTrips[roundTrips.length / 2], medianP95 / roundTrips[roundTrips.length / 2]);
    }
  }

  private static Round runJob(User user, Account account, Drive inputs, Path work) throws Exception {
    Job job = Job.quote(user, JobSpec.workload("md-equilibrate").input(inputs, "protocol.json")
        .memoryMib(512).maxRuntime(Duration.ofMinutes(10)).paidBy(account)).submit();
    Map<Integer, Long> written = new ConcurrentHashMap<>();
    Path records = work.resolve(job.id()).resolve("out").resolve("records.csv");
    Thread watcher = new Thread(() -> tail(records, written, job), "records-watcher");
    watcher.setDaemon(true);
    watcher.start();

    Map<Integer, Long> seen = new ConcurrentHashMap<>();
    int have = 0;
    long lastStatus = System.nanoTime();
    while (!job.lastKnownStatus().isFinal() || have < job.getTemperature().size()) {
      job.awaitRecords(have, Duration.ofSeconds(1));
      int now = job.getTemperature().size();
      long at = System.nanoTime();
      for (int i = have; i < now; i++) {
        seen.put(i, at);
      }
      have = now;
      if (at - lastStatus > 1_000_000_000L) {
        job.refresh(); // the getters refresh the status too; this bounds how long the end takes to see
        lastStatus = at;
      }
    }
    watcher.join(5_000);

    List<Double> latencies = new ArrayList<>();
    seen.forEach((record, at) -> {
      Long wrote = written.get(record);
      if (wrote != null) {
        latencies.add((at - wrote) / 1e6);
      }
    });
    if (latencies.isEmpty()) {
      throw new IllegalStateException("no record was both written and seen: job " + job.status() + " "
          + job.message().orElse("") + ", " + written.size() + " written, " + seen.size() + " seen");
    }
    return new Round(latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray(), written.size(),
        seen.size(), 0);
  }

  /** Notes when each complete line after the header appears in the workload's own file. */
  private static void tail(Path file, Map<Integer, Long> written, Job job) {
    long offset = 0;
    int lines = -1; // the header is line -1
    try {
      while (!Files.exists(file)) {
        Thread.sleep(1);
      }
      try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
        while (true) {
          long length;
          try {
            length = in.length();
          } catch (java.io.IOException gone) {
            return; // the work directory is removed when the job ends
          }
          if (length > offset) {
            byte[] bytes = new byte[(int) (length - offset)];
            in.seek(offset);
            in.readFully(bytes);
            long at = System.nanoTime();
            int consumed = 0;
            for (int i = 0; i < bytes.length; i++) {
              if (bytes[i] == '\n') {
                if (lines >= 0) {
                  written.put(lines, at);
                }
                lines++;
                consumed = i + 1;
              }
            }
            offset += consumed;
          } else if (!Files.exists(file)) {
            return;
          }
          Thread.sleep(1);
        }
      }
    } catch (Exception e) {
      // the job ended and its work directory went away
    }
  }

  private static double percentile(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
