package io.acquire.services.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Requests written byte for byte on a socket: for what no HTTP client would send. */
public final class RawHttp {
  private RawHttp() {}

  /** Sends {@code request} as is to the server at {@code serverUrl} and returns all it answers until it closes. */
  public static String send(String serverUrl, String request) throws IOException {
    URI base = URI.create(serverUrl);
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          received.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // A reset after the answer.
      }
      return received.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
