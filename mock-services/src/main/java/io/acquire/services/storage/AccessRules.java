package io.acquire.services.storage;

import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SharingWire;
import io.acquire.client.wire.SharingWire.AccessEntry;
import io.acquire.client.wire.SharingWire.AccessRule;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Caller;
import io.acquire.services.storage.Drives.DriveRecord;
import io.acquire.services.storage.Groups.Group;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who may do what on a drive: the one place storage's routes (and any new ones) ask.
 * A drive's owner may do everything; other people get what the drive's rules grant them,
 * per user or per group, on the whole drive or on a folder (a rule on {@code results}
 * covers everything under it). A job's output drive is read-only to every person whatever
 * the rules say; a job's credential reaches only the drives its scope names, as before.
 *
 * <p>Rules live at {@code storage/access/<drive>/<rule>}, one object per user or group and
 * folder, so sharing again replaces the role; an index under {@code storage/shared/} lets a
 * user find the drives shared with them (or their groups) without reading every drive.
 */
public final class AccessRules {
  /** The roles a rule grants, weakest first; each includes the ones before it. */
  public enum Role {
    READER, WRITER, OWNER;

    static Role parse(String text) {
      for (Role role : values()) {
        if (role.wire().equals(text)) {
          return role;
        }
      }
      throw ApiException.badRequest("Field 'role' must be one of " + SharingWire.ROLES + ", not '" + text + "'.");
    }

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    String verb() {
      return switch (this) {
        case READER -> "read";
        case WRITER -> "change";
        case OWNER -> "manage the sharing of";
      };
    }
  }

  record Rule(String id, String drive, String kind, String principal, Role role, String path, String grantedBy,
      Instant grantedAt) {
    boolean covers(String target) {
      return AccessRules.covers(path, target);
    }
  }

  private final JsonObjects objects;
  private final Drives drives;
  private final Groups groups;
  private final Clock clock;

  public AccessRules(JsonObjects objects, Drives drives, Groups groups, Clock clock) {
    this.objects = objects;
    this.drives = drives;
    this.groups = groups;
    this.clock = clock;
  }

  Groups groups() {
    return groups;
  }

  /**
   * What {@code caller} may do on drive {@code driveId}; a 404 (as for a drive that does not
   * exist) if nothing at all, so strangers learn nothing about other people's drives.
   */
  public Access of(String driveId, Caller caller) {
    if (!caller.hasUserScope()) {
      return ofJob(driveId, caller);
    }
    return ofPerson(driveId, caller.username());
  }

  /** What the person {@code username} may do on drive {@code driveId}; a 404 if nothing at all. */
  public Access ofPerson(String driveId, String username) {
    Access access = drives.get(driveId).map(d -> forPerson(d, username)).orElse(null);
    if (access == null || access.grants.isEmpty()) {
      throw ApiException.notFound("You have no drive " + driveId + ".");
    }
    return access;
  }

  /**
   * A job's credential: only the drives its scope names, and never past its owner's rights:
   * on the owner's drives what the scope says; on an input drive shared with the owner, reading
   * what they may read now (a rule removed while the job runs stops its reads).
   */
  private Access ofJob(String driveId, Caller caller) {
    DriveRecord drive = drives.get(driveId).filter(d -> caller.mayAccessDrive(d.id(), false)).orElse(null);
    List<Grant> grants = List.of();
    if (drive != null && drive.owner().equals(caller.username())) {
      grants = List.of(new Grant(caller.mayAccessDrive(drive.id(), true) ? Role.WRITER : Role.READER, "", null));
    } else if (drive != null) {
      grants = forPerson(drive, caller.username()).grants.stream()
          .map(g -> new Grant(Role.READER, g.path(), g.rule())).toList();
    }
    if (grants.isEmpty()) {
      throw ApiException.notFound("This session's scope (" + caller.scope() + ") covers no drive " + driveId + ".");
    }
    return new Access(drive, caller.username(), grants, caller.scope());
  }

  /** What the person {@code username} may do on {@code drive}: possibly nothing. */
  Access forPerson(DriveRecord drive, String username) {
    if (drive.owner().equals(username)) {
      return new Access(drive, username, List.of(new Grant(Role.OWNER, "", null)), null);
    }
    List<Grant> grants = new ArrayList<>();
    Map<String, Optional<Group>> seen = new HashMap<>();
    for (Rule rule : rules(drive.id())) {
      boolean applies = rule.kind().equals("user") ? rule.principal().equals(username)
          : seen.computeIfAbsent(rule.principal(), groups::get).map(g -> g.has(username)).orElse(false);
      if (applies) {
        grants.add(new Grant(rule.role(), rule.path(), rule));
      }
    }
    return new Access(drive, username, grants, null);
  }

