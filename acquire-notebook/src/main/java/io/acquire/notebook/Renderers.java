package io.acquire.notebook;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.Link;
import io.acquire.client.Money;
import io.acquire.client.Publication;
import io.acquire.client.Quote;
import io.acquire.client.TimeSeries;
import io.acquire.client.FileVersion;
import io.acquire.client.LoginRequest;
import io.acquire.client.Registration;
import io.acquire.client.SessionInfo;
import io.acquire.client.User;
import io.acquire.client.AccountSummary;
import io.acquire.client.BudgetSummary;
import io.acquire.client.MemberBudget;
import io.acquire.client.StatementLine;
import io.acquire.client.AccessEntry;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;

/**
 * How Acquire's objects look in a notebook. One call registers them all into any kernel
 * built on the IJava base library, so they work in a stock IJava kernel too, where
 * {@link Acquire#install()} registers them.
 */
public final class Renderers {
  /** Chart size in pixels: readable in a notebook column. */
  static final int CHART_WIDTH = 720;
  static final int CHART_HEIGHT = 360;

  private Renderers() {}

  /** Adds Acquire's renderers to {@code renderer}. */
  public static void register(Renderer renderer) {
    renderer.createRegistration(LoginRequest.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((login, context) -> {
          String png = Base64.getEncoder().encodeToString(login.qrCodePng());
          context.renderIfRequested(MIMEType.IMAGE_PNG, () -> png);
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<div class=\"acquire-login\">"
              + "<img alt=\"QR code of the login link\" src=\"data:image/png;base64," + png + "\"/>"
              + "<p>Scan the code or open <a href=\"" + escape(login.url()) + "\" target=\"_blank\">"
              + escape(login.url()) + "</a>, check that the page shows <strong>" + escape(login.userCode())
              + "</strong>, and approve. The request expires at "
              + escape(login.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
              + ".</p></div>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Open " + login.url() + " and check the code "
              + login.userCode() + " (expires " + login.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")");
        });

    renderer.createRegistration(Registration.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((registration, context) -> {
          String png = Base64.getEncoder().encodeToString(registration.qrCodePng());
          context.renderIfRequested(MIMEType.IMAGE_PNG, () -> png);
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<div class=\"acquire-registration\">"
              + "<img alt=\"QR code for an authenticator app\" src=\"data:image/png;base64," + png + "\"/>"
              + "<p>Scan this into your authenticator app once, for <strong>" + escape(registration.username())
              + "</strong>. It holds your secret: clear this output before sharing the notebook.</p></div>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Registered " + registration.username()
              + ": scan the QR code into your authenticator app");
        });

    renderer.createRegistration(User.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((user, context) -> {
          String state = user.isLoggedIn() ? "logged in until " + user.sessionExpiresAt() : "not logged in";
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<table class=\"acquire-user\">"
              + row("User", user.username()) + row("Identity service", user.identityUrl())
              + row("Session", state) + "</table>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, user::toString);
        });

    renderer.createRegistration(SessionInfo.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((session, context) -> {
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<table class=\"acquire-session\">"
              + row("User", session.username()) + row("Session", session.sessionId())
              + row("Scope", session.scope()) + row("Expires", seconds(session.expiresAt())) + "</table>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Signed in as " + session.username() + " (session "
              + session.sessionId() + ", scope " + session.scope() + ", expires " + seconds(session.expiresAt()) + ")");
        });

    // A statement is a List<StatementLine>: lists of anything else keep their plain text.
    renderer.createRegistration(List.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((list, context) -> {
          if (!list.isEmpty() && list.stream().allMatch(StatementLine.class::isInstance)) {
            @SuppressWarnings("unchecked")
            List<StatementLine> lines = (List<StatementLine>) list;
            context.renderIfRequested(MIMEType.TEXT_HTML, () -> statementTable(lines));
          } else if (!list.isEmpty() && list.stream().allMatch(AccessEntry.class::isInstance)) {
            @SuppressWarnings("unchecked")
            List<AccessEntry> entries = (List<AccessEntry>) list;
            context.renderIfRequested(MIMEType.TEXT_HTML, () -> accessTable(entries));
          }
          context.renderIfRequested(MIMEType.TEXT_PLAIN, list::toString);
        });

    renderer.createRegistration(Account.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((account, context) -> {
          AccountSummary status = account.status();
          String holds = status.holds().isEmpty() ? "none" : status.holds().stream()
              .map(h -> h.amount() + " until " + h.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
              .collect(java.util.stream.Collectors.joining(", "));
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<table class=\"acquire-account\">"
              + row("Account", status.name() + " (" + status.id() + ")") + row("Balance", status.balance().toString())
              + row("Available", status.available().toString())
              + row("Daily cap", status.dailyCap() == null ? "none" : status.dailyCap() + " (spent today "
                  + status.spentToday() + ")")
              + row("Overdraft limit", status.overdraftLimit().toString()) + row("Holds", holds)
              + (status.delegation() == null ? "" : row("Sub-account", "of " + status.delegation().parent() + " for "
                  + status.delegation().member() + " (" + status.delegation().status() + "): spent "
                  + status.delegation().spent() + " of a budget of " + status.delegation().budget()))
              + "</table>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Account " + status.name() + ": balance "
              + status.balance() + ", available " + status.available() + ", holds " + holds);
        });

    renderer.createRegistration(BudgetSummary.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((summary, context) -> {
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> budgetTable(summary));
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Sub-accounts of " + summary.parentName() + ": "
              + summary.members().stream().map(m -> m.member() + " spent " + m.spent() + " of " + m.budget() + " ("
                  + m.status() + ")").collect(Collectors.joining(", ")));
        });

    renderer.createRegistration(Quote.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((quote, context) -> {
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<table class=\"acquire-quote\">"
              + row("Workload", quote.workload())
              + row("Resources", quote.cores() + (quote.cores() == 1 ? " core, " : " cores, ") + quote.memoryMib()
                  + " MiB, up to " + duration(quote.maxRuntime()))
              + (quote.resource() == null ? "" : row("Runs on", quote.resource() + " (" + quote.reason() + ")"))
              + row("Guaranteed price", quote.price().toString())
              + (quote.storagePrice().isPositive() ? row("Of which storage", quote.storagePrice() + " for a year of "
                  + ProgressBar.human(quote.estimatedOutputBytes()) + " of outputs (at most)") : "")
              + row("Valid until", seconds(quote.expiresAt())) + "</table>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, quote::toString);
        });

    renderer.createRegistration(Job.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((job, context) -> {
          String ran = job.startedAt().map(start -> duration(Duration.between(start,
              job.endedAt().orElse(Instant.now())))).orElse("not started");
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<table class=\"acquire-job\">"
              + row("Job", job.id() + " (" + job.workload() + ")")
              + row("Status", job.lastKnownStatus().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                  + job.message().map(m -> ": " + m).orElse(""))
              + row("Ran for", ran)
              + row("Quoted", job.price().toString())
              + row("Cost", job.cost().map(Object::toString).orElse("charged when it ends")) + "</table>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, job::toString);
        });

    renderer.createRegistration(Drive.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((drive, context) -> {
          List<FileVersion> files = drive.files();
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> driveTable(drive, files));
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> drive + ": " + files.size() + " files");
        });

    // A link as made shows its URL as a QR code to scan; a listed one (no URL kept) as a table.
    renderer.createRegistration(Link.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((link, context) -> {
          String what = (link.isWrite() ? "Write" : "Read") + " link to "
              + (link.path().isEmpty() ? "the whole drive" : link.path())
              + link.version().map(v -> " (version " + v + ")").orElse("") + ", expires " + seconds(link.expiresAt())
              + (link.maxUses().isPresent() ? ", " + link.uses() + " of " + link.maxUses().getAsInt() + " uses" : "")
              + (link.isRevoked() ? ", revoked" : "");
          if (link.hasUrl()) {
            String png = Base64.getEncoder().encodeToString(link.qrCodePng());
            String use = link.isWrite() ? "curl -T file " : "curl -O ";
            context.renderIfRequested(MIMEType.IMAGE_PNG, () -> png);
            context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<div class=\"acquire-link\">"
                + "<img alt=\"QR code of the link\" src=\"data:image/png;base64," + png + "\"/>"
                + "<p>" + escape(what) + ": <a href=\"" + escape(link.url()) + "\" target=\"_blank\">"
                + escape(link.url()) + "</a></p><p>No account needed: <code>" + escape(use + link.url())
                + "</code>. Anyone holding the link can use it; revoke it with <code>link.revoke()</code>.</p></div>");
            context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> what + ": " + link.url());
          } else {
            context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<p class=\"acquire-link\">" + escape(what + " ("
                + link.id() + ")") + "</p>");
            context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> what + " (" + link.id() + ")");
          }
        });

    renderer.createRegistration(Publication.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((publication, context) -> {
          String citation = publication.citation(Publication.CitationFormat.TEXT);
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> PublicationCard.html(publication, citation));
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> PublicationCard.text(publication, citation));
        });

    renderer.createRegistration(TimeSeries.class)
        .preferring(MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((series, context) -> {
          context.renderIfRequested(MIMEType.IMAGE_PNG, () -> Base64.getEncoder().encodeToString(
              png(Plots.plot(series).createBufferedImage(CHART_WIDTH, CHART_HEIGHT))));
          context.renderIfRequested(MIMEType.TEXT_PLAIN, series::toString);
        });

    renderer.createRegistration(ProgressBar.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((bar, context) -> {
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<div class=\"acquire-progress\"><progress max=\"100\" "
              + "value=\"" + bar.percent() + "\" style=\"width:24em\"></progress> " + escape(bar.toString()) + "</div>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, bar::toString);
        });

    renderer.createRegistration(LivePlot.class)
        .preferring(MIMEType.TEXT_PLAIN)
        .register((plot, context) -> context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> plot.isLive()
            ? "The plot above redraws until the job ends; plot.await(timeout) waits for it."
            : "The plot above shows the job to its end."));

    MolecularView.register(renderer);
    renderer.createRegistration(JFreeChart.class)
        .preferring(MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((chart, context) -> {
          context.renderIfRequested(MIMEType.IMAGE_PNG,
              () -> Base64.getEncoder().encodeToString(png(chart.createBufferedImage(CHART_WIDTH, CHART_HEIGHT))));
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Chart: "
              + (chart.getTitle() == null ? "untitled" : chart.getTitle().getText()));
        });
  }

  static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An account's journal, oldest first: when, what, the amount, the balance after, and why.
   * A storage line (a payment, extension, archival or refund) says what it paid for in its
   * own cells: the drive, the file version and the period.
   */
  static String statementTable(List<StatementLine> lines) {
    boolean storage = lines.stream().anyMatch(l -> StorageLine.parse(l.description()) != null);
    StringBuilder html = new StringBuilder("<table class=\"acquire-statement\"><tr>" + left("th", "When")
        + left("th", "Entry") + "<th style=\"text-align:right\">Amount</th><th style=\"text-align:right\">Balance"
        + "</th>" + left("th", "Description") + (storage ? left("th", "Drive") + left("th", "File")
        + left("th", "Period") : "") + "</tr>");
    for (StatementLine line : lines) {
      StorageLine paid = StorageLine.parse(line.description());
      html.append("<tr>").append(left("td", seconds(line.at()))).append(left("td", line.kind()))
          .append("<td style=\"text-align:right\">").append(escape(line.held() != null
              ? "held " + line.held() : line.amount().toString())).append("</td>")
          .append("<td style=\"text-align:right\">").append(escape(line.balance().toString())).append("</td>")
          .append(left("td", paid != null ? paid.what() : line.description() == null ? "" : line.description()));
      if (storage) {
        html.append(left("td", paid == null ? "" : paid.drive())).append(left("td", paid == null ? "" : paid.file()))
            .append(left("td", paid == null ? "" : paid.period()));
      }
      html.append("</tr>");
    }
    return html.append("</table>").toString();
  }

  /**
   * What a storage line of a statement paid for, read from its description, which storage
   * writes as {@code storage[ what]: drive <name>, <path> v<n>[ why], [<bytes> bytes, ][unused ]<from> to <until>}.
   */
  record StorageLine(String what, String drive, String file, String period) {
    private static final java.util.regex.Pattern FORM = java.util.regex.Pattern.compile(
        "(storage[a-z ]*): drive (.+?), (.+? v\\d+)(?: [a-z]+)?, (?:(\\d+) bytes, )?(unused )?(\\d{4}-\\d{2}-\\d{2} to "
            + "\\d{4}-\\d{2}-\\d{2})");

    static StorageLine parse(String description) {
      if (description == null) {
        return null;
      }
      java.util.regex.Matcher m = FORM.matcher(description);
      if (!m.matches()) {
        return null;
      }
      String file = m.group(3) + (m.group(4) == null ? "" : " (" + ProgressBar.human(Long.parseLong(m.group(4))) + ")");
      return new StorageLine(m.group(1), m.group(2), file, (m.group(5) == null ? "" : "unused ") + m.group(6));
    }
  }

  /** Who can reach a drive: each user, their role, where, and the rule that says so. */
  static String accessTable(List<AccessEntry> entries) {
    StringBuilder html = new StringBuilder("<table class=\"acquire-access\"><tr>" + left("th", "User")
        + left("th", "Role") + left("th", "On") + left("th", "Why") + "</tr>");
    for (AccessEntry entry : entries) {
      html.append("<tr>").append(left("td", entry.user())).append(left("td", entry.role()))
          .append(left("td", entry.path().isEmpty() ? "the whole drive" : entry.path() + "/"))
          .append(left("td", entry.why())).append("</tr>");
    }
    return html.append("</table>").toString();
  }

  /** Spend per member of an account's sub-accounts, with totals over the open and frozen ones. */
  static String budgetTable(BudgetSummary summary) {
    String[] columns = {"Budget", "Spent", "Today", "Daily cap", "Held", "Available"};
    StringBuilder html = new StringBuilder("<table class=\"acquire-budgets\"><caption style=\"text-align:left\">"
        + "Sub-accounts of " + escape(summary.parentName()) + " (" + escape(summary.parent()) + ")</caption><tr>"
        + left("th", "Member") + left("th", "Status"));
    for (String column : columns) {
      html.append("<th style=\"text-align:right\">").append(column).append("</th>");
    }
    html.append("</tr>");
    for (MemberBudget m : summary.members()) {
      html.append("<tr>").append(left("td", m.member())).append(left("td", m.status()));
      for (Object figure : new Object[] {m.budget(), m.spent(), m.spentToday(), m.dailyCap() == null ? "none"
          : m.dailyCap(), m.held(), m.available()}) {
        html.append("<td style=\"text-align:right\">").append(escape(figure.toString())).append("</td>");
      }
      html.append("</tr>");
    }
    List<MemberBudget> live = summary.members().stream().filter(m -> !m.status().equals("closed")).toList();
    if (!live.isEmpty()) {
      html.append("<tr>").append(left("th", "Total")).append(left("th", live.size() + " not closed"));
      Money[] totals = new Money[6];
      for (MemberBudget m : live) {
        Money[] figures = {m.budget(), m.spent(), m.spentToday(), null, m.held(), m.available()};
        for (int i = 0; i < figures.length; i++) {
          if (figures[i] != null) {
            totals[i] = totals[i] == null ? figures[i] : totals[i].plus(figures[i]);
          }
        }
      }
      for (Money total : totals) {
        html.append("<th style=\"text-align:right\">").append(total == null ? "" : escape(total.toString()))
            .append("</th>");
      }
      html.append("</tr>");
    }
    return html.append("</table>").toString();
  }

  private static String left(String tag, String text) {
    return "<" + tag + " style=\"text-align:left\">" + escape(text) + "</" + tag + ">";
  }

  /**
   * A drive's files as a table; a directory of many files (such as a job's record parts)
   * is one row, so the listing stays readable.
   */
  static String driveTable(Drive drive, List<FileVersion> files) {
    Map<String, List<FileVersion>> byDirectory = new TreeMap<>(files.stream().collect(Collectors.groupingBy(
        f -> f.path().contains("/") ? f.path().substring(0, f.path().lastIndexOf('/') + 1) : "")));
    StringBuilder html = new StringBuilder("<table class=\"acquire-drive\"><caption style=\"text-align:left\">Drive "
        + escape(drive.name()) + (drive.isReadOnly() ? " (read-only job outputs)" : "") + ", " + files.size()
        + " files" + (drive.isFrozen() ? ", frozen (read-only until extended)" : "")
        + (drive.paidUntil() == null ? "" : ", paid until " + seconds(drive.paidUntil()))
        + drive.notice().map(n -> "<br><strong>" + escape(n) + "</strong>").orElse("") + "</caption><tr>" + left("th", "Path") + "<th>Version</th><th>Size</th>" + left("th", "SHA-256")
        + left("th", "Written") + "</tr>");
    byDirectory.forEach((directory, inside) -> {
      if (!directory.isEmpty() && inside.size() > 5) {
        long bytes = inside.stream().mapToLong(FileVersion::size).sum();
        html.append("<tr>").append(left("td", directory)).append("<td colspan=\"4\" style=\"text-align:left\">")
            .append(inside.size())
            .append(" files, ").append(ProgressBar.human(bytes)).append("</td></tr>");
        return;
      }
      for (FileVersion f : inside) {
        html.append("<tr>").append(left("td", f.path())).append("<td>").append(f.version()).append("</td><td>")
            .append(ProgressBar.human(f.size())).append("</td><td style=\"text-align:left\"><code>")
            .append(f.sha256(), 0, 12).append("…</code></td>")
            .append(left("td", f.createdAt() == null ? "" : seconds(f.createdAt()))).append("</tr>");
      }
    });
    return html.append("</table>").toString();
  }

  private static String seconds(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String duration(Duration d) {
    long s = d.toSeconds();
    return s < 120 ? d.toMillis() / 100 / 10.0 + " s" : s < 7200 ? s / 60 + " min " + s % 60 + " s"
        : s / 3600 + " h " + s % 3600 / 60 + " min";
  }

  private static String row(String name, String value) {
    return "<tr><th style=\"text-align:left\">" + escape(name) + "</th><td style=\"text-align:left\">"
        + escape(value) + "</td></tr>";
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
