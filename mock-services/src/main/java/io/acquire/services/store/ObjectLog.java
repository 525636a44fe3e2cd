package io.acquire.services.store;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An append-only sequence of records numbered from 0, shared by every process on a store:
 * the one shape of state that many writers extend and everyone replays, such as the
 * ledger's batches. Of any number of writers appending at one position, across threads and
 * processes, exactly one succeeds, so "append at the position after the last one I read"
 * is a lock-free commit.
 *
 * <p>Guarantees: a record is read back whole or not at all; when {@link #append} returns
 * true the record is durable as far as the store promises, and so is every record before
 * it; a failed or interrupted append leaves no record (the position stays free). An
 * append that throws may or may not have taken effect: read the position to find out.
 */
public interface ObjectLog {
  /** Names are a lower-case letter or digit, then up to 63 more or {@code -}. */
  Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  /**
   * Writes {@code record} at {@code position} if that is the log's next free position.
   *
   * @return true once it is written; false if another writer has the position, or if the
   *     position is past the next free one
   */
  boolean append(long position, byte[] record);

  /** The record at {@code position}, once appended. */
  Optional<byte[]> read(long position);

  static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("log name '" + name + "' must match " + NAME.pattern());
    }
    return name;
  }
}
