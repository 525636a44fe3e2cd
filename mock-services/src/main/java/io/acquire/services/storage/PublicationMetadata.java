package io.acquire.services.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.acquire.client.wire.Json;
import io.acquire.services.storage.PublicationRecord.Frozen;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a publication says about itself, in each form it is served: DataCite metadata
 * (kernel 4 JSON), a BibTeX entry, CSL-JSON, a one-line citation and schema.org JSON-LD for
 * the landing page. All are made from the stored record on each request, so they cannot
 * disagree.
 *
 * @param landingPage the publication's landing page URL; its files are under {@code /files/}
 */
record PublicationMetadata(PublicationRecord record, String landingPage) {
  static final String SCHEMA_VERSION = "http://datacite.org/schema/kernel-4";
  static final String RESOURCE_TYPE = "Simulation outputs";
  private static final ObjectMapper JSON = Json.mapper();

  /** Where the identifier resolves: doi.org for a registered DOI, else the landing page. */
  String identifierUrl() {
    return record.atDoiOrg() ? "https://doi.org/" + record.identifier() : landingPage;
  }

  String metadataUrl() {
    return landingPage + "/datacite.json";
  }

  String citationUrl(String format) {
    return landingPage + "/citation?format=" + format;
  }

  /** Each path segment percent-encoded, so any drive path makes one stable URL. */
  String fileUrl(Frozen file) {
    StringBuilder url = new StringBuilder(landingPage).append("/files");
    for (String segment : file.path().split("/")) {
      url.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return url.toString();
  }

  LocalDate issued() {
    return LocalDate.ofInstant(record.publishedAt(), ZoneOffset.UTC);
  }

  /** The DataCite metadata (schema kernel 4, the JSON form DataCite's REST API takes). */
  ObjectNode datacite() {
    ObjectNode doc = JSON.createObjectNode();
    doc.putArray("identifiers").addObject().put("identifier", record.identifier()).put("identifierType", "DOI");
    ArrayNode creators = doc.putArray("creators");
    for (String creator : record.creators()) {
      ObjectNode node = creators.addObject().put("name", creator);
      Name name = Name.of(creator);
      if (name.family() != null) {
        node.put("nameType", "Personal").put("familyName", name.family());
        if (name.given() != null) {
          node.put("givenName", name.given());
        }
      }
    }
    doc.putArray("titles").addObject().put("title", record.title());
    doc.put("publisher", record.publisher());
    doc.put("publicationYear", Integer.toString(record.publicationYear()));
    doc.putObject("types").put("resourceTypeGeneral", "Dataset").put("resourceType", RESOURCE_TYPE);
    ArrayNode dates = doc.putArray("dates");
    dates.addObject().put("date", issued().toString()).put("dateType", "Issued");
    if (record.withdrawn()) {
      dates.addObject().put("date", LocalDate.ofInstant(record.withdrawnAt(), ZoneOffset.UTC).toString())
          .put("dateType", "Withdrawn").put("dateInformation", record.withdrawReason());
    }
    if (!record.description().isEmpty()) {
      doc.putArray("descriptions").addObject().put("description", record.description())
          .put("descriptionType", "Abstract");
    }
    doc.putArray("sizes").add(record.files().size() + " files").add(record.totalSize() + " bytes");
    doc.put("schemaVersion", SCHEMA_VERSION);
    return doc;
  }

  /** One {@code @misc} entry, every value escaped for BibTeX and LaTeX. */
  String bibtex() {
    List<String> authors = new ArrayList<>();
    for (String creator : record.creators()) {
      Name name = Name.of(creator);
      // An organisation (or any name BibTeX would split on " and ") is braced as one literal name.
      authors.add(name.family() != null && !creator.toLowerCase(Locale.ROOT).contains(" and ")
          ? latex(creator) : "{" + latex(creator) + "}");
    }
    StringBuilder bib = new StringBuilder("@misc{").append(citationKey()).append(",\n");
    field(bib, "author", String.join(" and ", authors));
    field(bib, "title", "{" + latex(record.title()) + "}");
    field(bib, "publisher", latex(record.publisher()));
    field(bib, "year", Integer.toString(record.publicationYear()));
    field(bib, "month", issued().getMonth().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT).toLowerCase(Locale.ROOT));
    field(bib, "doi", latex(record.identifier()));
    field(bib, "url", landingPage);
    field(bib, "howpublished", "Dataset");
    if (record.withdrawn()) {
      field(bib, "note", "Withdrawn " + LocalDate.ofInstant(record.withdrawnAt(), ZoneOffset.UTC));
    }
    bib.setLength(bib.length() - 2);
    return bib.append("\n}\n").toString();
  }

