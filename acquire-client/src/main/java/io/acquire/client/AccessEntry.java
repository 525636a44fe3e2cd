package io.acquire.client;

import io.acquire.client.wire.SharingWire;

/**
 * Who can reach a drive and why: one line of {@link Drive#access()}.
 *
 * @param role {@code reader}, {@code writer} or {@code owner}
 * @param path the folder it covers, or empty for the whole drive
 * @param why in words, such as {@code owns the drive} or {@code member of group ada/lab (rule by ada)}
 * @param rule the id of the rule that grants it; null for the drive's owner
 */
public record AccessEntry(String user, String role, String path, String why, String rule) {

  static AccessEntry from(SharingWire.AccessEntry w) {
    return new AccessEntry(w.user(), w.role(), w.path(), w.why(), w.rule());
  }
}
