package io.acquire.services.storage;

import io.acquire.client.wire.SharingWire.AddMember;
import io.acquire.client.wire.SharingWire.CreateGroup;
import io.acquire.client.wire.SharingWire.CreateLink;
import io.acquire.client.wire.SharingWire.GroupInfo;
import io.acquire.client.wire.SharingWire.GroupList;
import io.acquire.client.wire.SharingWire.LinkList;
import io.acquire.client.wire.SharingWire.LinkListing;
import io.acquire.client.wire.SharingWire.Share;
import io.acquire.client.wire.StorageWire.DriveInfo;
import io.acquire.client.wire.StorageWire.DriveList;
import io.acquire.client.wire.StorageWire.FileVersion;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Routes;
import io.acquire.services.storage.AccessRules.Role;
import io.acquire.services.storage.Groups.Group;
import io.acquire.services.storage.Links.Link;
import io.acquire.services.store.JsonObjects;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Storage's sharing endpoints: groups, a drive's access rules and links (signed, for
 * people), and the links themselves ({@code /l/<token>/…}, for anyone holding one, with
 * no account: {@code curl -O} to download, with {@code Range}; {@code curl -T} to upload).
 */
final class SharingRoutes {
  private final JsonObjects objects;
  private final Drives drives;
  private final AccessRules access;
  private final Groups groups;
  private final Links links;
  private final Supplier<String> storageUrl;
  private final FileTransfers transfers;
  private final Function<Drives.DriveRecord, DriveInfo> info;

  SharingRoutes(JsonObjects objects, Drives drives, AccessRules access, Links links, Supplier<String> storageUrl,
      FileTransfers transfers, Function<Drives.DriveRecord, DriveInfo> info) {
    this.transfers = transfers;
    this.info = info;
    this.objects = objects;
    this.drives = drives;
    this.access = access;
    this.groups = access.groups();
    this.links = links;
    this.storageUrl = storageUrl;
  }

  void mount(Routes routes) {
    routes.post("/groups", routes.forPeople((ctx, caller) ->
            ctx.json(info(groups.create(caller.username(), Bodies.json(ctx, CreateGroup.class).name())))))
        .get("/groups", routes.forPeople((ctx, caller) ->
            ctx.json(new GroupList(groups.of(caller.username()).stream().map(SharingRoutes::info).toList()))))
        .get("/groups/{group}", routes.forPeople((ctx, caller) ->
            ctx.json(info(groups.visible(ctx.pathParam("group"), caller.username())))))
        .post("/groups/{group}/members", routes.forPeople((ctx, caller) -> {
          Group group = groups.owned(ctx.pathParam("group"), caller.username());
          String username = Groups.requireUser(objects, Bodies.json(ctx, AddMember.class).username());
          ctx.json(info(groups.add(group, username)));
        }))
        .delete("/groups/{group}/members/{user}", routes.forPeople((ctx, caller) -> {
          Group group = groups.owned(ctx.pathParam("group"), caller.username());
          ctx.json(info(groups.remove(group, ctx.pathParam("user"))));
        }))
        .get("/shared", routes.forPeople((ctx, caller) -> ctx.json(new DriveList(
            access.sharedWith(caller.username()).stream().map(info).toList()))))
        .post("/drives/{drive}/access", routes.forPeople((ctx, caller) -> {
          AccessRules.Access granter = access.of(ctx.pathParam("drive"), caller);
          Share share = Bodies.json(ctx, Share.class);
          if ((share.user() == null) == (share.group() == null)) {
            throw ApiException.badRequest("Give exactly one of 'user' (a username) or 'group' (a group id).");
          }
          String kind = share.user() != null ? "user" : "group";
          String principal = share.user() != null ? Groups.requireUser(objects, share.user())
              : groups.visible(share.group(), caller.username()).id();
          ctx.status(201).json(access.share(granter, kind, principal, Role.parse(share.role()),
              AccessRules.folder(share.path())));
        }))
        .get("/drives/{drive}/access", routes.forPeople((ctx, caller) ->
            ctx.json(access.list(access.of(ctx.pathParam("drive"), caller)))))
        .delete("/drives/{drive}/access", routes.forPeople((ctx, caller) -> {
          AccessRules.Access remover = access.of(ctx.pathParam("drive"), caller);
          String user = ctx.queryParam("user");
          String group = ctx.queryParam("group");
          if ((user == null) == (group == null)) {
            throw ApiException.badRequest("Give exactly one of the queries 'user' (a username) or 'group' (a group id).");
          }
          String path = ctx.queryParam("path") == null ? null : AccessRules.folder(ctx.queryParam("path"));
          access.unshare(remover, user != null ? "user" : "group", user != null ? user : group, path);
          ctx.status(204);
        }))
        .post("/drives/{drive}/links", routes.forPeople((ctx, caller) ->
            ctx.status(201).json(links.create(access.of(ctx.pathParam("drive"), caller),
                Bodies.json(ctx, CreateLink.class), storageUrl.get()))))
        .get("/drives/{drive}/links", routes.forPeople((ctx, caller) ->
            ctx.json(new LinkList(links.list(access.of(ctx.pathParam("drive"), caller))))))
        .delete("/drives/{drive}/links/{link}", routes.forPeople((ctx, caller) ->
            ctx.json(links.revoke(access.of(ctx.pathParam("drive"), caller), ctx.pathParam("link")))))
        .get("/l/{token}", ctx -> read(ctx, ""))
        .get("/l/{token}/<rest>", ctx -> read(ctx, ctx.pathParam("rest")))
        .put("/l/{token}", ctx -> write(ctx, ""))
        .put("/l/{token}/<rest>", ctx -> write(ctx, ctx.pathParam("rest")));
  }

