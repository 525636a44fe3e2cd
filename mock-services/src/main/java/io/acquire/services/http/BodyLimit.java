package io.acquire.services.http;

import io.acquire.client.wire.ErrorBody;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Bounds every request body while it streams, whatever the client announces: a body
 * whose Content-Length is over its endpoint's limit is refused before a byte is read, and
 * one of unknown length (chunked) fails with a 413 {@link ApiException} on the read that
 * passes the limit, so no handler, nor Javalin's own body reader, can buffer more than the
 * limit. File contents (chunks, small files, uploads through links and the console's upload
 * form) may be large; every other endpoint takes JSON or a form, and gets {@link #JSON_LIMIT}.
 */
public final class BodyLimit implements Filter {
  /** The most a JSON or form body may hold: every such request of the protocol is a few hundred bytes. */
  public static final long JSON_LIMIT = 256 * 1024;
  private static final Pattern FILE_CONTENT =
      Pattern.compile("/t/storage/(drives/[^/]+/(uploads/[^/]+/chunks/[^/]+|files)/?|l/.+)");
  /** The web console's upload form: a multipart body carrying one file. */
  private static final Pattern CONSOLE_UPLOAD = Pattern.compile("/console/drives/[^/]+/upload/?");

  private final long fileLimit;
  private final int maxBodiesPerSource;
  /** Requests whose bodies are being read, by source address. */
  private final java.util.concurrent.ConcurrentHashMap<String, Integer> reading =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param fileLimit the most a request carrying file contents may hold
   * @param maxBodiesPerSource how many requests with bodies one source address may have in
   *     flight at once: a thread waits on each body while it arrives, so without a cap a
   *     few slow clients could hold every thread of the server
   */
  public BodyLimit(long fileLimit, int maxBodiesPerSource) {
    this.fileLimit = fileLimit;
    this.maxBodiesPerSource = maxBodiesPerSource;
  }

  long limitFor(HttpServletRequest request) {
    String path = request.getRequestURI();
    boolean file = "PUT".equals(request.getMethod()) && FILE_CONTENT.matcher(path).matches()
        || "POST".equals(request.getMethod()) && CONSOLE_UPLOAD.matcher(path).matches();
    return file ? fileLimit : JSON_LIMIT;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    long limit = limitFor(http);
    long declared = http.getContentLengthLong();
    if (declared > limit) {
      refuse((HttpServletResponse) response, "Request body is " + declared + " bytes, over the limit of "
          + limit + " bytes for this endpoint.");
      return;
    }
    boolean hasBody = declared > 0 || http.getHeader("Transfer-Encoding") != null;
    if (!hasBody) {
      chain.doFilter(new Bounded(http, limit), response);
      return;
    }
    String source = http.getRemoteAddr();
    boolean[] admitted = new boolean[1];
    reading.compute(source, (key, count) -> {
      int now = count == null ? 0 : count;
      admitted[0] = now < maxBodiesPerSource;
      return admitted[0] ? now + 1 : count;
    });
    if (!admitted[0]) {
      HttpServletResponse refused = (HttpServletResponse) response;
      refused.setHeader("Retry-After", "1");
      answer(refused, 429, "too_many_requests", "This address already has " + maxBodiesPerSource
          + " requests sending bodies; wait for them to finish.");
      return;
    }
    try {
      chain.doFilter(new Bounded(http, limit), response);
    } finally {
      reading.computeIfPresent(source, (key, count) -> count <= 1 ? null : count - 1);
    }
  }

  /** The JSON error shape, answered before Javalin sees the request; the connection is closed after it. */
  private static void refuse(HttpServletResponse response, String message) throws IOException {
    answer(response, 413, "too_large", message);
  }

  private static void answer(HttpServletResponse response, int status, String error, String message)
      throws IOException {
    String requestId = newRequestId();
    response.setStatus(status);
    response.setHeader(RequestSignature.REQUEST_ID_HEADER, requestId);
    response.setHeader("Connection", "close");
    response.setContentType("application/json");
    response.getOutputStream().write(Json.write(new ErrorBody(status, error, message, requestId)));
  }

  /** Request ids only tell requests apart in logs; they need no secure random source. */
  public static String newRequestId() {
    return "req_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  private static final class Bounded extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    Bounded(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new Counting(super.getInputStream(), limit);
      }
      return stream;
    }
  }

  private static final class Counting extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private long read;

    Counting(ServletInputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n;
      try {
        // Asking for at most one byte past the limit is enough to see that the body goes over it.
        n = in.read(buffer, offset, (int) Math.min(length, Math.max(1, limit + 1 - read)));
      } catch (IOException | RuntimeException e) {
        // Jetty reports a body it cannot parse (a malformed chunk size, say) as an exception of its own.
        throw ApiException.badRequest("Request body could not be read: it is malformed (such as a bad chunk size) "
            + "or the connection broke.");
      }
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    private void counted(int n) {
      read += n;
      if (read > limit) {
        throw ApiException.tooLarge("Request body is over the limit of " + limit + " bytes for this endpoint.");
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }
  }
}