  /** A role on a folder ({@code ""}: the whole drive), and the rule that gives it (null for the owner or a job). */
  record Grant(Role role, String path, Rule rule) {}

  /** What one caller may do on one drive. */
  public final class Access {
    private final DriveRecord drive;
    private final String username;
    private final List<Grant> grants;
    /** A job credential's scope, or null for a person. */
    private final String jobScope;

    Access(DriveRecord drive, String username, List<Grant> grants, String jobScope) {
      this.drive = drive;
      this.username = username;
      this.grants = grants;
      this.jobScope = jobScope;
    }

    public DriveRecord drive() {
      return drive;
    }

    /** Who is asking: the person, or the owner of the job whose credential this is. */
    public String username() {
      return username;
    }

    /** The strongest role the caller holds on {@code path} (normalised; {@code ""} for the whole drive), if any. */
    public Optional<Role> roleAt(String path) {
      return grants.stream().filter(g -> covers(g.path(), path)).map(Grant::role).max(Comparator.naturalOrder());
    }

    /** Whether the caller may read {@code path}, a normalised file path. */
    public boolean reads(String path) {
      return roleAt(path).isPresent();
    }

    /**
     * Throws unless the caller holds {@code role} on {@code path} (normalised; {@code ""} for
     * the whole drive): a 403 saying what they hold, since they may already see the drive.
     * Writing to a job's output drive is refused to every person.
     */
    public void require(String path, Role role) {
      if (jobScope != null) {
        if (role == Role.OWNER || !roleAt(path).filter(r -> r.compareTo(role) >= 0).isPresent()) {
          throw ApiException.forbidden("This session's scope (" + jobScope + ") may read drive " + drive.id()
              + " but not " + (role == Role.OWNER ? "share it." : "change it."));
        }
        return;
      }
      if (role == Role.WRITER && drive.readOnly()) {
        throw ApiException.forbidden("Drive " + drive.name() + " holds a job's outputs and is read-only to you, as to "
            + "everyone.");
      }
      if (roleAt(path).filter(r -> r.compareTo(role) >= 0).isEmpty()) {
        String where = path.isEmpty() ? "drive " + drive.name() : path + " in drive " + drive.name();
        throw ApiException.forbidden("You may not " + role.verb() + " " + where + "; you have " + held()
            + ". Ask " + drive.owner() + ", who owns it.");
      }
    }

    /** What the caller holds, in words: {@code reader on results/, writer on the whole drive}. */
    private String held() {
      List<String> parts = new ArrayList<>();
      for (Grant grant : grants) {
        parts.add(grant.role().wire() + " on " + (grant.path().isEmpty() ? "the whole drive" : grant.path() + "/"));
      }
      return String.join(", ", parts);
    }
  }

  // Sharing --------------------------------------------------------------------------------

  /**
   * Gives {@code kind} ({@code user} or {@code group}) {@code principal} the role on the
   * folder; the granter needs the owner role there. Sharing again with the same user or
   * group and folder replaces the role.
   */
  AccessRule share(Access granter, String kind, String principal, Role role, String path) {
    DriveRecord drive = granter.drive();
    granter.require(path, Role.OWNER);
    if (role == Role.WRITER && drive.readOnly()) {
      throw ApiException.badRequest("Drive " + drive.name() + " holds a job's outputs, read-only to everyone: share "
          + "it as reader (or owner, to let them share it too).");
    }
    if (kind.equals("user") && principal.equals(drive.owner())) {
      throw ApiException.badRequest(principal + " owns drive " + drive.name() + " already.");
    }
    Rule rule = new Rule(ruleId(kind, principal, path), drive.id(), kind, principal, role, path, granter.username,
        clock.instant());
    objects.put(ruleKey(drive.id(), rule.id()), rule);
    objects.put(indexKey(kind, principal, drive.id()), drive.id());
    return view(rule);
  }

  /**
   * Removes the rules giving {@code principal} access (only the one on {@code path} if
   * given) that the remover may manage; a 404 if there were none.
   */
  List<AccessRule> unshare(Access remover, String kind, String principal, String path) {
    List<Rule> matching = new ArrayList<>();
    boolean remaining = false;
    for (Rule rule : rules(remover.drive().id())) {
      if (!rule.kind().equals(kind) || !rule.principal().equals(principal)) {
        continue;
      }
      if (path != null && !rule.path().equals(path)) {
        remaining = true;
        continue;
      }
      remover.require(rule.path(), Role.OWNER); // all or nothing: checked before any is removed
      matching.add(rule);
    }
    List<AccessRule> removed = new ArrayList<>();
    for (Rule rule : matching) {
      objects.store().delete(ruleKey(remover.drive().id(), rule.id()));
      removed.add(view(rule));
    }
    if (removed.isEmpty()) {
      throw ApiException.notFound("No rule of drive " + remover.drive().name() + " gives " + kind + " " + principal
          + " access" + (path == null ? "" : path.isEmpty() ? " to the whole drive" : " to " + path + "/") + ".");
    }
    if (!remaining) {
      objects.store().delete(indexKey(kind, principal, remover.drive().id()));
    }
    return removed;
  }

