package io.acquire.client.wire;

import java.time.Instant;
import java.util.List;

/**
 * Request and response bodies of publications on the storage service ({@code
 * /t/storage/publications}); see docs/publishing.md.
 */
public final class PublicationWire {
  /** The citation formats a publication is served in, by their {@code ?format=} names. */
  public static final List<String> CITATION_FORMATS = List.of("bibtex", "csl-json", "text");

  private PublicationWire() {}

  /**
   * {@code POST /publications}: freeze the newest version of every file under {@code folder}
   * of {@code drive} (the whole drive when the folder is empty or null) and publish them.
   *
   * @param creators people or organisations, each as "Family, Given" or an organisation's name
   */
  public record Publish(String drive, String folder, String title, List<String> creators, String description) {}

  /** {@code POST /publications/{id}/withdraw}: why the publication is withdrawn, shown on its tombstone. */
  public record Withdraw(String reason) {}

  /** One frozen file: the exact version published, and where anyone can download it. */
  public record PublishedFile(String path, long version, long size, String sha256, String url) {}

  /**
   * A publication as its owner and the public see it.
   *
   * @param identifier the persistent identifier, such as {@code 10.5072/acquire.7kq2m9xwd3}
   * @param identifierUrl where the identifier resolves: {@code https://doi.org/…} for a
   *     registered DOI, the landing page for a locally minted one
   * @param state {@code findable} or {@code withdrawn}
   */
  public record PublicationInfo(String id, String identifier, String identifierUrl, String landingPage,
      String metadataUrl, String title, List<String> creators, String description, String publisher,
      int publicationYear, Instant publishedAt, String owner, String drive, String folder, String state,
      Instant withdrawnAt, String withdrawReason, long totalSize, List<PublishedFile> files) {}

  public record PublicationList(List<PublicationInfo> publications) {}
}
