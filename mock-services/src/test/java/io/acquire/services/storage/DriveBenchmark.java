package io.acquire.services.storage;

import io.acquire.client.ApproveLogin;
import io.acquire.client.Drive;
import io.acquire.client.LoginRequest;
import io.acquire.client.User;
import io.acquire.client.wire.Totp;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.LocalObjectStore;
import io.javalin.Javalin;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Upload and download of a large file through {@link Drive} (chunks, checksums, signed
 * requests, durable store) against a plain HTTP PUT and GET of the same bytes to a plain
 * server in the same JVM writing the same disk, measured in one run; prints MB/s, the
 * ratios, and the peak heap of the whole JVM (client and server together).
 * Run with {@code JAVA_OPTS=-Xmx256m scripts/benchmark.sh io.acquire.services.storage.DriveBenchmark [MiB]}.
 */
public final class DriveBenchmark {
  private DriveBenchmark() {}

  public static void main(String[] args) throws Exception {
    long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    Path dir = Files.createTempDirectory("drive-bench");
    try {
      run(dir, mib);
    } finally {
      // Three copies of the file: gigabytes a run, which filled a shared disk when left behind.
      try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
        for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  private static void run(Path dir, long mib) throws Exception {
    Path file = dir.resolve("big.bin");
    writeFile(file, mib);
    AtomicLong peakHeap = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peakHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    sampler.start();

    double rawUp;
    double rawDown;
    Path rawDir = Files.createDirectories(dir.resolve("raw"));
    Javalin raw = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.http.disableCompression();
    });
    raw.put("/raw", ctx -> {
      try (InputStream in = ctx.req().getInputStream();
           FileChannel out = FileChannel.open(rawDir.resolve("file"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
               StandardOpenOption.TRUNCATE_EXISTING)) {
        in.transferTo(java.nio.channels.Channels.newOutputStream(out));
        out.force(true);
      }
      ctx.status(204);
    });
    raw.get("/raw", ctx -> ctx.header("Content-Length", Long.toString(Files.size(rawDir.resolve("file"))))
        .result(new java.io.BufferedInputStream(Files.newInputStream(rawDir.resolve("file")), 1 << 20)));
    raw.start("127.0.0.1", 0);
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofMinutes(10))
        .writeTimeout(Duration.ofMinutes(10)).build();
    try {
      long start = System.nanoTime();
      try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + raw.port() + "/raw")
          .put(RequestBody.create(file.toFile(), MediaType.get("application/octet-stream"))).build()).execute()) {
        check(r.code() == 204, "raw PUT failed");
      }
      rawUp = rate(mib, start);
      start = System.nanoTime();
      try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + raw.port() + "/raw").build()).execute();
           OutputStream out = Files.newOutputStream(dir.resolve("raw-back.bin"))) {
        r.body().byteStream().transferTo(out);
      }
      rawDown = rate(mib, start);
    } finally {
      raw.stop();
    }
    Files.delete(rawDir.resolve("file"));
    Files.delete(dir.resolve("raw-back.bin"));

    double driveUp;
    double driveDown;
    double completion;
    try (LocalObjectStore store = LocalObjectStore.open(dir.resolve("store"));
         AcquireServer server = AcquireServer.builder().store(store).port(0)
             .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start()) {
      User user = User.builder().username("bench").identityUrl(server.url() + "/t/identity")
          .timeout(Duration.ofMinutes(2)).build();
      Totp totp = Totp.fromProvisioningUriUnsafe(user.register("benchmark password").provisioningUriUnsafe());
      LoginRequest login = user.requestLogin();
      ApproveLogin.approve(login.url(), "bench", "benchmark password", totp.code(Instant.now()));
      user.waitForLogin(Duration.ofSeconds(30));
      Drive drive = Drive.open(user, "bench");
      long start = System.nanoTime();
      AtomicLong allSent = new AtomicLong();
      long bytes = Files.size(file);
      drive.upload(file, "big.bin", (done, total) -> {
        if (done == bytes) {
          allSent.set(System.nanoTime());
        }
      });
      long end = System.nanoTime();
      driveUp = rate(mib, start);
      completion = (end - allSent.get()) / 1e9;
      start = System.nanoTime();
      drive.download("big.bin", dir.resolve("back.bin"));
      driveDown = rate(mib, start);
      check(Files.mismatch(file, dir.resolve("back.bin")) == -1, "downloaded bytes differ");
    }
    sampler.interrupt();
    System.out.printf("file: %d MiB; JVM max heap %d MiB%n", mib, Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf("plain HTTP PUT %.0f MB/s, GET %.0f MB/s (baseline, same run)%n", rawUp, rawDown);
    System.out.printf("Drive upload %.0f MB/s (of which %.1f s completing), download %.0f MB/s%n", driveUp,
        completion, driveDown);
    System.out.printf("ratio Drive/plain: upload %.2f, download %.2f%n", driveUp / rawUp, driveDown / rawDown);
    System.out.printf("peak heap used by the whole JVM (client and server): %d MiB%n", peakHeap.get() >> 20);
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
