package io.acquire.services.store;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a store that clients can reach themselves (S3) offers beyond {@link ObjectStore}:
 * short-lived presigned URLs, so that bulk bytes move between the client and the store
 * without crossing the backend, while the backend keeps every decision. The local and
 * memory stores do not offer it.
 */
public interface DirectObjects {

  /**
   * A URL that is a bearer capability for one method on one object until {@code expiresAt}:
   * never logged, and shown (in {@link #toString} and errors) without its query string.
   *
   * @param headers what the request must carry, exactly, because the signature covers them
   */
  record Presigned(URI url, Map<String, String> headers, Instant expiresAt) {
    public Presigned {
      headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
      return "Presigned[" + masked(url) + " until " + expiresAt + "]";
    }
  }

  /** An object's length and the SHA-256 the store verified when it was written (hex), null if it recorded none. */
  record Head(long length, String sha256) {}

  /**
   * A URL that creates {@code key} with exactly {@code length} bytes whose SHA-256 is
   * {@code sha256} (hex): the store refuses other bytes. It creates only the key's first
   * version, so it never replaces or hides a current object, nor, while it lasts (at most
   * {@link #longestCreateExpiry}), brings back a deleted one.
   */
  Presigned presignCreate(String key, String sha256, long length, Duration expiry);

  /**
   * The longest a {@link #presignCreate} URL may last: a key whose objects were all deleted
   * may after a while (S3ObjectStore's grace period) have no trace left, so a URL must
   * expire well before then for "never had a version" to hold when it is used.
   */
  Duration longestCreateExpiry();

  /**
   * URLs that read the newest version of every key under {@code prefix} (which ends with
   * {@code /}), by key: one listing for a version's chunks instead of one per chunk.
   */
  Map<String, Presigned> presignReadAll(String prefix, Duration expiry);

  /**
   * The newest version's length and verified checksum of every key under {@code prefix}
   * (which ends with {@code /}) that has one, by key: one listing, then the HEADs side by
   * side, instead of a listing and a HEAD per key.
   */
  Map<String, Head> headAll(String prefix);

  /** A URL without its query string (where presigned URLs keep their signatures), for messages and logs. */
  static String masked(URI url) {
    if (url == null) {
      return "null";
    }
    String text = url.toString();
    int query = text.indexOf('?');
    return query < 0 ? text : text.substring(0, query) + "?…";
  }
}
