package io.acquire.client;

import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.PublicationWire.PublicationInfo;
import io.acquire.client.wire.PublicationWire.PublicationList;
import io.acquire.client.wire.PublicationWire.Publish;
import io.acquire.client.wire.PublicationWire.PublishedFile;
import io.acquire.client.wire.PublicationWire.Withdraw;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A published, frozen snapshot of files with a persistent identifier (a DOI), a public
 * landing page, DataCite metadata, citations, and a download URL for each file that anyone
 * can use without logging in.
 *
 * <pre>{@code
 * Publication p = job.outputs().publish("Argon heated to 120 K", List.of("Lovelace, Ada"), "20 ps equilibration.");
 * p.identifier();                          // 10.5072/acquire.7kq2m9xwd3
 * p.landingPage();                         // the public page: metadata, citation, files
 * p.citation(Publication.CitationFormat.BIBTEX);
 * p.files().get(0).url();                  // curl -O works, with Range
 * }</pre>
 *
 * <p>Only a drive's owner may publish it. The files are the versions that were newest when
 * publishing; later uploads to the drive do not change the publication. {@link #withdraw}
 * leaves a tombstone page (HTTP 410) with the metadata and the reason; the files are no
 * longer served.
 */
public final class Publication {
  private final Transport storage;
  private final PublicationInfo info;

  /** The forms {@link #citation} returns. */
  public enum CitationFormat {
    /** A BibTeX {@code @misc} entry. */
    BIBTEX("bibtex"),
    /** CSL-JSON (an array of one item), as citation processors read. */
    CSL_JSON("csl-json"),
    /** One line for people to read. */
    TEXT("text");

    private final String wire;

    CitationFormat(String wire) {
      this.wire = wire;
    }
  }

  /** One published file: the exact version frozen, and its public download URL. */
  public record File(String path, long version, long size, String sha256, URI url) {}

  private Publication(Transport storage, PublicationInfo info) {
    this.storage = storage;
    this.info = info;
  }

  static Publication publish(Transport storage, String drive, String folder, String title, List<String> creators,
      String description) {
    Objects.requireNonNull(title, "title == null");
    Objects.requireNonNull(creators, "creators == null");
    // Not retried: each publish mints a new identifier.
    return new Publication(storage, storage.post("/publications",
        new Publish(drive, folder, title, List.copyOf(creators), description), PublicationInfo.class, Safety.UNSAFE));
  }

  /** The user's publications, newest first, withdrawn ones included. */
  public static List<Publication> list(User user) {
    Transport storage = user.signedTransport("storage");
    return storage.get("/publications", PublicationList.class).publications().stream()
        .map(p -> new Publication(storage, p)).toList();
  }

  public String id() {
    return info.id();
  }

  /** The persistent identifier, a DOI such as {@code 10.5072/acquire.7kq2m9xwd3}. */
  public String identifier() {
    return info.identifier();
  }

  /** Where the identifier resolves: {@code https://doi.org/…} when registered with DataCite, else the landing page. */
  public URI identifierUrl() {
    return URI.create(info.identifierUrl());
  }

  /** The public landing page: metadata, citation and files; no login needed. */
  public URI landingPage() {
    return URI.create(info.landingPage());
  }

  /** The DataCite metadata (JSON) at its stable URL. */
  public URI metadataUrl() {
    return URI.create(info.metadataUrl());
  }

  public String title() {
    return info.title();
  }

  public List<String> creators() {
    return info.creators();
  }

  public String description() {
    return info.description();
  }

  public String publisher() {
    return info.publisher();
  }

  public Instant publishedAt() {
    return info.publishedAt();
  }

  /** The drive folder published; empty for a whole drive (such as a job's outputs). */
  public String folder() {
    return info.folder();
  }

  public long totalSize() {
    return info.totalSize();
  }

  public List<File> files() {
    return info.files().stream().map(Publication::file).toList();
  }

  public boolean isWithdrawn() {
    return "withdrawn".equals(info.state());
  }

  /** Why it was withdrawn, if it was. */
  public Optional<String> withdrawReason() {
    return Optional.ofNullable(info.withdrawReason());
  }

  public Optional<Instant> withdrawnAt() {
    return Optional.ofNullable(info.withdrawnAt());
  }

  /** The citation in {@code format}, as the service renders it (the same text the landing page shows). */
  public String citation(CitationFormat format) {
    Objects.requireNonNull(format, "format == null");
    Transport.Reply reply = storage.call("GET", "/publications/" + id() + "/citation?format=" + format.wire, null,
        Safety.SAFE, Map.of());
    return new String(reply.body(), StandardCharsets.UTF_8);
  }

  /**
   * Withdraws the publication: its landing page becomes a tombstone (HTTP 410) showing the
   * metadata and {@code reason}; its files are no longer served. The identifier stays.
   */
  public Publication withdraw(String reason) {
    Objects.requireNonNull(reason, "reason == null");
    return new Publication(storage, storage.post("/publications/" + id() + "/withdraw", new Withdraw(reason),
        PublicationInfo.class, Safety.SAFE));
  }

  private static File file(PublishedFile f) {
    return new File(f.path(), f.version(), f.size(), f.sha256(), URI.create(f.url()));
  }

  @Override
  public String toString() {
    return "Publication[" + info.identifier() + " \"" + info.title() + "\"" + (isWithdrawn() ? ", withdrawn" : "")
        + ", " + info.files().size() + " files]";
  }
}
