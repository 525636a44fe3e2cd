package io.acquire.services.registry;

import io.acquire.client.wire.Json;
import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.VerifyingKey;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.TrustedKeys;
import io.acquire.services.store.JsonObjects;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Where the other services are and which keys they sign with, as the registry says: read
 * from the store when the registry runs in this process, over HTTP ({@code --registry URL})
 * when it runs elsewhere. Answers are cached for {@link #FRESH}; a caller that meets a key
 * the cached answer does not list asks again ({@link #refreshedKeysOf}), at most once per
 * {@link #MIN_REFRESH} per service, so a rotation is picked up at once and forged requests
 * cannot flood the registry. Retiring keys drop out when their grace ends, cached or not.
 */
public final class ServiceDirectory implements TrustedKeys {
  static final Duration FRESH = Duration.ofSeconds(30);
  static final Duration MIN_REFRESH = Duration.ofSeconds(2);

  private record Entry(Optional<ServiceInfo> info, Instant readAt) {}

  private final Function<String, Optional<ServiceInfo>> source;
  private final Clock clock;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();

  private ServiceDirectory(Function<String, Optional<ServiceInfo>> source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  /** The registry's own records, in the store this process serves. */
  public static ServiceDirectory inStore(JsonObjects objects, Clock clock) {
    return new ServiceDirectory(name -> RegistryService.lookup(objects, name), clock);
  }

  /** The registry at {@code registryUrl} (such as {@code http://10.0.0.5:8080/t/registry}). */
  public static ServiceDirectory overHttp(String registryUrl, Clock clock) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = registryUrl.endsWith("/") ? registryUrl.substring(0, registryUrl.length() - 1) : registryUrl;
    return new ServiceDirectory(name -> fetch(http, base, name), clock);
  }

  private static Optional<ServiceInfo> fetch(HttpClient http, String registryUrl, String name) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl + "/services/" + name))
        .timeout(Duration.ofSeconds(10)).GET().build();
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() == 404) {
        return Optional.empty();
      }
      if (response.statusCode() != 200) {
        throw unreachable(registryUrl, "it answered " + response.statusCode());
      }
      return Optional.of(Json.read(response.body(), ServiceInfo.class));
    } catch (IOException e) {
      throw unreachable(registryUrl, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(registryUrl, "interrupted");
    }
  }

  private static ApiException unreachable(String registryUrl, String why) {
    return new ApiException(503, "unavailable", "The registry at " + registryUrl + " could not be read (" + why
        + "); try again shortly.");
  }

  /** The service as last read, re-read once the answer is older than {@link #FRESH}. */
  public Optional<ServiceInfo> lookup(String name) {
    Entry entry = cache.get(name);
    Instant now = clock.instant();
    // A service not registered yet may be starting: ask again soon rather than after FRESH.
    Duration keep = entry != null && entry.info().isPresent() ? FRESH : MIN_REFRESH;
    if (entry == null || !now.isBefore(entry.readAt().plus(keep))) {
      entry = read(name, now);
    }
    return entry.info();
  }

  /** The service read afresh, unless it was read within {@link #MIN_REFRESH}. */
  public Optional<ServiceInfo> refresh(String name) {
    Entry entry = cache.get(name);
    Instant now = clock.instant();
    if (entry == null || !now.isBefore(entry.readAt().plus(MIN_REFRESH))) {
      entry = read(name, now);
    }
    return entry.info();
  }

  /** Drops what was read about {@code name}, so the next question reads it: after this process changed it. */
  public void forget(String name) {
    cache.remove(name);
  }

  /** The URL the registry lists for {@code name}; 503 if it is not registered. */
  public String urlOf(String name) {
    return lookup(name).map(ServiceInfo::url).orElseThrow(() -> new ApiException(503, "unavailable",
        "The " + name + " service is not registered yet; try again shortly."));
  }

  @Override
  public List<VerifyingKey> keysOf(String service) {
    return keys(lookup(service));
  }

  @Override
  public List<VerifyingKey> refreshedKeysOf(String service) {
    return keys(refresh(service));
  }

  private List<VerifyingKey> keys(Optional<ServiceInfo> info) {
    Instant now = clock.instant();
    return info.map(i -> i.keysValidAt(now).stream().map(VerifyingKey::fromBase64Url).toList()).orElse(List.of());
  }

  private Entry read(String name, Instant now) {
    Entry entry = new Entry(source.apply(name), now);
    cache.put(name, entry);
    return entry;
  }
}