  /** The drive's rules, and each user they reach with the reason; for someone holding the owner role somewhere on it. */
  SharingWire.AccessList list(Access viewer) {
    if (viewer.jobScope != null || viewer.grants.stream().noneMatch(g -> g.role() == Role.OWNER)) {
      throw ApiException.forbidden("Only the owners of drive " + viewer.drive().name() + " can see who has access.");
    }
    DriveRecord drive = viewer.drive();
    List<AccessRule> views = new ArrayList<>();
    List<AccessEntry> users = new ArrayList<>();
    users.add(new AccessEntry(drive.owner(), Role.OWNER.wire(), "", "owns the drive", null));
    for (Rule rule : rules(drive.id())) {
      views.add(view(rule));
      if (rule.kind().equals("user")) {
        users.add(new AccessEntry(rule.principal(), rule.role().wire(), rule.path(), "shared with "
            + rule.principal() + " by " + rule.grantedBy(), rule.id()));
      } else {
        Optional<Group> group = groups.get(rule.principal());
        group.ifPresent(g -> {
          for (String member : g.members()) {
            if (member.equals(drive.owner())) {
              continue; // the owner's line already says more than any group could
            }
            users.add(new AccessEntry(member, rule.role().wire(), rule.path(), "member of group " + g.label()
                + ", shared by " + rule.grantedBy(), rule.id()));
          }
        });
      }
    }
    users.sort(Comparator.comparing(AccessEntry::user).thenComparing(AccessEntry::path));
    return new SharingWire.AccessList(views, users);
  }

  /** The drives shared with {@code username} or their groups that they can still reach, oldest first. */
  List<DriveRecord> sharedWith(String username) {
    Map<String, DriveRecord> found = new LinkedHashMap<>();
    List<String> prefixes = new ArrayList<>();
    prefixes.add("storage/shared/user/" + ObjectKeys.segment(username) + "/");
    for (Group group : groups.of(username)) {
      prefixes.add("storage/shared/group/" + group.id() + "/");
    }
    for (String prefix : prefixes) {
      for (String key : objects.store().list(prefix)) {
        String id = key.substring(key.lastIndexOf('/') + 1);
        if (!found.containsKey(id)) {
          drives.get(id).filter(d -> !d.owner().equals(username) && !forPerson(d, username).grants.isEmpty())
              .ifPresent(d -> found.put(id, d));
        }
      }
    }
    return found.values().stream().sorted(Comparator.comparing(DriveRecord::createdAt)).toList();
  }

  AccessRule view(Rule rule) {
    String label = rule.kind().equals("user") ? rule.principal()
        : groups.get(rule.principal()).map(Group::label).orElse(rule.principal() + " (deleted)");
    return new AccessRule(rule.id(), rule.kind(), rule.principal(), label, rule.role().wire(), rule.path(),
        rule.grantedBy(), rule.grantedAt());
  }

  private List<Rule> rules(String driveId) {
    List<Rule> rules = new ArrayList<>();
    for (String key : objects.store().list("storage/access/" + driveId + "/")) {
      objects.get(key, Rule.class).ifPresent(rules::add);
    }
    return rules;
  }

  /** Whether a rule on folder {@code ruled} ({@code ""}: the whole drive) covers {@code path}. */
  static boolean covers(String ruled, String path) {
    return ruled.isEmpty() || path.equals(ruled) || path.startsWith(ruled + "/");
  }

  /** {@code ""} for the whole drive, else the normalised folder or file path. */
  static String folder(String path) {
    return path == null || path.isBlank() || path.strip().equals("/") ? "" : DrivePaths.normalise(path);
  }

  private static String ruleId(String kind, String principal, String path) {
    return "rule_" + RequestSignature.sha256Hex((kind + "\n" + principal + "\n" + path)
        .getBytes(StandardCharsets.UTF_8)).substring(0, 24);
  }

  private static String ruleKey(String drive, String rule) {
    return "storage/access/" + drive + "/" + rule;
  }

  private static String indexKey(String kind, String principal, String drive) {
    return "storage/shared/" + kind + "/" + ObjectKeys.segment(principal) + "/" + drive;
  }
}
