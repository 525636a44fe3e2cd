package io.acquire.services.storage;

import io.acquire.services.http.ApiException;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Groups of users, kept by storage beside the drives they are given access to. A group's
 * record holds its members and is changed with conditional puts, so concurrent changes
 * are never lost; each member also has an index entry ({@code storage/memberships/<user>/<group>})
 * so that finding a user's groups lists one prefix. The record is the truth: an index entry
 * whose group no longer names the user counts for nothing.
 */
public final class Groups {
  /** Enough for a department; a group's record is read on each access check that names it. */
  static final int MAX_MEMBERS = 1000;
  private static final String USER_PATTERN = "[a-z][a-z0-9._-]{2,31}";

  private final JsonObjects objects;
  private final Clock clock;

  /** The owner is always a member. */
  public record Group(String id, String owner, String name, List<String> members, Instant createdAt) {
    boolean has(String username) {
      return owner.equals(username) || members.contains(username);
    }

    String label() {
      return owner + "/" + name;
    }
  }

  public Groups(JsonObjects objects, Clock clock) {
    this.objects = objects;
    this.clock = clock;
  }

  /** The owner's group called {@code name}, created (with the owner as its one member) if new. */
  Group create(String owner, String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw ApiException.badRequest("Group names are 1 to 64 letters, digits, '.', '_' or '-', starting with a "
          + "letter or digit.");
    }
    String nameKey = "storage/group-names/" + ObjectKeys.segment(owner) + "/" + ObjectKeys.segment(name);
    Optional<Group> named = objects.get(nameKey, String.class).flatMap(this::get);
    if (named.isPresent()) {
      return named.get();
    }
    String id = "grp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    Group group = new Group(id, owner, name, List.of(owner), clock.instant());
    objects.put(groupKey(id), group);
    if (!objects.putIfAbsent(nameKey, id)) {
      objects.store().delete(groupKey(id));
      return objects.get(nameKey, String.class).flatMap(this::get).orElseThrow();
    }
    objects.put(membershipKey(owner, id), id);
    return group;
  }

  public Optional<Group> get(String id) {
    if (id == null || !id.matches("grp_[a-z0-9]{1,40}")) {
      return Optional.empty();
    }
    return objects.get(groupKey(id), Group.class);
  }

  /** The group if {@code username} owns it or belongs to it; a 404 otherwise, as for one that does not exist. */
  Group visible(String id, String username) {
    return get(id).filter(g -> g.has(username))
        .orElseThrow(() -> ApiException.notFound("You have no group " + id + "."));
  }

  /** The group if {@code username} owns it: only owners change members. */
  Group owned(String id, String username) {
    Group group = visible(id, username);
    if (!group.owner().equals(username)) {
      throw ApiException.forbidden("Only " + group.owner() + ", who owns group " + group.label()
          + ", can change its members.");
    }
    return group;
  }

  Group add(Group group, String username) {
    Group changed = objects.update(groupKey(group.id()), Group.class, current -> {
      Group now = current.orElseThrow(() -> ApiException.notFound("Group " + group.id() + " no longer exists."));
      if (now.members().contains(username)) {
        return now;
      }
      if (now.members().size() >= MAX_MEMBERS) {
        throw ApiException.conflict("Group " + now.label() + " has " + MAX_MEMBERS + " members, the most a group "
            + "may have; make another group.");
      }
      TreeSet<String> members = new TreeSet<>(now.members());
      members.add(username);
      return new Group(now.id(), now.owner(), now.name(), List.copyOf(members), now.createdAt());
    });
    objects.put(membershipKey(username, group.id()), group.id());
    return changed;
  }

  Group remove(Group group, String username) {
    if (group.owner().equals(username)) {
      throw ApiException.badRequest("The owner of group " + group.label() + " is always a member.");
    }
    Group changed = objects.update(groupKey(group.id()), Group.class, current -> {
      Group now = current.orElseThrow(() -> ApiException.notFound("Group " + group.id() + " no longer exists."));
      List<String> members = new ArrayList<>(now.members());
      members.remove(username);
      return new Group(now.id(), now.owner(), now.name(), List.copyOf(members), now.createdAt());
    });
    objects.store().delete(membershipKey(username, group.id()));
    return changed;
  }

  /** The groups {@code username} owns or belongs to, as their records say now. */
  List<Group> of(String username) {
    List<Group> groups = new ArrayList<>();
    for (String key : objects.store().list("storage/memberships/" + ObjectKeys.segment(username) + "/")) {
      get(key.substring(key.lastIndexOf('/') + 1)).filter(g -> g.has(username)).ifPresent(groups::add);
    }
    return groups;
  }

  /** A 400 for a name no account can have, a 404 for one with no account: sharing with a typo grants nothing. */
  static String requireUser(JsonObjects objects, String username) {
    if (username == null || !username.matches(USER_PATTERN)) {
      throw ApiException.badRequest("Field 'user' must be a username: 3 to 32 lowercase letters, digits, '.', '_' or "
          + "'-', starting with a letter.");
    }
    // Identity keeps its users in the same store; storage only asks whether the name is taken.
    if (objects.store().get("identity/users/" + ObjectKeys.segment(username)).isEmpty()) {
      throw ApiException.notFound("There is no user " + username + ".");
    }
    return username;
  }

  private static String groupKey(String id) {
    return "storage/groups/" + id;
  }

  private static String membershipKey(String username, String groupId) {
    return "storage/memberships/" + ObjectKeys.segment(username) + "/" + groupId;
  }
}
