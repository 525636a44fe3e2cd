package io.acquire.services.storage;

import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SharingWire.CreateLink;
import io.acquire.client.wire.SharingWire.LinkInfo;
import io.acquire.services.http.ApiException;
import io.acquire.services.storage.AccessRules.Access;
import io.acquire.services.storage.AccessRules.Role;
import io.acquire.services.storage.Drives.DriveRecord;
import io.acquire.services.store.JsonObjects;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links that a plain HTTP client uses with no account: {@code <storage>/l/<id>.<secret>/…}.
 * The store keeps only the SHA-256 of the secret (256 random bits, so a hash needs no salt
 * or stretching), compared in constant time. A link works until it expires, is revoked,
 * has answered its {@code maxUses} requests, or its creator no longer holds the owner role
 * on what it reaches; each request it answers counts one use, counted with a conditional
 * put on the link's record so that concurrent requests never exceed the limit. Every
 * refusal of a token is the same 404, so a holder cannot tell which of these it was.
 */
final class Links {
  static final Duration MAX_LIFETIME = Duration.ofDays(365);
  static final int MAX_USES = 1_000_000;
  /** How long an expired link stays listed before the hourly sweep deletes it. */
  static final Duration KEPT_AFTER_EXPIRY = Duration.ofDays(30);
  /** {@code lnk_<20 hex>.<43 base64url>}: the id names the record, the secret proves the holder was given it. */
  private static final Pattern TOKEN = Pattern.compile("(lnk_[0-9a-f]{20})\\.([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String INVALID = "This link is not valid: it is mistyped, expired, revoked or used up. Ask "
      + "whoever gave it to you for a new one.";

  /**
   * @param kind {@code file} (one file, or one version of it), {@code folder} or {@code drive}
   * @param secretSha256 the SHA-256 of the secret, hex; never the secret
   */
  record Link(String id, String drive, String kind, String path, Long version, String mode, String secretSha256,
      String createdBy, Instant createdAt, Instant expiresAt, Integer maxUses, int uses, boolean revoked) {
    Link used() {
      return new Link(id, drive, kind, path, version, mode, secretSha256, createdBy, createdAt, expiresAt, maxUses,
          uses + 1, revoked);
    }

    Link revokedNow() {
      return new Link(id, drive, kind, path, version, mode, secretSha256, createdBy, createdAt, expiresAt, maxUses,
          uses, true);
    }

    boolean live(Instant now) {
      return !revoked && now.isBefore(expiresAt) && (maxUses == null || uses < maxUses);
    }

    Role needs() {
      return mode.equals("write") ? Role.WRITER : Role.READER;
    }
  }

  private final JsonObjects objects;
  private final Drives drives;
  private final AccessRules access;
  private final Clock clock;

  Links(JsonObjects objects, Drives drives, AccessRules access, Clock clock) {
    this.objects = objects;
    this.drives = drives;
    this.access = access;
    this.clock = clock;
  }

  /** A new link; its creator needs the owner role on what it reaches. The answer's URL is the only copy of the secret. */
  LinkInfo create(Access creator, CreateLink request, String storageUrl) {
    if (request == null || request.mode() == null || !(request.mode().equals("read") || request.mode().equals("write"))) {
      throw ApiException.badRequest("Field 'mode' must be 'read' or 'write'.");
    }
    if (request.expiresInSeconds() < 1 || request.expiresInSeconds() > MAX_LIFETIME.toSeconds()) {
      throw ApiException.badRequest("Field 'expiresInSeconds' must be 1 to " + MAX_LIFETIME.toSeconds()
          + " (365 days): every link expires.");
    }
    if (request.maxUses() != null && (request.maxUses() < 1 || request.maxUses() > MAX_USES)) {
      throw ApiException.badRequest("Field 'maxUses' must be 1 to " + MAX_USES + ", or absent for no limit.");
    }
    DriveRecord drive = creator.drive();
    String path = AccessRules.folder(request.path());
    creator.require(path, Role.OWNER);
    boolean write = request.mode().equals("write");
    if (write && drive.readOnly()) {
      throw ApiException.badRequest("Drive " + drive.name() + " holds a job's outputs, read-only to everyone: make a "
          + "read link.");
    }
    String kind;
    if (path.isEmpty()) {
      kind = "drive";
    } else if (!drives.versions(drive, path).isEmpty()) {
      kind = "file";
    } else {
      kind = "folder";
    }
    if (request.version() != null) {
      if (write || !kind.equals("file")) {
        throw ApiException.badRequest("Field 'version' is for read links to a file; " + (write ? "a write link makes "
            + "new versions." : path + " is not a file in drive " + drive.name() + "."));
      }
      drives.version(drive, path, request.version()); // a 404 if there is no such version
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String secretText = Base64Url.encode(secret);
    String id = "lnk_" + HexFormat.of().formatHex(randomBytes(10));
    Instant now = clock.instant();
    Link link = new Link(id, drive.id(), kind, path, request.version(), request.mode(), hash(secretText),
        creator.username(), now, now.plusSeconds(request.expiresInSeconds()), request.maxUses(), 0, false);
    objects.put(key(id), link);
    objects.put(indexKey(drive.id(), id), id); // so a drive's links are listed without reading everyone's
    String name = kind.equals("file") ? "/" + path.substring(path.lastIndexOf('/') + 1) : "/";
    return view(link, storageUrl + "/l/" + id + "." + secretText + name);
  }

  /** The drive's links whose paths the viewer owns, newest first, without their secrets. */
  List<LinkInfo> list(Access viewer) {
    List<LinkInfo> links = new ArrayList<>();
    for (String key : objects.store().list("storage/drive-links/" + viewer.drive().id() + "/")) {
      objects.get(key(key.substring(key.lastIndexOf('/') + 1)), Link.class)
          .filter(l -> l.drive().equals(viewer.drive().id()) && viewer.roleAt(l.path()).orElse(null) == Role.OWNER)
          .ifPresent(l -> links.add(view(l, null)));
    }
    links.sort(Comparator.comparing(LinkInfo::createdAt).reversed());
    return links;
  }

  /** Revokes a link at once: the next request through it is refused. Revoking twice is harmless. */
  LinkInfo revoke(Access revoker, String id) {
    Link link = (id == null || !id.matches("lnk_[0-9a-f]{20}") ? Optional.<Link>empty() : objects.get(key(id), Link.class))
        .filter(l -> l.drive().equals(revoker.drive().id()))
        .orElseThrow(() -> ApiException.notFound("Drive " + revoker.drive().name() + " has no link " + id + "."));
    revoker.require(link.path(), Role.OWNER);
    return view(objects.update(key(id), Link.class, current -> current.orElseThrow().revokedNow()), null);
  }

  /**
   * The link a token names, if it may answer a request in {@code mode} now, with this
   * request counted as one of its uses; the one 404 otherwise. A live link asked to write
   * while it only reads is a 403 (its holder knows the secret, so that hides nothing).
   */
  Link use(String token, String mode) {
    Matcher m = token == null ? null : TOKEN.matcher(token);
    if (m == null || !m.matches()) {
      throw invalid();
    }
    Instant now = clock.instant();
    Link link = objects.get(key(m.group(1)), Link.class)
        .filter(l -> MessageDigest.isEqual(hash(m.group(2)).getBytes(StandardCharsets.US_ASCII),
            l.secretSha256().getBytes(StandardCharsets.US_ASCII)))
        .filter(l -> l.live(now))
        .orElseThrow(Links::invalid);
    DriveRecord drive = drives.get(link.drive()).orElseThrow(Links::invalid);
    // A link is only as good as its creator's standing: unsharing them ends their links.
    if (access.forPerson(drive, link.createdBy()).roleAt(link.path()).orElse(null) != Role.OWNER) {
      throw invalid();
    }
    if (!link.mode().equals(mode)) {
      throw ApiException.forbidden("This link only lets you " + (link.mode().equals("read") ? "download" : "upload")
          + "; ask for a " + mode + " link.");
    }
    return objects.update(key(link.id()), Link.class, current -> {
      Link now2 = current.orElseThrow(Links::invalid);
      if (!now2.live(clock.instant())) {
        throw invalid();
      }
      return now2.used();
    });
  }

  /**
   * Deletes links that expired over {@link #KEPT_AFTER_EXPIRY} ago, with their index
   * entries: until then their owners still see them listed, with their uses.
   *
   * @return how many were deleted
   */
  int sweepExpired() {
    Instant cutoff = clock.instant().minus(KEPT_AFTER_EXPIRY);
    int swept = 0;
    for (String key : objects.store().list("storage/links/")) {
      Optional<Link> link = objects.get(key, Link.class);
      if (link.isPresent() && link.get().expiresAt().isBefore(cutoff)) {
        objects.store().delete(indexKey(link.get().drive(), link.get().id()));
        objects.store().delete(key);
        swept++;
      }
    }
    return swept;
  }

  DriveRecord drive(Link link) {
    return drives.get(link.drive()).orElseThrow(Links::invalid);
  }

  private static ApiException invalid() {
    return ApiException.notFound(INVALID);
  }

  private static LinkInfo view(Link link, String url) {
    return new LinkInfo(link.id(), link.drive(), link.path(), link.version(), link.mode(), link.createdBy(),
        link.createdAt(), link.expiresAt(), link.maxUses(), link.uses(), link.revoked(), url);
  }

  private static String hash(String secret) {
    return RequestSignature.sha256Hex(secret.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static String key(String id) {
    return "storage/links/" + id;
  }

  private static String indexKey(String drive, String id) {
    return "storage/drive-links/" + drive + "/" + id;
  }
}
