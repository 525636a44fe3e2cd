package io.acquire.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.internal.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streamed downloads keep the client's read timeout (1 s here) though OkHttp's per-read
 * timeout is off for them: a server that stops sending fails the read, one that keeps
 * sending slowly does not, nor does a reader that pauses. A raw socket server plays the
 * stalling service.
 */
class StreamTimeoutTest {
  private static final int PIECES = 5;
  private static final byte[] PIECE = "0123456789".getBytes(StandardCharsets.US_ASCII);

  private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofMillis(1000)).build();
  private final CountDownLatch release = new CountDownLatch(1);
  private ServerSocket server;

  @AfterEach
  void stop() throws IOException {
    release.countDown();
    server.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** Answers one request: headers unless {@code silent}, then the pieces {@code gapMillis} apart, then (if {@code stall}) nothing. */
  private Transport serve(boolean silent, long gapMillis, boolean stall) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(() -> {
      try (Socket socket = server.accept()) {
        InputStream in = socket.getInputStream();
        in.read(new byte[8192]); // the request; its exact bytes do not matter here
        OutputStream out = socket.getOutputStream();
        if (!silent) {
          int length = PIECE.length * (PIECES + (stall ? 1 : 0));
          out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          for (int i = 0; i < PIECES; i++) {
            out.write(PIECE);
            out.flush();
            Thread.sleep(gapMillis);
          }
        }
        release.await(); // holds the connection open, sending nothing more
      } catch (IOException | InterruptedException e) {
        // the test is over
      }
    }, "stalling-server");
    thread.setDaemon(true);
    thread.start();
    return new Transport(http, "http://127.0.0.1:" + server.getLocalPort(), RetryPolicy.none(), () -> null,
        Clock.systemUTC());
  }

  @Test
  void aStreamThatStopsSendingFailsAsATimeoutAfterTheReadTimeout() throws Exception {
    Transport transport = serve(false, 0, true);
    try (Response response = transport.openStream("/file", Map.of())) {
      InputStream body = response.body().byteStream();
      assertArrayEquals(PIECE, body.readNBytes(PIECE.length), "what was sent arrives");
      long start = System.nanoTime();
      IOException e = assertThrows(IOException.class, () -> body.readNBytes(PIECE.length * PIECES));
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertInstanceOf(SocketTimeoutException.class, e, e.toString());
      assertTrue(e.getMessage().contains("timed out"), e.getMessage());
      assertTrue(waited >= 700 && waited < 10_000, "failed after " + waited + " ms, not about the 1 s timeout");
    }
  }

  @Test
  void aChunkFromTheStoreThatStopsSendingFailsAsATimeoutToo() throws Exception {
    Transport transport = serve(false, 0, true);
    try (Response response = transport.direct("GET", "http://127.0.0.1:" + server.getLocalPort() + "/chunk?X-Amz-Signature=s",
        null, Map.of())) {
      InputStream body = response.body().byteStream();
      assertArrayEquals(PIECE, body.readNBytes(PIECE.length));
      IOException e = assertThrows(IOException.class, () -> body.readNBytes(PIECE.length * PIECES));
      assertInstanceOf(SocketTimeoutException.class, e, e.toString());
    }
  }

  @Test
  void aStreamThatKeepsSendingSlowlyOutlastsTheReadTimeout() throws Exception {
    Transport transport = serve(false, 400, false); // 2 s in all, twice the timeout, never 1 s without a byte
    release.countDown();
    try (Response response = transport.openStream("/file", Map.of())) {
      assertEquals(PIECE.length * PIECES, response.body().bytes().length);
    }
  }

  @Test
  void aReaderThatPausesLongerThanTheTimeoutBetweenReadsIsNotCutOff() throws Exception {
    Transport transport = serve(false, 100, false);
    release.countDown();
    try (Response response = transport.openStream("/file", Map.of())) {
      InputStream body = response.body().byteStream();
      assertArrayEquals(PIECE, body.readNBytes(PIECE.length));
      Thread.sleep(1600); // the rest arrives meanwhile, unread: only a read's own wait counts
      assertEquals(PIECE.length * (PIECES - 1), body.readAllBytes().length);
    }
  }

  @Test
  void aServiceThatNeverAnswersTimesOutRatherThanHanging() throws Exception {
    Transport transport = serve(true, 0, true);
    TransportException e = assertThrows(TransportException.class, () -> transport.openStream("/file", Map.of()));
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
  }
}
