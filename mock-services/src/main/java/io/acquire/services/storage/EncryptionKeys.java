package io.acquire.services.storage;

import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.EncryptionWire;
import io.acquire.client.wire.EncryptionWire.AddWrappedKeys;
import io.acquire.client.wire.EncryptionWire.DriveKeys;
import io.acquire.client.wire.EncryptionWire.KeyGeneration;
import io.acquire.client.wire.EncryptionWire.PublicKey;
import io.acquire.client.wire.EncryptionWire.PublishKey;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Routes;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The key directory of client-side encrypted drives: users' public keys, and each drive's
 * data keys wrapped (by the SDK, with HPKE) for the public key of every reader. Storage
 * keeps only what it cannot open: it never sees a private key, a data key in clear or a
 * file's plaintext. A drive with at least one key generation is encrypted; the SDK writes
 * new versions with the newest generation.
 */
final class EncryptionKeys {
  /** Enough for a drive shared with big groups, small enough to read on each open. */
  static final int MAX_WRAPS = 5000;
  private static final String USER_PATTERN = "[a-z][a-z0-9._-]{2,31}";

  private final JsonObjects objects;
  private final AccessRules access;
  private final Clock clock;

  record Generation(int generation, Map<String, String> wraps, String createdBy, Instant createdAt) {}

  record DriveRecordKeys(List<Generation> generations) {}

  record UserKey(String username, String publicKey, Instant publishedAt) {}

  EncryptionKeys(JsonObjects objects, AccessRules access, Clock clock) {
    this.objects = objects;
    this.access = access;
    this.clock = clock;
  }

  void mount(Routes routes) {
    routes.put("/encryption-key", routes.forPeople((ctx, caller) -> {
          String key = requireKey("publicKey", Bodies.json(ctx, PublishKey.class).publicKey());
          objects.put(userKey(caller.username()), new UserKey(caller.username(), key, clock.instant()));
          ctx.json(new PublicKey(caller.username(), key));
        }))
        .get("/encryption-keys/{user}", routes.forPeople((ctx, caller) -> {
          String user = ctx.pathParam("user");
          UserKey key = (user.matches(USER_PATTERN) ? objects.get(userKey(user), UserKey.class) : Optional.<UserKey>empty())
              .orElseThrow(() -> ApiException.notFound(user + " has not published an encryption key; they publish one "
                  + "with user.publishEncryptionKey() (opening an encrypted drive does it too), then share again."));
          ctx.json(new PublicKey(key.username(), key.publicKey()));
        }))
        .get("/drives/{drive}/keys", routes.signed((ctx, caller) -> {
          AccessRules.Access reader = access.of(ctx.pathParam("drive"), caller);
          ctx.json(view(keys(reader.drive().id()), reader));
        }))
        .post("/drives/{drive}/keys", routes.forPeople((ctx, caller) -> {
          AccessRules.Access owner = access.of(ctx.pathParam("drive"), caller);
          owner.require("", AccessRules.Role.OWNER);
          AddWrappedKeys request = Bodies.json(ctx, AddWrappedKeys.class);
          if (request.wraps() == null || request.wraps().isEmpty()) {
            throw ApiException.badRequest("Field 'wraps' must map at least one username to the data key wrapped for "
                + "that user's public key.");
          }
          request.wraps().forEach((user, wrapped) -> {
            if (user == null || !user.matches(USER_PATTERN)) {
              throw ApiException.badRequest("Field 'wraps' names '" + user + "', which is not a username.");
            }
            requireKey("wraps." + user, wrapped);
          });
          DriveRecordKeys changed = objects.update(driveKey(owner.drive().id()), DriveRecordKeys.class,
              current -> add(current.orElse(new DriveRecordKeys(List.of())), request, caller.username()));
          ctx.json(view(changed, owner));
        }));
  }

  private DriveRecordKeys add(DriveRecordKeys current, AddWrappedKeys request, String by) {
    int newest = current.generations().size();
    if (request.generation() < 1 || request.generation() > newest + 1) {
      throw ApiException.badRequest("Field 'generation' must be 1 to " + (newest + 1) + " (this drive's newest key "
          + "generation is " + newest + "), not " + request.generation() + ".");
    }
    List<Generation> generations = new ArrayList<>(current.generations());
    Generation old = request.generation() <= newest ? generations.get(request.generation() - 1)
        : new Generation(request.generation(), Map.of(), by, clock.instant());
    TreeMap<String, String> wraps = new TreeMap<>(old.wraps());
    wraps.putAll(request.wraps());
    if (wraps.size() > MAX_WRAPS) {
      throw ApiException.conflict("A key generation is wrapped for at most " + MAX_WRAPS + " users; share the drive "
          + "with fewer.");
    }
    Generation changed = new Generation(old.generation(), wraps, old.createdBy(), old.createdAt());
    if (request.generation() <= newest) {
      generations.set(request.generation() - 1, changed);
    } else {
      generations.add(changed);
    }
    return new DriveRecordKeys(List.copyOf(generations));
  }

  private DriveRecordKeys keys(String drive) {
    return objects.get(driveKey(drive), DriveRecordKeys.class).orElse(new DriveRecordKeys(List.of()));
  }

  /** Each generation as the caller may see it: their own wrapping; who else holds one only for owners. */
  private static DriveKeys view(DriveRecordKeys keys, AccessRules.Access caller) {
    boolean owner = caller.roleAt("").filter(r -> r == AccessRules.Role.OWNER).isPresent();
    return new DriveKeys(keys.generations().stream().map(g -> new KeyGeneration(g.generation(),
        g.wraps().get(caller.username()), owner ? List.copyOf(g.wraps().keySet()) : null)).toList());
  }

  private static String requireKey(String field, String value) {
    byte[] bytes;
    try {
      bytes = value == null ? null : Base64Url.decode(value);
    } catch (IllegalArgumentException e) {
      bytes = null;
    }
    if (bytes == null || bytes.length == 0 || bytes.length > EncryptionWire.MAX_KEY_BYTES) {
      throw ApiException.badRequest("Field '" + field + "' must be a key in base64url, 1 to "
          + EncryptionWire.MAX_KEY_BYTES + " bytes once decoded.");
    }
    return value;
  }

  private static String userKey(String username) {
    return "storage/encryption/users/" + ObjectKeys.segment(username);
  }

  private static String driveKey(String drive) {
    return "storage/encryption/drives/" + ObjectKeys.segment(drive);
  }
}
