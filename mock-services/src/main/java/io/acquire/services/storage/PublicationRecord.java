package io.acquire.services.storage;

import java.time.Instant;
import java.util.List;

/**
 * A publication as stored at {@code storage/publications/<id>}: its metadata and the exact
 * file versions it froze. Versions are never rewritten, so the references are the freeze.
 *
 * @param identifier the DOI, such as {@code 10.5072/acquire.7kq2m9xwd3}
 * @param atDoiOrg whether the identifier resolves at doi.org (registered with DataCite)
 * @param folder the drive folder published, empty for the whole drive
 * @param state {@link #FINDABLE} or {@link #WITHDRAWN}
 */
record PublicationRecord(String id, String identifier, boolean atDoiOrg, String owner, String drive, String driveName,
    String folder, String title, List<String> creators, String description, String publisher, int publicationYear,
    Instant publishedAt, List<Frozen> files, String state, Instant withdrawnAt, String withdrawReason) {
  static final String FINDABLE = "findable";
  static final String WITHDRAWN = "withdrawn";

  /**
   * One published file.
   *
   * @param path the path under the published folder, as the public sees it
   * @param drivePath the path in the drive, to find the version
   */
  record Frozen(String path, String drivePath, long version, long size, String sha256) {}

  boolean withdrawn() {
    return WITHDRAWN.equals(state);
  }

  long totalSize() {
    return files.stream().mapToLong(Frozen::size).sum();
  }

  PublicationRecord withdraw(Instant at, String reason) {
    return new PublicationRecord(id, identifier, atDoiOrg, owner, drive, driveName, folder, title, creators, description,
        publisher, publicationYear, publishedAt, files, WITHDRAWN, at, reason);
  }
}
