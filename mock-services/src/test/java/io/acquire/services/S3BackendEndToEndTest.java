package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.Quote;
import io.acquire.client.User;
import io.acquire.client.FileVersion;
import io.acquire.services.testing.RealLogins;
import io.acquire.services.testing.S3Proxy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole backend on S3 through its one flag: {@code acquire-server --store s3://bucket/prefix}
 * started as its own process, with the S3 credentials in its environment, against S3Proxy;
 * then a person registers and logs in, funds and transfers, uploads and downloads a drive
 * file and runs a job, all through the SDK.
 */
class S3BackendEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void theWholeBackendRunsOnS3WithOneFlag() throws Exception {
    try (S3Proxy s3 = S3Proxy.start(Files.createDirectories(dir.resolve("s3")))) {
      s3.createBucket("acquire");
      Path log = dir.resolve("backend.log");
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx384m", "-cp", System.getProperty("java.class.path"), AcquireServer.class.getName(),
          "--port", "0", "--store", "s3://acquire/e2e", "--s3-endpoint", s3.endpoint().toString(),
          "--master-key", dir.resolve("master-key.json").toString(),
          "--set", "identity.bcrypt-cost=4", "--set", "identity.poll-interval-seconds=1", "--set", "compute.cores=2"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      Map<String, String> environment = builder.environment();
      environment.put("AWS_ACCESS_KEY_ID", s3.accessKey());
      environment.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
      environment.put("AWS_REGION", "us-east-1");
      Process backend = builder.start();
      StringBuilder output = new StringBuilder();
      try {
        String url = awaitReady(backend, output);
        assertTrue(output.toString().contains("(store S3ObjectStore[s3://acquire/e2e])"), output.toString());
        try {
          exercise(url);
        } catch (AssertionError e) {
          synchronized (output) {
            String text = output.toString();
            throw new AssertionError(e.getMessage() + "; the backend's log ends: "
                + text.substring(Math.max(0, text.length() - 6000)), e);
          }
        }
        assertFalse(Files.exists(dir.resolve("acquire-data")), "nothing went to a local store");
        try (S3Client client = s3.client()) {
          List<String> keys = new ArrayList<>();
          client.listObjectsV2Paginator(b -> b.bucket("acquire").prefix("e2e/")).contents().stream()
              .map(S3Object::key).forEach(keys::add);
          assertTrue(keys.stream().anyMatch(k -> k.startsWith("e2e/o/storage/")), "drive state is in S3: " + keys);
          assertTrue(keys.stream().anyMatch(k -> k.startsWith("e2e/o/compute/")), "job records are in S3");
          assertTrue(keys.stream().anyMatch(k -> k.startsWith("e2e/l/")), "the ledger's log is in S3");
        }
      } finally {
        backend.destroy();
        if (!backend.waitFor(20, TimeUnit.SECONDS)) {
          backend.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.writeString(log, output.toString());
      }
      String everything = output.toString();
      assertFalse(everything.contains(s3.secretKey()), "the S3 secret never reaches the log");
    }
  }

  private void exercise(String url) throws Exception {
    User ada = RealLogins.loggedIn(url, "ada");
    User bob = RealLogins.loggedIn(url, "bob");
    Account simulations = Account.create(ada, "simulations");
    Account bobs = Account.create(bob, "main");
    simulations.transferTo(bobs, Money.of("12.50", "GBP"), "shared cluster time");
    assertEquals(Money.of("112.50", "GBP"), bobs.balance());
    assertEquals(Money.of("87.50", "GBP"), simulations.balance());

    Drive inputs = Drive.open(ada, "inputs");
    byte[] big = new byte[9 * 1024 * 1024 + 5]; // two chunks
    new Random(3).nextBytes(big);
    Path file = Files.write(dir.resolve("big.bin"), big);
    assertEquals(1, inputs.upload(file, "data/big.bin").version());
    inputs.download("data/big.bin", dir.resolve("back.bin"));
    assertArrayEquals(big, Files.readAllBytes(dir.resolve("back.bin")));

    Path ramp = Files.writeString(dir.resolve("short.json"), "{\"system\":{\"cellsPerSide\":4,\"density\":1.374,"
        + "\"cutoffSigmas\":2.5},\"protocol\":{\"runtime\":2,\"timestep\":5,\"startTemperature\":60,"
        + "\"endTemperature\":120,\"reportInterval\":0.05,\"seed\":7}}");
    inputs.upload(ramp, "md/short.json");
    Money before = simulations.balance();
    Quote quote = Job.quote(ada, JobSpec.workload("md-equilibrate").input(inputs, "md/short.json").cores(1)
        .memoryMib(512).maxRuntime(Duration.ofMinutes(5)).paidBy(simulations));
    Job job = quote.submit();
    // Generous: on a loaded 2-core machine the runner's and workload's JVMs start slowly.
    assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofSeconds(300)), job.message().orElse(""));
    Money cost = job.cost().orElseThrow();
    assertTrue(cost.isPositive() && cost.compareTo(quote.price()) <= 0, cost + " vs quote " + quote.price());
    assertEquals(before.minus(cost), simulations.balance());
    assertEquals(41, job.getTemperature().size(), "2 ps reported every 0.05 ps, plus t = 0");
    assertTrue(job.outputs().files().stream().map(FileVersion::path).anyMatch("records.csv"::equals));
    ada.close();
    bob.close();
  }

  /** Reads the backend's output until it says where it serves, keeping every line for the secret check. */
  private static String awaitReady(Process backend, StringBuilder output) throws Exception {
    Pattern ready = Pattern.compile("Acquire backend ready at (http://\\S+)");
    BufferedReader reader = new BufferedReader(new InputStreamReader(backend.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String line;
    while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
      output.append(line).append('\n');
      Matcher matcher = ready.matcher(line);
      if (matcher.find()) {
        Thread drain = new Thread(() -> {
          try {
            for (String more; (more = reader.readLine()) != null; ) {
              synchronized (output) {
                output.append(more).append('\n');
              }
            }
          } catch (java.io.IOException e) {
            // The backend stopped.
          }
        }, "backend-output");
        drain.setDaemon(true);
        drain.start();
        return matcher.group(1);
      }
    }
    throw new AssertionError("the backend did not start on S3: " + output);
  }
}
