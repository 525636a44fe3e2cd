package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.store.MemoryObjectStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Clients that send their bodies slowly cannot hold every server thread. */
class SlowClientTest {
  private static final int SLOW_CLIENTS = 300;

  @Test
  void threeHundredSlowSendersLeaveOtherRequestsFast() throws Exception {
    try (AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
        .services(List.of("registry", "identity")).start()) {
      URI base = URI.create(server.url());
      List<Socket> senders = new ArrayList<>();
      List<Socket> all = new ArrayList<>();
      try {
        for (int i = 0; i < SLOW_CLIENTS; i++) {
          Socket socket = new Socket(base.getHost(), base.getPort());
          socket.getOutputStream().write(("POST /t/identity/users HTTP/1.1\r\nHost: x\r\nContent-Type: "
              + "application/json\r\nContent-Length: 200000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
          senders.add(socket);
          all.add(socket);
        }
        // Each keeps sending 2 KB/s, never idle long enough to be cut off, while reads are timed.
        Thread trickle = new Thread(() -> {
          byte[] bytes = new byte[200];
          java.util.Arrays.fill(bytes, (byte) ' ');
          while (!Thread.currentThread().isInterrupted()) {
            for (Iterator<Socket> it = senders.iterator(); it.hasNext(); ) {
              Socket socket = it.next();
              try {
                OutputStream out = socket.getOutputStream();
                out.write(bytes);
                out.flush();
              } catch (IOException e) {
                it.remove();
              }
            }
            try {
              Thread.sleep(100);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        trickle.start();
        Thread.sleep(1000);
        OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5)).build();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          long start = System.nanoTime();
          try (Response response = http.newCall(new Request.Builder().url(server.url() + "/t/registry").build())
              .execute()) {
            assertEquals(200, response.code());
          } catch (IOException e) {
            millis.add(5_000L);
            continue;
          }
          millis.add((System.nanoTime() - start) / 1_000_000);
        }
        trickle.interrupt();
        trickle.join();
        millis.sort(null);
        long p95 = millis.get(18);
        assertTrue(p95 < 1000, "p95 " + p95 + " ms: " + millis);
        int answered = 0;
        for (Socket socket : all) {
          answered += socket.getInputStream().available() > 0 ? 1 : 0;
        }
        assertTrue(answered >= SLOW_CLIENTS - AcquireServer.DEFAULT_BODIES_PER_SOURCE,
            "only " + answered + " slow senders were refused at once (429)");
      } finally {
        for (Socket socket : all) {
          socket.close();
        }
      }
    }
  }
}
