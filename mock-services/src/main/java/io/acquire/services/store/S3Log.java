package io.acquire.services.store;

import java.util.Objects;
import java.util.Optional;

/**
 * A log in S3: each record an object {@code <prefix>/l/<name>/<position>}, created once with
 * {@code If-None-Match: *} and never changed. Unlike {@link KeyedLog} over the store's
 * versioned objects, an append is two requests (does the predecessor exist, create this),
 * or one when this process wrote or read the predecessor, and a read one.
 */
final class S3Log implements ObjectLog {
  /** Records are never changed once written, so reading one again can be answered from memory. */
  private static final int CACHED_BYTES = 8 << 20;
  private static final int LARGEST_CACHED = 256 << 10;

  private final S3ObjectStore store;
  private final String prefix;
  private final java.util.LinkedHashMap<Long, byte[]> cache = new java.util.LinkedHashMap<>(64, 0.75f, true);
  private long cachedBytes;

  S3Log(S3ObjectStore store, String prefix) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.prefix = prefix;
  }

  @Override
  public boolean append(long position, byte[] record) {
    Objects.requireNonNull(record, "record == null");
    KeyedLog.checkPosition(position);
    // Positions only ever become taken, so a present predecessor stays present: no gap can open.
    if (position > 0 && !cached(position - 1) && store.headObject(key(position - 1)).isEmpty()) {
      return false;
    }
    if (!store.createOnce(key(position), record)) {
      return false;
    }
    remember(position, record.clone());
    return true;
  }

  @Override
  public Optional<byte[]> read(long position) {
    KeyedLog.checkPosition(position);
    synchronized (cache) {
      byte[] cached = cache.get(position);
      if (cached != null) {
        return Optional.of(cached.clone());
      }
    }
    Optional<byte[]> read = store.getObject(key(position)).map(bytes -> bytes.asByteArrayUnsafe());
    read.ifPresent(record -> remember(position, record.clone()));
    return read;
  }

  private boolean cached(long position) {
    synchronized (cache) {
      return cache.containsKey(position);
    }
  }

  private void remember(long position, byte[] record) {
    if (record.length > LARGEST_CACHED) {
      return;
    }
    synchronized (cache) {
      byte[] old = cache.put(position, record);
      cachedBytes += record.length - (old == null ? 0 : old.length);
      var eldest = cache.entrySet().iterator();
      while (cachedBytes > CACHED_BYTES && eldest.hasNext()) {
        cachedBytes -= eldest.next().getValue().length;
        eldest.remove();
      }
    }
  }

  private String key(long position) {
    return prefix + String.format("%016d", position);
  }
}
