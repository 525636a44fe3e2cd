package io.acquire.services.store;

import java.util.Objects;
import java.util.Optional;

/**
 * A log kept as one object per record ({@code logs/<name>/<position>}), appended with a
 * conditional put: what any {@link ObjectStore} can offer, and what an object store such
 * as S3 would give. Each append costs one put, and on a local disk two flushes.
 */
final class KeyedLog implements ObjectLog {
  private final ObjectStore store;
  private final String prefix;

  KeyedLog(ObjectStore store, String name) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.prefix = "logs/" + ObjectLog.checkName(name) + "/";
  }

  @Override
  public boolean append(long position, byte[] record) {
    Objects.requireNonNull(record, "record == null");
    checkPosition(position);
    // Positions only ever become taken, so a present predecessor stays present: no gap can open.
    if (position > 0 && store.get(key(position - 1)).isEmpty()) {
      return false;
    }
    return store.putIfAbsent(key(position), record).isPresent();
  }

  @Override
  public Optional<byte[]> read(long position) {
    checkPosition(position);
    return store.get(key(position)).map(StoredObject::data);
  }

  private String key(long position) {
    return prefix + String.format("%016d", position);
  }

  static void checkPosition(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("log positions start at 0, not " + position);
    }
  }
}
