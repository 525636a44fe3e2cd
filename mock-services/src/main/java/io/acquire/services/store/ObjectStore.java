package io.acquire.services.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The disk of the backend: every piece of service state is an object under a key.
 * Services are stateless functions over a store, so any number of processes may share
 * one, and conditional puts give them lock-free concurrency.
 *
 * <p>Keys are {@code /}-separated segments of {@code [A-Za-z0-9._~%-]}, neither {@code .}
 * nor {@code ..}, at most 250 characters a segment and 1024 in all (see {@link ObjectKeys});
 * any other key is an {@link IllegalArgumentException}. Every put creates a new version,
 * an opaque token that differs even when the bytes do not.
 *
 * <p>Guarantees of every implementation: a put is atomic (a reader sees the old or the
 * new bytes, never a mix) and, once it returns, durable as far as the implementation
 * promises; of any number of concurrent conditional puts on one key, across threads and
 * processes, exactly one whose condition held wins. A call that throws (other than for a
 * bad argument) may or may not have taken effect.
 */
public interface ObjectStore extends AutoCloseable {

  Optional<StoredObject> get(String key);

  /** Writes unconditionally and returns the new version. */
  String put(String key, byte[] data);

  /** Writes only if no object has {@code key}; the new version, or empty if one existed. */
  Optional<String> putIfAbsent(String key, byte[] data);

  /**
   * {@link #putIfAbsent(String, byte[])} for the first write of a key named once: by a fresh
   * random id, or a nonce. A store may then create it without looking for earlier versions
   * (on S3 one request instead of two). Exact for a key that was never written, or only
   * through this method and not deleted since (a second claim of a nonce answers empty); for
   * any other key a store may answer as though the key were new.
   */
  default Optional<String> putNew(String key, byte[] data) {
    return putIfAbsent(key, data);
  }

  /**
   * {@link #putIfAbsent(String, byte[])} for exactly {@code length} bytes read from {@code in}:
   * for large objects arriving over the network, which a store may write as they come instead
   * of holding them. If reading fails or {@code in} ends early, nothing is stored and the
   * failure is thrown (an {@link IOException} as an {@link UncheckedIOException}, an
   * unchecked exception as itself): a stream that checks what it reads can veto the put.
   * The stream is read to its end even when the key exists, so its checks always run.
   */
  default Optional<String> putIfAbsent(String key, InputStream in, long length) {
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("length must be 0 to " + (Integer.MAX_VALUE - 8) + ", not " + length);
    }
    byte[] data;
    try {
      data = in.readNBytes((int) length);
      if (data.length < length) {
        throw new IOException("the stream ended after " + data.length + " of " + length + " bytes");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read object " + key + ": " + e.getMessage(), e);
    }
    return putIfAbsent(key, data);
  }

  /** Writes only if the current version is {@code expectedVersion}; the new version, or empty. */
  Optional<String> putIfVersion(String key, byte[] data, String expectedVersion);

  /** Keys starting with {@code prefix}, in ascending order. */
  List<String> list(String prefix);

  /**
   * Every object under {@code prefix}, by key in ascending order: {@link #list} and
   * {@link #get} of each, which a store may do in fewer round trips.
   */
  default java.util.SortedMap<String, StoredObject> getAll(String prefix) {
    java.util.SortedMap<String, StoredObject> all = new java.util.TreeMap<>();
    for (String key : list(prefix)) {
      get(key).ifPresent(object -> all.put(key, object));
    }
    return all;
  }

  /** Deletes; true if there was an object. */
  boolean delete(String key);

  /**
   * The append-only log called {@code name} (see {@link ObjectLog#NAME}). By default its
   * records are objects under {@code logs/<name>/}; a store may keep them more cheaply.
   */
  default ObjectLog log(String name) {
    return new KeyedLog(this, name);
  }

  @Override
  default void close() {}
}
