package io.acquire.services.store;

import io.acquire.client.wire.Json;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/** Typed JSON objects in a store, with optimistic read-modify-write. */
public final class JsonObjects {
  private static final int MAX_ATTEMPTS = 1000;

  private final ObjectStore store;

  public JsonObjects(ObjectStore store) {
    this.store = Objects.requireNonNull(store, "store == null");
  }

  public ObjectStore store() {
    return store;
  }

  public <T> Optional<T> get(String key, Class<T> type) {
    return store.get(key).map(o -> Json.read(o.data(), type));
  }

  /** {@link ObjectStore#getAll}, each object read as {@code type}. */
  public <T> java.util.SortedMap<String, T> getAll(String prefix, Class<T> type) {
    java.util.SortedMap<String, T> all = new java.util.TreeMap<>();
    store.getAll(prefix).forEach((key, object) -> all.put(key, Json.read(object.data(), type)));
    return all;
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

  /** {@link ObjectStore#putNew}: true if written. */
  public boolean putNew(String key, Object value) {
    return store.putNew(key, Json.write(value)).isPresent();
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
      // A stored JSON null reads as a present object with no value: it is updated, not re-created.
      T next = change.apply(current.map(Versioned::value));
      if (next == null) {
        throw new NullPointerException("the change to " + key + " returned null; return a value or throw to abort");
      }
      boolean written = current.isPresent()
          ? putIfVersion(key, next, current.get().version())
          : putIfAbsent(key, next);
      if (written) {
        return next;
      }
      backOff(attempt);
    }
    throw new IllegalStateException("gave up updating " + key + " after " + MAX_ATTEMPTS + " conflicting attempts");
  }

  /**
   * Spins briefly, then sleeps a random, growing time (capped at 8 ms): writers who all lost
   * to one winner would otherwise retry in lockstep, and a durable write takes milliseconds.
   */
  private static void backOff(int attempt) {
    if (attempt < 3) {
      Thread.onSpinWait();
      return;
    }
    long capMicros = Math.min(8_000L, 50L << Math.min(attempt - 3, 10));
    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(capMicros + 1) * 1_000L);
  }

  /** A value and the version of the object it was read from. */
  public record Versioned<T>(T value, String version) {}
}
