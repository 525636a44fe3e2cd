package io.acquire.client.internal;

import com.fasterxml.jackson.databind.JavaType;
import io.acquire.client.AcquireException;
import io.acquire.client.InvalidResponseException;
import io.acquire.client.RetryPolicy;
import io.acquire.client.TransportException;
import io.acquire.client.wire.ErrorBody;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The SDK's one HTTP layer for one service: JSON in and out, every request signed when
 * a session is present (afresh on each attempt, since a nonce is accepted once), errors
 * mapped to {@link AcquireException}s, and the only place that retries.
 */
public final class Transport {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final byte[] EMPTY = new byte[0];
  private static final String EMPTY_SHA256 = RequestSignature.sha256Hex(EMPTY);
  /** Shown on the login page as "Browser or client", so people recognise where a login came from. */
  private static final String USER_AGENT = "acquire-java/0.1 (" + System.getProperty("os.name") + "; Java "
      + Runtime.version().feature() + ")";

  /** Whether a call may be repeated without changing its effect. */
  public enum Safety { SAFE, UNSAFE }

  private final OkHttpClient http;
  /** {@link #http} for streamed downloads, made when first needed. */
  private volatile OkHttpClient streaming;
  private volatile HttpUrl base;
  /** The base URL without trailing slashes, worked out once rather than per call. */
  private volatile String root;
  /** Given the base URL where nothing answered, the service's URL now (the same if unknown); or null. */
  private final UnaryOperator<String> relocator;
  private final RetryPolicy retry;
  private final Supplier<Session> session;
  private final Clock clock;

  /**
   * @param baseUrl the service's URL, such as {@code http://localhost:8080/t/identity}
   * @param session the session to sign with, or a supplier of null for unsigned calls
   */
  public Transport(OkHttpClient http, String baseUrl, RetryPolicy retry, Supplier<Session> session, Clock clock) {
    this(http, baseUrl, retry, session, clock, null);
  }

  /**
   * A transport that follows its service when it moves: when a call is refused a connection
   * or answered 404 or 410, it asks {@code relocator} (given the base URL that failed) for
   * the service's URL now, and if that differs, sends the call there instead, once.
   */
  public Transport(OkHttpClient http, String baseUrl, RetryPolicy retry, Supplier<Session> session, Clock clock,
      UnaryOperator<String> relocator) {
    this.relocator = relocator;
    this.http = Objects.requireNonNull(http, "http == null");
    HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(baseUrl, "baseUrl == null"));
    if (parsed == null) {
      throw new IllegalArgumentException("Not an http(s) URL: " + baseUrl);
    }
    this.base = parsed;
    this.root = parsed.toString().replaceAll("/+$", "");
    this.retry = Objects.requireNonNull(retry, "retry == null");
    this.session = Objects.requireNonNull(session, "session == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  public String baseUrl() {
    return base.toString();
  }

  public <T> T get(String path, Class<T> type) {
    return json(call("GET", path, null, Safety.SAFE, Map.of()), type);
  }

  public <T> T post(String path, Object body, Class<T> type, Safety safety) {
    return json(call("POST", path, Json.write(body), safety, Map.of()), type);
  }

  public <T> T put(String path, Object body, Class<T> type, Safety safety) {
    return json(call("PUT", path, Json.write(body), safety, Map.of()), type);
  }

  /** A call whose answer is not needed (204 or ignored). */
  public void send(String method, String path, Object body, Safety safety) {
    call(method, path, body == null ? null : Json.write(body), safety, Map.of());
  }

  /**
   * The raw exchange: sends {@code body} (null for none) with extra headers and returns the
   * successful answer's bytes and headers, after retries and error mapping.
   */
  public Reply call(String method, String path, byte[] body, Safety safety, Map<String, String> headers) {
    return call(method, path, body, null, safety, headers);
  }

