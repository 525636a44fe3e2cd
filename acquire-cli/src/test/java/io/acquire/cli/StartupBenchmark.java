package io.acquire.cli;

import io.acquire.client.Account;
import io.acquire.client.ApproveLogin;
import io.acquire.client.LoginRequest;
import io.acquire.client.User;
import io.acquire.client.Wallet;
import io.acquire.client.Totp;
import io.acquire.services.AcquireServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up of {@code bin/acquire} against the bare JVM, in one run: {@code java -version},
 * {@code acquire --version} and {@code acquire account balance} (a signed call to the real
 * backend on port 0, in this JVM), in turn, so drift in the machine's speed hits all three.
 * Prints each one's median wall time and the ratios to {@code java -version}.
 *
 * <pre>acquire-cli/bench/startup.sh [rounds]</pre>
 */
public final class StartupBenchmark {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path dir = Files.createTempDirectory("acquire-startup");
    try (AcquireServer server = AcquireServer.builder().port(0).dataDirectory(dir.resolve("data"))
        .option("identity.bcrypt-cost", "4").start()) {
      Path config = dir.resolve("config");
      // Log in through the SDK into the wallet the command line reads: the same files, the same session.
      try (User user = User.builder().username("bench").identityUrl(server.url() + "/t/identity")
          .wallet(Wallet.inDirectory(config.resolve("wallet"))).build()) {
        Totp totp = Totp.fromProvisioningUriUnsafe(user.register("benchmark password").provisioningUriUnsafe());
        LoginRequest login = user.requestLogin();
        ApproveLogin.approve(login.url(), "bench", "benchmark password", totp.code(Instant.now()));
        user.waitForLogin(Duration.ofSeconds(30));
        Account.create(user, "main");
      }
      AcquireBinary acquire = new AcquireBinary(config);
      acquire.run("config", "set", "url", server.url()).expect(0);
      acquire.run("config", "set", "user", "bench").expect(0);
      acquire.run("account", "balance").expect(0);

      Map<String, List<String>> commands = new java.util.LinkedHashMap<>();
      commands.put("java -version", List.of(javaBinary(), "-version"));
      commands.put("acquire --version", List.of(AcquireBinary.BINARY.toString(), "--version"));
      commands.put("acquire account balance", List.of(AcquireBinary.BINARY.toString(), "account", "balance"));
      Map<String, List<Double>> times = new java.util.LinkedHashMap<>();
      commands.keySet().forEach(k -> times.put(k, new ArrayList<>()));
      for (int round = -1; round < rounds; round++) { // round -1 warms the page cache
        for (Map.Entry<String, List<String>> command : commands.entrySet()) {
          double ms = time(command.getValue(), config);
          if (round >= 0) {
            times.get(command.getKey()).add(ms);
          }
        }
      }
      double base = median(times.get("java -version"));
      System.out.printf("%-26s %10s %10s %10s %8s%n", "command", "median ms", "min ms", "max ms", "ratio");
      for (Map.Entry<String, List<Double>> entry : times.entrySet()) {
        List<Double> values = entry.getValue();
        System.out.printf("%-26s %10.0f %10.0f %10.0f %8.2f%n", entry.getKey(), median(values),
            Collections.min(values), Collections.max(values), median(values) / base);
      }
      System.out.printf("%d rounds; load average %s%n", rounds,
          Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static double time(List<String> command, Path config) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("ACQUIRE_CONFIG_DIR", config.toString());
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
