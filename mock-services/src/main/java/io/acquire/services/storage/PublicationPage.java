package io.acquire.services.storage;

import static io.acquire.services.http.HtmlText.escape;

import io.acquire.client.wire.Json;
import io.acquire.services.storage.PublicationRecord.Frozen;
import io.javalin.http.Context;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A publication's public landing page, or its tombstone once withdrawn (HTTP 410 with the
 * metadata and the reason, and no downloads). Server-rendered HTML without JavaScript:
 * headings in order, a captioned table with header cells, links that say where they go;
 * schema.org JSON-LD for search engines, in a data block that no browser executes (the
 * Content-Security-Policy allows no script at all).
 */
final class PublicationPage {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", java.util.Locale.ENGLISH)
      .withZone(ZoneOffset.UTC);

  private PublicationPage() {}

  static void render(Context ctx, PublicationMetadata metadata) {
    PublicationRecord record = metadata.record();
    boolean withdrawn = record.withdrawn();
    StringBuilder body = new StringBuilder();
    body.append("<main><p class=\"kind\">Dataset").append(withdrawn ? " · withdrawn" : "").append("</p>")
        .append("<h1>").append(escape(record.title())).append("</h1>")
        .append("<p class=\"creators\">").append(escape(String.join("; ", record.creators()))).append("</p>");
    if (withdrawn) {
      body.append("<section class=\"tombstone\" aria-labelledby=\"withdrawn\"><h2 id=\"withdrawn\">Withdrawn</h2>")
          .append("<p>This publication was withdrawn on ").append(DAY.format(record.withdrawnAt()))
          .append(". Its files are no longer available; the record below remains so that citations still resolve.</p>")
          .append("<p><strong>Reason:</strong> ").append(escape(record.withdrawReason())).append("</p></section>");
    }
    body.append("<dl>")
        .append(term("Identifier", "<a href=\"" + escape(metadata.identifierUrl()) + "\">" + escape(record.identifier())
            + "</a>" + (record.atDoiOrg() ? "" : " <small>(a local identifier: it resolves to this page, not at doi.org)</small>")))
        .append(term("Publisher", escape(record.publisher())))
        .append(term("Published", "<time datetime=\"" + metadata.issued() + "\">" + DAY.format(record.publishedAt())
            + "</time>"))
        .append(term("Resource type", "Dataset (" + PublicationMetadata.RESOURCE_TYPE + ")"))
        .append(term("Size", record.files().size() + (record.files().size() == 1 ? " file, " : " files, ")
            + bytes(record.totalSize())))
        .append("</dl>");
    if (!record.description().isEmpty()) {
      body.append("<h2>Description</h2>");
      for (String paragraph : record.description().split("\\n\\s*\\n")) {
        body.append("<p class=\"description\">").append(escape(paragraph.strip())).append("</p>");
      }
    }
    body.append("<h2>Cite as</h2><p class=\"citation\" id=\"citation\">").append(escape(metadata.text())).append("</p>")
        .append("<details><summary>BibTeX</summary><pre id=\"bibtex\">").append(escape(metadata.bibtex()))
        .append("</pre></details>")
        .append("<p>Citation as <a href=\"").append(escape(metadata.citationUrl("bibtex"))).append("\">BibTeX</a>, ")
        .append("<a href=\"").append(escape(metadata.citationUrl("csl-json"))).append("\">CSL-JSON</a>; metadata as ")
        .append("<a href=\"").append(escape(metadata.metadataUrl())).append("\">DataCite JSON</a>.</p>");
    body.append("<h2>Files</h2><table><caption>").append(withdrawn ? "Files as published (no longer served)"
        : "Files, each the exact version published").append("</caption><thead><tr><th scope=\"col\">File</th>")
        .append("<th scope=\"col\">Size</th><th scope=\"col\">SHA-256</th></tr></thead><tbody>");
    for (Frozen file : record.files()) {
      body.append("<tr><td>").append(withdrawn ? escape(file.path()) : "<a href=\"" + escape(metadata.fileUrl(file))
              + "\" download>" + escape(file.path()) + "</a>")
          .append("</td><td>").append(bytes(file.size())).append("</td><td><code>").append(file.sha256())
          .append("</code></td></tr>");
    }
    body.append("</tbody></table></main>");

    String jsonLd = Json.writeString(metadata.jsonLd()).replace("<", "\\u003c");
    ctx.status(withdrawn ? 410 : 200)
        .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'none'")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("Cache-Control", "public, max-age=300")
        .header("Link", "<" + metadata.metadataUrl() + ">; rel=\"describedby\"; type=\"application/vnd.datacite.datacite+json\"")
        .html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>" + (withdrawn ? "Withdrawn: " : "") + escape(record.title()) + " · Acquire</title>"
            + "<meta name=\"description\" content=\"" + escape(metadata.text()) + "\">"
            + "<link rel=\"canonical\" href=\"" + escape(metadata.landingPage()) + "\">"
            + "<script type=\"application/ld+json\">" + jsonLd + "</script>"
            + "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;"
            + "color:#1d2330;line-height:1.45}h1{font-size:1.6rem;margin:.2rem 0}.kind{color:#4a5263;margin:0;"
            + "text-transform:uppercase;font-size:.8rem;letter-spacing:.08em}.creators{font-size:1.05rem}"
            + "dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem}dt{color:#4a5263}dd{margin:0;"
            + "overflow-wrap:anywhere}.tombstone{border:2px solid #a4161a;border-radius:.4rem;padding:0 1rem;"
            + "background:#fff4f4}.citation{background:#eef2f8;border-radius:.4rem;padding:.6rem}pre{overflow-x:auto;"
            + "background:#f6f7f9;padding:.6rem}table{border-collapse:collapse;width:100%}caption{text-align:left;"
            + "color:#4a5263}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d5d9e1;"
            + "vertical-align:top}td code{font-size:.75rem;overflow-wrap:anywhere}a{color:#1f4fb5}</style></head>"
            + "<body>" + body + "<footer><p><small>Published with Acquire</small></p></footer></body></html>");
  }

  private static String term(String name, String html) {
    return "<dt>" + name + "</dt><dd>" + html + "</dd>";
  }

  /** Sizes as people read them, with the exact byte count kept in the file list's checksums. */
  static String bytes(long size) {
    if (size < 1024) {
      return size + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = size;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
