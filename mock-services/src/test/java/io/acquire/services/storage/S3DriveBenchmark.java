package io.acquire.services.storage;

import io.acquire.client.Drive;
import io.acquire.client.User;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.S3ObjectStore;
import io.acquire.services.testing.RealLogins;
import io.acquire.services.testing.S3Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Drive upload and download with the backend's whole state on S3, against a plain S3
 * PutObject and GetObject of the same file to the same S3Proxy with the same SDK, so the
 * ratio is what Drive (chunks, checksums, signed requests, the service in between, the
 * store's versioned slots) costs over S3 itself. S3Proxy runs as a child JVM keeping its
 * objects as files; the backend and both clients share this JVM. Rounds alternate plain and
 * Drive; prints each round, the medians and their ratios.
 *
 * <pre>scripts/benchmark.sh io.acquire.services.storage.S3DriveBenchmark [MiB] [rounds]</pre>
 */
public final class S3DriveBenchmark {
  private S3DriveBenchmark() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("s3-drive-bench");
    try (S3Proxy s3 = S3Proxy.start(Files.createDirectories(dir.resolve("s3")));
         S3Client plain = s3.client();
         S3ObjectStore store = s3.storeBuilder("drives", "bench").build();
         AcquireServer server = AcquireServer.builder().store(store).port(0).option("identity.bcrypt-cost", "4")
             .option("identity.poll-interval-seconds", "1").start()) {
      s3.createBucket("plain");
      Path file = dir.resolve("file.bin");
      writeRandom(file, mib);
      User user = RealLogins.loggedIn(server.url(), "bench");
      Drive drive = Drive.open(user, "bench");
      List<double[]> plainRounds = new ArrayList<>();
      List<double[]> driveRounds = new ArrayList<>();
      System.out.printf("%d MiB file, %d rounds (after a warm-up of each), %d cores%n", mib, rounds,
          Runtime.getRuntime().availableProcessors());
      for (int r = 0; r <= rounds; r++) {
        double[] p = plainRound(plain, file, dir.resolve("plain-back.bin"), mib);
        double[] d = driveRound(drive, file, dir.resolve("drive-back.bin"), mib);
        if (r == 0) {
          continue; // warm-up
        }
        plainRounds.add(p);
        driveRounds.add(d);
        System.out.printf("  round %d  plain PUT %6.1f MiB/s GET %6.1f MiB/s   Drive upload %6.1f MiB/s download %6.1f MiB/s%n",
            r, p[0], p[1], d[0], d[1]);
      }
      double plainUp = median(plainRounds, 0);
      double plainDown = median(plainRounds, 1);
      double driveUp = median(driveRounds, 0);
      double driveDown = median(driveRounds, 1);
      System.out.printf("medians: plain PUT %.1f, GET %.1f; Drive upload %.1f, download %.1f MiB/s%n",
          plainUp, plainDown, driveUp, driveDown);
      System.out.printf("ratio Drive / plain S3: upload %.2f, download %.2f%n", driveUp / plainUp, driveDown / plainDown);
      user.close();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static double[] plainRound(S3Client s3, Path file, Path back, int mib) throws Exception {
    long start = System.nanoTime();
    s3.putObject(b -> b.bucket("plain").key("file.bin"), RequestBody.fromFile(file));
    double up = mib / ((System.nanoTime() - start) / 1e9);
    Files.deleteIfExists(back);
    start = System.nanoTime();
    s3.getObject(b -> b.bucket("plain").key("file.bin"), ResponseTransformer.toFile(back));
    double down = mib / ((System.nanoTime() - start) / 1e9);
    check(file, back);
    return new double[] {up, down};
  }

  private static double[] driveRound(Drive drive, Path file, Path back, int mib) throws Exception {
    long start = System.nanoTime();
    drive.upload(file, "file.bin");
    double up = mib / ((System.nanoTime() - start) / 1e9);
    Files.deleteIfExists(back);
    start = System.nanoTime();
    drive.download("file.bin", back);
    double down = mib / ((System.nanoTime() - start) / 1e9);
    check(file, back);
    return new double[] {up, down};
  }

  private static void check(Path file, Path back) throws Exception {
    if (Files.size(file) != Files.size(back) || Files.mismatch(file, back) != -1) {
      throw new AssertionError("the file came back different");
    }
  }

  private static double median(List<double[]> rounds, int index) {
    double[] values = rounds.stream().mapToDouble(r -> r[index]).sorted().toArray();
    return values[values.length / 2];
  }

  private static void writeRandom(Path file, int mib) throws Exception {
    Random random = new Random(1);
    byte[] block = new byte[1 << 20];
    try (var out = Files.newOutputStream(file)) {
      for (int i = 0; i < mib; i++) {
        random.nextBytes(block);
        out.write(block);
      }
    }
    Arrays.fill(block, (byte) 0);
  }
}
