package io.acquire.services.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The S3 client's HTTP transport on the JDK's own {@link HttpClient} (HTTP/1.1), in place of
 * the SDK's Apache client. Measured against the same S3Proxy on this project's machines
 * (docs/performance.md, "Drives on S3"), the Apache client moved an 8 MiB object 2 to 13 times
 * slower than the JDK's client or {@code HttpURLConnection}, whatever its buffer sizes, while
 * the SDK itself (signing, marshalling) costs little: through this transport the SDK's
 * {@code PutObject} and {@code GetObject} ran at the speed of a bare presigned request.
 *
 * <p>What the store relies on holds: the JDK client resends only GET and HEAD after a pooled
 * connection turns out closed, never a PUT, so a conditional put's first answer is its own
 * (see {@link S3ObjectStore}'s create); bodies stream with their known length; headers the JDK
 * sets itself (Host, Content-Length, Expect) are left to it with the same values the SDK signed,
 * and {@code Expect: 100-continue} is honoured, so a losing create-if-absent sends no body.
 */
final class S3JdkTransport implements SdkHttpClient {
  /** Headers the JDK's client writes itself and refuses from callers. */
  private static final Set<String> OWN_HEADERS = Set.of("host", "content-length", "expect", "connection", "upgrade");

  private final HttpClient http;
  private final Duration timeout;

  S3JdkTransport(Duration connectTimeout, Duration timeout) {
    // The JVM's proxy settings (http.proxyHost, https.proxyHost, http.nonProxyHosts), as the Apache client read them.
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    ProxySelector proxies = ProxySelector.getDefault();
    this.http = (proxies == null ? builder : builder.proxy(proxies)).build();
    this.timeout = timeout;
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    HttpRequest built = toJdk(request);
    return new ExecutableHttpRequest() {
      private volatile CompletableFuture<HttpResponse<InputStream>> sent;

      @Override
      public HttpExecuteResponse call() throws IOException {
        sent = http.sendAsync(built, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response;
        try {
          response = sent.get();
        } catch (InterruptedException e) {
          sent.cancel(true);
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted during " + built.method() + " " + built.uri().getPath());
        } catch (CancellationException e) {
          throw new IOException("aborted: " + built.method() + " " + built.uri().getPath(), e);
        } catch (ExecutionException e) {
          throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        SdkHttpResponse head = SdkHttpResponse.builder().statusCode(response.statusCode())
            .headers(response.headers().map()).build();
        InputStream body = response.body();
        return HttpExecuteResponse.builder().response(head).responseBody(AbortableInputStream.create(body, () -> {
          try {
            body.close();
          } catch (IOException e) {
            // Closing an aborted body: nothing more to release.
          }
        })).build();
      }

      @Override
      public void abort() {
        CompletableFuture<HttpResponse<InputStream>> future = sent;
        if (future != null) {
          future.cancel(true);
        }
      }
    };
  }

  private HttpRequest toJdk(HttpExecuteRequest request) {
    SdkHttpRequest sdk = request.httpRequest();
    HttpRequest.Builder builder = HttpRequest.newBuilder(sdk.getUri()).timeout(timeout);
    sdk.forEachHeader((name, values) -> {
      if (!OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(value -> builder.header(name, value));
      }
    });
    builder.expectContinue(sdk.firstMatchingHeader("Expect").filter("100-continue"::equalsIgnoreCase).isPresent());
    long length = sdk.firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(-1L);
    HttpRequest.BodyPublisher body;
    if (request.contentStreamProvider().isEmpty() || length == 0) {
      body = HttpRequest.BodyPublishers.noBody();
    } else {
      HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(
          () -> request.contentStreamProvider().get().newStream());
      // Known length: sent as is; unknown: chunked transfer encoding.
      body = length > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
    }
    return builder.method(sdk.method().name(), body).build();
  }

  @Override
  public String clientName() {
    return "JdkHttp";
  }

  /** The JDK's client (Java 17) has no close: its pool's threads end once it is unreachable. */
  @Override
  public void close() {}
}
