package io.acquire.services.registry;

import io.acquire.client.wire.ErrorBody;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.SigningKey;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.ServiceSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls from this service to another over HTTP, signed with this service's key
 * ({@link ServiceSignature}) and addressed by the registry. A call that finds the other
 * service down (no connection, 502, 503, 504) is signed afresh and sent again, to the URL
 * the registry then lists, until its patience runs out: every endpoint between services is
 * idempotent, so a repeat never acts twice. The other service's 4xx answers come back as
 * the same {@link ApiException}, since their messages are meant for the person.
 */
public final class ServiceClient {
  private static final Logger log = LoggerFactory.getLogger(ServiceClient.class);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration FIRST_WAIT = Duration.ofMillis(100);
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(2);
  /** How long a receiver may go on trusting the registry's answer from before a rotation. */
  private static final Duration TRUST_LAG = Duration.ofMillis(2100);

  private final String self;
  private final Supplier<SigningKey> key;
  private final ServiceDirectory directory;
  private final Clock clock;

  public ServiceClient(String self, Supplier<SigningKey> key, ServiceDirectory directory, Clock clock) {
    this.self = self;
    this.key = key;
    this.directory = directory;
    this.clock = clock;
  }

  /** POSTs {@code body} as JSON to {@code path} under the service the registry lists as {@code service}. */
  public <T> T post(String service, String path, Object body, Class<T> answer, Duration patience) {
    return send("POST", () -> directory.urlOf(service), () -> directory.refresh(service), path, body, answer, patience);
  }

  /** Sends to a known base URL (the registry's own, when registering). */
  public <T> T sendTo(String method, String baseUrl, String path, Object body, Class<T> answer, Duration patience) {
    return send(method, () -> baseUrl, () -> {}, path, body, answer, patience);
  }

  private <T> T send(String method, Supplier<String> baseUrl, Runnable refresh, String path, Object body,
      Class<T> answer, Duration patience) {
    byte[] json = Json.write(body);
    long deadline = System.nanoTime() + patience.toNanos();
    Duration wait = FIRST_WAIT;
    boolean refusedOnce = false;
    for (int attempt = 1; ; attempt++) {
      String url = null;
      String failure;
      try {
        url = baseUrl.get() + path;
        URI uri = URI.create(url);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        // A host that is gone may not even refuse the connection: wait no longer than the patience left.
        long left = Math.max(1_000, Math.min(30_000, (deadline - System.nanoTime()) / 1_000_000));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(left))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(json));
        Map<String, String> headers = ServiceSignature.sign(self, key.get(), method, target, json,
            clock.instant().getEpochSecond());
        headers.forEach(request::header);
        HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return Json.read(response.body(), answer);
        }
        if (status == 401 && !refusedOnce && System.nanoTime() + TRUST_LAG.toNanos() < deadline) {
          // Just after this service rotated its key, the other may hold the registry's previous
          // answer for up to two seconds before it reads it again: one more try after that.
          refusedOnce = true;
          failure = "answered 401";
          wait = TRUST_LAG;
        } else if (status != 502 && status != 503 && status != 504) {
          throw answered(url, status, response.body());
        } else {
          failure = "answered " + status;
        }
      } catch (IOException e) {
        failure = e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(503, "unavailable", "Interrupted while calling " + url + ".");
      } catch (ApiException e) {
        if (e.status() != 503) {
          throw e;
        }
        failure = e.getMessage(); // the registry itself, or the service not yet registered
      }
      if (System.nanoTime() + wait.toNanos() > deadline) {
        throw new ApiException(503, "unavailable", "Could not reach " + (url == null ? "the service" : url)
            + " after " + attempt + " attempts (" + failure + "); try again shortly.");
      }
      log.info("Call to {} failed ({}); trying again in {} ms", url, failure, wait.toMillis());
      sleep(wait);
      wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
      refresh.run();
    }
  }

  private static ApiException answered(String url, int status, byte[] body) {
    ErrorBody error;
    try {
      error = Json.read(body, ErrorBody.class);
    } catch (RuntimeException e) {
      error = null;
    }
    if (status >= 400 && status < 500 && error != null && error.message() != null) {
      return new ApiException(status, error.error(), error.message());
    }
    return new ApiException(502, "upstream_failed", url + " answered " + status
        + (error != null && error.requestId() != null ? " (request id " + error.requestId() + ")" : "") + ".");
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "unavailable", "Interrupted while waiting to call another service.");
    }
  }
}
