package io.acquire.notebook;

import io.acquire.client.Publication;
import java.net.URI;
import java.time.temporal.ChronoUnit;

/**
 * How a {@link Publication} shows in a notebook: its title and creators, the identifier as
 * a link to where it resolves, the landing page, the files, and the citation to copy; a
 * withdrawn one says so, with the reason.
 */
final class PublicationCard {
  private PublicationCard() {}

  static String html(Publication publication, String citation) {
    StringBuilder html = new StringBuilder("<div class=\"acquire-publication\"><p><strong>")
        .append(Renderers.escape(publication.title())).append("</strong><br>")
        .append(Renderers.escape(String.join("; ", publication.creators()))).append("</p><table>")
        .append(row("Identifier", link(publication.identifierUrl(), publication.identifier())))
        .append(row("Landing page", link(publication.landingPage(), publication.landingPage().toString())))
        .append(row("Files", Renderers.escape(publication.files().size() + (publication.files().size() == 1 ? " file, "
            : " files, ") + ProgressBar.human(publication.totalSize()))))
        .append(row("Published", Renderers.escape(publication.publishedAt().truncatedTo(ChronoUnit.SECONDS).toString())));
    if (publication.isWithdrawn()) {
      html.append(row("Withdrawn", Renderers.escape(publication.withdrawnAt().map(Object::toString).orElse("") + ": "
          + publication.withdrawReason().orElse(""))));
    }
    return html.append("</table><p>Cite as: <span class=\"acquire-citation\">").append(Renderers.escape(citation))
        .append("</span></p></div>").toString();
  }

  static String text(Publication publication, String citation) {
    return publication.identifier() + (publication.isWithdrawn() ? " (withdrawn)" : "") + " " + publication.title()
        + "\n" + publication.landingPage() + "\nCite as: " + citation;
  }

  private static String row(String name, String html) {
    return "<tr><th style=\"text-align:left\">" + name + "</th><td style=\"text-align:left\">" + html + "</td></tr>";
  }

  /** A link only to a web address: anything else (a {@code javascript:} URL) shows as text. */
  private static String link(URI target, String text) {
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return Renderers.escape(text);
    }
    return "<a href=\"" + Renderers.escape(target.toString()) + "\" target=\"_blank\" rel=\"noopener\">"
        + Renderers.escape(text) + "</a>";
  }
}
