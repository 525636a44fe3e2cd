package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.acquire.client.wire.Json;
import io.acquire.services.storage.PublicationRecord.Frozen;
import io.acquire.services.testing.PublicationChecks;
import java.time.Instant;
import java.util.List;
import org.jbibtex.BibTeXEntry;
import org.jbibtex.LaTeXParser;
import org.jbibtex.LaTeXPrinter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The metadata and citations made from a record, checked by DataCite's schema and a BibTeX parser. */
class PublicationMetadataTest {
  private static PublicationRecord record(String title, List<String> creators, String description) {
    return new PublicationRecord("7kq2m9xwd3", "10.5072/acquire.7kq2m9xwd3", false, "ada", "drv_1", "results", "",
        title, creators, description, "Acquire", 2026, Instant.parse("2026-12-05T10:00:00Z"),
        List.of(new Frozen("records.csv", "records.csv", 3, 1234, "ab".repeat(32))), PublicationRecord.FINDABLE,
        null, null);
  }

  private static PublicationMetadata metadata(PublicationRecord record) {
    return new PublicationMetadata(record, "http://127.0.0.1:8080/t/storage/publications/" + record.id());
  }

  @Test
  void theSchemaCheckFailsMetadataMissingWhatDataCiteRequires() {
    ObjectNode valid = metadata(record("Argon", List.of("Lovelace, Ada"), "")).datacite();
    assertEquals(java.util.Set.of(), PublicationChecks.dataciteProblems(valid));
    ObjectNode broken = valid.deepCopy();
    broken.remove("publisher");
    broken.with("types").put("resourceTypeGeneral", "Simulation");
    broken.put("doi", "not allowed at the top level");
    assertEquals(3, PublicationChecks.dataciteProblems(broken).size(), PublicationChecks.dataciteProblems(broken)
        .toString());
  }

  @Test
  void aWithdrawnRecordsMetadataNamesTheDateAndReasonAndStillValidates() {
    PublicationRecord withdrawn = record("Argon", List.of("Lovelace, Ada"), "Text.")
        .withdraw(Instant.parse("2027-01-02T03:04:05Z"), "Wrong units.");
    JsonNode doc = metadata(withdrawn).datacite();
    assertEquals(java.util.Set.of(), PublicationChecks.dataciteProblems(doc));
    assertEquals("Withdrawn", doc.at("/dates/1/dateType").asText());
    assertEquals("2027-01-02", doc.at("/dates/1/date").asText());
    assertEquals("Wrong units.", doc.at("/dates/1/dateInformation").asText());
    assertTrue(metadata(withdrawn).bibtex().contains("note = {Withdrawn 2027-01-02}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Plain title", "50% of {braces} & $dollars$ #1 under_score ~tilde ^caret \\backslash",
      "}{ unbalanced }}} {{", "email@example.org and more"})
  void anyTitleMakesBibtexThatParsesBackToTheSameText(String title) throws Exception {
    String bibtex = metadata(record(title, List.of("Lovelace, Ada", "Smith and Jones Ltd", "Org, The"), ""))
        .bibtex();
    BibTeXEntry entry = PublicationChecks.parseBibtex(bibtex).getEntries().values().iterator().next();
    String latex = entry.getField(BibTeXEntry.KEY_TITLE).toUserString();
    String text = new LaTeXPrinter().print(new LaTeXParser().parse(latex));
    assertEquals(title, text, bibtex);
    String authors = entry.getField(BibTeXEntry.KEY_AUTHOR).toUserString();
    assertEquals("Lovelace, Ada and {Smith and Jones Ltd} and Org, The", authors);
  }

  @Test
  void unicodeTitlesPassThroughBibtexAsUtf8() {
    String title = "Ünïcödé – “quotes” … ⚛";
    String bibtex = metadata(record(title, List.of("Lovelace, Ada"), "")).bibtex();
    BibTeXEntry entry = PublicationChecks.parseBibtex(bibtex).getEntries().values().iterator().next();
    // As biber and BibLaTeX read UTF-8 (jbibtex's own LaTeX reader knows too few characters to round-trip it).
    assertEquals("{" + title + "}", entry.getField(BibTeXEntry.KEY_TITLE).toUserString());
  }

  @Test
  void cslJsonCarriesPeopleAsFamilyAndGivenAndOrganisationsAsLiterals() throws Exception {
    JsonNode csl = Json.mapper().readTree(Json.write(metadata(record("Argon", List.of("Lovelace, Ada", "CERN",
        "Plato,"), "About argon.")).cslJson()));
    assertEquals(1, csl.size());
    JsonNode item = csl.get(0);
    assertEquals("Lovelace", item.at("/author/0/family").asText());
    assertEquals("Ada", item.at("/author/0/given").asText());
    assertEquals("CERN", item.at("/author/1/literal").asText());
    assertEquals("Plato", item.at("/author/2/family").asText());
    assertFalse(item.at("/author/2").has("given"));
    assertEquals("[[2026,12,5]]", item.at("/issued/date-parts").toString());
    assertEquals("About argon.", item.path("abstract").asText());
  }
}
