package io.acquire.services.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A store in an S3 bucket (AWS S3 or any S3-compatible server), so that any number of
 * backend processes on any hosts share one store.
 *
 * <p>Its concurrency rests on one primitive only: a put with {@code If-None-Match: *}
 * (create if absent), which every S3-compatible store honours atomically, unlike
 * {@code If-Match}, which some (S3Proxy) emulate racily. So an object is never overwritten:
 * each of its versions is an immutable S3 object, its <em>slot</em>, named by the key and a
 * generation number, {@code <prefix>/o/<key>/@<generation>}; the newest generation is the
 * object. A put creates the slot after the newest; of racing puts exactly one creates it,
 * which is the compare-and-set. A delete creates a slot holding a tombstone. Generations are
 * encoded so that the newest sorts first, so one listing with {@code max-keys=1} finds it.
 *
 * <p>A put whose answer is lost (a timeout, or a retry answered 412 by its own first
 * attempt) reads the slot back and compares the random token it wrote in the object's
 * metadata: the answer is then certain, never a guess.
 *
 * <p>Old generations are deleted by {@link #sweep()} (run every few minutes in the
 * background): a generation once the next one is older than the grace period, and a
 * deleted object's slots once its tombstone is. Safety then rests on one bound, checked by
 * every put: no more than a quarter of the grace period passes between a put's reading the
 * newest generation and its last attempt to create the next, so a slot it aims at cannot
 * have been swept meanwhile. The grace period (default 15 minutes) must exceed that twice
 * over plus the clock difference between the hosts and the S3 server (keep it under four
 * minutes); see docs/operations.md.
 *
 * <p>Logs ({@link #log}) keep a record per S3 object under {@code <prefix>/l/<name>/},
 * each created once with {@code If-None-Match: *} and never changed or swept.
 *
 * <p>Version tokens are the generation and the S3 ETag. Keys follow {@link ObjectKeys},
 * and the whole S3 key must fit S3's 1,024 bytes.
 */
public final class S3ObjectStore implements ObjectStore, DirectObjects {
  private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
  static final String TOKEN = "acquire-token";
  static final String DELETED = "acquire-deleted";
  /**
   * Marks a live object of no bytes, stored as one byte: only tombstones are empty S3
   * objects, so a listing tells them apart by size alone, without a request per key.
   */
  static final String EMPTY = "acquire-empty";
  private static final byte[] EMPTY_STAND_IN = {0};
  /** Sorts ascending in ASCII, as S3 lists keys. */
  private static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int BASE = DIGITS.length();
  /** Ends a key's name and starts a slot's: {@code @} is no key character, so it cannot occur in a key. */
  private static final String SLOT_MARK = "/@";
  /** How many listed names {@link #top} asks for at a time: S3Proxy lists its files being written too. */
  private static final int TOP_PAGE = 20;
  private static final int MAX_S3_KEY = 1024;
  private static final int MAX_ATTEMPTS = 1000;
  /** Attempts at one conditional create that failed in transport, with a short pause between (a loaded server resets some). */
  private static final int CREATE_ATTEMPTS = 5;
  private static final int READ_ATTEMPTS = 5;
  private static final int DELETE_BATCH = 1000;
  private static final int RECENT_VERSIONS = 4096;
  /** Listings kept for {@link #recentlyAbsent}, and the most keys one may hold to be kept. */
  private static final int RECENT_LISTINGS = 256;
  private static final int LISTING_KEYS = 256;
  /** The largest object whose bytes {@link Newest} keeps: records, not chunks (at most 32 MiB in all). */
  private static final int CACHED_BYTES = 8 * 1024;

  private final S3Client s3;
  private final boolean ownsClient;
  /** Signs URLs for clients, for the endpoint clients reach (see {@link Builder#publicEndpoint}). */
  private final S3Presigner presigner;
  private final String bucket;
  private final String location;
  private final String objectsPrefix;
  private final String logsPrefix;
  private final Duration grace;
  private final Clock clock;
  private final ScheduledExecutorService sweeper;
  /** Runs {@link #headAll}'s HEADs and {@link #getAll}'s reads side by side: each is a round trip. */
  private static final ExecutorService HEADS = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "acquire-s3-heads");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, ObjectLog> logs = new java.util.concurrent.ConcurrentHashMap<>();
  /**
   * The newest live generation this process last saw of recently used keys, and when: for a
   * while after, slots above it cannot have been swept, so reads probe the next slots instead
   * of listing, and a compare-and-set needs no look first (see {@link #recent}).
   */
  private final Map<String, Newest> newest = recentlyUsed(RECENT_VERSIONS);

  /**
   * Keys this process recently found with no slot at all, and when: for a while after, slot 0
   * cannot have been swept from below a newer one, so a put-if-absent just creates it.
   */
  private final Map<String, Instant> absent = recentlyUsed(RECENT_VERSIONS);

  /**
   * Recent listings of a folder ({@link #list} of a prefix ending in {@code /}): every key
   * under it that had any slot, so that a key missing from it counts as recently absent.
   */
  private final Map<String, Listing> listings = recentlyUsed(RECENT_LISTINGS);

  private record Listing(Instant listed, Set<String> slotted) {}

  /**
   * {@code data} is the newest version's bytes when they are small (else null): a slot never
   * changes, so once the next slot proves missing they are the object, without reading it again.
   */
  private record Newest(long generation, String version, Instant seen, byte[] data) {
    Newest {
      data = data == null || data.length > CACHED_BYTES ? null : data.clone();
    }
  }

  private S3ObjectStore(Builder builder, S3Client s3, boolean ownsClient) {
    this.s3 = s3;
    this.presigner = builder.newPresigner();
    this.ownsClient = ownsClient;
    this.bucket = builder.bucket;
    this.location = "s3://" + bucket + (builder.prefix.isEmpty() ? "" : "/" + builder.prefix);
    String base = builder.prefix.isEmpty() ? "" : builder.prefix + "/";
    this.objectsPrefix = base + "o/";
    this.logsPrefix = base + "l/";
    this.grace = builder.grace;
    this.clock = builder.clock;
    if (builder.sweepEvery.isZero()) {
      this.sweeper = null;
    } else {
      this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "acquire-s3-sweeper");
        thread.setDaemon(true);
        return thread;
      });
      long every = builder.sweepEvery.toMillis();
      sweeper.scheduleWithFixedDelay(() -> {
        try {
          sweep();
        } catch (RuntimeException e) {
          log.warn("Sweeping old versions from s3://{}/{} failed; it will run again", bucket, objectsPrefix, e);
        }
      }, every, every, TimeUnit.MILLISECONDS);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where this store is, such as {@code s3://bucket/prefix} (never a credential). */
  @Override
  public String toString() {
    return "S3ObjectStore[" + location + "]";
  }

  // Reading ------------------------------------------------------------------------------

  @Override
  public Optional<StoredObject> get(String key) {
    ObjectKeys.check(key);
    Optional<Newest> known = recent(key);
    if (known.isPresent()) {
      Optional<Optional<StoredObject>> probed = probe(key, known.get());
      if (probed.isPresent()) {
        return probed.get();
      }
    }
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Instant listed = clock.instant();
      Optional<Slot> top = top(key);
      if (top.isEmpty()) {
        absent.put(key, listed);
        return Optional.empty();
      }
      Optional<ResponseBytes<GetObjectResponse>> read = getObject(top.get().s3Key());
      if (read.isEmpty()) {
        continue; // swept or purged since it was listed: look again
      }
      GetObjectResponse response = read.get().response();
      if (response.metadata().containsKey(DELETED)) {
        return Optional.empty();
      }
      String version = version(top.get().generation(), response.eTag());
      byte[] data = bytes(read.get());
      newest.put(key, new Newest(top.get().generation(), version, listed, data));
      return Optional.of(new StoredObject(key, data, version));
    }
    throw new IllegalStateException("gave up reading " + key + ": its newest version kept vanishing");
  }

  /**
   * What this process saw as the newest live generation of {@code key} less than an eighth of
   * the grace period ago. No slot above it can have been swept since (a sweep needs the slot
   * after it to be a whole grace period old), nor its key purged (that needs a tombstone above
   * it as old), so the first missing slot above it marks the newest: no listing is needed.
   */
  private Optional<Newest> recent(String key) {
    Newest known = newest.get(key);
    return known != null && known.seen().plus(grace.dividedBy(8)).isAfter(clock.instant())
        ? Optional.of(known) : Optional.empty();
  }

  /** A thread-safe map that keeps its {@code most} most recently used entries. */
  private static <V> Map<String, V> recentlyUsed(int most) {
    return java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > most;
      }
    });
  }

  /**
   * When this process found {@code key} without slots (read alone, or missing from a listing
   * of its prefix), if within the window of {@link #recent}; else null.
   */
  private Instant recentlyAbsent(String key) {
    Instant window = clock.instant().minus(grace.dividedBy(8));
    Instant seen = absent.remove(key);
    if (seen != null && seen.isAfter(window)) {
      return seen;
    }
    int slash = key.lastIndexOf('/');
    Listing listing = slash < 0 ? null : listings.get(key.substring(0, slash + 1));
    return listing != null && listing.listed().isAfter(window) && !listing.slotted().contains(key)
        ? listing.listed() : null;
  }

  /** Reads the slots after a recently newest one until one is missing; empty if that cannot settle it. */
  private Optional<Optional<StoredObject>> probe(String key, Newest known) {
    Instant started = clock.instant();
    long generation = known.generation();
    ResponseBytes<GetObjectResponse> read = null;
    for (int steps = 0; steps < 16; steps++) {
      Optional<ResponseBytes<GetObjectResponse>> next = getObject(slotKey(key, generation + 1));
      if (next.isEmpty()) {
        if (read == null && known.data() != null) {
          // Still the newest, and its bytes are known: one request instead of two.
          newest.put(key, new Newest(generation, known.version(), started, known.data()));
          return Optional.of(Optional.of(new StoredObject(key, known.data().clone(), known.version())));
        }
        if (read == null) {
          read = getObject(slotKey(key, generation)).orElse(null);
          if (read == null) {
            return Optional.empty(); // swept meanwhile after all: list
          }
        }
        GetObjectResponse response = read.response();
        if (response.metadata().containsKey(DELETED)) {
          newest.remove(key);
          return Optional.of(Optional.empty());
        }
        String version = version(generation, response.eTag());
        byte[] data = bytes(read);
        newest.put(key, new Newest(generation, version, started, data));
        return Optional.of(Optional.of(new StoredObject(key, data, version)));
      }
      read = next.get();
      generation++;
    }
    return Optional.empty(); // many writes since: one listing is cheaper
  }

  @Override
  public List<String> list(String prefix) {
    ObjectKeys.checkPrefix(prefix);
    TreeSet<String> keys = new TreeSet<>();
    Set<String> slotted = new HashSet<>();
    Instant listed = clock.instant();
    String group = null;
    for (S3Object object : listAll(objectsPrefix + prefix)) {
      String key = logicalKey(object.key());
      if (key == null || generation(object.key()) < 0 || key.equals(group)) {
        continue; // not ours, or an older generation of the key just seen
      }
      if (!key.startsWith(prefix)) {
        continue; // the slots of key a/b are under a/b/, so listing a/b/ meets them
      }
      group = key;
      slotted.add(key);
      // Tombstones are empty, so only an empty newest version needs a closer look.
      if (object.size() == 0) {
        continue;
      }
      keys.add(key);
    }
    if (!prefix.isEmpty() && slotted.size() <= LISTING_KEYS) {
      listings.put(prefix, new Listing(listed, slotted));
    }
    return List.copyOf(keys);
  }

  // Writing ------------------------------------------------------------------------------

  @Override
  public String put(String key, byte[] data) {
    Objects.requireNonNull(data, "data == null");
    ObjectKeys.check(key);
    checkLength(key);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Instant read = clock.instant();
      long next = nextGeneration(key, read);
      Optional<String> written = create(key, next, RequestBody::fromBytes, data, false, read);
      if (written.isPresent()) {
        return written.get();
      }
    }
    throw new IllegalStateException("gave up writing " + key + " after " + MAX_ATTEMPTS + " attempts lost to other writers");
  }

  @Override
  public Optional<String> putIfAbsent(String key, byte[] data) {
    Objects.requireNonNull(data, "data == null");
    ObjectKeys.check(key);
    checkLength(key);
    Instant seen = recentlyAbsent(key);
    if (seen != null) {
      // No slot at all moments ago, and none can have been swept since: slot 0 is free
      // exactly if the key is still absent, so creating it is the whole check.
      Optional<String> written = create(key, 0, RequestBody::fromBytes, data, false, seen);
      if (written.isPresent()) {
        return written;
      }
    }
    return putIfAbsentLooking(key, data);
  }

  /**
   * Creates the key's first slot without listing: one request. Slot 0 taken (the key exists,
   * or existed) falls back to {@link #putIfAbsent}, so the answer is exact unless slot 0 was
   * swept from below newer slots, which needs a write that is not a first one.
   */
  @Override
  public Optional<String> putNew(String key, byte[] data) {
    Objects.requireNonNull(data, "data == null");
    ObjectKeys.check(key);
    checkLength(key);
    Optional<String> written = create(key, 0, RequestBody::fromBytes, data, false, clock.instant());
    return written.isPresent() ? written : putIfAbsentLooking(key, data);
  }

  private Optional<String> putIfAbsentLooking(String key, byte[] data) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Instant read = clock.instant();
      Optional<Long> next = nextGenerationIfAbsent(key, read);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      Optional<String> written = create(key, next.get(), RequestBody::fromBytes, data, false, read);
      if (written.isPresent()) {
        return written;
      }
      // Lost the slot: to a live object (the next look says so) or to a refreshed tombstone.
    }
    throw new IllegalStateException("gave up writing " + key + " after " + MAX_ATTEMPTS + " attempts lost to other writers");
  }

  /**
   * Streams the bytes to S3 as they are read (signed chunk by chunk over plain HTTP to a remote
   * endpoint, unsigned over HTTPS and loopback: see {@link S3LoopbackSigning}), so no
   * object is held in memory. A stream cannot be sent twice, so a lost answer that reading
   * back cannot settle is thrown.
   */
  @Override
  public Optional<String> putIfAbsent(String key, InputStream in, long length) {
    Objects.requireNonNull(in, "in == null");
    ObjectKeys.check(key);
    checkLength(key);
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative, not " + length);
    }
    if (length == 0) {
      return putIfAbsent(key, new byte[0]);
    }
    ExactStream exact = new ExactStream(in, length);
    Instant read = clock.instant();
    Optional<Long> next = nextGenerationIfAbsent(key, read);
    if (next.isEmpty()) {
      exact.drain(key);
      return Optional.empty();
    }
    Optional<String> written;
    try {
      written = create(key, next.get(), unused -> RequestBody.fromInputStream(exact, length), null, false, read);
    } catch (RuntimeException e) {
      exact.rethrowFailure(key);
      throw e;
    }
    exact.rethrowFailure(key);
    exact.drain(key);
    if (written.isEmpty() && top(key).filter(slot -> !isTombstone(slot)).isEmpty()) {
      throw new UncheckedIOException(new IOException("Object " + key
          + " was deleted or refreshed while its bytes were streamed; send them again"));
    }
    return written;
  }

  @Override
  public Optional<String> putIfVersion(String key, byte[] data, String expectedVersion) {
    Objects.requireNonNull(data, "data == null");
    ObjectKeys.check(key);
    checkLength(key);
    Objects.requireNonNull(expectedVersion, "expectedVersion == null");
    Instant read = clock.instant();
    Optional<Newest> known = recent(key).filter(n -> n.version().equals(expectedVersion));
    long generation;
    if (known.isPresent()) {
      // Seen as the newest moments ago, and no slot above it can have been freed since, so the
      // next slot is free exactly if it is still the newest: creating it is the whole check.
      generation = known.get().generation();
      read = known.get().seen();
    } else {
      Optional<Slot> top = top(key);
      // A tombstone's version is never handed out, and its ETag (of no bytes) cannot match a live one's.
      if (top.isEmpty() || !version(top.get().generation(), top.get().etag()).equals(expectedVersion)) {
        return Optional.empty();
      }
      generation = top.get().generation();
    }
    return create(key, generation + 1, RequestBody::fromBytes, data, false, read);
  }

  @Override
  public boolean delete(String key) {
    ObjectKeys.check(key);
    Optional<Newest> known = recent(key);
    if (known.isPresent() && create(key, known.get().generation() + 1, RequestBody::fromBytes, new byte[0], true,
        known.get().seen()).isPresent()) {
      return true; // as putIfVersion: the slot after a recently newest one is free only if it still is
    }
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Instant read = clock.instant();
      Optional<Slot> top = top(key);
      if (top.isEmpty() || isTombstone(top.get())) {
        return false;
      }
      if (create(key, top.get().generation() + 1, RequestBody::fromBytes, new byte[0], true, read).isPresent()) {
        return true;
      }
    }
    throw new IllegalStateException("gave up deleting " + key + " after " + MAX_ATTEMPTS + " attempts lost to other writers");
  }

  @Override
  public ObjectLog log(String name) {
    return logs.computeIfAbsent(ObjectLog.checkName(name), n -> new S3Log(this, logsPrefix + n + "/"));
  }

  /** The generation after the newest, refreshing an old tombstone first (see {@link #sweep()}). */
  private long nextGeneration(String key, Instant read) {
    Optional<Slot> top = top(key);
    if (top.isEmpty()) {
      return 0;
    }
    return refreshIfOldTombstone(key, top.get(), read);
  }

  /** The generation to create if {@code key} has no live object, else empty. */
  private Optional<Long> nextGenerationIfAbsent(String key, Instant read) {
    Optional<Slot> top = top(key);
    if (top.isEmpty()) {
      return Optional.of(0L);
    }
    if (!isTombstone(top.get())) {
      return Optional.empty();
    }
    return Optional.of(refreshIfOldTombstone(key, top.get(), read));
  }

  /**
   * A sweep may purge a tombstone older than the grace period together with every slot
   * below it, so nothing may be built on one that is half that old: it is first covered by
   * a fresh tombstone. Returns the generation after the (possibly new) newest slot.
   */
  private long refreshIfOldTombstone(String key, Slot top, Instant read) {
    if (top.modified().plus(grace.dividedBy(2)).isAfter(read) || !isTombstone(top)) {
      return top.generation() + 1;
    }
    create(key, top.generation() + 1, RequestBody::fromBytes, new byte[0], true, read);
    // Whoever won the slot, the next writer builds above it.
    return top.generation() + 2;
  }

  private interface Body {
    RequestBody of(byte[] data);
  }

  /**
   * Creates slot {@code generation} of {@code key} if absent; the new version, or empty if
   * another writer has the slot. Reads the slot back whenever the answer is in doubt.
   */
  private Optional<String> create(String key, long generation, Body body, byte[] data, boolean tombstone, Instant read) {
    String s3Key = slotKey(key, generation);
    byte[] written = data;
    String token = UUID.randomUUID().toString();
    Map<String, String> metadata = new HashMap<>();
    metadata.put(TOKEN, token);
    if (tombstone) {
      metadata.put(DELETED, "1");
    } else if (data != null && data.length == 0) {
      metadata.put(EMPTY, "1");
      data = EMPTY_STAND_IN;
    }
    RuntimeException failure = null;
    int attempts = data == null ? 1 : CREATE_ATTEMPTS;
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (clock.instant().isAfter(read.plus(grace.dividedBy(4)))) {
        // Past the bound the sweep relies on (see the class comment): the slot may have been swept.
        throw new UncheckedIOException(new IOException("Writing " + key + " took longer than a quarter of the grace period "
            + grace + "; it was not written, try again"));
      }
      try {
        PutObjectResponse response = s3.putObject(b -> b.bucket(bucket).key(s3Key).ifNoneMatch("*").metadata(metadata),
            body.of(data));
        String version = version(generation, response.eTag());
        if (tombstone) {
          newest.remove(key);
        } else {
          newest.put(key, new Newest(generation, version, read, written));
        }
        return Optional.of(version);
      } catch (S3Exception e) {
        if (e.statusCode() == 412) {
          // Neither the SDK nor its Apache client resends a request (see the builder), so a
          // first attempt's 412 is certain; after one of ours, the slot may hold our own object.
          return attempt == 0 ? Optional.empty() : readBack(s3Key, token).map(etag -> version(generation, etag));
        }
        if (e.statusCode() != 409 && e.statusCode() < 500) {
          throw failure("write", key, e);
        }
        failure = e; // 409: a concurrent conditional write (AWS); 5xx: the server failed. Either may have written.
      } catch (SdkException e) {
        failure = e;
      }
      Optional<String> mine = readBackOrUnknown(s3Key, token);
      if (mine == null) {
        return Optional.empty(); // the slot holds another writer's object
      }
      if (mine.isPresent()) {
        return Optional.of(version(generation, mine.get()));
      }
      // The slot is still empty, so the attempt did not write (a request still in flight
      // would find the slot taken by this same token's retry, and answer 412 harmlessly).
      pause(attempt);
    }
    throw failure instanceof S3Exception s3e ? failure("write", key, s3e)
        : new UncheckedIOException(new IOException("Cannot write object " + key + " to S3: " + failure.getMessage(), failure));
  }

  /** The ETag if the slot holds this token's object; empty if another's. */
  private Optional<String> readBack(String s3Key, String token) {
    Optional<String> mine = readBackOrUnknown(s3Key, token);
    if (mine == null) {
      return Optional.empty();
    }
    if (mine.isEmpty()) {
      // 412 means the slot was taken; an empty slot now means it was taken and swept, by another.
      return Optional.empty();
    }
    return mine;
  }

  /** The ETag if the slot holds this token's object, empty if the slot is empty, null if another's. */
  private Optional<String> readBackOrUnknown(String s3Key, String token) {
    Optional<HeadObjectResponse> head = headObject(s3Key);
    if (head.isEmpty()) {
      return Optional.empty();
    }
    return token.equals(head.get().metadata().get(TOKEN)) ? Optional.of(head.get().eTag()) : null;
  }

  // Direct transfers (DirectObjects) ---------------------------------------------------

  /**
   * Signs a create-if-absent of the key's first slot with its length and SHA-256: S3 checks
   * {@code x-amz-checksum-sha256} against the bytes (S3Proxy 4.1 too, answering 400
   * BadDigest) and records it, and {@code If-None-Match: *} keeps the URL from replacing
   * any object. Slot 0 is a key's oldest: taken, or below a newer slot that hides it, except
   * for a key that never had a version (or whose slots were all swept, see {@link #longestCreateExpiry}).
   */
  @Override
  public Presigned presignCreate(String key, String sha256, long length, Duration expiry) {
    ObjectKeys.check(key);
    checkLength(key);
    if (length <= 0) {
      throw new IllegalArgumentException("a direct write carries at least one byte, not " + length);
    }
    if (expiry.compareTo(longestCreateExpiry()) > 0) {
      throw new IllegalArgumentException("a direct write's URL lasts at most " + longestCreateExpiry() + ", not " + expiry);
    }
    String checksum = java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(sha256));
    var signed = presigner.presignPutObject(b -> b.signatureDuration(expiry).putObjectRequest(o -> o.bucket(bucket)
        .key(slotKey(key, 0)).ifNoneMatch("*").contentLength(length).checksumSHA256(checksum)));
    return presigned(signed.url(), signed.signedHeaders(), signed.expiration());
  }

  /** Half the grace period: a slot freed by a sweep was superseded a whole grace period before. */
  @Override
  public Duration longestCreateExpiry() {
    return grace.dividedBy(2);
  }

  @Override
  public Map<String, Presigned> presignReadAll(String prefix, Duration expiry) {
    Map<String, Presigned> urls = new HashMap<>();
    newestUnder(prefix).forEach((key, object) -> {
      var signed = presigner.presignGetObject(b -> b.signatureDuration(expiry)
          .getObjectRequest(o -> o.bucket(bucket).key(object.key())));
      urls.put(key, presigned(signed.url(), signed.signedHeaders(), signed.expiration()));
    });
    return urls;
  }

  @Override
  public Map<String, Head> headAll(String prefix) {
    Map<String, CompletableFuture<Optional<Head>>> heads = new TreeMap<>();
    newestUnder(prefix).forEach((key, object) -> heads.put(key, CompletableFuture.supplyAsync(() ->
        absentIf404(() -> s3.headObject(b -> b.bucket(bucket).key(object.key())
            .checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED)), object.key())
            .map(head -> new Head(head.metadata().containsKey(EMPTY) ? 0 : head.contentLength(),
                head.checksumSHA256() == null ? null
                    : java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(head.checksumSHA256())))),
        HEADS)));
    Map<String, Head> found = new TreeMap<>();
    joinAll(heads, found);
    return found;
  }

  /** Waits for each of {@code pending} and puts what it found into {@code found}; the first failure cancels the rest. */
  private static <T> void joinAll(Map<String, CompletableFuture<Optional<T>>> pending, Map<String, T> found) {
    try {
      pending.forEach((key, result) -> result.join().ifPresent(value -> found.put(key, value)));
    } catch (java.util.concurrent.CompletionException e) {
      pending.values().forEach(result -> result.cancel(false));
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
  }

  /**
   * One listing names each key's newest slot; a slot never changes, so one whose bytes this
   * process holds (it wrote or read that generation) needs no request, and the others are
   * read side by side.
   */
  @Override
  public java.util.SortedMap<String, StoredObject> getAll(String prefix) {
    Instant listed = clock.instant();
    java.util.SortedMap<String, StoredObject> found = new TreeMap<>();
    Map<String, CompletableFuture<Optional<StoredObject>>> reads = new TreeMap<>();
    newestUnder(prefix).forEach((key, slot) -> {
      long generation = generation(slot.key());
      Newest known = newest.get(key);
      if (known != null && known.generation() == generation && known.data() != null) {
        newest.put(key, new Newest(generation, known.version(), listed, known.data()));
        found.put(key, new StoredObject(key, known.data().clone(), known.version()));
      } else {
        reads.put(key, CompletableFuture.supplyAsync(() -> readSlot(key, generation, slot.key(), listed), HEADS));
      }
    });
    joinAll(reads, found);
    return found;
  }

  /** A listed slot's object; if it was swept since (a newer one was written), the key's newest. */
  private Optional<StoredObject> readSlot(String key, long generation, String s3Key, Instant listed) {
    Optional<ResponseBytes<GetObjectResponse>> read = getObject(s3Key);
    if (read.isEmpty()) {
      return get(key);
    }
    GetObjectResponse response = read.get().response();
    if (response.metadata().containsKey(DELETED)) {
      return Optional.empty();
    }
    String version = version(generation, response.eTag());
    byte[] data = bytes(read.get());
    newest.put(key, new Newest(generation, version, listed, data));
    return Optional.of(new StoredObject(key, data, version));
  }

  /** The newest slot of every key under {@code prefix} that is not deleted, by key: one listing. */
  private Map<String, S3Object> newestUnder(String prefix) {
    ObjectKeys.checkPrefix(prefix);
    Map<String, S3Object> newest = new TreeMap<>();
    String group = null;
    for (S3Object object : listAll(objectsPrefix + prefix)) {
      String key = logicalKey(object.key());
      if (key == null || generation(object.key()) < 0 || key.equals(group) || !key.startsWith(prefix)) {
        continue; // not a slot, or an older generation of the key just seen (the newest sorts first)
      }
      group = key;
      if (object.size() > 0) { // else a tombstone
        newest.put(key, object);
      }
    }
    return newest;
  }

  /** The headers a client must send as signed, less those its HTTP client sets itself (host, length). */
  private static Presigned presigned(java.net.URL url, Map<String, List<String>> signed, Instant expires) {
    Map<String, String> headers = new java.util.TreeMap<>();
    signed.forEach((name, values) -> {
      if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
        headers.put(name, String.join(",", values));
      }
    });
    try {
      return new Presigned(url.toURI(), headers, expires);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("the SDK signed a URL that is not a URI", e);
    }
  }

  // Sweeping -----------------------------------------------------------------------------

  /**
   * Deletes what no reader or writer can need: each generation whose successor is older
   * than the grace period, and every slot of a deleted object whose tombstone is (the
   * tombstone last, so a reader never sees an older generation as the newest). Returns how
   * many S3 objects it deleted. Safe to run from any number of processes at once.
   */
  public int sweep() {
    Instant cutoff = clock.instant().minus(grace);
    List<String> superseded = new ArrayList<>();
    List<String> purgedTombstones = new ArrayList<>();
    List<S3Object> group = new ArrayList<>();
    String groupKey = null;
    for (S3Object object : listAll(objectsPrefix)) {
      String key = logicalKey(object.key());
      if (key == null || generation(object.key()) < 0) {
        continue;
      }
      if (!key.equals(groupKey)) {
        collectGarbage(group, cutoff, superseded, purgedTombstones);
        group.clear();
        groupKey = key;
      }
      group.add(object);
    }
    collectGarbage(group, cutoff, superseded, purgedTombstones);
    return deleteAll(superseded) + deleteAll(purgedTombstones);
  }

  /** {@code slots} of one key, newest first. */
  private void collectGarbage(List<S3Object> slots, Instant cutoff, List<String> superseded, List<String> tombstones) {
    if (slots.isEmpty()) {
      return;
    }
    S3Object top = slots.get(0);
    boolean purge = top.lastModified().isBefore(cutoff) && top.size() == 0;
    // A generation may go once the next existing one is old: that one's predecessor was older still.
    for (int i = 1; i < slots.size(); i++) {
      if (purge || slots.get(i - 1).lastModified().isBefore(cutoff)) {
        superseded.add(slots.get(i).key());
      }
    }
    if (purge) {
      tombstones.add(top.key());
    }
  }

  private int deleteAll(List<String> keys) {
    int deleted = 0;
    for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
          .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      var response = reading("delete old versions", () -> s3.deleteObjects(b -> b.bucket(bucket)
          .delete(Delete.builder().objects(batch).quiet(true).build())));
      deleted += batch.size() - response.errors().size();
    }
    return deleted;
  }

  // S3 calls -----------------------------------------------------------------------------

  /** A slot as listed: its S3 key, generation, ETag, size and time written. */
  private record Slot(String s3Key, long generation, String etag, long size, Instant modified) {}

  /**
   * The newest slot of {@code key}: the first listed name that is a slot. S3Proxy's file
   * system backend also lists the temporary files of puts in flight ({@code @zz-<uuid>}),
   * which are skipped.
   */
  private Optional<Slot> top(String key) {
    String slots = objectsPrefix + key + SLOT_MARK;
    String continuation = null;
    do {
      String from = continuation;
      ListObjectsV2Response page = reading("read object " + key,
          () -> s3.listObjectsV2(b -> b.bucket(bucket).prefix(slots).maxKeys(TOP_PAGE).continuationToken(from)));
      for (S3Object object : page.contents()) {
        long generation = generation(object.key());
        if (generation >= 0) {
          return Optional.of(new Slot(object.key(), generation, object.eTag(), object.size(), object.lastModified()));
        }
      }
      continuation = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (continuation != null);
    return Optional.empty();
  }

  /** Every S3 object under {@code s3Prefix}, in S3's order, page by page (S3 pages at 1,000). */
  private List<S3Object> listAll(String s3Prefix) {
    List<S3Object> all = new ArrayList<>();
    String continuation = null;
    do {
      ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(s3Prefix)
          .continuationToken(continuation).build();
      ListObjectsV2Response page = reading("list " + s3Prefix, () -> s3.listObjectsV2(request));
      all.addAll(page.contents());
      continuation = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (continuation != null);
    return all;
  }

  /**
   * The object's bytes, read into one array of the length S3 announces: the SDK's own
   * {@code getObjectAsBytes} grows a buffer by doubling and copies it once more at the end,
   * three copies of every 8 MiB chunk.
   */
  Optional<ResponseBytes<GetObjectResponse>> getObject(String s3Key) {
    return absentIf404(() -> {
      try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(s3Key))) {
        Long length = in.response().contentLength();
        byte[] data = length == null ? in.readAllBytes() : in.readNBytes(Math.toIntExact(length));
        if (length != null && data.length < length) {
          throw SdkClientException.create("the body of " + s3Key + " ended after " + data.length + " of " + length + " bytes");
        }
        return ResponseBytes.fromByteArrayUnsafe(in.response(), data);
      } catch (IOException e) {
        throw SdkClientException.create("cannot read the body of " + s3Key + ": " + e.getMessage(), e);
      }
    }, s3Key);
  }

  Optional<HeadObjectResponse> headObject(String s3Key) {
    return absentIf404(() -> s3.headObject(b -> b.bucket(bucket).key(s3Key)), s3Key);
  }

  private <T> Optional<T> absentIf404(java.util.function.Supplier<T> call, String s3Key) {
    try {
      return Optional.of(reading("read " + s3Key, call));
    } catch (UncheckedIOException e) {
      if (e.getCause().getCause() instanceof S3Exception s3e && s3e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Runs a call that only reads (or deletes, which is idempotent), trying again after a
   * transport failure or a 5xx: the SDK itself never retries (see the builder).
   */
  private static <T> T reading(String what, java.util.function.Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (S3Exception e) {
        if (e.statusCode() < 500 || attempt == READ_ATTEMPTS) {
          throw failure(what, e);
        }
      } catch (SdkException e) {
        if (attempt == READ_ATTEMPTS) {
          throw new UncheckedIOException(new IOException("Cannot " + what + " in S3: " + e.getMessage(), e));
        }
      }
      try {
        Thread.sleep(20L << attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted while trying to " + what));
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(20L << attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted between attempts to write"));
    }
  }

  /**
   * Creates {@code s3Key} if absent, for the logs: true if this call's object is there,
   * false if another's. Records are never swept, so no time bound applies.
   */
  boolean createOnce(String s3Key, byte[] data) {
    String token = UUID.randomUUID().toString();
    RuntimeException failure = null;
    for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      try {
        s3.putObject(b -> b.bucket(bucket).key(s3Key).ifNoneMatch("*").metadata(Map.of(TOKEN, token)),
            RequestBody.fromBytes(data));
        return true;
      } catch (S3Exception e) {
        if (e.statusCode() == 412) {
          Optional<String> mine = readBackOrUnknown(s3Key, token);
          return mine != null && mine.isPresent();
        }
        if (e.statusCode() != 409 && e.statusCode() < 500) {
          throw failure("write", s3Key, e);
        }
        failure = e;
      } catch (SdkException e) {
        failure = e;
      }
      Optional<String> mine = readBackOrUnknown(s3Key, token);
      if (mine == null) {
        return false;
      }
      if (mine.isPresent()) {
        return true;
      }
      pause(attempt);
    }
    throw new UncheckedIOException(new IOException("Cannot write " + s3Key + " to S3: " + failure.getMessage(), failure));
  }

  /** Tombstones are the only empty S3 objects (see {@link #EMPTY}). */
  private static boolean isTombstone(Slot slot) {
    return slot.size() == 0;
  }

  /** The response's own array, not a copy: nothing else holds it (an 8 MiB chunk is not copied twice). */
  private static byte[] bytes(ResponseBytes<GetObjectResponse> read) {
    return read.response().metadata().containsKey(EMPTY) ? new byte[0] : read.asByteArrayUnsafe();
  }

  private static UncheckedIOException failure(String action, String what, S3Exception e) {
    return failure(action + " " + what, e);
  }

  private static UncheckedIOException failure(String what, S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return new UncheckedIOException(new IOException("Cannot " + what + " in S3: status " + e.statusCode()
        + (code == null ? "" : " " + code) + (e.requestId() == null ? "" : " (request " + e.requestId() + ")"), e));
  }

  @Override
  public void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    presigner.close();
    if (ownsClient) {
      s3.close();
    }
  }

  // Names --------------------------------------------------------------------------------

  private void checkLength(String key) {
    int longest = MAX_S3_KEY - objectsPrefix.length() - SLOT_MARK.length() - 12;
    if (key.length() > longest) {
      throw new IllegalArgumentException("object key is longer than " + longest + " characters, the most this S3 store holds");
    }
  }

  String slotKey(String key, long generation) {
    return objectsPrefix + key + SLOT_MARK + encodeGeneration(generation);
  }

  /** The logical key of an S3 key under the objects prefix, or null if it is not a slot. */
  private String logicalKey(String s3Key) {
    int mark = s3Key.lastIndexOf(SLOT_MARK);
    return mark <= objectsPrefix.length() || !s3Key.startsWith(objectsPrefix) ? null : s3Key.substring(objectsPrefix.length(), mark);
  }

  /** The generation a slot's S3 key names, or -1 if it names none (a file S3Proxy is writing). */
  private static long generation(String s3Key) {
    return decodeGeneration(s3Key.substring(s3Key.lastIndexOf(SLOT_MARK) + SLOT_MARK.length()));
  }

  private static String version(long generation, String etag) {
    return generation + "-" + etag.replace("\"", "");
  }

  /**
   * Newest first: a length digit that falls as numbers grow, then base-62 digits inverted.
   * Short for small numbers (S3Proxy's file system backend allows 255 bytes a segment).
   */
  static String encodeGeneration(long generation) {
    if (generation < 0) {
      throw new IllegalArgumentException("generation " + generation);
    }
    StringBuilder digits = new StringBuilder();
    long n = generation;
    do {
      digits.append(DIGITS.charAt(BASE - 1 - (int) (n % BASE)));
      n /= BASE;
    } while (n > 0);
    return DIGITS.charAt(BASE - digits.length()) + digits.reverse().toString();
  }

  /** The generation, or -1 if {@code encoded} is not one. */
  static long decodeGeneration(String encoded) {
    if (encoded.length() < 2 || encoded.length() > 12 || BASE - DIGITS.indexOf(encoded.charAt(0)) != encoded.length() - 1) {
      return -1;
    }
    long n = 0;
    for (int i = 1; i < encoded.length(); i++) {
      int digit = DIGITS.indexOf(encoded.charAt(i));
      if (digit < 0) {
        return -1;
      }
      n = n * BASE + (BASE - 1 - digit);
    }
    return n;
  }

  /**
   * Passes exactly {@code length} bytes of a caller's stream to the SDK, remembering any
   * failure of that stream so it is thrown as itself, not as the SDK's wrapping of it.
   */
  private static final class ExactStream extends InputStream {
    private final InputStream in;
    private final long length;
    private long read;
    private Throwable failure;

    ExactStream(InputStream in, long length) {
      this.in = in;
      this.length = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
      if (read == length) {
        return -1;
      }
      int n;
      try {
        n = in.read(buffer, offset, (int) Math.min(count, length - read));
        if (n < 0) {
          throw new IOException("the stream ended after " + read + " of " + length + " bytes");
        }
      } catch (IOException | RuntimeException | Error e) {
        failure = e;
        throw e;
      }
      read += n;
      return n;
    }

    /** Reads what is left, so a caller's checking stream always sees everything. */
    void drain(String key) {
      byte[] buffer = new byte[64 * 1024];
      try {
        while (read(buffer, 0, buffer.length) >= 0) {
          // discard
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read object " + key + ": " + e.getMessage(), e);
      }
      rethrowFailure(key);
    }

    void rethrowFailure(String key) {
      if (failure instanceof IOException e) {
        throw new UncheckedIOException("Cannot write object " + key + ": " + e.getMessage(), e);
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
    }
  }

  /** Where and how to reach the bucket; credentials come from the environment unless given. */
  public static final class Builder {
    private String bucket;
    private String prefix = "";
    private URI endpoint;
    private URI publicEndpoint;
    private String region;
    private AwsCredentialsProvider credentials;
    private S3Client client;
    private Duration grace = Duration.ofMinutes(15);
    private Duration sweepEvery = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** {@code s3://bucket} or {@code s3://bucket/prefix}: the bucket and the key prefix of everything stored. */
    public Builder location(String location) {
      Objects.requireNonNull(location, "location == null");
      if (!location.startsWith("s3://")) {
        throw new IllegalArgumentException("An S3 store location looks like s3://bucket/prefix, not " + location);
      }
      String rest = location.substring("s3://".length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : rest.substring(slash + 1);
      while (prefix.endsWith("/")) {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
      return bucket(bucket).prefix(prefix);
    }

    public Builder bucket(String bucket) {
      if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new IllegalArgumentException("An S3 bucket name is 3 to 63 lower-case letters, digits, dots and hyphens, not '"
            + bucket + "'");
      }
      this.bucket = bucket;
      return this;
    }

    /** A key prefix (without a trailing slash), so several stores can share a bucket; default none. */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix == null");
      if (!prefix.isEmpty()) {
        try {
          ObjectKeys.check(prefix);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("The S3 key prefix '" + prefix + "' is not valid: " + e.getMessage(), e);
        }
      }
      this.prefix = prefix;
      return this;
    }

    /** An S3-compatible server's URL, such as {@code http://127.0.0.1:9000}; default AWS's. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /**
     * The endpoint as clients reach it, for the URLs they are given to move drive chunks
     * directly ({@link DirectObjects}); default {@link #endpoint}, or AWS's.
     */
    public Builder publicEndpoint(URI publicEndpoint) {
      this.publicEndpoint = publicEndpoint;
      return this;
    }

    /** Default from the environment ({@code AWS_REGION}), else {@code us-east-1}. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    public Builder credentials(String accessKeyId, String secretAccessKey) {
      this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
          Objects.requireNonNull(accessKeyId, "accessKeyId == null"),
          Objects.requireNonNull(secretAccessKey, "secretAccessKey == null")));
      return this;
    }

    /** A client to use instead of one built here; the caller keeps it and closes it. */
    public Builder client(S3Client client) {
      this.client = Objects.requireNonNull(client, "client == null");
      return this;
    }

    /** How long a superseded version or a tombstone is kept (default 15 minutes); see the class comment. */
    public Builder grace(Duration grace) {
      if (grace.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("the grace period must be at least a second, not " + grace);
      }
      this.grace = grace;
      return this;
    }

    /** How often this process sweeps (default 5 minutes); zero to sweep only when {@link #sweep()} is called. */
    public Builder sweepEvery(Duration every) {
      if (every.isNegative()) {
        throw new IllegalArgumentException("sweepEvery must not be negative");
      }
      this.sweepEvery = every;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** Connects and checks that the bucket can be reached, failing with what to fix. */
    public S3ObjectStore build() {
      if (bucket == null) {
        throw new IllegalStateException("A bucket is required: call location(\"s3://bucket/prefix\") or bucket(...).");
      }
      S3Client s3 = client != null ? client : buildClient();
      try {
        s3.headBucket(b -> b.bucket(bucket));
      } catch (S3Exception e) {
        if (client == null) {
          s3.close();
        }
        throw new IllegalStateException(switch (e.statusCode()) {
          case 404 -> "S3 bucket '" + bucket + "' does not exist" + at() + "; create it first.";
          case 403, 401 -> "S3 refused access to bucket '" + bucket + "'" + at()
              + ": check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and the region.";
          default -> "S3 bucket '" + bucket + "'" + at() + " answered status " + e.statusCode() + ".";
        }, e);
      } catch (SdkException e) {
        if (client == null) {
          s3.close();
        }
        throw new IllegalStateException("Cannot reach S3" + at() + ": " + e.getMessage(), e);
      }
      return new S3ObjectStore(this, s3, client == null);
    }

    private String at() {
      return endpoint == null ? "" : " at " + endpoint;
    }

    private S3Presigner newPresigner() {
      URI signedFor = publicEndpoint != null ? publicEndpoint : endpoint;
      var builder = S3Presigner.builder()
          .credentialsProvider(credentials != null ? credentials : DefaultCredentialsProvider.builder().build())
          .region(region());
      if (signedFor != null) {
        builder.endpointOverride(signedFor)
            .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build());
      }
      return builder.build();
    }

    private Region region() {
      return Region.of(region != null ? region : Optional.ofNullable(System.getenv("AWS_REGION")).orElse("us-east-1"));
    }

    /**
     * The client {@link #build()} connects with when none is given: the JDK's HTTP client, no SDK
     * retries, unsigned payloads over loopback. For tools that manage the bucket itself; the caller
     * closes it.
     */
    public S3Client buildClient() {
      var builder = S3Client.builder()
          // The JDK's HTTP client, not the SDK's Apache one: several times faster here (see S3JdkTransport).
          .httpClient(new S3JdkTransport(Duration.ofSeconds(10), Duration.ofSeconds(60)))
          // Retries happen here, where a lost answer is settled by reading back (see create).
          .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(60)))
          // S3-compatible servers vary in the newer checksum headers; signatures (or TLS) already protect the bytes.
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
          // Unsigned payloads over loopback HTTP, as over HTTPS (see S3LoopbackSigning).
          .putAuthScheme(S3LoopbackSigning.scheme())
          .credentialsProvider(credentials != null ? credentials : DefaultCredentialsProvider.builder().build())
          .region(region());
      if (endpoint != null) {
        builder.endpointOverride(endpoint).forcePathStyle(true);
      }
      return builder.build();
    }
  }
}
