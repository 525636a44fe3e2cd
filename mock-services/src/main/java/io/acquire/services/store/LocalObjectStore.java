package io.acquire.services.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A store in a local directory: the embedded default.
 *
 * <p>An object is a file holding its version token on the first line and its bytes after.
 * A put writes a temporary file beside the target, forces it to disk, renames it over
 * the target atomically and forces the directory, so a crash leaves the old object or
 * the new one, never a torn one, and a put that returned survives an OS crash. Key
 * segments become {@code <segment>.d} directories and {@code <segment>.o} files, so
 * {@code a/b} and {@code a/b/c} can both exist. A delete removes directories it leaves
 * empty.
 *
 * <p>A temporary file left by a crash is never listed or read, and is removed when a
 * store is opened once it is ten minutes old.
 *
 * <p>Logs ({@link #log}) live beside the objects, in {@code logs/<name>/}, as segment files
 * that records are appended to ({@link SegmentLog}).
 *
 * <p>Every file and directory it creates is its OS user's alone (0600 and 0700, whatever the
 * umask): objects hold secrets.
 *
 * <p>Writers to one key serialise on a stripe lock held both in this JVM (shared by every
 * instance open on the same directory) and, with an OS file lock, across every process
 * that opens the same directory; readers never lock. The store keeps no file open between
 * calls, so an interrupted call fails alone and {@link #close()} has nothing to release.
 */
public final class LocalObjectStore implements ObjectStore {
  private static final int STRIPES = 64;
  private static final int VERSION_LENGTH = 32;
  private static final int WRITE_SLICE = 64 * 1024;
  private static final String OBJECT = ".o";
  private static final String DIRECTORY = ".d";
  private static final String TEMP = ".tmp";
  /** Older temp files are a crash's leftovers; younger ones may be another process's write in flight. */
  static final Duration STALE_TEMP = Duration.ofMinutes(10);
  /** A writer retries when a concurrent delete removed the (then empty) directory it was about to write in. */
  private static final int DIRECTORY_RACE_ATTEMPTS = 1000;

  /**
   * One JVM may hold only one OS lock on a file at a time, so threads of this JVM exclude
   * each other before taking it; indexed by lock file, hence shared by all instances.
   */
  private static final ReentrantLock[] JVM_LOCKS = new ReentrantLock[1024];

  static {
    for (int i = 0; i < JVM_LOCKS.length; i++) {
      JVM_LOCKS[i] = new ReentrantLock();
    }
  }

  private final Path root;
  private final Path objects;
  private final boolean durable;
  private final Path[] lockFiles = new Path[STRIPES];
  private final Map<String, SegmentLog> logs = new ConcurrentHashMap<>();
  private final ReentrantLock[] jvmLocks = new ReentrantLock[STRIPES];

  private LocalObjectStore(Path root, boolean durable) throws IOException {
    this.root = root.toAbsolutePath();
    this.objects = this.root.resolve("objects");
    this.durable = durable;
    PrivateFiles.createDirectories(objects);
    Path locks = PrivateFiles.createDirectories(this.root.resolve("locks")).toRealPath();
    for (int i = 0; i < STRIPES; i++) {
      lockFiles[i] = locks.resolve(i + ".lock");
      jvmLocks[i] = jvmLockFor(lockFiles[i]);
    }
    sweepStaleTempFiles(Instant.now().minus(STALE_TEMP));
  }

  /**
   * Deletes temp files last modified before {@code cutoff}; returns how many. Safe while
   * other processes write, as long as no write takes from before {@code cutoff} until now.
   */
  int sweepStaleTempFiles(Instant cutoff) throws IOException {
    return sweep(objects, cutoff);
  }

  /** Other processes may create and rename files meanwhile: anything that vanishes is simply skipped. */
  private static int sweep(Path directory, Instant cutoff) throws IOException {
    int deleted = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        try {
          if (name.endsWith(DIRECTORY)) {
            deleted += sweep(entry, cutoff);
          } else if (name.endsWith(TEMP) && Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)
              && Files.deleteIfExists(entry)) {
            deleted++;
          }
        } catch (NoSuchFileException e) {
          // Renamed into place or removed by its writer while we looked.
        }
      }
    } catch (NoSuchFileException e) {
      // The directory itself went away.
    }
    return deleted;
  }

  /** Opens (creating if needed) a durable store in {@code directory}. */
  public static LocalObjectStore open(Path directory) {
    return open(directory, true);
  }

  /**
   * Opens a store; with {@code durable} false, puts skip {@code fsync}: atomic still, but
   * an OS crash may lose recent puts. Only for scratch data and benchmarks.
   */
  public static LocalObjectStore open(Path directory, boolean durable) {
    try {
      return new LocalObjectStore(directory, durable);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open object store at " + directory + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }

  /** Reads the version line, then the bytes straight into an array of their size (no copy of 8 MiB chunks). */
  @Override
  public Optional<StoredObject> get(String key) {
    Path file = file(key);
    // An object file is never written in place (puts rename a new file over it), so an open one stays whole.
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size <= VERSION_LENGTH || size - VERSION_LENGTH - 1 > Integer.MAX_VALUE - 8) {
        throw notInFormat(key);
      }
      byte[] header = new byte[VERSION_LENGTH + 1];
      readFully(channel, ByteBuffer.wrap(header), 0);
      if (header[VERSION_LENGTH] != '\n') {
        throw notInFormat(key);
      }
      byte[] data = new byte[(int) (size - header.length)];
      // In slices, for the same reason as writes: no chunk-sized native buffer per thread.
      for (int at = 0; at < data.length; at += WRITE_SLICE) {
        readFully(channel, ByteBuffer.wrap(data, at, Math.min(WRITE_SLICE, data.length - at)), header.length);
      }
      return Optional.of(new StoredObject(key, data, new String(header, 0, VERSION_LENGTH, StandardCharsets.US_ASCII)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read object " + key, e);
    }
  }

  private IllegalStateException notInFormat(String key) {
    return new IllegalStateException("Object " + key + " in " + root + " is not in the store's format");
  }

  /** Fills {@code buffer} from the file, its position {@code p} read from file offset {@code base + p}. */
  private static void readFully(FileChannel channel, ByteBuffer buffer, long base) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, base + buffer.position()) < 0) {
        throw new IOException("object file ended early");
      }
    }
  }

  @Override
  public String put(String key, byte[] data) {
    Objects.requireNonNull(data, "data == null");
    return locked(key, file -> write(file, data));
  }

  @Override
  public Optional<String> putIfAbsent(String key, byte[] data) {
    Objects.requireNonNull(data, "data == null");
    return locked(key, file -> Files.exists(file) ? Optional.empty() : Optional.of(write(file, data)));
  }

  @Override
  public Optional<String> putIfVersion(String key, byte[] data, String expectedVersion) {
    Objects.requireNonNull(data, "data == null");
    return locked(key, file -> {
      Optional<String> current = get(key).map(StoredObject::version);
      return current.isPresent() && current.get().equals(expectedVersion)
          ? Optional.of(write(file, data))
          : Optional.empty();
    });
  }

  @Override
  public List<String> list(String prefix) {
    ObjectKeys.checkPrefix(prefix);
    int slash = prefix.lastIndexOf('/');
    String directoryKey = slash < 0 ? "" : prefix.substring(0, slash);
    Path start = directoryKey.isEmpty() ? objects : directory(directoryKey);
    List<String> keys = new ArrayList<>();
    collect(start, directoryKey.isEmpty() ? "" : directoryKey + "/", prefix, keys);
    keys.sort(null);
    return keys;
  }

  private static void collect(Path directory, String keyPrefix, String wanted, List<String> keys) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.endsWith(OBJECT)) {
          String key = keyPrefix + name.substring(0, name.length() - OBJECT.length());
          if (key.startsWith(wanted)) {
            keys.add(key);
          }
        } else if (name.endsWith(DIRECTORY)) {
          String childPrefix = keyPrefix + name.substring(0, name.length() - DIRECTORY.length()) + "/";
          if (childPrefix.startsWith(wanted) || wanted.startsWith(childPrefix)) {
            collect(entry, childPrefix, wanted, keys);
          }
        }
      }
    } catch (NoSuchFileException e) {
      // Nothing was ever stored under this prefix.
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list objects under " + keyPrefix, e);
    }
  }

  @Override
  public boolean delete(String key) {
    return locked(key, file -> {
      if (!Files.deleteIfExists(file)) {
        return false;
      }
      if (durable) {
        forceNearest(file.getParent());
      }
      pruneEmpty(file.getParent());
      return true;
    });
  }

  /**
   * The log as segment files in {@code logs/<name>/}: one write and one flush per append
   * instead of an object's new file, rename and two flushes.
   */
  @Override
  public ObjectLog log(String name) {
    return logs.computeIfAbsent(ObjectLog.checkName(name), n -> {
      Path directory = root.resolve("logs").resolve(n);
      return new SegmentLog(directory, SegmentLog.DEFAULT_PER_SEGMENT, durable, jvmLockFor(directory));
    });
  }

  /** The lock that excludes this JVM's writers of {@code path}, whichever store instance they use. */
  static ReentrantLock jvmLockFor(Path path) {
    return JVM_LOCKS[Math.floorMod(path.toAbsolutePath().normalize().toString().hashCode(), JVM_LOCKS.length)];
  }

  /** Nothing to release: the store keeps no file open between calls. */
  @Override
  public void close() {}

  private interface FileAction<T> {
    T apply(Path file) throws IOException;
  }

  @SuppressWarnings("try") // the OS lock is held for the block's duration; it is never read
  private <T> T locked(String key, FileAction<T> action) {
    Path file = file(key);
    // String.hashCode is specified, so every process maps a key to the same lock file.
    int stripe = Math.floorMod(key.hashCode(), STRIPES);
    ReentrantLock jvmLock = jvmLocks[stripe];
    jvmLock.lock();
    // A channel per call: an interrupt closes the channel it hits, which must not be a shared one.
    try (FileChannel channel = PrivateFiles.open(lockFiles[stripe], StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         FileLock processLock = lockRetryingFalseDeadlocks(channel)) {
      return action.apply(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write object " + key + ": " + e.getMessage(), e);
    } finally {
      jvmLock.unlock();
    }
  }

  /**
   * Linux's fcntl deadlock detection treats all threads of a process as one lock owner, so
   * with several processes it can refuse a blocking lock with EDEADLK ("Resource deadlock
   * avoided") where no deadlock exists. Waiting briefly and asking again is correct.
   */
  static FileLock lockRetryingFalseDeadlocks(FileChannel channel) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return channel.lock();
      } catch (IOException e) {
        if (attempt >= 1000 || e.getMessage() == null || !e.getMessage().contains("deadlock")) {
          throw e;
        }
        try {
          Thread.sleep(1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(5));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while waiting for a store lock");
        }
      }
    }
  }

  private String write(Path file, byte[] data) throws IOException {
    Written temp = writeTemp(file.getParent(), new java.io.ByteArrayInputStream(data), data.length);
    try {
      return commit(temp, file);
    } finally {
      deleteQuietly(temp.path());
    }
  }

  /**
   * Streams into a temporary file outside the key's lock (a large object may take seconds
   * to arrive), then takes the lock only to check and rename.
   */
  @Override
  public Optional<String> putIfAbsent(String key, InputStream in, long length) {
    Objects.requireNonNull(in, "in == null");
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative, not " + length);
    }
    Path file = file(key);
    Written temp;
    try {
      temp = writeTemp(file.getParent(), in, length);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write object " + key + ": " + e.getMessage(), e);
    }
    try {
      return locked(key, target -> Files.exists(target) ? Optional.empty() : Optional.of(commit(temp, target)));
    } finally {
      deleteQuietly(temp.path());
    }
  }

  /** A temporary file holding an object's version line and bytes, forced to disk if durable. */
  private record Written(Path path, String version) {}

  /**
   * Writes the version line and {@code length} bytes of {@code in} to a new temporary file.
   * Every write is a whole slice at a slice boundary of the file (the version line shares
   * the first): the JDK copies a heap buffer through a native one of the same size, kept
   * by each thread, so whole 8 MiB writes cost every server thread 8 MiB off the heap; and
   * writes that start or end inside a page, as a network stream's reads would make them,
   * cost the kernel a third more CPU per byte (measured, 128 files of 8 MiB).
   */
  private Written writeTemp(Path directory, InputStream in, long length) throws IOException {
    String version = UUID.randomUUID().toString().replace("-", "");
    Path temp = directory.resolve(UUID.randomUUID().toString().replace("-", "") + TEMP);
    FileChannel out;
    Set<Path> made = new LinkedHashSet<>();
    for (int attempt = 1; ; attempt++) {
      try {
        if (attempt > 1 || !Files.isDirectory(directory)) {
          makeDirectories(directory, made);
        }
        out = PrivateFiles.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        break;
      } catch (NoSuchFileException e) {
        // A delete of another key pruned a directory on our path after we saw or made it;
        // once our temp file is inside, no prune can remove it, so trying again converges.
        if (attempt == DIRECTORY_RACE_ATTEMPTS) {
          throw e;
        }
      }
    }
    if (durable) {
      // Only now: our temp file pins every directory on its path, so none of these can
      // vanish, and no fsync sat in the window in which a prune could take a new directory.
      for (Path each : made) {
        forceDirectory(each.getParent());
      }
    }
    boolean written = false;
    try (FileChannel channel = out) {
      byte[] header = (version + "\n").getBytes(StandardCharsets.US_ASCII);
      byte[] slice = new byte[(int) Math.min(WRITE_SLICE, header.length + length)];
      System.arraycopy(header, 0, slice, 0, header.length);
      int filled = header.length;
      long left = length;
      while (true) {
        while (filled < slice.length && left > 0) {
          int n = in.read(slice, filled, (int) Math.min(slice.length - filled, left));
          if (n < 0) {
            throw new IOException("the stream ended after " + (length - left) + " of " + length + " bytes");
          }
          filled += n;
          left -= n;
        }
        writeFully(channel, ByteBuffer.wrap(slice, 0, filled));
        if (left == 0) {
          break;
        }
        filled = 0;
      }
      if (durable) {
        channel.force(true);
      }
      written = true;
    } finally {
      if (!written) {
        deleteQuietly(temp);
      }
    }
    return new Written(temp, version);
  }

  /**
   * Renames the temporary file over {@code file} (under the key's lock) and forces the
   * directory. The directory is still there: a prune removes only empty directories, and
   * the temp file has been in it all along.
   */
  private String commit(Written temp, Path file) throws IOException {
    Path directory = file.getParent();
    try {
      Files.move(temp.path(), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system under " + root + " cannot rename atomically", e);
    }
    if (durable) {
      forceDirectory(directory);
    }
    return temp.version();
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // Left for the sweep of stale temp files when a store is next opened.
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * Creates missing directories and adds each one asked for to {@code made}: its parent is
   * forced later even if a concurrent writer created it, closing the window in which that
   * writer has not yet made the entry durable.
   */
  private static void makeDirectories(Path directory, Set<Path> made) throws IOException {
    Path parent = directory.getParent();
    if (!Files.isDirectory(parent)) {
      makeDirectories(parent, made);
    }
    PrivateFiles.createDirectory(directory);
    made.add(directory);
  }

  /**
   * Removes {@code directory} and its ancestors while they are empty. A writer that loses
   * the race (its directory vanishes before its temp file is in it) recreates it.
   */
  private void pruneEmpty(Path directory) throws IOException {
    while (!directory.equals(objects)) {
      try {
        Files.delete(directory);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      }
      directory = directory.getParent();
      if (durable) {
        forceNearest(directory);
      }
    }
  }

  /**
   * Forces {@code directory}, or if a concurrent prune removed it, its nearest remaining
   * ancestor: that removal made our change unreachable, and forcing the ancestor makes it stick.
   */
  private void forceNearest(Path directory) throws IOException {
    while (true) {
      try {
        forceDirectory(directory);
        return;
      } catch (NoSuchFileException e) {
        if (directory.equals(objects)) {
          throw e;
        }
        directory = directory.getParent();
      }
    }
  }

  static void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private Path file(String key) {
    return resolve(ObjectKeys.check(key), segment -> segment + OBJECT);
  }

  private Path directory(String key) {
    return resolve(ObjectKeys.check(key), segment -> segment + DIRECTORY);
  }

  private Path resolve(String key, Function<String, String> last) {
    String[] segments = key.split("/");
    Path path = objects;
    for (int i = 0; i < segments.length - 1; i++) {
      path = path.resolve(segments[i] + DIRECTORY);
    }
    return path.resolve(last.apply(segments[segments.length - 1]));
  }
}