  /** A download through a read link: the file (by name), or a folder's listing, or a file under it. */
  private void read(Context ctx, String rest) {
    Link link = links.use(ctx.pathParam("token"), "read");
    Drives.DriveRecord drive = links.drive(link);
    if (link.kind().equals("file")) {
      requireOwnName(link, rest);
      transfers.send(ctx, drive, drives.version(drive, link.path(), link.version()));
      return;
    }
    if (rest.isEmpty() || rest.equals("/")) {
      String under = link.path().isEmpty() ? "" : link.path() + "/";
      List<FileVersion> files = drives.list(drive, link.path().isEmpty() ? null : link.path()).stream()
          .map(f -> new FileVersion(f.path().substring(under.length()), f.version(), f.size(), f.sha256(),
              f.createdAt()))
          .toList();
      ctx.json(new LinkListing(link.path(), files));
      return;
    }
    transfers.send(ctx, drive, drives.version(drive, within(link, rest), null));
  }

  /** An upload through a write link: the body, up to 15 MiB, becomes the next version of the file. */
  private void write(Context ctx, String rest) throws IOException {
    long length = ctx.req().getContentLengthLong();
    Link link = links.use(ctx.pathParam("token"), "write");
    String path;
    if (link.kind().equals("file")) {
      requireOwnName(link, rest);
      path = link.path();
    } else {
      if (rest.isEmpty()) {
        throw ApiException.badRequest("Name the file to write after the link, such as " + "…/l/<token>/data.csv "
            + "(curl -T data.csv URL/ adds it for you).");
      }
      path = within(link, rest);
    }
    if (length < 0) {
      throw ApiException.badRequest("Send the file with a Content-Length (curl -T file URL does).");
    }
    if (length > Drives.MAX_CHUNK) {
      throw ApiException.tooLarge("A write link takes files of up to " + Drives.MAX_CHUNK + " bytes (15 MiB); "
          + "upload larger files with the SDK.");
    }
    // Read whole first (like a small file's signed write), so a body cut short leaves nothing behind.
    byte[] body;
    try {
      body = ctx.req().getInputStream().readNBytes((int) length);
    } catch (IOException e) {
      throw ApiException.badRequest("The upload broke off before its " + length + " bytes arrived; nothing was "
          + "written. Send it again.");
    }
    if (body.length != length) {
      throw ApiException.badRequest("The upload ended after " + body.length + " of its " + length + " bytes; "
          + "nothing was written. Send it again.");
    }
    ctx.status(201).json(transfers.write(links.drive(link), path, body));
  }

  /** A file link answers to its bare URL or its file's own name, which curl -O saves it as. */
  private static void requireOwnName(Link link, String rest) {
    String name = link.path().substring(link.path().lastIndexOf('/') + 1);
    if (!rest.isEmpty() && !rest.equals(name)) {
      throw ApiException.notFound("This link reaches one file, " + name + ", not " + rest + ".");
    }
  }

  private static String within(Link link, String rest) {
    String relative = DrivePaths.normalise(rest);
    return link.path().isEmpty() ? relative : link.path() + "/" + relative;
  }

  static GroupInfo info(Group group) {
    return new GroupInfo(group.id(), group.name(), group.owner(), group.members(), group.createdAt());
  }
}
