package io.acquire.services.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * A log in a local directory, as a few segment files that records are appended to: one
 * write and one flush ({@code fdatasync}) per append, where an object per record costs a
 * new file, a rename and two flushes.
 *
 * <p>Segment {@code n} ({@code <n>.seg}, 16 digits) holds positions {@code n * perSegment}
 * onwards. A record is a header (magic, position, length, CRC32C of position, length and
 * bytes) and its bytes, so a reader can tell a whole record from a torn one. Appenders
 * exclude each other with a lock held in this JVM and, on the directory's lock file, across
 * processes; under it an appender reads to the end of the last segment, cuts off anything
 * after the last whole record (what a writer killed mid-append left), and writes at the end.
 * Readers take no lock: they read whole records up to the first torn or missing one. Each
 * process remembers where the records it has seen begin, so it reads a segment through once.
 *
 * <p>Order: a record is flushed before the append returns, and before a new segment is
 * started the one before it is flushed, so a durable record always has every earlier one
 * before it.
 */
final class SegmentLog implements ObjectLog {
  static final int DEFAULT_PER_SEGMENT = 4096;
  private static final int MAGIC = 0x41634c67; // "AcLg"
  private static final int HEADER = 4 + 8 + 4 + 4;
  private static final int MAX_RECORD = 64 << 20;

  private final Path directory;
  private final Path lockFile;
  private final ReentrantLock jvmLock;
  private final int perSegment;
  private final boolean durable;
  private final Map<Long, Segment> segments = new ConcurrentHashMap<>();

  /** @param jvmLock shared by every instance on this directory in this JVM (one OS lock per file per JVM) */
  SegmentLog(Path directory, int perSegment, boolean durable, ReentrantLock jvmLock) {
    this.directory = directory;
    this.lockFile = directory.resolve("lock");
    this.perSegment = perSegment;
    this.durable = durable;
    this.jvmLock = jvmLock;
  }

  @Override
  public Optional<byte[]> read(long position) {
    KeyedLog.checkPosition(position);
    Segment segment = segment(position / perSegment);
    try {
      return Optional.ofNullable(segment.read((int) (position % perSegment)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read log record " + position + " in " + directory, e);
    }
  }

  @Override
  @SuppressWarnings("try") // the OS lock is held for the block's duration; it is never read
  public boolean append(long position, byte[] record) {
    Objects.requireNonNull(record, "record == null");
    KeyedLog.checkPosition(position);
    if (record.length > MAX_RECORD) {
      throw new IllegalArgumentException("a log record is at most " + MAX_RECORD + " bytes, not " + record.length);
    }
    jvmLock.lock();
    try {
      if (!Files.isDirectory(directory)) {
        PrivateFiles.createDirectories(directory);
        if (durable) {
          LocalObjectStore.forceDirectory(directory.getParent());
        }
      }
      try (FileChannel lockChannel = PrivateFiles.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock processLock = LocalObjectStore.lockRetryingFalseDeadlocks(lockChannel)) {
        return appendLocked(position, record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append log record " + position + " in " + directory + ": "
          + e.getMessage(), e);
    } finally {
      jvmLock.unlock();
    }
  }

  private boolean appendLocked(long position, byte[] record) throws IOException {
    long index = position / perSegment;
    int slot = (int) (position % perSegment);
    Segment segment = segment(index);
    boolean starting = slot == 0 && !Files.exists(segment.file);
    if (starting && index > 0) {
      Segment previous = segment(index - 1);
      if (previous.countToEnd() != perSegment) {
        return false; // the previous segment is not full: this is not the next position
      }
      if (durable) {
        previous.force();
      }
    }
    try (FileChannel channel = PrivateFiles.open(segment.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      if (starting && durable) {
        LocalObjectStore.forceDirectory(directory);
      }
      return segment.appendAtEnd(channel, slot, position, record);
    }
  }

  private Segment segment(long index) {
    return segments.computeIfAbsent(index, Segment::new);
  }

  private static byte[] frame(long position, byte[] record) {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER + record.length);
    buffer.putInt(MAGIC).putLong(position).putInt(record.length).putInt(crc(position, record, 0, record.length));
    buffer.put(record);
    return buffer.array();
  }

  private static int crc(long position, byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(12).putLong(position).putInt(length).flip());
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  /** What this process knows of one segment file: where each record it has seen begins. */
  private final class Segment {
    final long first;
    final Path file;
    private long[] offsets = new long[64];
    private int count;
    /** Just past the last whole record seen. */
    private long end;

    Segment(long index) {
      this.first = index * perSegment;
      this.file = directory.resolve(String.format("%016d.seg", index));
    }

    /** The record in {@code slot}, or null if it is not (wholly) there yet. */
    synchronized byte[] read(int slot) throws IOException {
      if (slot < count) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
          return recordAt(channel, offsets[slot], first + slot);
        }
      }
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        byte[] found = null;
        while (count <= slot) {
          byte[] next = recordAt(channel, end, first + count);
          if (next == null) {
            return null;
          }
          remember(HEADER + next.length);
          found = next;
        }
        return found;
      } catch (NoSuchFileException e) {
        return null;
      }
    }

    /** Reads to the last whole record; returns how many there are. */
    synchronized int countToEnd() throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        readToEnd(channel);
      } catch (NoSuchFileException e) {
        // no records yet
      }
      return count;
    }

    /** Under the append lock: cut any torn tail, then write at the end if {@code slot} is next. */
    synchronized boolean appendAtEnd(FileChannel channel, int slot, long position, byte[] record) throws IOException {
      readToEnd(channel);
      if (slot != count) {
        return false;
      }
      if (channel.size() > end) {
        channel.truncate(end); // a writer died mid-append: its record was never acknowledged
      }
      ByteBuffer framed = ByteBuffer.wrap(frame(position, record));
      for (long at = end; framed.hasRemaining(); ) {
        at += channel.write(framed, at);
      }
      if (durable) {
        channel.force(false);
      }
      remember(HEADER + record.length);
      return true;
    }

    synchronized void force() throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.force(false);
      }
    }

    private void readToEnd(FileChannel channel) throws IOException {
      while (count < perSegment) {
        byte[] next = recordAt(channel, end, first + count);
        if (next == null) {
          return;
        }
        remember(HEADER + next.length);
      }
    }

    private void remember(int length) {
      if (count == offsets.length) {
        offsets = Arrays.copyOf(offsets, count * 2);
      }
      offsets[count++] = end;
      end += length;
    }
  }

  /** The whole record for {@code position} at {@code offset}, or null if it is missing, partial or not that record. */
  private static byte[] recordAt(FileChannel channel, long offset, long position) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    if (!readFully(channel, header, offset)) {
      return null;
    }
    header.flip();
    if (header.getInt() != MAGIC || header.getLong() != position) {
      return null;
    }
    int length = header.getInt();
    int expectedCrc = header.getInt();
    if (length < 0 || length > MAX_RECORD) {
      return null;
    }
    byte[] record = new byte[length];
    if (!readFully(channel, ByteBuffer.wrap(record), offset + HEADER)) {
      return null;
    }
    return crc(position, record, 0, length) == expectedCrc ? record : null;
  }

  /** Fills {@code buffer} from {@code offset}; false if the file ends first. */
  private static boolean readFully(FileChannel channel, ByteBuffer buffer, long offset) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, offset + buffer.position()) < 0) {
        return false;
      }
    }
    return true;
  }
}
