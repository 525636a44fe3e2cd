package io.acquire.services.storage;

import io.acquire.client.ApproveLogin;
import io.acquire.client.Drive;
import io.acquire.client.LoginRequest;
import io.acquire.client.Totp;
import io.acquire.client.User;
import io.acquire.client.Wallet;
import io.acquire.services.AcquireServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The first download of a fresh client JVM, as a notebook or a command makes it: a file from
 * an encrypted drive against the same file from a plain drive, each downloaded by a JVM of
 * its own started for it, in turn. {@link DriveBenchmark} measures warm clients (its JVM
 * has uploaded and downloaded before it times); this one measures what the JIT has not yet
 * compiled. Prints each download's wall and CPU time, the medians and their ratio.
 *
 * <pre>scripts/benchmark.sh io.acquire.services.storage.ColdDownloadBenchmark [MiB] [rounds]</pre>
 */
public final class ColdDownloadBenchmark {
  private ColdDownloadBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("download")) {
      download(args[1], Path.of(args[2]), args[3], Boolean.parseBoolean(args[4]), Path.of(args[5]));
      return;
    }
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("cold-download");
    try (AcquireServer server = AcquireServer.builder().port(0).dataDirectory(dir.resolve("data"))
        .option("identity.bcrypt-cost", "4").start()) {
      String identity = server.url() + "/t/identity";
      Path wallet = dir.resolve("wallet");
      Path file = dir.resolve("file.bin");
      writeRandom(file, mib);
      try (User user = User.builder().username("bench").identityUrl(identity).wallet(Wallet.inDirectory(wallet))
          .build()) {
        Totp totp = Totp.fromProvisioningUriUnsafe(user.register("benchmark password").provisioningUriUnsafe());
        LoginRequest login = user.requestLogin();
        ApproveLogin.approve(login.url(), "bench", "benchmark password", totp.code(Instant.now()));
        user.waitForLogin(Duration.ofSeconds(30));
        Drive.open(user, "plain").upload(file, "file.bin");
        Drive.openEncrypted(user, "encrypted").upload(file, "file.bin");
      }
      List<double[]> plain = new ArrayList<>();
      List<double[]> encrypted = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double[] p = child(identity, wallet, "plain", false, dir.resolve("plain-back.bin"), file);
        double[] e = child(identity, wallet, "encrypted", true, dir.resolve("encrypted-back.bin"), file);
        plain.add(p);
        encrypted.add(e);
        System.out.printf("round %d  plain drive %6.0f ms (CPU %6.0f ms)   encrypted drive %6.0f ms (CPU %6.0f ms)%n",
            round, p[0], p[1], e[0], e[1]);
      }
      double plainWall = median(plain, 0);
      double encryptedWall = median(encrypted, 0);
      System.out.printf("%d MiB, %d rounds, a fresh client JVM per download, 2 cores, load average %.1f%n", mib, rounds,
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      System.out.printf("medians: plain drive %.0f MiB/s (CPU %.2f s per GiB), encrypted drive %.0f MiB/s (CPU %.2f s "
          + "per GiB)%n", mib / plainWall * 1000, median(plain, 1) / mib * 1024 / 1000, mib / encryptedWall * 1000,
          median(encrypted, 1) / mib * 1024 / 1000);
      System.out.printf("ratio encrypted / plain drive, first download of a fresh JVM: %.2f%n",
          plainWall / encryptedWall);
    } finally {
      DriveBenchmark.deleteTree(dir);
    }
  }

  /** Runs one download in a JVM of its own; returns its wall and CPU milliseconds (the download's alone). */
  private static double[] child(String identity, Path wallet, String drive, boolean encrypted, Path target, Path file)
      throws Exception {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ColdDownloadBenchmark.class.getName(), "download", identity,
        wallet.toString(), drive, Boolean.toString(encrypted), target.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String result = null;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("took ")) {
          result = line.substring(5);
        }
      }
    }
    if (process.waitFor() != 0 || result == null) {
      throw new IllegalStateException("The download of drive " + drive + " failed (exit " + process.exitValue() + ").");
    }
    if (Files.mismatch(file, target) != -1) {
      throw new IllegalStateException("The download of drive " + drive + " differs from the file uploaded.");
    }
    Files.delete(target);
    String[] parts = result.split(" ");
    return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
  }

  /** The child: log in from the wallet, open the drive, time the download alone. */
  private static void download(String identity, Path wallet, String drive, boolean encrypted, Path target)
      throws Exception {
    try (User user = User.builder().username("bench").identityUrl(identity).wallet(Wallet.inDirectory(wallet))
        .build()) {
      Drive opened = encrypted ? Drive.openEncrypted(user, drive) : Drive.open(user, drive);
      var process = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu = process.getProcessCpuTime();
      long start = System.nanoTime();
      opened.download("file.bin", target);
      long wall = System.nanoTime() - start;
      cpu = process.getProcessCpuTime() - cpu;
      System.out.println("took " + wall / 1e6 + " " + cpu / 1e6);
    }
  }

  private static void writeRandom(Path file, int mib) throws Exception {
    byte[] block = new byte[1 << 20];
    Random random = new Random(42);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < mib; i++) {
        random.nextBytes(block);
        out.write(block);
      }
    }
  }

  private static double median(List<double[]> rows, int column) {
    double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