  /** {@link #call} for a body whose SHA-256 the caller already has. */
  public Reply call(String method, String path, byte[] body, String bodySha256Hex, Safety safety,
      Map<String, String> headers) {
    byte[] bytes = body == null ? EMPTY : body;
    // A body is JSON unless the caller names its type.
    String type = headers.get("Content-Type");
    RequestBody request = body == null && !method.equals("POST") && !method.equals("PUT")
        ? null : RequestBody.create(bytes, type == null ? JSON : MediaType.get(type));
    return exchange(method, path, request, bodySha256Hex != null ? bodySha256Hex : RequestSignature.sha256Hex(bytes),
        safety, headers);
  }

  /**
   * {@link #call} with a binary body the caller streams (a drive's chunks, read from their
   * file as they are sent), announced by its SHA-256 in {@link
   * RequestSignature#CONTENT_SHA256_HEADER} so that the service can stream it too. A
   * retry writes {@code body} again, so it must be repeatable.
   */
  public Reply stream(String method, String path, RequestBody body, String bodySha256Hex, Safety safety,
      Map<String, String> headers) {
    Map<String, String> announced = new java.util.LinkedHashMap<>(headers);
    announced.put(RequestSignature.CONTENT_SHA256_HEADER, Objects.requireNonNull(bodySha256Hex, "bodySha256Hex == null"));
    return exchange(method, path, Objects.requireNonNull(body, "body == null"), bodySha256Hex, safety, announced);
  }

