package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.StorageWire;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The storage protocol, spoken raw: every refusal and what it leaves unchanged. */
class StorageServiceTest {
  private static final int CHUNK = 64 * 1024;
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final AcquireServer server = AcquireServer.builder().store(store).port(0)
      .services(List.of("registry", "storage")).start();
  private final TestSessions sessions = new TestSessions(store, server.url());
  private final Session ada = sessions.login("ada");
  private final String drive = json(ada.send("POST", "/t/storage/drives", "{\"name\":\"inputs\"}")).get("id").asText();

  @AfterEach
  void stop() {
    server.close();
  }

  private static JsonNode json(Reply reply) {
    try {
      return Json.mapper().readTree(reply.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(reply.body(), e);
    }
  }

  private static void assertRefused(Reply reply, int status, String reason) {
    assertEquals(status, reply.status(), reply.body());
    assertTrue(reply.body().contains(reason), "expected '" + reason + "' in " + reply.body());
  }

  private Reply start(String path, byte[] file) {
    return ada.send("POST", "/t/storage/drives/" + drive + "/uploads", "{\"path\":" + Json.writeString(path)
        + ",\"size\":" + file.length + ",\"sha256\":\"" + RequestSignature.sha256Hex(file) + "\",\"chunkSize\":" + CHUNK + "}");
  }

  /** Sends a chunk as the SDK does, as {@code application/octet-stream}. */
  private Reply chunk(String upload, int n, byte[] data, String sha) {
    return chunk(upload, n, data, sha, "application/octet-stream");
  }

  private Reply chunk(String upload, int n, byte[] data, String sha, String contentType) {
    return ada.sendBytes("PUT", "/t/storage/drives/" + drive + "/uploads/" + upload + "/chunks/" + n, data,
        Map.of(StorageWire.CHUNK_SHA256_HEADER, sha, "Content-Type", contentType));
  }

  private Reply complete(String upload, String body) {
    return ada.send("POST", "/t/storage/drives/" + drive + "/uploads/" + upload + "/complete", body);
  }

  private static byte[] part(byte[] file, int n) {
    return java.util.Arrays.copyOfRange(file, n * CHUNK, Math.min(file.length, (n + 1) * CHUNK));
  }

  private int files() {
    return json(ada.send("GET", "/t/storage/drives/" + drive + "/files", null)).get("files").size();
  }

  @Test
  void chunksAreCheckedOneByOneAndAsAWhole() {
    byte[] file = new byte[3 * CHUNK + 123];
    new Random(1).nextBytes(file);
    String upload = json(start("data/run.bin", file)).get("id").asText();
    byte[] first = part(file, 0);
    assertRefused(chunk(upload, 0, first, RequestSignature.sha256Hex(new byte[] {1})), 400, "Chunk 0 checksum mismatch");
    byte[] corrupted = first.clone();
    corrupted[10] ^= 1;
    assertRefused(chunk(upload, 0, corrupted, RequestSignature.sha256Hex(first)), 400, "checksum mismatch");
    assertRefused(chunk(upload, 7, first, RequestSignature.sha256Hex(first)), 400, "out of range");
    assertRefused(chunk(upload, 3, first, RequestSignature.sha256Hex(first)), 400, "must be 123 bytes");
    assertEquals(204, chunk(upload, 0, first, RequestSignature.sha256Hex(first)).status());
    assertEquals(204, chunk(upload, 2, part(file, 2), RequestSignature.sha256Hex(part(file, 2)), "application/json")
        .status(), "a chunk sent with another content type is read the ordinary way, and checked the same");
    assertEquals("[0,2]", json(ada.send("GET", "/t/storage/drives/" + drive + "/uploads/" + upload, null))
        .get("received").toString(), "an interrupted upload knows what it has");
    assertRefused(ada.send("POST", "/t/storage/drives/" + drive + "/uploads/" + upload + "/complete", "{}"), 409,
        "missing 2 of its 4 chunks ([1, 3])");
    assertEquals(0, files(), "nothing is published before it is whole");
    chunk(upload, 1, part(file, 1), RequestSignature.sha256Hex(part(file, 1)));
    chunk(upload, 3, part(file, 3), RequestSignature.sha256Hex(part(file, 3)));
    Reply done = ada.send("POST", "/t/storage/drives/" + drive + "/uploads/" + upload + "/complete", "{}");
    assertEquals(200, done.status(), done.body());
    assertEquals(1, json(done).get("version").asLong());
    assertEquals(done.body(), ada.send("POST", "/t/storage/drives/" + drive + "/uploads/" + upload + "/complete", "{}").body(),
        "completing twice publishes once");
    assertEquals(1, files());
  }

  @Test
  void aWholeFileChecksumMismatchPublishesNothing() {
    byte[] file = "hello".getBytes(StandardCharsets.UTF_8);
    Reply started = ada.send("POST", "/t/storage/drives/" + drive + "/uploads", "{\"path\":\"a.txt\",\"size\":5,"
        + "\"sha256\":\"" + RequestSignature.sha256Hex("HELLO".getBytes(StandardCharsets.UTF_8)) + "\"}");
    String upload = json(started).get("id").asText();
    chunk(upload, 0, file, RequestSignature.sha256Hex(file));
    assertRefused(ada.send("POST", "/t/storage/drives/" + drive + "/uploads/" + upload + "/complete", "{}"), 400,
        "File checksum mismatch");
    assertEquals(0, files());
  }

  @Test
  void theFileChecksumMayBeSentOnCompletionInsteadOfAtTheStart() {
    byte[] file = new byte[2 * CHUNK + 5];
    new Random(2).nextBytes(file);
    Reply started = ada.send("POST", "/t/storage/drives/" + drive + "/uploads", "{\"path\":\"late.bin\",\"size\":"
        + file.length + ",\"chunkSize\":" + CHUNK + "}");
    assertEquals(201, started.status(), started.body());
    String upload = json(started).get("id").asText();
    for (int n = 0; n < 3; n++) {
      assertEquals(204, chunk(upload, n, part(file, n), RequestSignature.sha256Hex(part(file, n))).status());
    }
    assertRefused(complete(upload, "{}"), 400, "Field 'sha256' is required");
    assertRefused(complete(upload, "{\"sha256\":\"abc\"}"), 400, "64 lowercase hex digits");
    assertRefused(complete(upload, "{\"chunksSha256\":\"abc\"}"), 400, "SHA-256 of the chunks' SHA-256s");
    assertRefused(complete(upload, "{\"sha256\":\"" + RequestSignature.sha256Hex(new byte[1]) + "\"}"), 400,
        "File checksum mismatch");
    String reversed = StorageWire.chunksSha256(List.of(RequestSignature.sha256Hex(part(file, 2)),
        RequestSignature.sha256Hex(part(file, 1)), RequestSignature.sha256Hex(part(file, 0))));
    assertRefused(complete(upload, "{\"chunksSha256\":\"" + reversed + "\"}"), 400, "Chunks checksum mismatch");
    assertEquals(0, files(), "a wrong file checksum publishes nothing");
    Reply done = complete(upload, "{\"sha256\":\"" + RequestSignature.sha256Hex(file) + "\"}");
    assertEquals(200, done.status(), done.body());
    assertEquals(RequestSignature.sha256Hex(file), json(done).get("sha256").asText());
    assertEquals(done.body(), complete(upload, "{\"sha256\":\"" + RequestSignature.sha256Hex(file) + "\"}").body(),
        "completing twice publishes once");
    assertEquals(1, files());
  }

  @Test
  void aChecksumAnnouncedAtTheStartCannotBeReplacedOnCompletion() {
    byte[] file = "hello".getBytes(StandardCharsets.UTF_8);
    String upload = json(start("a.txt", file)).get("id").asText();
    chunk(upload, 0, file, RequestSignature.sha256Hex(file));
    assertRefused(complete(upload, "{\"sha256\":\"" + RequestSignature.sha256Hex(new byte[0]) + "\"}"), 400,
        "was announced with SHA-256");
    assertEquals(0, files());
    assertEquals(200, complete(upload, "{\"sha256\":\"" + RequestSignature.sha256Hex(file) + "\"}").status());
  }

  /** A chunk PUT as the SDK sends it (application/octet-stream), signed over {@code signed}, carrying {@code sent}. */
  private Reply putOctets(String path, byte[] sent, byte[] signed) throws java.io.IOException {
    return putSigned(path, sent, Map.of(StorageWire.CHUNK_SHA256_HEADER, RequestSignature.sha256Hex(sent)),
        RequestSignature.sha256Hex(signed));
  }

  /** A binary PUT carrying {@code sent} and {@code headers}, signed over the digest {@code signedSha}. */
  private Reply putSigned(String path, byte[] sent, Map<String, String> headers, String signedSha)
      throws java.io.IOException {
    Request.Builder request = new Request.Builder().url(server.url() + path)
        .put(RequestBody.create(sent, MediaType.get("application/octet-stream")));
    headers.forEach(request::header);
    RequestSignature.signDigest(ada.key, ada.certificate, "PUT", path, signedSha, java.time.Instant.now().getEpochSecond())
        .forEach(request::header);
    try (Response response = new OkHttpClient().newCall(request.build()).execute()) {
      return new Reply(response.code(), response.body().string());
    }
  }

  @Test
  void aBinaryBodyIsCoveredByTheSignatureLikeAnyOther() throws Exception {
    byte[] file = new byte[CHUNK];
    new Random(3).nextBytes(file);
    String upload = json(start("signed.bin", file)).get("id").asText();
    String path = "/t/storage/drives/" + drive + "/uploads/" + upload + "/chunks/0";
    byte[] other = file.clone();
    other[CHUNK - 1] ^= 1;
    assertRefused(putOctets(path, other, file), 401, "signature does not match");
    assertEquals("[]", json(ada.send("GET", "/t/storage/drives/" + drive + "/uploads/" + upload, null))
        .get("received").toString(), "nothing stored");
  }

  /** A chunk PUT streamed as the SDK streams it: its SHA-256 announced ahead, which the signature covers. */
  private Reply putStreamed(String path, byte[] sent, String announced, String chunkSha, String signedSha)
      throws java.io.IOException {
    return putSigned(path, sent, Map.of(RequestSignature.CONTENT_SHA256_HEADER, announced,
        StorageWire.CHUNK_SHA256_HEADER, chunkSha), signedSha);
  }

  @Test
  void aStreamedChunkIsKeptOnlyIfItsBytesMatchTheSha256AnnouncedAheadOfThem() throws Exception {
    byte[] file = new byte[CHUNK];
    new Random(4).nextBytes(file);
    String sha = RequestSignature.sha256Hex(file);
    String upload = json(start("streamed.bin", file)).get("id").asText();
    String path = "/t/storage/drives/" + drive + "/uploads/" + upload + "/chunks/0";
    byte[] damaged = file.clone();
    damaged[CHUNK / 2] ^= 1;
    assertRefused(putStreamed(path, damaged, sha, sha, sha), 400, "does not match its X-Acquire-Content-SHA256");
    assertRefused(putStreamed(path, file, "not-a-sha", sha, "not-a-sha"), 400, "64 lowercase hex digits");
    String other = RequestSignature.sha256Hex(new byte[] {1});
    assertRefused(putStreamed(path, file, sha, other, sha), 400, "Chunk 0 checksum mismatch");
    assertRefused(putStreamed(path, file, sha, sha, other), 401, "signature does not match");
    assertEquals("[]", json(ada.send("GET", "/t/storage/drives/" + drive + "/uploads/" + upload, null))
        .get("received").toString(), "nothing stored");
    assertEquals(204, putStreamed(path, file, sha, sha, sha).status());
    assertEquals(200, complete(upload, "{}").status());
    assertEquals(1, files());
  }

  @Test
  void aBinaryBodyOverTheRequestLimitIsRefusedBeforeItIsRead() throws Exception {
    String upload = json(start("big.bin", new byte[1])).get("id").asText();
    String path = "/t/storage/drives/" + drive + "/uploads/" + upload + "/chunks/0";
    byte[] body = new byte[16 * 1024 * 1024 + 1];
    assertRefused(putOctets(path, body, body), 413, "over the limit of 16777216");
    assertEquals("[]", json(ada.send("GET", "/t/storage/drives/" + drive + "/uploads/" + upload, null))
        .get("received").toString(), "nothing stored");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc/passwd", "a/../../b", "/absolute", "back\\\\slash", "nul\\u0000byte", "new\\nline", "", "./."})
  void pathsThatCouldEscapeAreRefused(String path) {
    String decoded = path.replace("\\\\", "\\").replace("\\u0000", "\u0000").replace("\\n", "\n");
    assertEquals(400, start(decoded, new byte[1]).status());
    assertEquals(0, store.list("storage/uploads/").size(), "nothing stored");
  }

  @Test
  void overlongPathsAreRefused() {
    assertRefused(start("a".repeat(256), new byte[1]), 400, "segment is longer than 255 bytes");
    assertRefused(start(("abcdefghij/").repeat(100), new byte[1]), 400, "longer than 1024 bytes");
    Reply fits = start(("abcdefghi/").repeat(100) + "x", new byte[1]);
    assertEquals(201, fits.status(), "a long but valid path works: " + fits.body());
  }

  @Test
  void pathsAreNormalised() {
    Reply started = start("results//run1/./energies.csv", new byte[0]);
    assertEquals("results/run1/energies.csv", json(started).get("path").asText());
  }

  @Test
  void someoneElsesDriveIsNotFoundAndUnknownDrivesLookTheSame() {
    Session bob = sessions.login("bob");
    assertRefused(bob.send("GET", "/t/storage/drives/" + drive, null), 404, "You have no drive");
    assertRefused(bob.send("GET", "/t/storage/drives/drv_nothere", null), 404, "You have no drive");
    assertRefused(bob.send("POST", "/t/storage/drives/" + drive + "/uploads", "{\"path\":\"x\",\"size\":0,\"sha256\":\""
        + RequestSignature.sha256Hex(new byte[0]) + "\"}"), 404, "You have no drive");
  }

  @Test
  void outputDrivesAreReadOnlyToTheirOwnerAndWritableOnlyByTheirJob() throws Exception {
    Drives drives = new Drives(new JsonObjects(store), Clock.systemUTC());
    Drives.DriveRecord output = drives.createOutputDrive("ada", "job-1 outputs");
    drives.write(output, "records.csv", new ByteArrayInputStream("t,T\n".getBytes(StandardCharsets.UTF_8)), 4);
    Reply read = ada.send("GET", "/t/storage/drives/" + output.id() + "/content?path=records.csv", null);
    assertEquals(200, read.status());
    assertEquals("t,T\n", read.body());
    assertRefused(ada.send("POST", "/t/storage/drives/" + output.id() + "/uploads", "{\"path\":\"x\",\"size\":0,"
        + "\"sha256\":\"" + RequestSignature.sha256Hex(new byte[0]) + "\"}"), 403, "read-only to you");

    Session job = sessions.login("ada", "drive:" + output.id() + ":write", java.time.Duration.ofMinutes(5));
    assertEquals(201, job.send("POST", "/t/storage/drives/" + output.id() + "/uploads", "{\"path\":\"x\",\"size\":0,"
        + "\"sha256\":\"" + RequestSignature.sha256Hex(new byte[0]) + "\"}").status(), "the job may write its drive");
    assertRefused(job.send("GET", "/t/storage/drives/" + drive + "/files", null), 404, "covers no drive");
    assertRefused(job.send("POST", "/t/storage/drives", "{\"name\":\"sneaky\"}"), 403, "is for people's sessions");
    assertRefused(job.send("GET", "/t/storage/drives", null), 403, "is for people's sessions");

    Session reader = sessions.login("ada", "drive:" + drive + ":read drive:" + output.id() + ":write",
        java.time.Duration.ofMinutes(5));
    assertEquals(200, reader.send("GET", "/t/storage/drives/" + drive + "/files", null).status(), "read is granted");
    assertRefused(reader.send("POST", "/t/storage/drives/" + drive + "/uploads", "{\"path\":\"x\",\"size\":0,"
        + "\"sha256\":\"" + RequestSignature.sha256Hex(new byte[0]) + "\"}"), 403, "but not change it");
  }

  @Test
  void smallFilesAreWrittenInOneCheckedRequest() {
    byte[] text = "time_ps,temperature_K\n0.0,60.0\n".getBytes(StandardCharsets.UTF_8);
    String path = "/t/storage/drives/" + drive + "/files?path=records/00000001.csv";
    assertRefused(ada.sendBytes("PUT", path, text, Map.of()), 400, "must give the file's SHA-256");
    assertRefused(ada.sendBytes("PUT", path, text, Map.of(StorageWire.FILE_SHA256_HEADER,
        RequestSignature.sha256Hex(new byte[] {1}))), 400, "File checksum mismatch");
    assertEquals(0, files(), "a refused write leaves nothing");
    Reply written = ada.sendBytes("PUT", path, text, Map.of(StorageWire.FILE_SHA256_HEADER,
        RequestSignature.sha256Hex(text)));
    assertEquals(201, written.status(), written.body());
    assertEquals(1, json(written).get("version").asInt());
    assertEquals(new String(text, StandardCharsets.UTF_8),
        ada.send("GET", "/t/storage/drives/" + drive + "/content?path=records/00000001.csv", null).body());
    assertRefused(ada.sendBytes("PUT", "/t/storage/drives/" + drive + "/files?path=../escape", text,
        Map.of(StorageWire.FILE_SHA256_HEADER, RequestSignature.sha256Hex(text))), 400, "..");
  }

  @Test
  void rangesResumeDownloads() throws Exception {
    Drives drives = new Drives(new JsonObjects(store), Clock.systemUTC());
    Drives.DriveRecord inputs = drives.open("ada", "inputs");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append(String.format("%05d", i));
    }
    byte[] file = text.toString().getBytes(StandardCharsets.US_ASCII);
    drives.write(inputs, "blob", new ByteArrayInputStream(file), file.length);
    Reply tail = ada.sendBytes("GET", "/t/storage/drives/" + inputs.id() + "/content?path=blob", null,
        Map.of("Range", "bytes=99990-"));
    assertEquals(206, tail.status());
    assertEquals("1999819999", tail.body());
    Reply middle = ada.sendBytes("GET", "/t/storage/drives/" + inputs.id() + "/content?path=blob", null,
        Map.of("Range", "bytes=50-59"));
    assertEquals("0001000011", middle.body());
    assertRefused(ada.sendBytes("GET", "/t/storage/drives/" + inputs.id() + "/content?path=blob", null,
        Map.of("Range", "bytes=200000-")), 416, "not within the file");
  }

  @Test
  void rangesFollowRfc9110AndNeverAnswerAReversedRange() throws Exception {
    Drives drives = new Drives(new JsonObjects(store), Clock.systemUTC());
    Drives.DriveRecord inputs = drives.open("ada", "ranges");
    byte[] file = "0123456789".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
    drives.write(inputs, "blob", new ByteArrayInputStream(file), file.length);
    drives.write(inputs, "empty", new ByteArrayInputStream(new byte[0]), 0);
    String blob = "/t/storage/drives/" + inputs.id() + "/content?path=blob";
    assertRefused(ada.sendBytes("GET", blob, null, Map.of("Range", "bytes=99999999999999999999-")), 416,
        "not within the file's 100000 bytes");
    for (String ignored : List.of("bytes=5-2", "bytes=0-1,5-6", "items=0-5", "bytes=x-y", "bytes=-")) {
      Reply whole = ada.sendBytes("GET", blob, null, Map.of("Range", ignored));
      assertEquals(200, whole.status(), ignored + ": " + whole.body());
      assertEquals(file.length, whole.body().length(), ignored);
    }
    Reply suffix = ada.sendBytes("GET", blob, null, Map.of("Range", "bytes=-12"));
    assertEquals(206, suffix.status());
    assertEquals("890123456789", suffix.body());
    Reply pastTheEnd = ada.sendBytes("GET", blob, null, Map.of("Range", "bytes=99998-99999999999999999999"));
    assertEquals(206, pastTheEnd.status());
    assertEquals("89", pastTheEnd.body());
    String empty = "/t/storage/drives/" + inputs.id() + "/content?path=empty";
    assertRefused(ada.sendBytes("GET", empty, null, Map.of("Range", "bytes=0-")), 416, "file's 0 bytes");
    assertEquals(200, ada.sendBytes("GET", empty, null, Map.of()).status());
  }

  @Test
  void aHugeDeclaredUploadIsBoundedInChunksAndItsErrorsInSize() {
    long tebibyte = 1L << 40;
    assertRefused(ada.send("POST", "/t/storage/drives/" + drive + "/uploads", "{\"path\":\"big\",\"size\":" + tebibyte
        + ",\"chunkSize\":" + CHUNK + "}"), 400, "at most 100000 chunks");
    Reply started = ada.send("POST", "/t/storage/drives/" + drive + "/uploads", "{\"path\":\"big\",\"size\":"
        + tebibyte + ",\"chunkSize\":" + Drives.MAX_CHUNK + "}");
    assertEquals(201, started.status(), started.body());
    Reply incomplete = complete(json(started).get("id").asText(), "{\"sha256\":\"" + "0".repeat(64) + "\"}");
    assertRefused(incomplete, 409, "missing 69906 of its 69906 chunks (the first 20: [0, 1, 2,");
    assertTrue(incomplete.body().length() < 600, incomplete.body().length() + " characters");
  }
}
