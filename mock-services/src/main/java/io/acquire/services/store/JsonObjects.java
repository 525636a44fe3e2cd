package io.acquire.services.store;

import io.acquire.client.wire.Json;
import java.util.Optional;
import java.util.function.Function;

/** Typed JSON objects in a store, with optimistic read-modify-write. */
public final class JsonObjects {
  private static final int MAX_ATTEMPTS = 1000;

  private final ObjectStore store;

  public JsonObjects(ObjectStore store) {
    this.store = store;
  }

  public ObjectStore store() {
    return store;
  }

  public <T> Optional<T> get(String key, Class<T> type) {
    return store.get(key).map(o -> Json.read(o.data(), type));
  }

  public <T> Optional<Versioned<T>> getVersioned(String key, Class<T> type) {
    return store.get(key).map(o -> new Versioned<>(Json.read(o.data(), type), o.version()));
  }

  public void put(String key, Object value) {
    store.put(key, Json.write(value));
  }

  /** True if written, false if an object already had {@code key}. */
  public boolean putIfAbsent(String key, Object value) {
    return store.putIfAbsent(key, Json.write(value)).isPresent();
  }

  /** True if written, false if the object changed since {@code version} was read. */
  public boolean putIfVersion(String key, Object value, String version) {
    return store.putIfVersion(key, Json.write(value), version).isPresent();
  }

  /**
   * Applies {@code change} to the current value (empty if none) and writes the result
   * with a conditional put, re-reading and re-applying on conflict. {@code change} must
   * be free of side effects, since it may run more than once; it may throw to abort.
   */
  public <T> T update(String key, Class<T> type, Function<Optional<T>, T> change) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Optional<Versioned<T>> current = getVersioned(key, type);
      T next = change.apply(current.map(Versioned::value));
      boolean written = current.isPresent()
          ? putIfVersion(key, next, current.get().version())
          : putIfAbsent(key, next);
      if (written) {
        return next;
      }
      Thread.onSpinWait();
    }
    throw new IllegalStateException("gave up updating " + key + " after " + MAX_ATTEMPTS + " conflicting attempts");
  }

  /** A value and the version of the object it was read from. */
  public record Versioned<T>(T value, String version) {}
}
