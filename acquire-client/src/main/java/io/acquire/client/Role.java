package io.acquire.client;

import java.util.Locale;

/**
 * What a sharing rule lets someone do on a drive or folder, weakest first; each role
 * includes the ones before it. A job's output drive stays read-only whatever the role.
 */
public enum Role {
  /** Lists, reads and downloads files. */
  READER,
  /** Also uploads and writes new versions. */
  WRITER,
  /** Also shares with others, unshares, and makes and revokes links. */
  OWNER;

  /** As the protocol spells it: {@code reader}, {@code writer}, {@code owner}. */
  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
