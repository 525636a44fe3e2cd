package io.acquire.services.store;

import java.util.Objects;
import java.util.Optional;

/**
 * A log in S3: each record an object {@code <prefix>/l/<name>/<position>}, created once with
 * {@code If-None-Match: *} and never changed. Unlike {@link KeyedLog} over the store's
 * versioned objects, an append is two requests (does the predecessor exist, create this)
 * and a read one.
 */
final class S3Log implements ObjectLog {
  private final S3ObjectStore store;
  private final String prefix;

  S3Log(S3ObjectStore store, String prefix) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.prefix = prefix;
  }

  @Override
  public boolean append(long position, byte[] record) {
    Objects.requireNonNull(record, "record == null");
    KeyedLog.checkPosition(position);
    // Positions only ever become taken, so a present predecessor stays present: no gap can open.
    if (position > 0 && store.headObject(key(position - 1)).isEmpty()) {
      return false;
    }
    return store.createOnce(key(position), record);
  }

  @Override
  public Optional<byte[]> read(long position) {
    KeyedLog.checkPosition(position);
    return store.getObject(key(position)).map(bytes -> bytes.asByteArray());
  }

  private String key(long position) {
    return prefix + String.format("%016d", position);
  }
}
