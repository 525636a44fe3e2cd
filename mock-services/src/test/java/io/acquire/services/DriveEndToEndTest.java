package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Drive;
import io.acquire.client.InvalidRequestException;
import io.acquire.client.NotFoundException;
import io.acquire.client.RetryPolicy;
import io.acquire.client.UploadInterruptedException;
import io.acquire.client.User;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.FileVersion;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.RealLogins;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's Drive against the real backend, logged in through the real identity flow. */
class DriveEndToEndTest {
  private final AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
      .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    server.close();
  }

  private User loggedIn(String name) {
    return RealLogins.loggedIn(server.url(), name);
  }

  private Path randomFile(String name, int size, long seed) throws Exception {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void uploadsVersionAndDownloadsFilesAcrossChunks() throws Exception {
    User ada = loggedIn("ada");
    Drive inputs = Drive.open(ada, "inputs");
    assertEquals(inputs.id(), Drive.open(ada, "inputs").id(), "open is create-or-open");
    Path big = randomFile("big.bin", 20 * 1024 * 1024 + 17, 1);
    List<Long> progress = new ArrayList<>();
    FileVersion v1 = inputs.upload(big, "md/big.bin", (done, total) -> progress.add(done));
    assertEquals(1, v1.version());
    assertEquals(3, progress.size(), "three 8 MiB chunks");
    assertEquals(Files.size(big), progress.get(2));

    Path other = randomFile("other.bin", 1000, 2);
    assertEquals(2, inputs.upload(other, "md/big.bin").version());
    assertEquals(List.of(1L, 2L), inputs.versions("md/big.bin").stream().map(FileVersion::version).toList());

    Path back = dir.resolve("back.bin");
    inputs.download("md/big.bin", 1, back, Drive.Progress.NONE);
    assertArrayEquals(Files.readAllBytes(big), Files.readAllBytes(back));
    FileVersion latest = inputs.download("md/big.bin", dir.resolve("latest.bin"));
    assertEquals(2, latest.version());
    assertArrayEquals(Files.readAllBytes(other), Files.readAllBytes(dir.resolve("latest.bin")));
    assertEquals(List.of("md/big.bin"), inputs.files("md").stream().map(FileVersion::path).toList());

    assertThrows(NotFoundException.class, () -> inputs.download("nope.txt", dir.resolve("nope")));
    assertTrue(Files.notExists(dir.resolve("nope")), "a failed download leaves no file");
    assertThrows(InvalidRequestException.class, () -> inputs.upload(other, "../escape"));
  }

  @Test
  void anEmptyFileReadsAsNoBytes() {
    Drive inputs = Drive.open(loggedIn("ada"), "inputs");
    inputs.write("empty.txt", new byte[0]);
    assertArrayEquals(new byte[0], inputs.read("empty.txt", 1024).orElseThrow(),
        "an empty file has no byte range to ask for; read still returns it");
  }

  @Test
  void anInterruptedUploadResumesWithOnlyTheMissingChunks() throws Exception {
    AtomicBoolean networkDown = new AtomicBoolean(true);
    List<String> chunksSent = new CopyOnWriteArrayList<>();
    OkHttpClient flaky = new OkHttpClient.Builder().addInterceptor(chain -> {
      String path = chain.request().url().encodedPath();
      if (path.contains("/chunks/")) {
        if (path.endsWith("/chunks/1") && networkDown.get()) {
          throw new IOException("connection reset (injected)");
        }
        chunksSent.add(path.substring(path.lastIndexOf('/') + 1));
      }
      return chain.proceed(chain.request());
    }).build();
    User ada = RealLogins.loggedIn(User.builder().username("ada").identityUrl(server.url() + "/t/identity")
        .httpClient(flaky).retryPolicy(RetryPolicy.defaults().withSleeper(d -> { })).build());

    Drive inputs = Drive.open(ada, "inputs");
    Path file = randomFile("f.bin", 17 * 1024 * 1024, 3);
    UploadInterruptedException stopped = assertThrows(UploadInterruptedException.class,
        () -> inputs.upload(file, "f.bin"));
    // Chunks go several at once, so chunk 2 may have gone alongside chunk 1; those on the wire
    // when chunk 1 gave up are finished, not cut off.
    assertTrue(chunksSent.contains("0") && !chunksSent.contains("1"), "chunk 0 went through; chunk 1 failed on "
        + "every retry: " + chunksSent);
    assertTrue(inputs.files().isEmpty(), "nothing is published from a half upload");

    networkDown.set(false);
    List<String> before = List.copyOf(chunksSent);
    chunksSent.clear();
    FileVersion done = inputs.resumeUpload(stopped.uploadId(), file, Drive.Progress.NONE);
    List<String> missing = new ArrayList<>(List.of("0", "1", "2"));
    missing.removeAll(before);
    assertEquals(missing, chunksSent.stream().sorted().toList(), "only the missing chunks are sent again");
    assertEquals(RequestSignature.sha256Hex(Files.readAllBytes(file)), done.sha256());
    Path back = dir.resolve("back");
    inputs.download("f.bin", back);
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
  }

  @Test
  void fourChunksAreUploadedAtOnceAndNoMore() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    OkHttpClient slow = new OkHttpClient.Builder().addInterceptor(chain -> {
      if (!chain.request().url().encodedPath().contains("/chunks/")) {
        return chain.proceed(chain.request());
      }
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Thread.sleep(200); // long enough for the other senders to start theirs
        return chain.proceed(chain.request());
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      } finally {
        inFlight.decrementAndGet();
      }
    }).build();
    User ada = RealLogins.loggedIn(User.builder().username("ada").identityUrl(server.url() + "/t/identity")
        .httpClient(slow).build());
    Path file = randomFile("five.bin", 4 * 8 * 1024 * 1024 + 1, 5);
    List<Long> progress = new CopyOnWriteArrayList<>();
    FileVersion v = Drive.open(ada, "inputs").upload(file, "five.bin", (done, total) -> progress.add(done));
    assertEquals(4, most.get(), "chunks in flight at once");
    assertEquals(RequestSignature.sha256Hex(Files.readAllBytes(file)), v.sha256());
    assertEquals(5, progress.size());
    assertEquals(progress.stream().sorted().toList(), progress, "progress only grows");
    assertEquals(Files.size(file), progress.get(4));
  }

  /** A client whose first download response is changed by {@code damage} on its way in. */
  private User withDamagedFirstDownload(java.util.function.UnaryOperator<okio.Source> damage) {
    AtomicBoolean damaged = new AtomicBoolean();
    OkHttpClient http = new OkHttpClient.Builder().addInterceptor(chain -> {
      okhttp3.Response response = chain.proceed(chain.request());
      if (!chain.request().url().encodedPath().endsWith("/content") || damaged.getAndSet(true)) {
        return response;
      }
      okhttp3.ResponseBody body = response.body();
      return response.newBuilder().body(okhttp3.ResponseBody.create(
          okio.Okio.buffer(damage.apply(body.source())), body.contentType(), body.contentLength())).build();
    }).build();
    return RealLogins.loggedIn(User.builder().username("ada").identityUrl(server.url() + "/t/identity")
        .httpClient(http).build());
  }

  /** {@code source} with one bit flipped in the first read: in its first byte, or its last. */
  private static okio.Source flippingOneBit(okio.Source source, boolean lastByte) {
    return new okio.ForwardingSource(source) {
      private boolean flipped;

      @Override
      public long read(okio.Buffer sink, long byteCount) throws IOException {
        okio.Buffer chunk = new okio.Buffer();
        long n = super.read(chunk, byteCount);
        if (n > 0) {
          byte[] bytes = chunk.readByteArray();
          if (!flipped) {
            bytes[lastByte ? bytes.length - 1 : 0] ^= 1;
            flipped = true;
          }
          sink.write(bytes);
        }
        return n;
      }
    };
  }

  @Test
  void aDownloadCutOffMidwayResumesFromWhereItStopped() throws Exception {
    Path file = randomFile("cut.bin", 3 * 1024 * 1024 + 5, 6);
    User ada = withDamagedFirstDownload(source -> new okio.ForwardingSource(source) {
      private long passed;

      @Override
      public long read(okio.Buffer sink, long byteCount) throws IOException {
        if (passed > 1024 * 1024) {
          throw new IOException("connection reset");
        }
        long n = super.read(sink, byteCount);
        passed += Math.max(n, 0);
        return n;
      }
    });
    Drive inputs = Drive.open(ada, "inputs");
    inputs.upload(file, "cut.bin");
    Path back = dir.resolve("back.bin");
    assertEquals(RequestSignature.sha256Hex(Files.readAllBytes(file)),
        inputs.download("cut.bin", 0, back, Drive.Progress.NONE).sha256());
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
  }

  @Test
  void aDownloadDamagedInTransitIsRefusedAndWritesNothing() throws Exception {
    Path file = randomFile("bent.bin", 1024 * 1024, 7);
    User ada = withDamagedFirstDownload(source -> flippingOneBit(source, false));
    Drive inputs = Drive.open(ada, "inputs");
    inputs.upload(file, "bent.bin");
    Path back = dir.resolve("back.bin");
    io.acquire.client.InvalidResponseException refused = assertThrows(io.acquire.client.InvalidResponseException.class,
        () -> inputs.download("bent.bin", back));
    assertTrue(refused.getMessage().contains("does not match its checksum"), refused.getMessage());
    assertTrue(Files.notExists(back), "nothing written");
    try (var left = Files.list(dir)) {
      assertEquals(List.of("bent.bin"), left.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
    }
  }

  @Test
  void aVersionStoredBeforeCrc32cWasRecordedIsCheckedBySha256() throws Exception {
    Path file = randomFile("old.bin", 1024 * 1024 + 3, 8);
    User ada = withDamagedFirstDownload(source -> flippingOneBit(source, true));
    Drive inputs = Drive.open(ada, "inputs");
    inputs.upload(file, "old.bin");
    // Rewrite the version as an older service stored it: without its CRC32C.
    io.acquire.services.store.JsonObjects objects = new io.acquire.services.store.JsonObjects(server.store());
    String key = server.store().list("storage/files/").get(0);
    com.fasterxml.jackson.databind.node.ObjectNode version = (com.fasterxml.jackson.databind.node.ObjectNode)
        objects.get(key, com.fasterxml.jackson.databind.JsonNode.class).orElseThrow();
    assertTrue(version.has("crc32c"));
    version.remove("crc32c");
    objects.put(key, version);
    Path back = dir.resolve("back.bin");
    io.acquire.client.InvalidResponseException refused = assertThrows(io.acquire.client.InvalidResponseException.class,
        () -> inputs.download("old.bin", back));
    assertTrue(refused.getMessage().contains("does not match its checksum"), refused.getMessage());
    assertTrue(Files.notExists(back));
    assertEquals(RequestSignature.sha256Hex(Files.readAllBytes(file)), inputs.download("old.bin", back).sha256());
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
  }

  @Test
  void concurrentUploadsOfOnePathMakeConsecutiveVersions() throws Exception {
    User ada = loggedIn("ada");
    Drive inputs = Drive.open(ada, "inputs");
    List<CompletableFuture<FileVersion>> uploads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Path file = randomFile("c" + i, 1000 + i, i);
      uploads.add(CompletableFuture.supplyAsync(() -> inputs.upload(file, "shared.dat")));
    }
    List<Long> versions = uploads.stream().map(CompletableFuture::join).map(FileVersion::version).sorted().toList();
    assertEquals(List.of(1L, 2L, 3L, 4L), versions);
  }
}
