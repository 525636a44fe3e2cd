package io.acquire.services;

import io.acquire.client.wire.SigningKey;
import io.acquire.services.store.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Each service's Ed25519 signing key, kept in the store so that every process serving
 * the service signs with the same key. The first process to start creates it; a
 * conditional put makes racing processes agree on one.
 */
final class ServiceKeys {
  /** How long a process signs with the key it read before reading it again, to follow a rotation elsewhere. */
  static final Duration REREAD = Duration.ofSeconds(30);

  private ServiceKeys() {}

  static SigningKey load(ObjectStore store, String service) {
    String key = signing(service);
    return store.get(key)
        .or(() -> {
          store.putIfAbsent(key, SigningKey.generate().exportSeedUnsafe());
          return store.get(key);
        })
        .map(o -> SigningKey.fromSeedUnsafe(o.data()))
        .orElseThrow(() -> new IllegalStateException("signing key of " + service + " vanished from the store"));
  }

  /** True if a rotation of {@code service}'s key began and did not finish: {@link #rotate} completes it. */
  static boolean rotationPending(ObjectStore store, String service) {
    return store.get(next(service)).isPresent();
  }

  /**
   * Rotates {@code service}'s key: makes the next key (or takes the one a rotation that
   * stopped half-way made), has {@code publish} list it in the registry as current with the
   * old key still trusted for the grace (publish signs with the old key, the one the
   * registry trusts to change the entry), and only then makes it the key this service signs
   * with. A crash at any point leaves a state the next rotation completes.
   */
  static SigningKey rotate(ObjectStore store, String service, BiConsumer<SigningKey, SigningKey> publish) {
    SigningKey old = load(store, service);
    store.putIfAbsent(next(service), SigningKey.generate().exportSeedUnsafe());
    SigningKey next = store.get(next(service)).map(o -> SigningKey.fromSeedUnsafe(o.data()))
        .orElseThrow(() -> new IllegalStateException("next signing key of " + service + " vanished from the store"));
    publish.accept(old, next);
    store.put(signing(service), next.exportSeedUnsafe());
    store.delete(next(service));
    return next;
  }

  /** The key as last read, read again after {@link #REREAD} so that a key rotated by another process is followed. */
  static final class Current implements Supplier<SigningKey> {
    private final ObjectStore store;
    private final String service;
    private final Clock clock;
    private volatile SigningKey key;
    private volatile Instant readAt;

    Current(ObjectStore store, String service, Clock clock) {
      this.store = store;
      this.service = service;
      this.clock = clock;
      reread();
    }

    @Override
    public SigningKey get() {
      if (!clock.instant().isBefore(readAt.plus(REREAD))) {
        reread();
      }
      return key;
    }

    void reread() {
      key = load(store, service);
      readAt = clock.instant();
    }
  }

  private static String signing(String service) {
    return "keys/" + service + "/signing";
  }

  private static String next(String service) {
    return "keys/" + service + "/next";
  }
}
