package io.acquire.services.storage;

import io.acquire.client.ApproveLogin;
import io.acquire.client.Drive;
import io.acquire.client.LoginRequest;
import io.acquire.client.User;
import io.acquire.client.wire.Totp;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.LocalObjectStore;
import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import javax.management.openmbean.CompositeData;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Upload and download of a large file through {@link Drive}, plain and client-side encrypted (chunks, checksums, signed
 * requests, durable store) against a plain HTTP PUT and GET of the same bytes, which the
 * plain server writes to the same disk and syncs. Both servers run in a child JVM, so this
 * JVM holds only the clients and its heap figure is the client's. Rounds alternate plain
 * and Drive so that both see the same machine; prints every round, the medians, their
 * ratios (the encrypted drive's against the plain drive's), the CPU each side spent, and the
 * client's heap.
 * Run with {@code JAVA_OPTS=-Xmx128m scripts/benchmark.sh io.acquire.services.storage.DriveBenchmark [MiB] [rounds]}.
 */
public final class DriveBenchmark {
  private DriveBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("serve")) {
      serve(Path.of(args[1]));
      return;
    }
    long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("drive-bench");
    try {
      run(dir, mib, rounds);
    } finally {
      deleteTree(dir); // several copies of the file: gigabytes a run, which filled a shared disk when left behind
    }
  }

  /** The child: the backend and the plain server, until its input closes. */
  private static void serve(Path dir) throws Exception {
    Path rawFile = Files.createDirectories(dir.resolve("raw")).resolve("file");
    Javalin raw = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.http.disableCompression();
    });
    raw.put("/raw", ctx -> {
      try (InputStream in = ctx.req().getInputStream();
           FileChannel out = FileChannel.open(rawFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
               StandardOpenOption.TRUNCATE_EXISTING)) {
        in.transferTo(Channels.newOutputStream(out));
        out.force(true);
      }
      ctx.status(204);
    });
    raw.get("/raw", ctx -> ctx.header("Content-Length", Long.toString(Files.size(rawFile)))
        .result(new java.io.BufferedInputStream(Files.newInputStream(rawFile), 1 << 20)));
    raw.start("127.0.0.1", 0);
    try (LocalObjectStore store = LocalObjectStore.open(dir.resolve("store"), !Boolean.getBoolean("nosync"));
         AcquireServer server = AcquireServer.builder().store(store).port(0)
             .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start()) {
      System.out.println("raw http://127.0.0.1:" + raw.port() + "/raw");
      System.out.println("acquire " + server.url());
      System.out.flush();
      System.in.transferTo(OutputStream.nullOutputStream()); // the parent closes it, or dies
    } finally {
      raw.stop();
    }
  }

  private static void run(Path dir, long mib, int rounds) throws Exception {
    Path file = dir.resolve("big.bin");
    writeFile(file, mib);
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Dnosync=" + Boolean.getBoolean("nosync"), "-cp", System.getProperty("java.class.path"), DriveBenchmark.class.getName(), "serve",
        dir.resolve("server").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String rawUrl = announced(lines, "raw ");
      String acquireUrl = announced(lines, "acquire ");
      measure(dir, file, mib, rounds, rawUrl, acquireUrl, child.pid());
    } finally {
      child.getOutputStream().close();
      child.waitFor();
    }
  }

  /** The child's next line starting with {@code prefix}, less the prefix; JVM options may print lines of their own. */
  private static String announced(BufferedReader lines, String prefix) throws java.io.IOException {
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length());
      }
    }
    throw new IllegalStateException("The benchmark's server exited before announcing '" + prefix.trim() + "'.");
  }

  private static void measure(Path dir, Path file, long mib, int rounds, String rawUrl, String acquireUrl,
      long serverPid) throws Exception {
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofMinutes(10))
        .writeTimeout(Duration.ofMinutes(10)).build();
    User user = User.builder().username("bench").identityUrl(acquireUrl + "/t/identity")
        .timeout(Duration.ofMinutes(2)).wallet(io.acquire.client.Wallet.inDirectory(dir.resolve("wallet"))).build();
    Totp totp = Totp.fromProvisioningUriUnsafe(user.register("benchmark password").provisioningUriUnsafe());
    LoginRequest login = user.requestLogin();
    ApproveLogin.approve(login.url(), "bench", "benchmark password", totp.code(Instant.now()));
    user.waitForLogin(Duration.ofSeconds(30));
    Drive drive = Drive.open(user, "bench");
    Drive encrypted = Drive.openEncrypted(user, "bench-encrypted");
    Path encryptedBack = dir.resolve("encrypted-back.bin");
    Path plainBack = dir.resolve("plain-back.bin");
    Path driveBack = dir.resolve("drive-back.bin");
    Path chunks = dir.resolve("server/store/objects/storage.d/chunks.d");
    String[] legs = {"plain PUT", "Drive upload", "plain GET", "Drive download", "Encrypted upload",
        "Encrypted download"};
    List<Leg[]> rows = new ArrayList<>();
    HeapWatch heap = HeapWatch.start();
    // Two rounds warm both JVMs up and are not counted: a cold server spent a third of its
    // CPU compiling, and in the first counted round after one warm-up round still 15 % (perf).
    //
    // Every leg first frees the gigabyte its previous round wrote (the plain server truncates
    // its file; the harness deletes the last download and the stored chunks, whose versions
    // are not read again), so each writes into memory just freed. On a VM, memory the guest
    // touches for the first time, or again after handing it back to the host, cost whichever
    // leg met it 3 to 4 times the CPU (measured by swapping the legs' order). A long-running
    // server's page cache is full and recycles, so recycled memory is the fair case.
    for (int round = -1; round <= rounds; round++) {
      System.out.printf(round <= 0 ? "warm-up round (not counted)%n" : "round %d%n", round);
      Leg[] row = new Leg[6];
      row[0] = Leg.time(legs[0], mib, serverPid, () -> {
        try (Response r = http.newCall(new Request.Builder().url(rawUrl)
            .put(RequestBody.create(file.toFile(), MediaType.get("application/octet-stream"))).build()).execute()) {
          check(r.code() == 204, "plain PUT failed: " + r.code());
        }
      });
      deleteTree(chunks);
      row[1] = Leg.time(legs[1], mib, serverPid, () -> drive.upload(file, "big.bin"));
      Leg.Transfer plainGet = () -> {
        try (Response r = http.newCall(new Request.Builder().url(rawUrl).build()).execute();
             OutputStream out = Files.newOutputStream(plainBack)) {
          copy(r.body().byteStream(), out);
        }
      };
      Leg.Transfer driveDownload = () -> drive.download("big.bin", driveBack);
      // Each download runs twice and the second is timed: it writes into the memory the first
      // one freed, which is what a client downloading file after file sees.
      plainGet.run();
      Files.delete(plainBack);
      row[2] = Leg.time(legs[2], mib, serverPid, plainGet);
      check(Files.mismatch(file, plainBack) == -1, "plain GET bytes differ");
      driveDownload.run();
      Files.delete(driveBack);
      row[3] = Leg.time(legs[3], mib, serverPid, driveDownload);
      check(Files.mismatch(file, driveBack) == -1, "downloaded bytes differ");
      deleteTree(chunks);
      row[4] = Leg.time(legs[4], mib, serverPid, () -> encrypted.upload(file, "big.bin"));
      Leg.Transfer encryptedDownload = () -> encrypted.download("big.bin", encryptedBack);
      encryptedDownload.run();
      Files.delete(encryptedBack);
      row[5] = Leg.time(legs[5], mib, serverPid, encryptedDownload);
      check(Files.mismatch(file, encryptedBack) == -1, "decrypted bytes differ");
      Files.delete(plainBack);
      Files.delete(driveBack);
      Files.delete(encryptedBack);
      if (round > 0) {
        rows.add(row);
      }
      System.out.printf("  upload %.2f of plain, download %.2f of plain; encrypted: upload %.2f, download %.2f of "
          + "the plain drive's%n", row[1].megabytesPerSecond / row[0].megabytesPerSecond,
          row[3].megabytesPerSecond / row[2].megabytesPerSecond, row[4].megabytesPerSecond / row[1].megabytesPerSecond,
          row[5].megabytesPerSecond / row[3].megabytesPerSecond);
    }
    Leg[] median = new Leg[6];
    for (int i = 0; i < 6; i++) {
      int column = i;
      median[i] = rows.stream().map(r -> r[column]).sorted(Comparator.comparingDouble(l -> l.megabytesPerSecond))
          .skip((rounds - 1) / 2).findFirst().orElseThrow();
    }
    System.out.printf("file: %d MiB, %d rounds; client JVM max heap %d MiB, server in its own JVM%n", mib, rounds,
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf("median: plain PUT %.0f MB/s, Drive upload %.0f MB/s; plain GET %.0f MB/s, Drive download %.0f MB/s%n",
        median[0].megabytesPerSecond, median[1].megabytesPerSecond, median[2].megabytesPerSecond,
        median[3].megabytesPerSecond);
    System.out.printf("ratio Drive/plain (medians): upload %.2f, download %.2f%n",
        median[1].megabytesPerSecond / median[0].megabytesPerSecond,
        median[3].megabytesPerSecond / median[2].megabytesPerSecond);
    System.out.printf("ratio Drive/plain (median of each round's ratio, legs measured side by side): upload %.2f, "
        + "download %.2f%n", medianRatio(rows, 1, 0), medianRatio(rows, 3, 2));
    System.out.printf("encrypted drive: upload %.0f MB/s, download %.0f MB/s; ratio encrypted/plain drive (medians): "
        + "upload %.2f, download %.2f; (median of each round's ratio): upload %.2f, download %.2f%n",
        median[4].megabytesPerSecond, median[5].megabytesPerSecond,
        median[4].megabytesPerSecond / median[1].megabytesPerSecond,
        median[5].megabytesPerSecond / median[3].megabytesPerSecond, medianRatio(rows, 4, 1), medianRatio(rows, 5, 3));
    // Each leg across the counted rounds, so a run shows whether a ratio came from one slow round (noise) or
    // from CPU spent: a leg whose CPU per GiB held while its rate fell was waiting for a core.
    System.out.printf("per leg over %d rounds: MB/s min, median, max; CPU s per GiB (median) client, server%n", rounds);
    for (int i = 0; i < 6; i++) {
      int column = i;
      double[] rates = rows.stream().mapToDouble(r -> r[column].megabytesPerSecond).sorted().toArray();
      System.out.printf("  %-18s %5.0f %5.0f %5.0f;  client %.2f, server %.2f%n", legs[i], rates[0],
          rates[(rates.length - 1) / 2], rates[rates.length - 1], medianOf(rows, column, Leg::clientCpuPerGib),
          medianOf(rows, column, Leg::serverCpuPerGib));
    }
    System.out.printf("client heap: at most %d MiB in use before a collection, at most %d MiB live after one%n",
        heap.beforeGc() >> 20, heap.afterGc() >> 20);
  }

  private static double medianOf(List<Leg[]> rows, int column, java.util.function.ToDoubleFunction<Leg> figure) {
    double[] values = rows.stream().mapToDouble(r -> figure.applyAsDouble(r[column])).sorted().toArray();
    return values[(values.length - 1) / 2];
  }

  private static double medianRatio(List<Leg[]> rows, int drive, int plain) {
    double[] ratios = rows.stream().mapToDouble(r -> r[drive].megabytesPerSecond / r[plain].megabytesPerSecond)
        .sorted().toArray();
    return ratios[(ratios.length - 1) / 2];
  }

  /** One transfer's figures. */
  private record Leg(double megabytesPerSecond, double clientCpuPerGib, double serverCpuPerGib) {
    interface Transfer {
      void run() throws Exception;
    }

    static Leg time(String name, long mib, long serverPid, Transfer transfer) throws Exception {
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long client = os.getProcessCpuTime();
      long server = serverCpuNanos(serverPid);
      long start = System.nanoTime();
      transfer.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      double gib = mib / 1024.0;
      long serverAfter = serverCpuNanos(serverPid);
      Leg leg = new Leg(mib * 1.048576 / seconds, (os.getProcessCpuTime() - client) / 1e9 / gib,
          server < 0 || serverAfter < 0 ? Double.NaN : (serverAfter - server) / 1e9 / gib);
      System.out.printf("  %-15s %4.0f MB/s; CPU s per GiB: client %.2f, server %.2f%n", name, leg.megabytesPerSecond,
          leg.clientCpuPerGib, leg.serverCpuPerGib);
      return leg;
    }

    /** User and system time of a process, from Linux's /proc; -1 elsewhere (the figure prints as NaN). */
    private static long serverCpuNanos(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L; // 100 ticks a second
      } catch (java.io.IOException | RuntimeException e) {
        return -1;
      }
    }
  }

  /**
   * The heap in use just before each collection (what the JVM had to find room for) and
   * just after (what was still live), from the collectors' notifications.
   */
  private static final class HeapWatch {
    private final AtomicLong beforeGc = new AtomicLong();
    private final AtomicLong afterGc = new AtomicLong();

    static HeapWatch start() {
      System.gc();
      HeapWatch watch = new HeapWatch();
      for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((javax.management.NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
          if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
            watch.beforeGc.accumulateAndGet(sum(info.getMemoryUsageBeforeGc()), Math::max);
            watch.afterGc.accumulateAndGet(sum(info.getMemoryUsageAfterGc()), Math::max);
          }
        }, null, null);
      }
      return watch;
    }

    private static long sum(java.util.Map<String, MemoryUsage> pools) {
      long used = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        MemoryUsage usage = pools.get(pool.getName());
        if (pool.getType() == MemoryType.HEAP && usage != null) {
          used += usage.getUsed();
        }
      }
      return used;
    }

    long beforeGc() {
      return Math.max(beforeGc.get(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    long afterGc() {
      return afterGc.get();
    }
  }

  static void deleteTree(Path root) throws java.io.IOException {
    if (Files.notExists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /**
   * The plain client's copy, in whole 64 KiB slices as Drive's download writes them (a
   * plain {@code read} returns what one network segment holds, often 8 KiB, and writes of
   * that size cost the kernel more per byte), so neither is favoured by its buffer.
   */
  private static void copy(InputStream in, OutputStream out) throws java.io.IOException {
    byte[] buffer = new byte[64 * 1024];
    for (int n = in.readNBytes(buffer, 0, buffer.length); n > 0; n = in.readNBytes(buffer, 0, buffer.length)) {
      out.write(buffer, 0, n);
    }
  }

  private static void writeFile(Path file, long mib) throws Exception {
    byte[] block = new byte[1 << 20];
    new Random(1).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long i = 0; i < mib; i++) {
        block[(int) (i % block.length)] ^= 1;
        out.write(block);
      }
    }
  }

  private static double rate(long mib, long startNanos) {
    return mib * 1.048576 / ((System.nanoTime() - startNanos) / 1e9);
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