  private String citationKey() {
    return "acquire_" + record.id().replaceAll("[^A-Za-z0-9]", "");
  }

  private static void field(StringBuilder bib, String name, String value) {
    bib.append("  ").append(name).append(" = {").append(value).append("},\n");
  }

  /** Characters special to BibTeX or LaTeX, escaped; control characters become spaces. */
  static String latex(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\textbackslash{}");
        case '{', '}', '&', '%', '$', '#', '_' -> out.append('\\').append(c);
        case '~' -> out.append("\\textasciitilde{}");
        case '^' -> out.append("\\textasciicircum{}");
        case '@' -> out.append("{@}");
        default -> out.append(Character.isISOControl(c) ? ' ' : c);
      }
    }
    return out.toString();
  }

  /** A CSL-JSON array of one item, as citation processors (citeproc) read. */
  ArrayNode cslJson() {
    ArrayNode items = JSON.createArrayNode();
    ObjectNode item = items.addObject();
    item.put("id", record.identifier()).put("type", "dataset").put("title", record.title());
    ArrayNode authors = item.putArray("author");
    for (String creator : record.creators()) {
      Name name = Name.of(creator);
      if (name.family() == null) {
        authors.addObject().put("literal", creator);
      } else {
        ObjectNode author = authors.addObject().put("family", name.family());
        if (name.given() != null) {
          author.put("given", name.given());
        }
      }
    }
    LocalDate issued = issued();
    item.putObject("issued").putArray("date-parts").addArray().add(issued.getYear()).add(issued.getMonthValue())
        .add(issued.getDayOfMonth());
    item.put("publisher", record.publisher()).put("DOI", record.identifier()).put("URL", identifierUrl());
    item.put("genre", RESOURCE_TYPE);
    if (!record.description().isEmpty()) {
      item.put("abstract", record.description());
    }
    return items;
  }

  /**
   * One line for people: creators (year). Title [Data set]. Publisher. Then the DOI's
   * doi.org URL, or a local identifier followed by the page it resolves to.
   */
  String text() {
    return String.join("; ", record.creators()) + " (" + record.publicationYear() + "). " + record.title()
        + (record.title().endsWith(".") ? "" : ".") + " [Data set]. " + record.publisher() + ". "
        + (record.atDoiOrg() ? identifierUrl() : record.identifier() + ", " + landingPage);
  }

  /** schema.org's Dataset, for search engines reading the landing page. */
  ObjectNode jsonLd() {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("@context", "https://schema.org").put("@type", "Dataset").put("@id", identifierUrl())
        .put("identifier", identifierUrl()).put("url", landingPage).put("name", record.title());
    if (!record.description().isEmpty()) {
      doc.put("description", record.description());
    }
    ArrayNode creators = doc.putArray("creator");
    for (String creator : record.creators()) {
      creators.addObject().put("@type", Name.of(creator).family() == null ? "Organization" : "Person")
          .put("name", creator);
    }
    doc.putObject("publisher").put("@type", "Organization").put("name", record.publisher());
    doc.put("datePublished", issued().toString());
    if (!record.withdrawn()) {
      ArrayNode distribution = doc.putArray("distribution");
      for (Frozen file : record.files()) {
        distribution.addObject().put("@type", "DataDownload").put("name", file.path())
            .put("contentUrl", fileUrl(file)).put("contentSize", file.size() + " B");
      }
    }
    return doc;
  }

  /**
   * A creator's name read the way citations write it: "Family, Given" is a person; a name
   * without a comma is taken as an organisation's, or a person known by one name.
   */
  record Name(String family, String given) {
    static Name of(String creator) {
      int comma = creator.indexOf(',');
      if (comma < 0) {
        return new Name(null, null);
      }
      String family = creator.substring(0, comma).strip();
      String given = creator.substring(comma + 1).strip();
      return new Name(family, given.isEmpty() ? null : given);
    }
  }
}
