package io.acquire.services.storage;

import io.acquire.client.wire.StorageWire.ChunkSum;
import io.acquire.client.wire.StorageWire.DirectDownload;
import io.acquire.client.wire.StorageWire.DirectRequest;
import io.acquire.client.wire.StorageWire.DirectUrl;
import io.acquire.client.wire.StorageWire.DirectUrls;
import io.acquire.client.wire.StorageWire;
import io.acquire.services.http.ApiException;
import io.acquire.services.storage.Drives.Upload;
import io.acquire.services.storage.Drives.Version;
import io.acquire.services.store.DirectObjects;
import io.acquire.services.store.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Chunks that move between the client and the store (S3) without crossing the service:
 * the service hands out short-lived presigned URLs and keeps every decision. A chunk's URL
 * is issued only for a live, unfinished upload the caller may write, and creates that
 * chunk's object once, with exactly the bytes of the SHA-256 the client announced (the store
 * checks them, refusing others). Completion is the confirmation: it takes each chunk's
 * length and SHA-256 as the store verified them (one listing, then a HEAD each, side by
 * side), checks them against the chunks' SHA-256s the client hashed, and takes the file's
 * SHA-256 from the client, who hashed the file as it hashed the chunks: the service never
 * sees the bytes. A store that kept no
 * checksum gets its chunks read back and hashed here, as chunks sent through the service
 * to another process are.
 */
final class DirectChunks {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  /**
   * How long an upload seen unfinished counts as such for the URLs of its chunks, instead of
   * listing its path's versions per chunk. Safe while this plus a URL's expiry stays within
   * the store's {@link DirectObjects#longestCreateExpiry}: a chunk of an upload that
   * completes meanwhile keeps its object (so the URL's create fails) until long after.
   */
  private static final Duration UNFINISHED_MEMO = Duration.ofSeconds(30);
  private static final int MEMO_SIZE = 1024;

