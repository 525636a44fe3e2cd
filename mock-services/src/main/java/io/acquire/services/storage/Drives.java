package io.acquire.services.storage;

import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.StorageWire;
import io.acquire.client.wire.StorageWire.CompleteUpload;
import io.acquire.client.wire.StorageWire.FileVersion;
import io.acquire.services.http.ApiException;
import io.acquire.services.store.DirectObjects;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.store.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Drives over the object store: named, versioned trees of files, each file stored as
 * chunks of at most {@link #MAX_CHUNK} bytes, so memory stays bounded whatever the file
 * size. A version is published with one conditional put once every chunk is in and the
 * whole file's SHA-256 matches, so readers never see a half-written file. The storage
 * service's handlers and other services (compute writes job outputs) share these rules.
 */
public final class Drives {
  public static final int DEFAULT_CHUNK = 8 * 1024 * 1024;
  /** Below the server's 16 MiB request limit, leaving room for headers. */
  public static final int MAX_CHUNK = 15 * 1024 * 1024;
  public static final int MIN_CHUNK = 64 * 1024;
  /** Enough for 1 TiB in chunks of 15 MiB; bounds the work and the answers about an upload's chunks. */
  public static final int MAX_CHUNKS = 100_000;
  /** How many missing chunks an error names; the rest are counted. */
  private static final int NAMED_MISSING = 20;
  /** How long an upload may take from start to completion; after that it is refused and, unfinished, swept. */
  public static final Duration UPLOAD_LIFETIME = Duration.ofDays(7);
  /**
   * How long after its lifetime an unfinished upload is swept: longer than any completion in
   * flight can take, so a sweep never deletes chunks that a version being published reads.
   */
  static final Duration SWEEP_MARGIN = Duration.ofHours(1);
  /** How far apart the clocks of processes sharing a store may be, for {@link #find}. */
  private static final Duration CLOCK_MARGIN = Duration.ofMinutes(10);

  /** How the names of jobs' output drives start; people cannot create drives so named. */
  public static final String OUTPUT_PREFIX = "job_";
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final ObjectStore store;
  private final JsonObjects objects;
  private final Clock clock;
  /** Whole-file hashes of uploads whose chunks arrive in order, so completing them reads nothing back. */
  private final RunningHashes hashes = new RunningHashes(64);

  /**
   * @param readOnly true for a job's output drive: readable by its owner, written only by the job
   * @param account the account that pays for its storage ({@link StoragePayments}); null if none is named
   */
  public record DriveRecord(String id, String owner, String name, boolean readOnly, Instant createdAt,
      String account) {
    DriveRecord withAccount(String account) {
      return new DriveRecord(id, owner, name, readOnly, createdAt, account);
    }
  }

  /**
   * @param marked true if its publishing is recorded under {@link #publishingKey} (see {@link #find}); null in
   *     uploads started before that was written, which are found by their path's versions
   */
  record Upload(String id, String drive, String path, long size, String sha256, int chunkSize, Instant createdAt,
      Boolean marked) {
    int chunks() {
      return (int) Math.max(1, (size + chunkSize - 1) / chunkSize);
    }

    long chunkLength(int n) {
      return size == 0 ? 0 : Math.min(chunkSize, size - (long) n * chunkSize);
    }
  }

  /**
   * Written before an upload's version is published, naming the version it is about to
   * become: finding it is one read, however long the path's history.
   */
  record Publishing(Long version) {}

  /** @param crc32c the file's CRC32C ({@link FileSums}); null in versions stored before it was recorded */
  record Version(String path, long version, long size, String sha256, String crc32c, String upload, int chunks,
      Instant createdAt) {
    FileVersion view() {
      return new FileVersion(path, version, size, sha256, createdAt);
    }
  }

  public Drives(JsonObjects objects, Clock clock) {
    this.store = objects.store();
    this.objects = objects;
    this.clock = clock;
  }

  // Drives ---------------------------------------------------------------------------------

  /**
   * The owner's drive called {@code name}, created if it does not exist. Names starting with
   * {@link #OUTPUT_PREFIX} are compute's to create: a job's output drive is named after the
   * job, whose id its owner can work out from the quote, and a drive the owner made first
   * would become the job's output drive without being read-only.
   */
  public DriveRecord open(String owner, String name) {
    return open(owner, name, null);
  }

  /** As {@link #open(String, String)}; a drive created now names {@code account} as its payer. */
  DriveRecord open(String owner, String name, String account) {
    if (name != null && name.startsWith(OUTPUT_PREFIX)) {
      return objects.get(nameKey(owner, name), String.class).flatMap(this::get).orElseThrow(() ->
          ApiException.badRequest("Drive names starting with '" + OUTPUT_PREFIX + "' are kept for jobs' outputs; "
              + "choose another name."));
    }
    return create(owner, name, false, account);
  }

  /** A drive for a job's outputs: its owner can read it but not change it. */
  public DriveRecord createOutputDrive(String owner, String name) {
    return create(owner, name, true, null);
  }

  private DriveRecord create(String owner, String name, boolean readOnly, String account) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._ -]{0,63}")) {
      throw ApiException.badRequest("Drive names are 1 to 64 letters, digits, '.', '_', '-' or spaces, "
          + "starting with a letter or digit.");
    }
    String nameKey = nameKey(owner, name);
    Optional<DriveRecord> named = objects.get(nameKey, String.class).flatMap(this::get);
    if (named.isPresent()) {
      return named.get();
    }
    // The record is written before the name points to it, so whoever finds the name finds the
    // drive; a racer that loses the name drops its unnamed record.
    String id = "drv_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    objects.put(driveKey(id), new DriveRecord(id, owner, name, readOnly, clock.instant(), account));
    if (!objects.putIfAbsent(nameKey, id)) {
      store.delete(driveKey(id));
    }
    String winner = objects.get(nameKey, String.class).orElseThrow();
    return get(winner).orElseThrow(() -> new IllegalStateException("drive " + winner + " is named but missing"));
  }

  public Optional<DriveRecord> get(String id) {
    if (id == null || !id.matches("drv_[a-z0-9]{1,40}")) {
      return Optional.empty();
    }
    return objects.get(driveKey(id), DriveRecord.class);
  }

  List<DriveRecord> of(String owner) {
    List<DriveRecord> drives = new ArrayList<>();
    for (String key : store.list("storage/names/" + ObjectKeys.segment(owner) + "/")) {
      objects.get(key, String.class).flatMap(this::get).ifPresent(drives::add);
    }
    return drives;
  }

  /** Names the account that pays for the drive's storage from now on. */
  DriveRecord setAccount(DriveRecord drive, String account) {
    return objects.update(driveKey(drive.id()), DriveRecord.class, current -> current.orElseThrow(() ->
        ApiException.notFound("There is no drive " + drive.id() + ".")).withAccount(account));
  }

  /** Forgets the drive and its name, once its files are gone; the name may then be used again. */
  void deleteDrive(DriveRecord drive) {
    store.delete(nameKey(drive.owner(), drive.name()));
    store.delete(driveKey(drive.id()));
  }

  // Uploads --------------------------------------------------------------------------------

  Upload startUpload(DriveRecord drive, String path, long size, String sha256, Integer chunkSize) {
    String normalised = DrivePaths.normalise(path);
    if (size < 0 || size > (1L << 40)) {
      throw ApiException.badRequest("Field 'size' must be 0 to 1 TiB.");
    }
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      throw ApiException.badRequest("Field 'sha256' must be the file's SHA-256 as 64 lowercase hex digits, "
          + "or absent to send it on completion.");
    }
    int chunk = chunkSize == null ? DEFAULT_CHUNK : chunkSize;
    if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) {
      throw ApiException.badRequest("Field 'chunkSize' must be " + MIN_CHUNK + " to " + MAX_CHUNK + " bytes.");
    }
    if ((size + chunk - 1) / chunk > MAX_CHUNKS) {
      throw ApiException.badRequest("An upload has at most " + MAX_CHUNKS + " chunks; " + size + " bytes need a "
          + "'chunkSize' of at least " + ((size + MAX_CHUNKS - 1) / MAX_CHUNKS) + " bytes.");
    }
    Upload upload = new Upload("up_" + UUID.randomUUID().toString().replace("-", ""), drive.id(), normalised, size,
        sha256, chunk, clock.instant(), true);
    if (!objects.putNew(uploadKey(upload.id()), upload)) {
      throw new IllegalStateException("upload id " + upload.id() + " was drawn twice");
    }
    return upload;
  }

  /** The upload {@code id} in whichever drive; the caller checks it is the drive it means. */
  Optional<Upload> upload(String id) {
    if (id == null || !id.matches("up_[0-9a-f]{32}")) {
      return Optional.empty();
    }
    return objects.get(uploadKey(id), Upload.class);
  }

  /**
   * Stores chunk {@code n}, streamed from {@code body} as it arrives: {@code length} bytes
   * whose SHA-256 is {@code bodySha256} (already checked, or checked by {@code body} itself
   * as it ends, throwing and so storing nothing if the bytes differ), which must be the
   * {@code claimedSha256} the client sent for the chunk. A chunk is written once: sending it
   * again with the same bytes is harmless, with other bytes a 409. The chunk then joins the
   * upload's running hash, as it streams past if its turn has come, else once it has.
   */
  void putChunk(Upload upload, int n, InputStream body, long length, String claimedSha256, String bodySha256) {
    requireLive(upload);
    if (n < 0 || n >= upload.chunks()) {
      throw ApiException.badRequest("Chunk " + n + " is out of range: this upload has chunks 0 to " + (upload.chunks() - 1) + ".");
    }
    if (length != upload.chunkLength(n)) {
      throw ApiException.badRequest("Chunk " + n + " must be " + upload.chunkLength(n) + " bytes, not " + length + ".");
    }
    if (claimedSha256 == null || !bodySha256.equals(claimedSha256)) {
      throw ApiException.badRequest("Chunk " + n + " checksum mismatch: its SHA-256 is not the one sent; send it again.");
    }
    RunningHashes.Running running = hashes.arriving(upload.id(), n);
    RunningHashes.Turn turn = running.turn(n, body, length);
    boolean stored = false;
    try {
      if (store.putIfAbsent(chunkKey(upload.id(), n), turn.stream(), length).isEmpty()
          && !bodySha256.equals(RequestSignature.sha256Hex(store.get(chunkKey(upload.id(), n)).orElseThrow().data()))) {
        throw ApiException.conflict("Chunk " + n + " was already received with other bytes, and an upload's chunks "
            + "cannot change; if the file changed, start a new upload.");
      }
      running.stored(n, bodySha256);
      stored = true;
    } finally {
      turn.end(stored, () -> store.get(chunkKey(upload.id(), n)).orElseThrow().data());
    }
  }

  List<Integer> received(Upload upload) {
    List<Integer> chunks = new ArrayList<>();
    for (String key : store.list("storage/chunks/" + upload.id() + "/")) {
      chunks.add(Integer.parseInt(key.substring(key.lastIndexOf('/') + 1)));
    }
    return chunks;
  }

  /**
   * Publishes the upload as the path's next version, once all chunks are in and they check
   * out against what the client claims: the file's SHA-256 (announced at the start, or sent
   * now) and/or its chunks' ({@link StorageWire#chunksSha256}). The version carries the
   * file's SHA-256 either way, computed here.
   */
  FileVersion complete(Upload upload, CompleteUpload claimed) {
    String claimedSha256 = claimed == null ? null : claimed.sha256();
    String claimedChunks = claimed == null ? null : claimed.chunksSha256();
    if (claimedSha256 != null && !SHA256.matcher(claimedSha256).matches()) {
      throw ApiException.badRequest("Field 'sha256' must be the file's SHA-256 as 64 lowercase hex digits.");
    }
    if (claimedChunks != null && !SHA256.matcher(claimedChunks).matches()) {
      throw ApiException.badRequest("Field 'chunksSha256' must be the SHA-256 of the chunks' SHA-256s as 64 "
          + "lowercase hex digits.");
    }
    if (upload.sha256() != null && claimedSha256 != null && !upload.sha256().equals(claimedSha256)) {
      throw ApiException.badRequest("File checksum mismatch: this upload was announced with SHA-256 "
          + upload.sha256() + ", not " + claimedSha256 + ".");
    }
    String expected = upload.sha256() != null ? upload.sha256() : claimedSha256;
    if (expected == null && claimedChunks == null) {
      throw ApiException.badRequest("Field 'sha256' is required: send the whole file's SHA-256 (or 'chunksSha256', "
          + "the SHA-256 of its chunks' SHA-256s) to complete an upload that did not announce it.");
    }
    // Chunks the client put straight into the store are verified by their HEADs, asked for
    // while the upload's version is looked for: both are round trips to the store.
    Optional<java.util.concurrent.CompletableFuture<Map<String, DirectObjects.Head>>> heads =
        store instanceof DirectObjects direct && expected != null && claimedChunks != null
            ? Optional.of(DirectChunks.heads(direct, upload)) : Optional.empty();
    Optional<Version> already = find(upload);
    if (already.isPresent() && (expected == null || already.get().sha256().equals(expected))) {
      heads.ifPresent(h -> h.cancel(false));
      return already.get().view(); // completing twice publishes once, and need not hash again
    }
    requireLive(upload);
    List<Integer> missing = new ArrayList<>();
    java.util.Set<Integer> have = new java.util.HashSet<>();
    if (heads.isPresent()) {
      for (String key : SideBySide.joined(heads.get()).keySet()) {
        have.add(Integer.parseInt(key.substring(key.lastIndexOf('/') + 1)));
      }
    } else {
      have.addAll(received(upload));
    }
    int missingCount = 0;
    for (int n = 0; n < upload.chunks(); n++) {
      if (!have.contains(n)) {
        if (missing.size() < NAMED_MISSING) {
          missing.add(n);
        }
        missingCount++;
      }
    }
    if (missingCount > 0) {
      throw ApiException.conflict("Upload is missing " + missingCount + " of its " + upload.chunks() + " chunks ("
          + (missingCount > missing.size() ? "the first " + missing.size() + ": " : "") + missing
          + "); send them, then complete again.");
    }
    RunningHashes.Sums sums = hashes.take(upload.id(), upload.chunks());
    if (sums.file().isEmpty() || sums.chunkSha256().isEmpty()) {
      // Chunks the client put straight into the store were never seen here: their SHA-256s
      // are the ones the store verified, the file's is the client's (see DirectChunks).
      Optional<RunningHashes.Sums> direct = heads.isPresent()
          ? DirectChunks.verified(SideBySide.joined(heads.get()), upload, expected) : Optional.empty();
      sums = direct.isPresent() ? direct.get() : readBack(upload);
    }
    if (claimedChunks != null && !claimedChunks.equals(StorageWire.chunksSha256(sums.chunkSha256().orElseThrow()))) {
      throw ApiException.badRequest("Chunks checksum mismatch: the chunks stored are not the ones hashed for "
          + "'chunksSha256'; if the file changed, start a new upload.");
    }
    FileSums actual = sums.file().orElseThrow();
    if (expected != null && !actual.sha256().equals(expected)) {
      throw ApiException.badRequest("File checksum mismatch: the chunks add up to SHA-256 " + actual.sha256()
          + ", not the announced " + expected + ".");
    }
    return publish(upload, actual);
  }

  /** A 409 once the upload has outlived {@link #UPLOAD_LIFETIME}: its chunks may soon be swept. */
  void requireLive(Upload upload) {
    if (!clock.instant().isBefore(upload.createdAt().plus(UPLOAD_LIFETIME))) {
      throw ApiException.conflict("Upload " + upload.id() + " was started at " + upload.createdAt() + " and expired "
          + UPLOAD_LIFETIME.toDays() + " days later, unfinished; start a new upload of " + upload.path() + ".");
    }
  }

  /**
   * Deletes uploads left unfinished past their lifetime and the margin, chunks first, so an
   * abandoned upload (a client that never completed, or a stranger's litter) does not keep
   * its bytes forever. A completed upload is kept: its chunks are its version's bytes.
   *
   * @return how many uploads were swept
   */
  int sweepAbandoned() {
    Instant cutoff = clock.instant().minus(UPLOAD_LIFETIME).minus(SWEEP_MARGIN);
    int swept = 0;
    for (String key : store.list("storage/uploads/")) {
      Optional<Upload> upload = objects.get(key, Upload.class);
      if (upload.isEmpty() || !upload.get().createdAt().isBefore(cutoff) || find(upload.get()).isPresent()) {
        continue;
      }
      for (String chunk : store.list("storage/chunks/" + upload.get().id() + "/")) {
        store.delete(chunk);
      }
      store.delete(publishingKey(upload.get().id()));
      store.delete(key);
      swept++;
    }
    return swept;
  }

  /** The file's checksums and each chunk's SHA-256, from the chunks as stored: when this process did not see them all arrive. */
  private RunningHashes.Sums readBack(Upload upload) {
    FileSums.Hasher file = new FileSums.Hasher();
    List<String> chunks = new ArrayList<>();
    for (int n = 0; n < upload.chunks(); n++) {
      byte[] data = store.get(chunkKey(upload.id(), n)).orElseThrow().data();
      file.update(data);
      chunks.add(RequestSignature.sha256Hex(data));
    }
    return new RunningHashes.Sums(Optional.of(file.finish()), Optional.of(chunks));
  }

  /**
   * Publishes the upload, which {@link #find} saw unpublished, as the path's next version.
   * Its mark, naming the version it is about to take, goes before each attempt, so a later
   * {@link #find} that sees no mark knows there is no version, and one whose mark names a
   * version of another upload (an attempt that lost its number, or stopped half way) walks
   * the versions. A completion that finds the mark there already (another completing at
   * once, or one that stopped half way) looks for the version first.
   */
  private FileVersion publish(Upload upload, FileSums sums) {
    boolean marked = Boolean.TRUE.equals(upload.marked());
    boolean first = true;
    while (true) {
      List<String> versions = store.list(versionsPrefix(upload.drive(), upload.path()));
      long next = versions.isEmpty() ? 1 : versionOf(versions.get(versions.size() - 1)) + 1;
      boolean created = first && marked && objects.putIfAbsent(publishingKey(upload.id()), new Publishing(next));
      if (first && !created) {
        Optional<Version> already = walk(upload);
        if (already.isPresent()) {
          return already.get().view();
        }
      }
      if (marked && !created) {
        objects.put(publishingKey(upload.id()), new Publishing(next));
      }
      first = false;
      Version version = new Version(upload.path(), next, upload.size(), sums.sha256(), sums.crc32c(), upload.id(),
          upload.chunks(), clock.instant());
      if (objects.putIfAbsent(versionKey(upload.drive(), upload.path(), next), version)) {
        return version.view();
      }
    }
  }

  /**
   * The version an upload already became, so completing twice publishes once: by its
   * {@link Publishing} mark, one read (none means never published); else, for an upload
   * that was stopped half way or started before marks were written, by {@link #walk}.
   */
  Optional<Version> find(Upload upload) {
    if (Boolean.TRUE.equals(upload.marked())) {
      Optional<Publishing> mark = objects.get(publishingKey(upload.id()), Publishing.class);
      if (mark.isEmpty()) {
        return Optional.empty();
      }
      if (mark.get().version() != null) {
        Optional<Version> version = objects.get(versionKey(upload.drive(), upload.path(), mark.get().version()),
            Version.class).filter(v -> v.upload().equals(upload.id()));
        if (version.isPresent()) {
          return version;
        }
      }
    }
    return walk(upload);
  }

  /**
   * The upload's version looked for among its path's versions, newest first, back only to
   * versions made before the upload began (less a margin for hosts' clocks): an upload's
   * version is never older than the upload, so a path's long history costs one listing and
   * a read or two, not a read of every version.
   */
  private Optional<Version> walk(Upload upload) {
    List<String> keys = store.list(versionsPrefix(upload.drive(), upload.path()));
    Instant older = upload.createdAt().minus(CLOCK_MARGIN);
    for (int i = keys.size() - 1; i >= 0; i--) {
      Optional<Version> version = objects.get(keys.get(i), Version.class);
      if (version.isPresent() && version.get().upload().equals(upload.id())) {
        return version;
      }
      if (version.isPresent() && version.get().createdAt().isBefore(older)) {
        break;
      }
    }
    return Optional.empty();
  }

  /** Writes a whole stream as the path's next version, chunk by chunk: for services writing job outputs. */
  public FileVersion write(DriveRecord drive, String path, InputStream in, long size) throws IOException {
    FileSums.Hasher digest = new FileSums.Hasher();
    Upload upload = new Upload("up_" + UUID.randomUUID().toString().replace("-", ""), drive.id(),
        DrivePaths.normalise(path), size, "0".repeat(64), DEFAULT_CHUNK, clock.instant(), true);
    for (int n = 0; n < upload.chunks(); n++) {
      byte[] data = in.readNBytes((int) upload.chunkLength(n));
      if (data.length != upload.chunkLength(n)) {
        throw new IOException("stream ended after " + ((long) n * DEFAULT_CHUNK + data.length) + " of " + size + " bytes");
      }
      digest.update(data);
      store.put(chunkKey(upload.id(), n), data);
    }
    FileSums sums = digest.finish();
    Upload sealed = new Upload(upload.id(), upload.drive(), upload.path(), size, sums.sha256(), upload.chunkSize(),
        upload.createdAt(), true);
    objects.put(uploadKey(sealed.id()), sealed);
    return publish(sealed, sums);
  }

  /**
   * Gives up an upload not yet completed: its record and chunks are deleted at once. A
   * completed upload's chunks are its version's bytes: a 409.
   */
  void abort(Upload upload) {
    if (find(upload).isPresent()) {
      throw ApiException.conflict("Upload " + upload.id() + " is complete: delete its file version instead.");
    }
    for (String chunk : store.list("storage/chunks/" + upload.id() + "/")) {
      store.delete(chunk);
    }
    store.delete(publishingKey(upload.id()));
    store.delete(uploadKey(upload.id()));
  }

  // Deleting and the archive tier -------------------------------------------------------

  /** Every version of every file, or of those under {@code prefix} (a folder, normalised) if it is not empty. */
  List<Version> allVersions(DriveRecord drive, String prefix) {
    String under = prefix == null || prefix.isEmpty() ? "" : prefix + "/";
    List<Version> all = new ArrayList<>();
    for (String key : store.list("storage/files/" + drive.id() + "/")) {
      objects.get(key, Version.class).filter(v -> v.path().startsWith(under)).ifPresent(all::add);
    }
    return all;
  }

  /** Deletes a version: first the version (so nobody finds it), then its bytes in either tier. */
  void deleteVersion(DriveRecord drive, Version version) {
    store.delete(versionsPrefix(drive.id(), version.path()) + String.format("%012d", version.version()));
    dropHot(version);
    for (String chunk : store.list(archivePrefix(version.upload()))) {
      store.delete(chunk);
    }
    store.delete(publishingKey(version.upload()));
    store.delete(uploadKey(version.upload()));
  }

  /** Moves a version's chunks to the archive tier: copied first, so a crash in between loses nothing. */
  void moveToArchive(Version version) {
    for (int n = 0; n < version.chunks(); n++) {
      Optional<StoredObject> hot = store.get(chunkKey(version.upload(), n));
      if (hot.isPresent()) {
        store.putIfAbsent(archivePrefix(version.upload()) + String.format("%06d", n), hot.get().data());
      }
    }
    dropHot(version);
  }

  /** Copies an archived version's chunks back to the standard tier, where downloads read them. */
  void restoreFromArchive(Version version) {
    if (version.size() == 0) {
      return;
    }
    for (int n = 0; n < version.chunks(); n++) {
      byte[] data = store.get(archivePrefix(version.upload()) + String.format("%06d", n)).orElseThrow(() ->
          new IllegalStateException("archived chunk missing from " + version.upload())).data();
      store.putIfAbsent(chunkKey(version.upload(), n), data);
    }
  }

  /** Deletes the standard tier's copy of a version's chunks. */
  void dropHot(Version version) {
    for (String chunk : store.list("storage/chunks/" + version.upload() + "/")) {
      store.delete(chunk);
    }
  }

  // Reading --------------------------------------------------------------------------------

  /** The newest version of every file, optionally under a directory. */
  List<FileVersion> list(DriveRecord drive, String prefix) {
    String under = prefix == null || prefix.isBlank() ? "" : DrivePaths.normalise(prefix) + "/";
    Map<String, Version> latest = new LinkedHashMap<>();
    for (String key : store.list("storage/files/" + drive.id() + "/")) {
      objects.get(key, Version.class).filter(v -> v.path().startsWith(under))
          .ifPresent(v -> latest.merge(v.path(), v, (a, b) -> a.version() > b.version() ? a : b));
    }
    return latest.values().stream().map(Version::view).sorted(java.util.Comparator.comparing(FileVersion::path)).toList();
  }

  List<FileVersion> versions(DriveRecord drive, String path) {
    List<FileVersion> versions = new ArrayList<>();
    for (String key : store.list(versionsPrefix(drive.id(), DrivePaths.normalise(path)))) {
      objects.get(key, Version.class).ifPresent(v -> versions.add(v.view()));
    }
    return versions;
  }

  /** The newest version of a file; a 404 if there is none, a 400 if the path is not a valid drive path. */
  public FileVersion newest(DriveRecord drive, String path) {
    return version(drive, path, null).view();
  }

  /** The newest version's bytes, streamed; a 404 if there is none. The caller closes it. */
  public InputStream openNewest(DriveRecord drive, String path) {
    return open(version(drive, path, null), 0);
  }

  /** The requested version of a file (the newest if {@code version} is null), or a 404. */
  /** Whether drive {@code driveId} has any version of the (normalised) {@code path}: one listing. */
  boolean exists(String driveId, String normalisedPath) {
    return !store.list(versionsPrefix(driveId, normalisedPath)).isEmpty();
  }

  Version version(DriveRecord drive, String path, Long version) {
    String normalised = DrivePaths.normalise(path);
    List<String> keys = store.list(versionsPrefix(drive.id(), normalised));
    if (keys.isEmpty()) {
      throw ApiException.notFound("No file " + normalised + " in drive " + drive.name() + ".");
    }
    String key = version == null ? keys.get(keys.size() - 1)
        : versionsPrefix(drive.id(), normalised) + String.format("%012d", version);
    return objects.get(key, Version.class).orElseThrow(() ->
        ApiException.notFound("File " + normalised + " has no version " + version + "."));
  }

  /** The size of the version's chunks (the last may be shorter), from its upload's record. */
  int chunkSize(Version version) {
    return objects.get(uploadKey(version.upload()), Upload.class).orElseThrow().chunkSize();
  }

  /** The file's bytes from {@code offset}, read one chunk at a time. */
  InputStream open(Version version, long offset) {
    Upload upload = objects.get(uploadKey(version.upload()), Upload.class).orElseThrow();
    return new InputStream() {
      private int chunk = (int) (offset / upload.chunkSize());
      private byte[] current = new byte[0];
      private int position;
      private boolean first = true;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int from, int length) {
        while (position >= current.length) {
          if (chunk >= upload.chunks() || upload.size() == 0) {
            return -1;
          }
          current = store.get(chunkKey(upload.id(), chunk)).map(StoredObject::data).orElseThrow(() ->
              new IllegalStateException("chunk " + chunk + " of " + upload.id() + " is missing"));
          position = first ? (int) (offset % upload.chunkSize()) : 0;
          first = false;
          chunk++;
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, from, n);
        position += n;
        return n;
      }
    };
  }

  private static long versionOf(String key) {
    return Long.parseLong(key.substring(key.lastIndexOf('/') + 1));
  }

  private static String nameKey(String owner, String name) {
    return "storage/names/" + ObjectKeys.segment(owner) + "/" + ObjectKeys.segment(name);
  }

  private static String driveKey(String id) {
    return "storage/drives/" + id;
  }

  private static String archivePrefix(String upload) {
    return "storage/archive/" + upload + "/";
  }

  private static String publishingKey(String upload) {
    return "storage/publishing/" + upload;
  }

  private static String versionKey(String drive, String path, long version) {
    return versionsPrefix(drive, path) + String.format("%012d", version);
  }

  private static String uploadKey(String id) {
    return "storage/uploads/" + id;
  }

  /** Where an upload's chunks are, for {@link DirectChunks}. */
  static String chunksPrefix(String upload) {
    return "storage/chunks/" + upload + "/";
  }

  static String chunkKey(String upload, int n) {
    return "storage/chunks/" + upload + "/" + String.format("%06d", n);
  }

  /** Keyed by the path's SHA-256, so any valid path (up to 1,024 bytes) fits the store's key limit. */
  private static String versionsPrefix(String drive, String path) {
    return "storage/files/" + drive + "/" + RequestSignature.sha256Hex(path.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "/";
  }
}
