package io.acquire.services;

import io.acquire.client.wire.SigningKey;
import io.acquire.services.store.ObjectStore;

/**
 * Each service's Ed25519 signing key, kept in the store so that every process serving
 * the service signs with the same key. The first process to start creates it; a
 * conditional put makes racing processes agree on one.
 */
final class ServiceKeys {
  private ServiceKeys() {}

  static SigningKey load(ObjectStore store, String service) {
    String key = "keys/" + service + "/signing";
    return store.get(key)
        .or(() -> {
          store.putIfAbsent(key, SigningKey.generate().exportSeedUnsafe());
          return store.get(key);
        })
        .map(o -> SigningKey.fromSeedUnsafe(o.data()))
        .orElseThrow(() -> new IllegalStateException("signing key of " + service + " vanished from the store"));
  }
}
