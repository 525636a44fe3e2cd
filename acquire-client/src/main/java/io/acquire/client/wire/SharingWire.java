package io.acquire.client.wire;

import java.time.Instant;
import java.util.List;

/**
 * Request and response bodies of storage's sharing endpoints: groups, access rules and
 * links ({@code /t/storage/groups}, {@code /drives/{id}/access}, {@code /drives/{id}/links},
 * {@code /l/{token}}); see docs/sharing.md.
 */
public final class SharingWire {
  /** The roles a rule grants, weakest first: each includes the ones before it. */
  public static final List<String> ROLES = List.of("reader", "writer", "owner");

  private SharingWire() {}

  /** {@code POST /groups}: create a group of this name, owned by the caller (or open the caller's own). */
  public record CreateGroup(String name) {}

  /** {@code POST /groups/{id}/members}: add a user by name. */
  public record AddMember(String username) {}

  /** A group: its owner manages its members; the owner counts as a member. */
  public record GroupInfo(String id, String name, String owner, List<String> members, Instant createdAt) {}

  public record GroupList(List<GroupInfo> groups) {}

  /**
   * {@code POST /drives/{id}/access}: grant {@code role} on {@code path} (a folder, or empty
   * for the whole drive) to exactly one of {@code user} (a username) or {@code group} (a
   * group id). Sharing again with the same user or group and path replaces the role.
   */
  public record Share(String user, String group, String role, String path) {}

  /**
   * One access rule of a drive.
   *
   * @param kind {@code user} or {@code group}
   * @param principal the username, or the group's id
   * @param label the username, or the group's owner and name ({@code ada/lab})
   * @param path the folder the rule covers, or empty for the whole drive
   */
  public record AccessRule(String id, String kind, String principal, String label, String role, String path,
      String grantedBy, Instant grantedAt) {}

  /**
   * Who can reach a drive and why: one line per user and rule that grants them access
   * (a group's rule gives a line to each member).
   *
   * @param why in words, such as {@code owns the drive} or {@code member of group ada/lab (rule by ada)}
   * @param rule the id of the rule that grants it; null for the drive's owner
   */
  public record AccessEntry(String user, String role, String path, String why, String rule) {}

  public record AccessList(List<AccessRule> rules, List<AccessEntry> users) {}

  /**
   * {@code POST /drives/{id}/links}: a link to {@code path} (a file, a folder, or empty for the
   * whole drive), at {@code version} of a file (read links only; null for the newest).
   *
   * @param mode {@code read} or {@code write}
   * @param expiresInSeconds 1 s to 365 days
   * @param maxUses how many requests the link answers, or null for as many as come before it expires
   */
  public record CreateLink(String path, Long version, String mode, long expiresInSeconds, Integer maxUses) {}

  /**
   * A link. {@code url} holds the link's secret and is sent once, when the link is made: the
   * store keeps only the secret's hash, so listings have it null.
   */
  public record LinkInfo(String id, String drive, String path, Long version, String mode, String createdBy,
      Instant createdAt, Instant expiresAt, Integer maxUses, int uses, boolean revoked, String url) {}

  public record LinkList(List<LinkInfo> links) {}

  /** {@code GET /l/{token}/} of a folder or drive link: the files it reaches, with paths relative to it. */
  public record LinkListing(String path, List<StorageWire.FileVersion> files) {}
}
