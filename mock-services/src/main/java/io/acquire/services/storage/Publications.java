package io.acquire.services.storage;

import io.acquire.client.wire.PublicationWire.Publish;
import io.acquire.client.wire.StorageWire.FileVersion;
import io.acquire.services.http.ApiException;
import io.acquire.services.storage.Drives.DriveRecord;
import io.acquire.services.storage.Drives.Version;
import io.acquire.services.storage.PublicationRecord.Frozen;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Published snapshots of drive folders (a job's outputs are a whole drive): the newest
 * version of each file is frozen by reference, since versions are never rewritten, and
 * given a DOI through a {@link Minter}. Only a drive's owner, in a person's own session,
 * may publish it; only the publisher may withdraw. A withdrawn publication keeps its
 * record, and so its tombstone, for good.
 */
final class Publications {
  private static final Logger log = LoggerFactory.getLogger(Publications.class);
  static final int MAX_TITLE = 300;
  static final int MAX_CREATORS = 100;
  static final int MAX_CREATOR = 200;
  static final int MAX_DESCRIPTION = 10_000;
  static final int MAX_REASON = 1_000;
  static final int MAX_FILES = 10_000;
  /** Crockford's base32 without look-alikes: ids read aloud or typed from print survive. */
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final int ID_LENGTH = 10;

  private final Drives drives;
  private final JsonObjects objects;
  private final Clock clock;
  private final Minter minter;
  private final String publisher;
  private final SecureRandom random = new SecureRandom();

  Publications(Drives drives, JsonObjects objects, Clock clock, Minter minter, String publisher) {
    this.drives = drives;
    this.objects = objects;
    this.clock = clock;
    this.minter = minter;
    this.publisher = publisher;
  }

  /**
   * Freezes the newest version of every file under the request's folder of the caller's
   * drive and publishes them. The record is stored before the identifier becomes findable,
   * so it never resolves to nothing; if the registry then refuses, the record and the
   * reservation are removed and the caller told.
   *
   * @param landingPage the landing page's URL for a publication id
   */
  PublicationRecord publish(String owner, Publish request, Function<String, String> landingPage) {
    if (request == null) {
      throw ApiException.badRequest("A JSON body is required: drive, folder, title, creators, description.");
    }
    String title = text("title", request.title(), MAX_TITLE, true);
    List<String> creators = creators(request.creators());
    String description = request.description() == null ? "" : text("description", request.description(),
        MAX_DESCRIPTION, false);
    DriveRecord drive = drives.get(request.drive()).filter(d -> d.owner().equals(owner)).orElseThrow(() ->
        ApiException.notFound("You have no drive " + request.drive() + "; only a drive's owner may publish it."));
    String folder = request.folder() == null || request.folder().isBlank() || request.folder().strip().equals(".")
        ? "" : DrivePaths.normalise(request.folder());
    List<FileVersion> newest = drives.list(drive, folder.isEmpty() ? null : folder);
    if (newest.isEmpty()) {
      throw ApiException.badRequest("There are no files " + (folder.isEmpty() ? "in drive " + drive.name()
          : "under " + folder + " in drive " + drive.name()) + " to publish.");
    }
    if (newest.size() > MAX_FILES) {
      throw ApiException.badRequest("A publication holds at most " + MAX_FILES + " files; " + newest.size()
          + " are under this folder. Publish a smaller folder.");
    }
    List<Frozen> files = new ArrayList<>();
    for (FileVersion v : newest) {
      String path = folder.isEmpty() ? v.path() : v.path().substring(folder.length() + 1);
      files.add(new Frozen(path, v.path(), v.version(), v.size(), v.sha256()));
    }
    Instant now = clock.instant();
    String id = newId();
    String doi = minter.prefix() + "/acquire." + id;
    PublicationRecord record = new PublicationRecord(id, doi, minter.resolvesAtDoiOrg(), owner, drive.id(),
        drive.name(), folder, title, creators, description, publisher, now.atZone(ZoneOffset.UTC).getYear(), now,
        List.copyOf(files), PublicationRecord.FINDABLE, null, null);
    String page = landingPage.apply(id);
    minter.reserve(doi, new PublicationMetadata(record, page).datacite());
    try {
      if (!objects.putIfAbsent(key(id), record)) {
        throw new IllegalStateException("publication id " + id + " was already taken");
      }
      objects.put(ownerKey(owner, id), id);
      minter.publish(doi, page);
    } catch (RuntimeException e) {
      objects.store().delete(ownerKey(owner, id));
      objects.store().delete(key(id));
      minter.release(doi);
      throw e;
    }
    log.info("Published {} ({} files, {} bytes) from drive {} as {}", id, files.size(), record.totalSize(),
        drive.id(), doi);
    return record;
  }

  Optional<PublicationRecord> get(String id) {
    if (id == null || !id.matches("[0-9a-z]{" + ID_LENGTH + "}")) {
      return Optional.empty();
    }
    return objects.get(key(id), PublicationRecord.class);
  }

  /**
   * Refuses to delete versions that a publication still cites: its landing page promises
   * them. Withdrawing the publication (which leaves its tombstone) releases them.
   */
  void requireUnpublished(DriveRecord drive, List<Version> versions) {
    for (PublicationRecord record : of(drive.owner())) {
      if (record.withdrawn() || !record.drive().equals(drive.id())) {
        continue;
      }
      for (PublicationRecord.Frozen file : record.files()) {
        for (Version version : versions) {
          if (version.path().equals(file.drivePath()) && version.version() == file.version()) {
            throw ApiException.conflict(version.path() + " v" + version.version() + " is part of publication "
                + record.identifier() + " and stays as published; withdraw the publication first ("
                + "POST /publications/" + record.id() + "/withdraw with a reason) to delete it. Nothing was deleted.");
          }
        }
      }
    }
  }

  /** The owner's publications, newest first. */
  List<PublicationRecord> of(String owner) {
    List<PublicationRecord> found = new ArrayList<>();
    for (String key : objects.store().list("storage/publications-of/" + ObjectKeys.segment(owner) + "/")) {
      get(key.substring(key.lastIndexOf('/') + 1)).ifPresent(found::add);
    }
    found.sort(java.util.Comparator.comparing(PublicationRecord::publishedAt).reversed());
    return found;
  }

  /**
   * Withdraws the owner's publication: the registry is told first (a DOI's own state), then
   * the record becomes a tombstone. Withdrawing again changes nothing.
   */
  PublicationRecord withdraw(String owner, String id, String reason) {
    PublicationRecord record = get(id).filter(r -> r.owner().equals(owner)).orElseThrow(() ->
        ApiException.notFound("You have no publication " + id + "."));
    if (record.withdrawn()) {
      return record;
    }
    String why = text("reason", reason, MAX_REASON, true);
    minter.withdraw(record.identifier());
    Instant now = clock.instant();
    PublicationRecord updated = objects.update(key(id), PublicationRecord.class, current ->
        current.map(r -> r.withdrawn() ? r : r.withdraw(now, why)).orElseThrow());
    log.info("Withdrew publication {} ({})", id, record.identifier());
    return updated;
  }

  /** A published file's frozen version, to serve its bytes. */
  Version version(PublicationRecord record, Frozen file) {
    DriveRecord drive = drives.get(record.drive()).orElseThrow(() ->
        new IllegalStateException("drive " + record.drive() + " of publication " + record.id() + " is missing"));
    return drives.version(drive, file.drivePath(), file.version());
  }

  /** A frozen version's bytes from {@code offset}. */
  java.io.InputStream open(Version version, long offset) {
    return drives.open(version, offset);
  }

  private String newId() {
    char[] id = new char[ID_LENGTH];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }

  private static List<String> creators(List<String> creators) {
    if (creators == null || creators.isEmpty()) {
      throw ApiException.badRequest("Field 'creators' must name at least one creator, such as [\"Lovelace, Ada\"] "
          + "(people as \"Family, Given\", organisations by name).");
    }
    if (creators.size() > MAX_CREATORS) {
      throw ApiException.badRequest("Field 'creators' names at most " + MAX_CREATORS + " creators.");
    }
    List<String> checked = new ArrayList<>();
    for (int i = 0; i < creators.size(); i++) {
      String creator = text("creators[" + i + "]", creators.get(i), MAX_CREATOR, true);
      if (creator.startsWith(",")) {
        throw ApiException.badRequest("Field 'creators[" + i + "]' has no family name before its comma; write "
            + "people as \"Family, Given\".");
      }
      checked.add(creator);
    }
    return List.copyOf(checked);
  }

  /** Stripped text without control characters (newlines and tabs allowed in long text), or a 400. */
  private static String text(String field, String value, int max, boolean required) {
    if (value == null || value.isBlank()) {
      if (required) {
        throw ApiException.badRequest("Field '" + field + "' is required.");
      }
      return "";
    }
    String stripped = value.strip();
    if (stripped.length() > max) {
      throw ApiException.badRequest("Field '" + field + "' is longer than " + max + " characters.");
    }
    boolean multiline = max > MAX_CREATOR && !"title".equals(field);
    for (char c : stripped.toCharArray()) {
      if ((Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\t'))) || c == '\u2028' || c == '\u2029') {
        throw ApiException.badRequest("Field '" + field + "' contains a control character"
            + (multiline ? " (only newlines and tabs are allowed)." : "; write it on one line."));
      }
    }
    return stripped;
  }

  private static String key(String id) {
    return "storage/publications/" + id;
  }

  private static String ownerKey(String owner, String id) {
    return "storage/publications-of/" + ObjectKeys.segment(owner) + "/" + id;
  }
}
