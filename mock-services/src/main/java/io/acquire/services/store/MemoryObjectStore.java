package io.acquire.services.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A store in memory, for tests: atomic and linearisable, but gone with the process. */
public final class MemoryObjectStore implements ObjectStore {
  private final ConcurrentNavigableMap<String, StoredObject> objects = new ConcurrentSkipListMap<>();

  @Override
  public Optional<StoredObject> get(String key) {
    StoredObject object = objects.get(ObjectKeys.check(key));
    return Optional.ofNullable(object).map(o -> new StoredObject(o.key(), o.data().clone(), o.version()));
  }

  @Override
  public String put(String key, byte[] data) {
    StoredObject object = fresh(key, data);
    objects.put(object.key(), object);
    return object.version();
  }

  @Override
  public Optional<String> putIfAbsent(String key, byte[] data) {
    StoredObject object = fresh(key, data);
    return objects.putIfAbsent(object.key(), object) == null ? Optional.of(object.version()) : Optional.empty();
  }

  @Override
  public Optional<String> putIfVersion(String key, byte[] data, String expectedVersion) {
    StoredObject object = fresh(key, data);
    StoredObject current = objects.get(object.key());
    if (current == null || !current.version().equals(expectedVersion)) {
      return Optional.empty();
    }
    return objects.replace(object.key(), current, object) ? Optional.of(object.version()) : Optional.empty();
  }

  @Override
  public List<String> list(String prefix) {
    ObjectKeys.checkPrefix(prefix);
    List<String> keys = new ArrayList<>();
    for (String key : objects.tailMap(prefix, true).keySet()) {
      if (!key.startsWith(prefix)) {
        break;
      }
      keys.add(key);
    }
    return keys;
  }

  @Override
  public boolean delete(String key) {
    return objects.remove(ObjectKeys.check(key)) != null;
  }

  private static StoredObject fresh(String key, byte[] data) {
    Objects.requireNonNull(data, "data == null");
    return new StoredObject(ObjectKeys.check(key), data.clone(), UUID.randomUUID().toString());
  }
}