  private Reply exchange(String method, String path, RequestBody body, String bodySha256Hex, Safety safety,
      Map<String, String> headers) {
    HttpUrl url = resolve(path);
    int attempts = safety == Safety.SAFE ? retry.maxAttempts() : 1;
    boolean relocated = false;
    for (int attempt = 1; ; attempt++) {
      Duration retryAfter = null;
      try (Response response = http.newCall(request(method, url, body, bodySha256Hex, headers)).execute()) {
        byte[] bytes = bytes(response.body());
        if (response.isSuccessful()) {
          return new Reply(response.code(), bytes, response.headers().toMultimap());
        }
        if (!relocated && isGone(response.code())) {
          relocated = true; // asked once per call
          if (relocate()) {
            // Another server, or none, at the old address: the call did nothing there.
            url = resolve(path);
            attempt--;
            continue;
          }
        }
        AcquireException error = error(response, bytes);
        if (attempt >= attempts || !RetryPolicy.isRetryableStatus(response.code())) {
          throw error;
        }
        retryAfter = retryAfter(response.header("Retry-After"));
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted() || (e instanceof InterruptedIOException && !isTimeout(e))) {
          throw new TransportException("Call to " + url.redact() + " was interrupted.", e);
        }
        if (!relocated && isRefused(e)) {
          relocated = true;
          if (relocate()) {
            // Nothing was sent, so even an unsafe call may go to the new address.
            url = resolve(path);
            attempt--;
            continue;
          }
        }
        // An untrusted certificate stays untrusted: asking again cannot help.
        if (attempt >= attempts || untrustedCertificate(e)) {
          throw new TransportException("Cannot reach " + url.redact() + ": " + describe(e)
              + (attempt > 1 ? " (after " + attempt + " attempts)" : "") + "." + hint(url, e), e);
        }
      }
      backOff(attempt, retryAfter, url.redact());
    }
  }

  /**
   * Waits before attempt {@code attempt + 1} as the retry policy says ({@code retryAfter}
   * from the server, or null); {@code what} names the call for the error if interrupted.
   * Callers that retry on their own (a direct chunk PUT) wait here too.
   */
  public void backOff(int attempt, Duration retryAfter, String what) {
    try {
      retry.sleeper().sleep(retry.delayAfter(attempt, retryAfter));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("Interrupted while waiting to retry " + what + ".", e);
    }
  }

  /**
   * A signed GET whose body the caller streams (for downloads of any size); not retried,
   * since the caller knows how far it got. The caller closes the response.
   */
  public Response openStream(String path, Map<String, String> headers) {
    return openStream(path, headers, false);
  }

  private Response openStream(String path, Map<String, String> headers, boolean relocated) {
    HttpUrl url = resolve(path);
    Response response;
    try {
      response = executeWatched(streaming().newCall(request("GET", url, null, EMPTY_SHA256, headers)));
    } catch (IOException e) {
      if (!relocated && isRefused(e) && relocate()) {
        return openStream(path, headers, true);
      }
      throw new TransportException("Cannot reach " + url.redact() + ": " + describe(e) + "." + hint(url, e), e);
    }
    if (!relocated && isGone(response.code()) && relocate()) {
      response.close();
      return openStream(path, headers, true);
    }
    if (!response.isSuccessful()) {
      try (response) {
        throw error(response, bytes(response.body()));
      } catch (IOException e) {
        throw new TransportException("Cannot read the error from " + url.redact() + ".", e);
      }
    }
    return response;
  }

  /**
   * Executes {@code call}, made on {@link #streaming}, with this transport's read timeout kept
   * by a {@link StallWatch}, which also watches each read of the answer's body.
   */
  private Response executeWatched(Call call) throws IOException {
    StallWatch watch = StallWatch.start(call, http.readTimeoutMillis());
    Response answer;
    try {
      answer = call.execute();
    } catch (IOException e) {
      watch.stop();
      throw watch.explain(e);
    }
    watch.idle();
    return answer.newBuilder().body(watch.watch(answer.body())).build();
  }

  /** This transport's client without OkHttp's per-read timeout, which {@link StallWatch} replaces for streams. */
  private OkHttpClient streaming() {
    OkHttpClient client = streaming;
    if (client == null) { // a race builds two, alike; either will do
      client = http.newBuilder().readTimeout(Duration.ZERO).build();
      streaming = client;
    }
    return client;
  }

  /**
   * When calls are tried again; callers that retry on their own (a direct chunk PUT) follow
   * it, waiting with {@link #backOff}.
   */
  public RetryPolicy retry() {
    return retry;
  }

  /**
   * An unsigned request to a presigned URL of the store ({@code StorageWire.DirectUrl}), with
   * the headers its signature covers; the caller closes the response. Failures name the URL
   * without its query string, which holds the signature.
   */
  public Response direct(String method, String presignedUrl, RequestBody body, Map<String, String> headers) {
    HttpUrl url = HttpUrl.parse(Objects.requireNonNull(presignedUrl, "presignedUrl == null"));
    if (url == null) {
      throw new InvalidResponseException(200, "The service gave a store URL that is not an http(s) URL.", null);
    }
    Request.Builder request = new Request.Builder().url(url).method(method, body).header("User-Agent", USER_AGENT);
    headers.forEach(request::header);
    try {
      // A GET streams a chunk: its read timeout is watched as a download's (see openStream).
      return body == null && method.equals("GET") ? executeWatched(streaming().newCall(request.build()))
          : http.newCall(request.build()).execute();
    } catch (IOException e) {
      throw new TransportException("Cannot reach the store at " + url.redact() + ": " + describe(e) + ".", e);
    }
  }

  /** Asks the relocator where the service is now; true if it moved (and this transport with it). */
  private boolean relocate() {
    if (relocator == null) {
      return false;
    }
    String failed = root;
    String now = relocator.apply(failed);
    HttpUrl parsed = now == null ? null : HttpUrl.parse(now);
    if (parsed == null || parsed.toString().replaceAll("/+$", "").equals(failed)) {
      return false;
    }
    base = parsed;
    root = parsed.toString().replaceAll("/+$", "");
    return true;
  }

  /** No service at the address: a refused connection or an unknown host (a timeout may be a slow service). */
  private static boolean isRefused(IOException e) {
    return e instanceof java.net.ConnectException || e instanceof java.net.UnknownHostException
        || e instanceof java.net.NoRouteToHostException;
  }

  /** Answers that may mean another server now holds the address: the service is not there. */
  private static boolean isGone(int status) {
    return status == 404 || status == 410;
  }

  private HttpUrl resolve(String path) {
    HttpUrl url = HttpUrl.parse(root + path);
    if (url == null) {
      throw new IllegalArgumentException("Not a valid path: " + path);
    }
    return url;
  }

  private Request request(String method, HttpUrl url, RequestBody body, String bodySha256Hex,
      Map<String, String> headers) {
    Request.Builder request = new Request.Builder().url(url).method(method, body);
    request.header("User-Agent", USER_AGENT);
    headers.forEach(request::header);
    Session current = session.get();
    if (current != null) {
      String target = url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery());
      RequestSignature.signDigest(current.key(), current.certificate(), method, target, bodySha256Hex,
          clock.instant().getEpochSecond()).forEach(request::header);
    }
    return request.build();
  }

  private static byte[] bytes(ResponseBody body) throws IOException {
    return body == null ? EMPTY : body.bytes();
  }

  private static AcquireException error(Response response, byte[] bytes) {
    String requestId = response.header(RequestSignature.REQUEST_ID_HEADER);
    ErrorBody body = null;
    try {
      body = bytes.length == 0 ? null : Json.read(bytes, ErrorBody.class);
    } catch (RuntimeException e) {
      // Not our error shape: a proxy or another server answered. Say so below.
    }
    if (body == null || body.message() == null) {
      return Errors.of(response.code(), null, "HTTP " + response.code() + " with no Acquire error body"
          + " (is the URL an Acquire service?)", requestId, retryAfter(response.header("Retry-After")));
    }
    return Errors.of(response.code(), body.error(), body.message(),
        body.requestId() != null ? body.requestId() : requestId, retryAfter(response.header("Retry-After")));
  }

  private static <T> T json(Reply reply, Class<T> type) {
    if (type == Void.class) {
      return null;
    }
    try {
      JavaType javaType = Json.mapper().constructType(type);
      T value = Json.mapper().readValue(reply.body(), javaType);
      if (value == null) {
        throw new IOException("empty answer");
      }
      return value;
    } catch (IOException e) {
      throw new InvalidResponseException(reply.status(), "The service's answer is not the expected "
          + type.getSimpleName() + " JSON: " + e.getClass().getSimpleName(), reply.header(RequestSignature.REQUEST_ID_HEADER));
    }
  }

  private static Duration retryAfter(String header) {
    if (header == null) {
      return null;
    }
    try {
      return Duration.ofSeconds(Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean isTimeout(IOException e) {
    return e instanceof java.net.SocketTimeoutException
        || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()));
  }

  /** Whether TLS verification refused the server: its certificate chain or its host name. */
  private static boolean untrustedCertificate(IOException e) {
    if (e instanceof javax.net.ssl.SSLPeerUnverifiedException) {
      return true;
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.security.cert.CertificateException
          || cause instanceof java.security.cert.CertPathValidatorException) {
        return true;
      }
    }
    return false;
  }

  /** What to check when nothing answered at all: most often the backend is not running. */
  private static String hint(HttpUrl url, IOException e) {
    if (e instanceof javax.net.ssl.SSLPeerUnverifiedException) {
      return " The server's certificate is not issued for " + url.host() + ": use the host name the certificate "
          + "names in the URL (often the backend's --public-url), or ask its operator for a certificate that names "
          + url.host() + ".";
    }
    if (untrustedCertificate(e)) {
      return " The server's certificate is not trusted (expired, self-signed, or signed by a CA this JVM does not "
          + "know). If your institution runs its own CA, pass its certificate to "
          + "User.builder().trustedCertificates(path); do not turn verification off.";
    }
    if (e instanceof javax.net.ssl.SSLException && url.isHttps()) {
      return " Is the backend serving plain HTTP? Then use http:// (and put TLS in front of it beyond a trusted network).";
    }
    if (e instanceof java.net.ConnectException || e instanceof java.net.UnknownHostException) {
      return " Is the Acquire backend running at " + url.scheme() + "://" + url.host() + ":" + url.port()
          + "? Start it with scripts/backend.sh, or check the URL.";
    }
    return "";
  }

  private static String describe(IOException e) {
    if (isTimeout(e)) {
      return "timed out";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }

  /** A successful answer. */
  public record Reply(int status, byte[] body, Map<String, java.util.List<String>> headers) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }
}
