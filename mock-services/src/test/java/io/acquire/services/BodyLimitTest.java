package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.Money;
import io.acquire.client.User;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.RealLogins;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request bodies are bounded while they stream, whatever the client announces. */
class BodyLimitTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private final OkHttpClient http = new OkHttpClient();

  @TempDir
  Path data;

  private AcquireServer start() {
    return AcquireServer.builder().store(new MemoryObjectStore()).port(0).option("identity.bcrypt-cost", "4").start();
  }

  @Test
  void aChunkedJsonBodyOverTheLimitIsRefusedWith413InTheJsonErrorShape() throws Exception {
    try (AcquireServer server = start()) {
      String answer = sendChunked(URI.create(server.url()), "/t/identity/users", 4L * 1024 * 1024);
      assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
      assertTrue(answer.contains("\"error\":\"too_large\""), answer);
      assertTrue(answer.contains("limit of 262144 bytes"), answer);
      assertTrue(server.store().list("identity/users/").isEmpty());
    }
  }

  @Test
  void aDeclaredLengthOverTheJsonLimitIsRefusedBeforeTheBodyIsRead() throws Exception {
    try (AcquireServer server = start()) {
      byte[] body = new byte[300 * 1024];
      try (Response response = http.newCall(new Request.Builder().url(server.url() + "/t/identity/logins")
          .post(RequestBody.create(body, JSON)).build()).execute()) {
        assertEquals(413, response.code());
        String text = response.body().string();
        assertTrue(text.contains("\"error\":\"too_large\"") && text.contains("307200"), text);
        assertTrue(response.header("X-Request-Id").startsWith("req_"));
      }
    }
  }

  @Test
  void jsonOutsideJacksonsLimitsIsABadRequestNotAFailure() throws Exception {
    try (AcquireServer server = start()) {
      String longNumber = "{\"username\": \"ada\", \"password\": " + "9".repeat(1001) + "}";
      String deep = "[".repeat(1001) + "]".repeat(1001);
      String deepObject = "{\"username\":" + "{\"a\":".repeat(1001) + "1" + "}".repeat(1001) + "}";
      for (String body : List.of(longNumber, deep, deepObject)) {
        try (Response response = http.newCall(new Request.Builder().url(server.url() + "/t/identity/users")
            .post(RequestBody.create(body, JSON)).build()).execute()) {
          String text = response.body().string();
          assertEquals(400, response.code(), text);
          assertTrue(text.contains("\"error\":\"invalid_request\""), text);
        }
      }
    }
  }

  /**
   * A backend in a JVM with a 256 MiB heap is sent 2 GiB bodies with chunked encoding (no
   * length announced): it must refuse each early, without buffering it (which would run out
   * of memory), while another user's signed transfers keep succeeding throughout.
   */
  @Test
  void twoGibibytesChunkedToA256MibHeapAreRefusedWhileAnotherUsersTransfersSucceed() throws Exception {
    Path store = Files.createDirectory(data.resolve("store"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), AcquireServer.class.getName(),
        "--port", "0", "--data", store.toString(), "--services", "registry,identity,accounting",
        "--set", "identity.bcrypt-cost=4", "--set", "identity.poll-interval-seconds=1")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    ExecutorService transfers = Executors.newSingleThreadExecutor();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String ready = out.readLine();
      assertTrue(ready != null && ready.startsWith("Acquire backend ready at "), String.valueOf(ready));
      URI base = URI.create(ready.split(" ")[4]);
      User ada = RealLogins.loggedIn(base.toString(), "ada");
      User bob = RealLogins.loggedIn(base.toString(), "bob");
      Account from = Account.create(ada, "main");
      Account to = Account.create(bob, "main");
      Money before = to.balance();
      AtomicBoolean attacking = new AtomicBoolean(true);
      Future<Integer> done = transfers.submit(() -> {
        int count = 0;
        while (attacking.get() || count == 0) {
          from.transferTo(to, Money.of("0.01", "GBP"), "during the flood " + count);
          count++;
        }
        return count;
      });
      for (int i = 0; i < 2; i++) {
        String answer = sendChunked(base, "/t/identity/users", 2L << 30);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
      }
      attacking.set(false);
      int count = done.get(60, TimeUnit.SECONDS);
      assertEquals(before.plus(Money.ofMinorUnits(count, "GBP")), to.balance(),
          "every one of the " + count + " transfers made during the flood arrived");
      try (Response response = http.newCall(new Request.Builder().url(base + "/t/registry").build()).execute()) {
        assertEquals(200, response.code());
      }
      assertTrue(child.isAlive());
    } finally {
      transfers.shutdownNow();
      child.destroy();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * POSTs {@code total} bytes of JSON-looking filler with chunked transfer encoding and
   * returns the raw answer; stops sending when the server stops reading.
   */
  static String sendChunked(URI base, String path, long total) throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      InputStream in = socket.getInputStream();
      CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
          for (int n; (n = in.read(buffer)) > 0 && received.size() < 1 << 20; ) {
            received.write(buffer, 0, n);
          }
        } catch (IOException e) {
          // Reset after the answer: what was received is the answer.
        }
        return received.toString(StandardCharsets.ISO_8859_1);
      });
      OutputStream out = socket.getOutputStream();
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      try {
        out.write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (long sent = 0; sent < total && !answer.isDone(); sent += chunk.length) {
          out.write(size);
          out.write(chunk);
          out.write(new byte[] {'\r', '\n'});
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // The server answered and closed while the body was still arriving.
      }
      return answer.get(60, TimeUnit.SECONDS);
    }
  }
}
