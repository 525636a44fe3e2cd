package io.acquire.services.testing;

import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.store.StoredObject;
import java.util.List;
import java.util.Optional;

/**
 * An in-memory store whose calls a test can intercept: override the calls to watch, slow
 * down or interleave, and call {@code super} to let them through.
 */
public class ForwardingStore implements ObjectStore {
  private final ObjectStore delegate = new MemoryObjectStore();

  @Override
  public Optional<StoredObject> get(String key) {
    return delegate.get(key);
  }

  @Override
  public String put(String key, byte[] data) {
    return delegate.put(key, data);
  }

  @Override
  public Optional<String> putIfAbsent(String key, byte[] data) {
    return delegate.putIfAbsent(key, data);
  }

  @Override
  public Optional<String> putIfVersion(String key, byte[] data, String expectedVersion) {
    return delegate.putIfVersion(key, data, expectedVersion);
  }

  @Override
  public List<String> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public boolean delete(String key) {
    return delegate.delete(key);
  }
}
