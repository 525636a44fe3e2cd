package io.acquire.client;

import io.acquire.client.wire.SharingWire;
import java.time.Instant;

/**
 * One access rule of a drive, as {@link Drive#share} makes it and {@link Drive#accessRules()} lists it.
 *
 * @param kind {@code user} or {@code group}
 * @param principal the username, or the group's id
 * @param label the username, or the group's owner and name ({@code ada/lab})
 * @param role {@code reader}, {@code writer} or {@code owner}
 * @param path the folder the rule covers, or empty for the whole drive
 */
public record AccessRule(String id, String kind, String principal, String label, String role, String path,
    String grantedBy, Instant grantedAt) {

  static AccessRule from(SharingWire.AccessRule w) {
    return new AccessRule(w.id(), w.kind(), w.principal(), w.label(), w.role(), w.path(), w.grantedBy(),
        w.grantedAt());
  }
}
