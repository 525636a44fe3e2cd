package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.StorageWire;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reads with {@code ?wait=}: a long poll for a file that is not there yet (a running job's next record part). */
class WaitingReadsTest {
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final AcquireServer server = AcquireServer.builder().store(store).port(0)
      .services(List.of("registry", "storage")).option("storage.max-waiting-reads", "2").start();
  private final TestSessions sessions = new TestSessions(store, server.url());
  private final Session ada = sessions.login("ada");
  private final String drive = json(ada.send("POST", "/t/storage/drives", "{\"name\":\"outputs\"}"));
  private AcquireServer other;

  @AfterEach
  void stop() {
    server.close();
    if (other != null) {
      other.close();
    }
  }

  private static String json(Reply reply) {
    try {
      return Json.mapper().readTree(reply.body()).get("id").asText();
    } catch (java.io.IOException e) {
      throw new AssertionError(reply.body(), e);
    }
  }

  private Reply read(Session session, String path, String wait) {
    return session.send("GET", "/t/storage/drives/" + drive + "/content?path="
        + URLEncoder.encode(path, StandardCharsets.UTF_8) + (wait == null ? "" : "&wait=" + wait), null);
  }

  private Reply write(Session session, String path, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return session.sendBytes("PUT", "/t/storage/drives/" + drive + "/files?path="
        + URLEncoder.encode(path, StandardCharsets.UTF_8), bytes, Map.of(StorageWire.FILE_SHA256_HEADER,
        RequestSignature.sha256Hex(bytes), "Content-Type", "application/octet-stream"));
  }

  @Test
  void aWaitingReadAnswersWithTheFileAsSoonAsItIsWritten() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> read(ada, "records/00000001.csv", "10"));
    Thread.sleep(300);
    assertTrue(!waiting.isDone(), "the read waits while there is no file");
    assertEquals(201, write(ada, "records/00000001.csv", "t,T\n1,2\n").status());
    Reply reply = waiting.get(5, TimeUnit.SECONDS);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, reply.status(), reply.body());
    assertEquals("t,T\n1,2\n", reply.body());
    assertTrue(millis >= 300 && millis < 5_000, "answered when the file came, after " + millis + " ms");
  }

  @Test
  void aWaitingReadSeesAFileWrittenThroughAnotherProcessSharingTheStore() throws Exception {
    other = AcquireServer.builder().store(store).port(0).services(List.of("registry", "storage")).start();
    CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> read(ada, "records/00000001.csv", "10"));
    Thread.sleep(300);
    assertEquals(201, write(ada.at(other.url()), "records/00000001.csv", "t,T\n1,2\n").status());
    Reply reply = waiting.get(5, TimeUnit.SECONDS);
    assertEquals(200, reply.status(), reply.body());
    assertEquals("t,T\n1,2\n", reply.body());
  }

  @Test
  void aWaitForAFileThatNeverComesEndsAsAReadWithoutOne() {
    long start = System.nanoTime();
    Reply reply = read(ada, "records/00000001.csv", "1");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(404, reply.status(), reply.body());
    assertTrue(reply.body().contains("No file records/00000001.csv"), reply.body());
    assertTrue(millis >= 900, "waited its second: " + millis + " ms");
  }

  @Test
  void anExistingFileIsAnsweredAtOnce() {
    write(ada, "records/00000001.csv", "t,T\n1,2\n");
    long start = System.nanoTime();
    Reply reply = read(ada, "records/00000001.csv", "20");
    assertEquals(200, reply.status(), reply.body());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "no wait for a file that is there");
  }

  @Test
  void pastTheBoundOnWaitingReadsAReadAnswersAtOnce() throws Exception {
    CompletableFuture<Reply> first = CompletableFuture.supplyAsync(() -> read(ada, "a.csv", "3"));
    CompletableFuture<Reply> second = CompletableFuture.supplyAsync(() -> read(ada, "b.csv", "3"));
    Thread.sleep(500);
    long start = System.nanoTime();
    Reply third = read(ada, "c.csv", "3");
    assertEquals(404, third.status(), third.body());
    assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2_000), "the third did not wait");
    assertEquals(404, first.get(10, TimeUnit.SECONDS).status());
    assertEquals(404, second.get(10, TimeUnit.SECONDS).status());
  }

  @Test
  void aWaitThatIsNotWholeSecondsUpToTwentyIsRefused() {
    for (String wait : List.of("-1", "21", "soon", "1.5")) {
      Reply reply = read(ada, "records/00000001.csv", wait);
      assertEquals(400, reply.status(), wait + ": " + reply.body());
      assertTrue(reply.body().contains("Query 'wait' must be"), reply.body());
    }
  }
}