  private final DirectObjects direct;
  private final Drives drives;
  private final Duration expiry;
  private final Clock clock;
  /** Uploads seen unfinished, and when. */
  private final Map<String, Instant> unfinished = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
          return size() > MEMO_SIZE;
        }
      });

  private DirectChunks(DirectObjects direct, Drives drives, Duration expiry, Clock clock) {
    this.direct = direct;
    this.drives = drives;
    this.expiry = expiry;
    this.clock = clock;
  }

  /**
   * Direct transfers if the store offers them and they are not turned off; else empty (chunks
   * go through the service). An expiry the store cannot keep safe stops the backend.
   */
  static Optional<DirectChunks> of(ObjectStore store, Drives drives, boolean enabled, Duration expiry,
      Clock clock) {
    if (!enabled || !(store instanceof DirectObjects direct)) {
      return Optional.empty();
    }
    Duration longest = direct.longestCreateExpiry().minus(UNFINISHED_MEMO);
    if (expiry.compareTo(longest) > 0) {
      throw new IllegalArgumentException("Option storage.direct-expiry-seconds must be at most " + longest.toSeconds()
          + " with this store (half its grace period, less " + UNFINISHED_MEMO.toSeconds() + " s)");
    }
    return Optional.of(new DirectChunks(direct, drives, expiry, clock));
  }

  /** URLs to put the chunks asked for, whose SHA-256s the client announces, in the order asked. */
  DirectUrls uploadUrls(Upload upload, DirectRequest request) {
    drives.requireLive(upload);
    if (request.chunks() == null || request.chunks().isEmpty() || request.chunks().size() > StorageWire.MAX_DIRECT_BATCH) {
      throw ApiException.badRequest("Field 'chunks' must list 1 to " + StorageWire.MAX_DIRECT_BATCH
          + " chunks as {\"n\", \"sha256\"}.");
    }
    if (upload.size() == 0) {
      throw ApiException.badRequest("An empty file has no bytes to send to the store; PUT its chunk to the service.");
    }
    List<DirectUrl> urls = new ArrayList<>();
    for (ChunkSum chunk : request.chunks()) {
      if (chunk == null) {
        throw ApiException.badRequest("Field 'chunks' must not hold null.");
      }
      long length = lengthOf(upload, chunk.n());
      String claimed = requireSha256(chunk.n(), chunk.sha256());
      urls.add(view(direct.presignCreate(Drives.chunkKey(upload.id(), chunk.n()), claimed, length, expiry)));
    }
    requireUnfinished(upload);
    return new DirectUrls(urls);
  }

  /** An upload this process just started is unfinished: the URLs of its first chunks need no look. */
  void started(Upload upload) {
    unfinished.put(upload.id(), clock.instant());
  }

  private void requireUnfinished(Upload upload) {
    Instant now = clock.instant();
    Instant seen = unfinished.get(upload.id());
    if (seen != null && seen.plus(UNFINISHED_MEMO).isAfter(now)) {
      return;
    }
    if (drives.find(upload).isPresent()) {
      throw ApiException.conflict("Upload " + upload.id() + " is complete; its chunks cannot be sent again.");
    }
    unfinished.put(upload.id(), now);
  }

  /** URLs for each chunk of a version, in order; empty if one is not in the standard tier (the service sends those). */
  Optional<DirectDownload> download(Version version, java.util.function.IntSupplier chunkSize) {
    Map<String, DirectObjects.Presigned> urls = direct.presignReadAll(Drives.chunksPrefix(version.upload()),
        expiry);
    List<DirectUrl> chunks = new ArrayList<>();
    for (int n = 0; n < version.chunks(); n++) {
      DirectObjects.Presigned url = urls.get(Drives.chunkKey(version.upload(), n));
      if (url == null) {
        return Optional.empty();
      }
      chunks.add(view(url));
    }
    return Optional.of(new DirectDownload(version.size(), chunkSize.getAsInt(), chunks));
  }

  /**
   * An upload's sums when every chunk carries a SHA-256 the store verified: each chunk's
   * from the store, the file's the client's {@code claimedSha256} (checked by every
   * download end to end). Empty if any chunk lacks one (it came through the service, to
   * another process): then the chunks are read back and hashed as before.
   */
  static Optional<RunningHashes.Sums> verified(Map<String, DirectObjects.Head> heads, Upload upload,
      String claimedSha256) {
    List<String> sums = new ArrayList<>();
    for (int n = 0; n < upload.chunks(); n++) {
      DirectObjects.Head head = heads.get(Drives.chunkKey(upload.id(), n));
      if (head == null || head.sha256() == null || head.length() != upload.chunkLength(n)) {
        return Optional.empty();
      }
      sums.add(head.sha256());
    }
    return Optional.of(new RunningHashes.Sums(Optional.of(new FileSums(claimedSha256, null)), Optional.of(sums)));
  }

  /** The store's lengths and checksums of the upload's chunks ({@link DirectObjects#headAll}), asked for on a thread of their own. */
  static CompletableFuture<Map<String, DirectObjects.Head>> heads(DirectObjects direct, Upload upload) {
    return SideBySide.start(() -> direct.headAll(Drives.chunksPrefix(upload.id())));
  }

  private static long lengthOf(Upload upload, int n) {
    if (n < 0 || n >= upload.chunks()) {
      throw ApiException.badRequest("Chunk " + n + " is out of range: this upload has chunks 0 to " + (upload.chunks() - 1) + ".");
    }
    return upload.chunkLength(n);
  }

  private static String requireSha256(int n, String sha256) {
    String claimed = sha256 == null ? "" : sha256.strip().toLowerCase(Locale.ROOT);
    if (!SHA256.matcher(claimed).matches()) {
      throw ApiException.badRequest("Chunk " + n + "'s 'sha256' must be its SHA-256 as 64 hex digits.");
    }
    return claimed;
  }

  private static DirectUrl view(DirectObjects.Presigned url) {
    return new DirectUrl(url.url().toString(), url.headers(), url.expiresAt());
  }
}
