package io.acquire.client;

import io.acquire.client.internal.Transport;
import io.acquire.client.wire.ServiceInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each service is, as the registry last said. An answer is kept for {@link #MAX_AGE}
 * (across programs too, in the user's {@link Wallet} if they have one, so a command need not
 * ask the registry every time) and asked for again sooner when a call finds nothing at the
 * remembered URL ({@link #relocate}): services can move to another host or port.
 */
final class ServiceUrls {
  /** Long, since a move is noticed by the first call that fails; short enough that a stale answer is rare. */
  static final Duration MAX_AGE = Duration.ofHours(1);

  private final Transport registry;
  private final Transport registryOnce;
  private final String registryUrl;
  private final Wallet wallet;
  private final Clock clock;
  private final Map<String, Wallet.ServiceEntry> known = new ConcurrentHashMap<>();

  ServiceUrls(Transport registry, Transport registryOnce, Wallet wallet, Clock clock) {
    this.registry = registry;
    this.registryOnce = registryOnce;
    this.registryUrl = registry.baseUrl().replaceAll("/+$", "");
    this.wallet = wallet;
    this.clock = clock;
    if (wallet != null) {
      known.putAll(wallet.serviceUrls(registryUrl));
    }
  }

  /** The service's URL: the registry's answer if younger than {@link #MAX_AGE}, else asked afresh. */
  String url(String service) {
    Wallet.ServiceEntry entry = known.get(service);
    Instant now = clock.instant();
    if (entry != null && !now.isBefore(entry.askedAt()) && now.isBefore(entry.askedAt().plus(MAX_AGE))) {
      return entry.url();
    }
    return ask(service, registry);
  }

  /**
   * The URL to use after a call to {@code failedUrl} found no service there (refused, 404 or
   * 410): the registry's answer now, or {@code failedUrl} if it has no other or cannot be
   * reached, so that the call's own error stands.
   */
  String relocate(String service, String failedUrl) {
    Wallet.ServiceEntry entry = known.get(service);
    if (entry != null && !same(entry.url(), failedUrl)) {
      return entry.url(); // another call has moved on already
    }
    try {
      return ask(service, registryOnce);
    } catch (AcquireException e) {
      return failedUrl;
    }
  }

  private String ask(String service, Transport transport) {
    String url = transport.get("/services/" + service, ServiceInfo.class).url();
    known.put(service, new Wallet.ServiceEntry(url, clock.instant()));
    if (wallet != null) {
      wallet.saveServiceUrls(registryUrl, Map.copyOf(known));
    }
    return url;
  }

  private static boolean same(String a, String b) {
    return a.replaceAll("/+$", "").equals(b.replaceAll("/+$", ""));
  }
}
