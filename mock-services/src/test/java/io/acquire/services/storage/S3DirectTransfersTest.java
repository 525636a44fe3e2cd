package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.client.AcquireException;
import io.acquire.client.Drive;
import io.acquire.client.FileVersion;
import io.acquire.client.User;
import io.acquire.client.Wallet;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.StorageWire;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.CountingS3Client;
import io.acquire.services.store.S3ObjectStore;
import io.acquire.services.testing.RealLogins;
import io.acquire.services.testing.S3Proxy;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives on S3 move chunks straight between the SDK and the store through presigned URLs,
 * while the service keeps every decision: against S3Proxy and the real backend on port 0.
 */
class S3DirectTransfersTest {
  private static final int MIB = 1 << 20;
  /** What the service may move to and from S3 itself for a whole upload or download: records, never chunks. */
  private static final long RECORDS_ONLY = 256 * 1024;
  private static final int CHUNK = 64 * 1024;

  @TempDir
  static Path dir;
  private static S3Proxy s3;
  private static CountingS3Client counting;
  private static S3ObjectStore store;
  private static AcquireServer server;
  private static User ada;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    s3 = S3Proxy.start(Files.createDirectories(dir.resolve("s3")));
    counting = new CountingS3Client(s3);
    store = s3.storeBuilder("drives", "direct").client(counting.client()).build();
    server = AcquireServer.builder().store(store).port(0).option("identity.bcrypt-cost", "4").start();
    ada = RealLogins.loggedIn(User.builder().username("ada").identityUrl(server.url() + "/t/identity")
        .wallet(Wallet.inDirectory(dir.resolve("wallets").resolve("ada"))).build());
  }

  @AfterAll
  static void stop() {
    server.close();
    store.close();
    counting.close();
    s3.close();
  }

  private static Path randomFile(String name, int size, long seed) throws Exception {
    return Files.write(dir.resolve(name), random(size, seed));
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void uploadAndDownloadMoveTheChunksStraightToAndFromTheStore() throws Exception {
    Path file = randomFile("direct.bin", 20 * MIB + 12345, 1);
    Drive drive = Drive.open(ada, "direct");
    counting.takeBytes();
    FileVersion stored = drive.upload(file, "data/direct.bin");
    long uploadBytes = counting.takeBytes();
    assertEquals(RequestSignature.sha256Hex(Files.readAllBytes(file)), stored.sha256());
    Path back = dir.resolve("direct-back.bin");
    FileVersion fetched = drive.download("data/direct.bin", back);
    long downloadBytes = counting.takeBytes();
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
    assertEquals(stored.version(), fetched.version());
    assertTrue(uploadBytes < RECORDS_ONLY, "the service moved " + uploadBytes + " bytes to S3 for a 20 MiB upload");
    assertTrue(downloadBytes < RECORDS_ONLY, "the service moved " + downloadBytes + " bytes from S3 for a 20 MiB download");
    // A range still comes through the service, from the chunks the SDK put in the store.
    assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(file), 9 * MIB, 9 * MIB + 1000),
        drive.readRange("data/direct.bin", 0, 9 * MIB, 1000));
  }

  @Test
  void otherBytesPutToAPresignedUrlAreRefusedAndNoVersionIsCreated() throws Exception {
    try (RawBackend raw = new RawBackend("forged", 300)) {
      byte[] file = random(200_000, 2);
      String id = raw.startUpload("f.bin", file.length);
      byte[] chunk = Arrays.copyOf(file, CHUNK);
      StorageWire.DirectUrl url = raw.directUrl(id, 0, RequestSignature.sha256Hex(chunk));
      assertFalse(url.toString().contains("X-Amz-Signature"), url.toString());
      byte[] other = chunk.clone();
      other[100] ^= 1;
      HttpResponse<String> refused = put(url, other);
      assertEquals(400, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("BadDigest"), refused.body());
      HttpResponse<String> shorter = put(url, Arrays.copyOf(chunk, 1000));
      assertEquals(4, shorter.statusCode() / 100, "the URL is signed for the chunk's length: " + shorter.body());
      Reply missing = raw.complete(id, file);
      assertEquals(409, missing.status(), missing.body());
      assertTrue(missing.body().contains("missing"), missing.body());
      assertTrue(json(raw.session.send("GET", raw.drivePath() + "/versions?path=f.bin", null)).get("files").isEmpty(),
          "no version of f.bin was created");
      // The right bytes go in once; no URL can replace them afterwards.
      assertEquals(200, put(url, chunk).statusCode());
      assertEquals(412, put(raw.directUrl(id, 0, RequestSignature.sha256Hex(other)), other).statusCode(),
          "a chunk in the store is never replaced");
    }
  }

  @Test
  void theStartAnswersTheFirstChunksUrlsAndRefusesABadSumWithoutLeavingAnUpload() throws Exception {
    try (RawBackend raw = new RawBackend("first", 300)) {
      byte[] file = random(3 * CHUNK + 10, 3);
      String first = RequestSignature.sha256Hex(chunk(file, 0));
      JsonNode started = json(raw.session.send("POST", raw.drivePath() + "/uploads", "{\"path\":\"first.bin\",\"size\":"
          + file.length + ",\"chunkSize\":" + CHUNK + ",\"chunks\":[{\"n\":0,\"sha256\":\"" + first + "\"}]}"));
      assertEquals(1, started.get("urls").size(), started.toString());
      StorageWire.DirectUrl url = Json.mapper().treeToValue(started.get("urls").get(0), StorageWire.DirectUrl.class);
      assertEquals(200, put(url, chunk(file, 0)).statusCode(), "chunk 0 goes straight to the store with the start's URL");
      String id = started.get("id").asText();
      for (int n = 1; n * CHUNK < file.length; n++) {
        assertEquals(200, put(raw.directUrl(id, n, RequestSignature.sha256Hex(chunk(file, n))), chunk(file, n)).statusCode());
      }
      assertEquals(200, raw.complete(id, file).status());

      Reply refused = raw.session.send("POST", raw.drivePath() + "/uploads", "{\"path\":\"bad.bin\",\"size\":"
          + file.length + ",\"chunkSize\":" + CHUNK + ",\"chunks\":[{\"n\":7,\"sha256\":\"" + first + "\"}]}");
      assertEquals(400, refused.status(), refused.body());
      assertTrue(refused.body().contains("out of range"), refused.body());
      assertTrue(raw.store.list("storage/uploads/").stream().allMatch(key -> key.endsWith(id)),
          "only the completed upload's record is left: " + raw.store.list("storage/uploads/"));
      assertTrue(raw.store.list("storage/upload-holds/").isEmpty(), "no hold is left behind");
    }
  }

  @Test
  void anExpiredUrlIsRefusedAndTheUploadResumesWithNewOnes() throws Exception {
    try (RawBackend raw = new RawBackend("quick", 2)) {
      byte[] file = random(300_000, 3);
      String id = raw.startUpload("resumed.bin", file.length);
      byte[] first = chunk(file, 0);
      assertEquals(200, put(raw.directUrl(id, 0, RequestSignature.sha256Hex(first)), first).statusCode());
      StorageWire.DirectUrl late = raw.directUrl(id, 1, RequestSignature.sha256Hex(chunk(file, 1)));
      Thread.sleep(3500);
      HttpResponse<String> expired = put(late, chunk(file, 1));
      assertEquals(403, expired.statusCode(), expired.body());
      assertTrue(expired.body().contains("expired"), expired.body());
      JsonNode status = json(raw.session.send("GET", raw.drivePath() + "/uploads/" + id, null));
      assertEquals("[0]", status.get("received").toString(), "only the chunk that went in counts");
      counting.takeBytes();
      for (int n = 1; n * CHUNK < file.length; n++) {
        assertEquals(200, put(raw.directUrl(id, n, RequestSignature.sha256Hex(chunk(file, n))), chunk(file, n)).statusCode());
      }
      Reply done = raw.complete(id, file);
      assertEquals(200, done.status(), done.body());
      assertEquals(RequestSignature.sha256Hex(file), json(done).get("sha256").asText());
      assertTrue(counting.takeBytes() < RECORDS_ONLY, "completing read no chunk back");
      JsonNode version = json(raw.session.send("GET", raw.drivePath() + "/versions?path=resumed.bin", null))
          .get("files").get(0);
      assertEquals(file.length, version.get("size").asLong());
    }
  }

  @Test
  void urlsThatExpireBeforeUseAreAskedForAgainOnUploadAndFallBackToTheServiceOnDownload() throws Exception {
    // URLs that last 1 s, and a client that stops for 2 s after its first chunk either way.
    try (S3ObjectStore expiring = s3.storeBuilder("drives", "expiring").client(counting.client()).build();
         AcquireServer quick = AcquireServer.builder().store(expiring).port(0).option("identity.bcrypt-cost", "4")
             .option("storage.direct-expiry-seconds", "1").start()) {
      User eve = RealLogins.loggedIn(quick.url(), "eve");
      Drive drive = Drive.open(eve, "slow");
      Path file = randomFile("slow.bin", 5 * 8 * MIB - 1000, 6);
      java.util.concurrent.atomic.AtomicBoolean paused = new java.util.concurrent.atomic.AtomicBoolean();
      Drive.Progress dawdling = (done, total) -> {
        if (paused.compareAndSet(false, true)) {
          try {
            Thread.sleep(2000); // the URL of the chunk this sender takes next has expired by now
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
      FileVersion stored = drive.upload(file, "slow.bin", dawdling);
      assertEquals(RequestSignature.sha256Hex(Files.readAllBytes(file)), stored.sha256());
      paused.set(false);
      counting.takeBytes();
      Path back = dir.resolve("slow-back.bin");
      drive.download("slow.bin", 0, back, dawdling);
      assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
      assertTrue(counting.takeBytes() > 8 * MIB, "the chunks after the pause came through the service, by range");
      eve.close();
    }
  }

  @Test
  void aFailedDirectTransferSaysSoWithoutTheUrlsSignature() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    try (S3ObjectStore unreachable = s3.storeBuilder("drives", "lost")
            .publicEndpoint(URI.create("http://127.0.0.1:" + closed)).build();
         AcquireServer misconfigured = AcquireServer.builder().store(unreachable).port(0)
             .option("identity.bcrypt-cost", "4").start()) {
      User user = RealLogins.loggedIn(misconfigured.url(), "cyd");
      Drive drive = Drive.open(user, "lost");
      Path file = randomFile("lost.bin", 100_000, 4);
      AcquireException failed = assertThrows(AcquireException.class, () -> drive.upload(file, "lost.bin"));
      assertTrue(failed.getMessage().contains("chunk 0"), failed.getMessage());
      for (Throwable t = failed; t != null; t = t.getCause()) {
        assertFalse(String.valueOf(t.getMessage()).contains("X-Amz-Signature"), t.getMessage());
        assertFalse(String.valueOf(t.getMessage()).contains("X-Amz-Credential"), t.getMessage());
      }
      user.close();
    }
  }

  @Test
  void anEncryptedDriveOnS3SendsItsCiphertextStraightToTheStore() throws Exception {
    Drive drive = Drive.openEncrypted(ada, "secrets");
    Path file = randomFile("secret.bin", 9 * MIB + 7, 5);
    counting.takeBytes();
    drive.upload(file, "secret.bin");
    Path back = dir.resolve("secret-back.bin");
    drive.download("secret.bin", back);
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
    assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(file), 8 * MIB - 10, 8 * MIB + 10),
        drive.readRange("secret.bin", 0, 8 * MIB - 10, 20));
  }

  private static byte[] chunk(byte[] file, int n) {
    return Arrays.copyOfRange(file, n * CHUNK, Math.min(file.length, (n + 1) * CHUNK));
  }

  /**
   * A backend of its own on the same S3Proxy (a store under another prefix), spoken to raw by
   * a test identity, with presigned URLs that last {@code expirySeconds}.
   */
  private static final class RawBackend implements AutoCloseable {
    final S3ObjectStore store;
    final AcquireServer server;
    final TestSessions.Session session;
    final String drive;

    RawBackend(String prefix, int expirySeconds) {
      store = s3.storeBuilder("drives", prefix).client(counting.client()).build();
      server = AcquireServer.builder().store(store).port(0).services(java.util.List.of("registry", "storage"))
          .option("storage.direct-expiry-seconds", Integer.toString(expirySeconds)).start();
      session = new TestSessions(store, server.url()).login("bob");
      drive = json(session.send("POST", "/t/storage/drives", "{\"name\":\"raw\"}")).get("id").asText();
    }

    String drivePath() {
      return "/t/storage/drives/" + drive;
    }

    String startUpload(String path, int size) {
      JsonNode upload = json(session.send("POST", drivePath() + "/uploads",
          "{\"path\":\"" + path + "\",\"size\":" + size + ",\"chunkSize\":" + CHUNK + "}"));
      assertTrue(upload.get("direct").asBoolean(), upload.toString());
      return upload.get("id").asText();
    }

    StorageWire.DirectUrl directUrl(String upload, int n, String sha256) {
      Reply reply = session.send("POST", drivePath() + "/uploads/" + upload + "/direct",
          "{\"chunks\":[{\"n\":" + n + ",\"sha256\":\"" + sha256 + "\"}]}");
      assertEquals(200, reply.status(), reply.body());
      return Json.read(reply.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), StorageWire.DirectUrls.class)
          .urls().get(0);
    }

    /** Completes as the SDK does when chunks went straight to the store: the file's SHA-256 and the chunks'. */
    Reply complete(String upload, byte[] file) {
      java.util.List<String> sums = new java.util.ArrayList<>();
      for (int n = 0; n * CHUNK < file.length; n++) {
        sums.add(RequestSignature.sha256Hex(chunk(file, n)));
      }
      return session.send("POST", drivePath() + "/uploads/" + upload + "/complete", "{\"sha256\":\""
          + RequestSignature.sha256Hex(file) + "\",\"chunksSha256\":\"" + StorageWire.chunksSha256(sums) + "\"}");
    }

    @Override
    public void close() {
      server.close();
      store.close();
    }
  }

  /**
   * Sends the body only once the store has accepted the URL (100 Continue): a store that
   * refuses it at once may close the connection on the unread body, and lose its answer.
   */
  private static HttpResponse<String> put(StorageWire.DirectUrl url, byte[] body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.url())).expectContinue(true)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    url.headers().forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(Reply reply) {
    assertTrue(reply.status() / 100 == 2, reply.status() + " " + reply.body());
    try {
      return Json.mapper().readTree(reply.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(reply.body(), e);
    }
  }
}
