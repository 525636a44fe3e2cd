package io.acquire.services.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.acquire.client.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import nu.validator.client.EmbeddedValidator;
import org.jbibtex.BibTeXDatabase;
import org.jbibtex.BibTeXParser;

/**
 * The independent checks a publication must pass: DataCite's JSON schema (vendored in
 * test resources), a BibTeX parser (jbibtex), and the Nu HTML Checker run in this JVM.
 */
public final class PublicationChecks {
  private static JsonSchema datacite;

  private PublicationChecks() {}

  /** The schema's complaints about {@code metadata}; empty if it is valid DataCite JSON. */
  public static synchronized Set<ValidationMessage> dataciteProblems(JsonNode metadata) {
    if (datacite == null) {
      try (InputStream schema = PublicationChecks.class.getResourceAsStream("/datacite/datacite_4.3_schema.json")) {
        // The file (unchanged from DataCite's repository) names itself with draft-04's "id",
        // which draft 7 spells "$id"; the validator refuses the old keyword, so it is dropped.
        com.fasterxml.jackson.databind.node.ObjectNode node =
            (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(schema);
        node.remove("id");
        datacite = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(node);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return datacite.validate(metadata);
  }

  public static Set<ValidationMessage> dataciteProblems(byte[] metadata) {
    try {
      return dataciteProblems(Json.mapper().readTree(metadata));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses BibTeX strictly: a syntax error throws. */
  public static BibTeXDatabase parseBibtex(String bibtex) {
    try {
      return new BibTeXParser().parse(new StringReader(bibtex));
    } catch (Exception e) {
      throw new AssertionError("BibTeX does not parse: " + e + "\n" + bibtex, e);
    }
  }

  /** The Nu HTML Checker's errors and warnings about {@code html}, as "type: message (line)"; empty if it passes. */
  public static List<String> htmlProblems(String html) {
    EmbeddedValidator validator = new EmbeddedValidator();
    validator.setOutputFormat(EmbeddedValidator.OutputFormat.JSON);
    String report;
    try {
      report = validator.validate(new java.io.ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError("The HTML checker failed to run: " + e, e);
    }
    List<String> problems = new ArrayList<>();
    try {
      for (JsonNode message : Json.mapper().readTree(report).path("messages")) {
        String type = message.path("type").asText() + (message.has("subType") ? "/" + message.path("subType").asText() : "");
        problems.add(type + ": " + message.path("message").asText() + " (line " + message.path("lastLine").asText() + ")");
      }
    } catch (IOException e) {
      throw new AssertionError("The HTML checker's report is not JSON: " + report, e);
    }
    return problems;
  }
}
