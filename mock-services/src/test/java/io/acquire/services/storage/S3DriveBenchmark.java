package io.acquire.services.storage;

import io.acquire.client.Drive;
import io.acquire.client.User;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.CountingS3Client;
import io.acquire.services.store.S3ObjectStore;
import io.acquire.services.testing.RealLogins;
import io.acquire.services.testing.S3Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Drive upload and download with the backend's whole state on S3, against a bare HTTP PUT
 * and GET of the same file to the same S3Proxy (presigned URLs sent with the JDK's
 * HttpClient, so no SDK, no signing of the bytes: what the server itself can take) and a
 * plain SDK PutObject and GetObject (the SDK with its Apache client, as an S3 user would build it
 * configures it; the store itself sends over the JDK's client, see S3JdkTransport), so
 * the ratio is what Drive (chunks, checksums, signed requests, the service in between, the
 * store's versioned slots) costs over S3 itself. S3Proxy runs as a child JVM keeping its
 * objects as files; the backend and the clients share this JVM. Rounds alternate bare, SDK
 * and Drive; prints each round, the medians and the ratios to the bare baseline (the target
 * is at least 0.8) and to the SDK's, and how many S3 requests of each kind the backend made
 * for each Drive upload and download (its client is configured as the store's own).
 *
 * <pre>scripts/benchmark.sh io.acquire.services.storage.S3DriveBenchmark [MiB] [rounds] [warm-up rounds, 1]</pre>
 */
public final class S3DriveBenchmark {
  private S3DriveBenchmark() {}

  private static CountingS3Client counter;

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int warmUps = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    // The Apache client logs every byte it sends at debug level, which log4j (on the class
    // path for S3Proxy's sake, and unconfigured) would let through: the SDK baseline then
    // measured its logging.
    System.setProperty("org.apache.commons.logging.Log", "org.apache.commons.logging.impl.NoOpLog");
    Path dir = Files.createTempDirectory("s3-drive-bench");
    try (S3Proxy s3 = S3Proxy.start(Files.createDirectories(dir.resolve("s3")));
         S3Client plain = apacheClient(s3);
         CountingS3Client counting = counter = new CountingS3Client(s3);
         S3ObjectStore store = s3.storeBuilder("drives", "bench").client(counting.client()).build();
         AcquireServer server = AcquireServer.builder().store(store).port(0).option("identity.bcrypt-cost", "4")
             .option("identity.poll-interval-seconds", "1").start()) {
      s3.createBucket("plain");
      Path file = dir.resolve("file.bin");
      writeRandom(file, mib);
      User user = RealLogins.loggedIn(server.url(), "bench");
      Drive drive = Drive.open(user, "bench");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      S3Presigner presigner = S3Presigner.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
          .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
      List<double[]> bareRounds = new ArrayList<>();
      List<double[]> plainRounds = new ArrayList<>();
      List<double[]> driveRounds = new ArrayList<>();
      System.out.printf("%d MiB file, %d rounds (after %d of warm-up), %d cores%n", mib, rounds, warmUps,
          Runtime.getRuntime().availableProcessors());
      for (int r = 1 - warmUps; r <= rounds; r++) {
        double[] b = bareRound(http, presigner, file, dir.resolve("bare-back.bin"), mib, s3);
        double[] p = plainRound(plain, file, dir.resolve("plain-back.bin"), mib);
        counter.take();
        double[] d = driveRound(drive, file, dir.resolve("drive-back.bin"), mib, s3);
        if (r <= 0) {
          continue; // warm-up: both JVMs compile the paths they take, the service's many more than a bare PUT's
        }
        bareRounds.add(b);
        plainRounds.add(p);
        driveRounds.add(d);
        System.out.printf("  round %d  bare PUT %6.1f GET %6.1f   SDK PUT %6.1f GET %6.1f   Drive upload %6.1f "
            + "download %6.1f MiB/s%n", r, b[0], b[1], p[0], p[1], d[0], d[1]);
        System.out.printf("           CPU s per GiB, S3Proxy + this JVM (client and backend): bare PUT %.2f + %.2f, "
            + "GET %.2f + %.2f; Drive upload %.2f + %.2f, download %.2f + %.2f%n", b[2], b[3], b[4], b[5], d[2], d[3],
            d[4], d[5]);
      }
      presigner.close();
      double bareUp = median(bareRounds, 0);
      double bareDown = median(bareRounds, 1);
      double plainUp = median(plainRounds, 0);
      double plainDown = median(plainRounds, 1);
      double driveUp = median(driveRounds, 0);
      double driveDown = median(driveRounds, 1);
      System.out.printf("medians: bare PUT %.1f, GET %.1f; SDK PUT %.1f, GET %.1f; Drive upload %.1f, download %.1f MiB/s%n",
          bareUp, bareDown, plainUp, plainDown, driveUp, driveDown);
      System.out.printf("ratio Drive / bare HTTP: upload %.2f, download %.2f (target >= 0.8)%n",
          driveUp / bareUp, driveDown / bareDown);
      System.out.printf("ratio Drive / SDK: upload %.2f, download %.2f%n", driveUp / plainUp, driveDown / plainDown);
      user.close();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** A presigned PUT and GET of the file with the JDK's HttpClient: the bytes as they are, nothing else. */
  /** CPU seconds of S3Proxy and of this JVM since {@code from} ({@link #cpuNow}), per GiB moved, into {@code into}. */
  private static void cpuPerGib(double[] from, S3Proxy s3, int mib, double[] into, int at) {
    double[] now = cpuNow(s3);
    into[at] = (now[0] - from[0]) * 1024 / mib;
    into[at + 1] = (now[1] - from[1]) * 1024 / mib;
  }

  private static double[] cpuNow(S3Proxy s3) {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return new double[] {s3.cpu().toNanos() / 1e9, os.getProcessCpuTime() / 1e9};
  }

  /** Rates of the PUT and GET, then CPU per GiB: S3Proxy's and this JVM's for the PUT, the same for the GET. */
  private static double[] bareRound(HttpClient http, S3Presigner presigner, Path file, Path back, int mib, S3Proxy s3)
      throws Exception {
    double[] result = new double[6];
    Duration valid = Duration.ofMinutes(10);
    URI put = presigner.presignPutObject(b -> b.signatureDuration(valid)
        .putObjectRequest(o -> o.bucket("plain").key("bare.bin"))).url().toURI();
    URI get = presigner.presignGetObject(b -> b.signatureDuration(valid)
        .getObjectRequest(o -> o.bucket("plain").key("bare.bin"))).url().toURI();
    double[] cpu = cpuNow(s3);
    long start = System.nanoTime();
    HttpResponse<Void> stored = http.send(HttpRequest.newBuilder(put).PUT(HttpRequest.BodyPublishers.ofFile(file)).build(),
        HttpResponse.BodyHandlers.discarding());
    double up = mib / ((System.nanoTime() - start) / 1e9);
    cpuPerGib(cpu, s3, mib, result, 2);
    if (stored.statusCode() != 200) {
      throw new AssertionError("bare PUT answered " + stored.statusCode());
    }
    Files.deleteIfExists(back);
    cpu = cpuNow(s3);
    start = System.nanoTime();
    HttpResponse<Path> read = http.send(HttpRequest.newBuilder(get).GET().build(), HttpResponse.BodyHandlers.ofFile(back));
    double down = mib / ((System.nanoTime() - start) / 1e9);
    cpuPerGib(cpu, s3, mib, result, 4);
    if (read.statusCode() != 200) {
      throw new AssertionError("bare GET answered " + read.statusCode());
    }
    check(file, back);
    result[0] = up;
    result[1] = down;
    return result;
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

  private static double[] driveRound(Drive drive, Path file, Path back, int mib, S3Proxy s3) throws Exception {
    double[] result = new double[6];
    double[] cpu = cpuNow(s3);
    long start = System.nanoTime();
    drive.upload(file, "file.bin");
    double up = mib / ((System.nanoTime() - start) / 1e9);
    cpuPerGib(cpu, s3, mib, result, 2);
    System.out.println("    the backend's S3 requests for the upload: " + counter.take());
    Files.deleteIfExists(back);
    cpu = cpuNow(s3);
    start = System.nanoTime();
    drive.download("file.bin", back);
    double down = mib / ((System.nanoTime() - start) / 1e9);
    cpuPerGib(cpu, s3, mib, result, 4);
    System.out.println("    the backend's S3 requests for the download: " + counter.take());
    check(file, back);
    result[0] = up;
    result[1] = down;
    return result;
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

  /** The SDK as a user builds it by default: its Apache client, the baseline the store's transport replaced. */
  private static S3Client apacheClient(S3Proxy s3) {
    return S3Client.builder()
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64).connectionMaxIdleTime(Duration.ofSeconds(10)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .region(Region.US_EAST_1).endpointOverride(s3.endpoint()).forcePathStyle(true).build();
  }
}
