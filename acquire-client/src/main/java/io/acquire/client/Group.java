package io.acquire.client;

import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.SharingWire.AddMember;
import io.acquire.client.wire.SharingWire.CreateGroup;
import io.acquire.client.wire.SharingWire.GroupInfo;
import io.acquire.client.wire.SharingWire.GroupList;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A group of users that drives can be shared with: its owner adds and removes members by
 * user name, and a drive shared with the group reaches every member at once.
 *
 * <pre>{@code
 * Group lab = Group.create(ada, "lab").add("bob").add("carol");
 * drive.share(lab, Role.READER);
 * }</pre>
 *
 * <p>A {@code Group} is a snapshot: {@link #add} and {@link #remove} return the group as
 * it is after the change.
 */
public final class Group {
  private final Transport storage;
  private final GroupInfo info;

  private Group(Transport storage, GroupInfo info) {
    this.storage = storage;
    this.info = info;
  }

  /** The user's group called {@code name}, created (with the user as its only member) if it does not exist. */
  public static Group create(User user, String name) {
    Transport storage = user.signedTransport("storage");
    return new Group(storage, storage.post("/groups", new CreateGroup(Objects.requireNonNull(name, "name == null")),
        GroupInfo.class, Safety.SAFE));
  }

  /** The groups the user owns or belongs to. */
  public static List<Group> list(User user) {
    Transport storage = user.signedTransport("storage");
    return storage.get("/groups", GroupList.class).groups().stream().map(g -> new Group(storage, g)).toList();
  }

  /** A group the user owns or belongs to, by id. */
  public static Group byId(User user, String id) {
    Transport storage = user.signedTransport("storage");
    return new Group(storage, storage.get("/groups/" + encode(Objects.requireNonNull(id, "id == null")),
        GroupInfo.class));
  }

  /** Adds a user by name (the group's owner only); adding a member again changes nothing. */
  public Group add(String username) {
    return new Group(storage, storage.post("/groups/" + id() + "/members",
        new AddMember(Objects.requireNonNull(username, "username == null")), GroupInfo.class, Safety.SAFE));
  }

  /** Removes a member (the group's owner only); the drives shared with the group no longer reach them. */
  public Group remove(String username) {
    Transport.Reply reply = storage.call("DELETE", "/groups/" + id() + "/members/"
        + encode(Objects.requireNonNull(username, "username == null")), null, Safety.SAFE, java.util.Map.of());
    return new Group(storage, io.acquire.client.wire.Json.read(reply.body(), GroupInfo.class));
  }

  /** The group as it is now. */
  public Group refresh() {
    return new Group(storage, storage.get("/groups/" + id(), GroupInfo.class));
  }

  public String id() {
    return info.id();
  }

  public String name() {
    return info.name();
  }

  public String owner() {
    return info.owner();
  }

  /** The members' user names, the owner among them. */
  public List<String> members() {
    return info.members();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Group[" + info.owner() + "/" + info.name() + " " + info.id() + ", members " + info.members() + "]";
  }
}
