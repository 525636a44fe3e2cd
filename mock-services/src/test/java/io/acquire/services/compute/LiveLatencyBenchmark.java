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
 * work directory every millisecond (when each line was written); the client calls
 * {@code job.getTemperature()} in a loop (when each record was seen). Everything runs on
 * one machine over a durable local store, with the real runner and MD workload.
 * Baseline in the same run: the round trip of one signed status request.
 * Run with {@code scripts/benchmark.sh io.acquire.services.compute.LiveLatencyBenchmark [ps]}.
 */
public final class LiveLatencyBenchmark {
  private LiveLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int picoseconds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    Path data = Files.createTempDirectory("latency-store");
    Path work = Files.createTempDirectory("latency-work");
    try (AcquireServer server = AcquireServer.builder().dataDirectory(data).port(0)
        .option("identity.bcrypt-cost", "4").option("compute.work-directory", work.toString()).start();
        User user = RealLogins.loggedIn(server.url(), "bench")) {
      Account account = Account.create(user, "bench");
      Drive inputs = Drive.open(user, "inputs");
      Path protocol = Files.writeString(work.resolve("protocol.json"),
          "{\"protocol\": {\"runtime\": " + picoseconds + ", \"reportInterval\": 0.1}}");
      inputs.upload(protocol, "protocol.json");
      Job job = Job.quote(user, JobSpec.workload("md-equilibrate").input(inputs, "protocol.json")
          .memoryMib(512).maxRuntime(Duration.ofMinutes(10)).paidBy(account)).submit();

      Map<Integer, Long> written = new ConcurrentHashMap<>();
      Path records = work.resolve(job.id()).resolve("out").resolve("records.csv");
      Thread watcher = new Thread(() -> tail(records, written, job), "records-watcher");
      watcher.setDaemon(true);
      watcher.start();

      Map<Integer, Long> seen = new ConcurrentHashMap<>();
      int have = 0;
      while (!job.lastKnownStatus().isFinal() || have < job.getTemperature().size()) {
        int now = job.getTemperature().size();
        long at = System.nanoTime();
        for (int i = have; i < now; i++) {
          seen.put(i, at);
        }
        have = now;
        Thread.sleep(5);
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
      double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double[] roundTrips = new double[50];
      for (int i = 0; i < roundTrips.length; i++) {
        long start = System.nanoTime();
        job.refresh();
        roundTrips[i] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(roundTrips);
      double p95 = percentile(sorted, 95);
      System.out.printf("records: %d written, %d seen by the client, %d matched (job %s)%n", written.size(),
          seen.size(), sorted.length, job.status());
      System.out.printf("live latency ms: p50 %.0f  p95 %.0f  p99 %.0f  max %.0f  (target p95 < 1000)%n",
          percentile(sorted, 50), p95, percentile(sorted, 99), sorted[sorted.length - 1]);
      System.out.printf("baseline: signed status request round trip, median %.1f ms; p95 latency / round trip = %.0f%n",
          roundTrips[roundTrips.length / 2], p95 / roundTrips[roundTrips.length / 2]);
    }
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
