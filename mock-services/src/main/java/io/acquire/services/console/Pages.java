package io.acquire.services.console;

import static io.acquire.services.http.HtmlText.escape;
import static io.acquire.services.console.Html.url;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.Link;
import io.acquire.client.Money;
import io.acquire.client.Publication;
import io.acquire.client.Role;
import io.acquire.client.TimeSeries;
import io.acquire.client.User;
import io.acquire.client.AccessEntry;
import io.acquire.client.AccountSummary;
import io.acquire.client.AccountSummary.Hold;
import io.acquire.client.FileVersion;
import io.acquire.client.StatementLine;
import io.acquire.client.StorageCharge;
import io.acquire.client.StoragePayment;
import io.acquire.services.console.Console.Refused;
import io.acquire.services.console.Console.Session;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One handler per console page or action; each reads and acts through the SDK as the signed-in person. */
final class Pages {
  /** The energies a job records, plotted on its page: column, label, colour (distinct, dark enough on white). */
  static final List<String[]> ENERGIES = List.of(new String[] {"kinetic_kJmol", "Kinetic", "#b45309"},
      new String[] {"potential_kJmol", "Potential", "#1d4ed8"}, new String[] {"total_kJmol", "Total", "#15803d"});

  Pages() {}

  private static void page(Context ctx, Session session, String title, String body) {
    Html.render(ctx, 200, title, session.user.username(), session.csrf, body);
  }

  static String required(Context ctx, String field, String what) {
    String value = ctx.formParam(field);
    if (value == null || value.isBlank()) {
      throw new Refused("Enter " + what + ".");
    }
    return value.strip();
  }

  private static int whole(Context ctx, String field, String what, int min, int max) {
    String value = required(ctx, field, what);
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new Refused("Enter " + what + " as a whole number from " + min + " to " + max + ".");
  }

  // Accounts ----------------------------------------------------------------------------------

  void accounts(Context ctx, Session session, User user) {
    StringBuilder rows = new StringBuilder();
    for (Account account : Account.list(user)) {
      AccountSummary v = account.status();
      Money held = v.holds().stream().map(Hold::amount).reduce(Money.zero(v.balance().currency()), Money::plus);
      rows.append("<tr><td><a href=\"/console/accounts/").append(url(v.id())).append("\">").append(escape(v.name()))
          .append("</a></td><td class=\"num\">").append(escape(v.balance().toString())).append("</td><td class=\"num\">")
          .append(escape(held.toString())).append(" (").append(v.holds().size()).append(")</td><td class=\"num\">")
          .append(escape(v.available().toString())).append("</td><td class=\"num\">")
          .append(escape(v.overdraftLimit().toString())).append("</td><td class=\"num\">")
          .append(escape(v.dailyCap() == null ? "none" : v.dailyCap().toString())).append("</td><td class=\"num\">")
          .append(escape(v.spentToday().toString())).append("</td></tr>");
    }
    page(ctx, session, "Accounts", rows.length() == 0 ? "<p>You have no accounts yet.</p>"
        : "<table id=\"accounts\"><caption>Your accounts; open one for its statement</caption><thead><tr>"
        + "<th scope=\"col\">Account</th><th scope=\"col\" class=\"num\">Balance</th><th scope=\"col\" class=\"num\">"
        + "Held (holds)</th><th scope=\"col\" class=\"num\">Available</th><th scope=\"col\" class=\"num\">Overdraft "
        + "limit</th><th scope=\"col\" class=\"num\">Daily cap</th><th scope=\"col\" class=\"num\">Spent today</th>"
        + "</tr></thead><tbody>" + rows + "</tbody></table>");
  }

  private static Account account(User user, String id) {
    return Account.list(user).stream().filter(a -> a.id().equals(id)).findFirst()
        .orElseThrow(() -> new Refused("You have no account " + id + "; pick one from the accounts page."));
  }

  void statement(Context ctx, Session session, User user) {
    Account account = account(user, ctx.pathParam("account"));
    AccountSummary v = account.status();
    StringBuilder holds = new StringBuilder();
    for (Hold h : v.holds()) {
      holds.append("<li>").append(escape(h.amount().toString())).append(" until ").append(Html.time(h.expiresAt()))
          .append("</li>");
    }
    StringBuilder lines = new StringBuilder();
    List<StatementLine> statement = new ArrayList<>(account.statement());
    java.util.Collections.reverse(statement); // newest first
    for (StatementLine l : statement) {
      lines.append("<tr><td class=\"num\">").append(l.seq()).append("</td><td>").append(Html.time(l.at()))
          .append("</td><td>").append(escape(l.kind())).append("</td><td class=\"num\">")
          .append(escape(l.amount().toString())).append(l.held() != null ? " (holds " + escape(l.held().toString())
          + ")" : "").append("</td><td class=\"num\">").append(escape(l.balance().toString())).append("</td><td>")
          .append(escape(l.description())).append("</td><td>").append(escape(l.counterparty())).append("</td></tr>");
    }
    String currency = v.balance().currency();
    page(ctx, session, "Account " + v.name(), "<dl><dt>Balance</dt><dd id=\"balance\">" + escape(v.balance().toString())
        + "</dd><dt>Available</dt><dd>" + escape(v.available().toString()) + "</dd><dt>Overdraft limit</dt><dd>"
        + escape(v.overdraftLimit().toString()) + "</dd><dt>Daily cap</dt><dd>" + escape(v.dailyCap() == null ? "none"
        : v.dailyCap().toString()) + "</dd><dt>Spent today</dt><dd>" + escape(v.spentToday().toString()) + "</dd></dl>"
        + "<h2>Holds</h2>" + (holds.length() == 0 ? "<p id=\"holds\">No money is held.</p>" : "<ul id=\"holds\">"
        + holds + "</ul>")
        + "<h2>Limits</h2>" + Html.form("/console/accounts/" + url(v.id()) + "/limits", session.csrf,
            Html.input("overdraft", "Overdraft limit (" + currency + ")", "text", "inputmode=\"decimal\" value=\""
                + escape(v.overdraftLimit().amount().toPlainString()) + "\" required")
            + Html.input("cap", "Daily cap (" + currency + "; empty for none)", "text", "inputmode=\"decimal\" value=\""
                + escape(v.dailyCap() == null ? "" : v.dailyCap().amount().toPlainString()) + "\"")
            + Html.button("set-limits", "Set limits"))
        + "<h2>Statement</h2><table id=\"statement\"><caption>Every line, newest first, with what it paid for"
        + "</caption><thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">When</th><th scope=\"col\">Kind"
        + "</th><th scope=\"col\" class=\"num\">Amount</th><th scope=\"col\" class=\"num\">Balance</th>"
        + "<th scope=\"col\">For</th><th scope=\"col\">Counterparty</th></tr></thead><tbody>" + lines
        + "</tbody></table>");
  }

  void setLimits(Context ctx, Session session, User user) {
    Account account = account(user, ctx.pathParam("account"));
    String currency = account.balance().currency();
    String cap = ctx.formParam("cap");
    account.setLimits(money(required(ctx, "overdraft", "an overdraft limit"), currency),
        cap == null || cap.isBlank() ? null : money(cap.strip(), currency));
    ctx.redirect("/console/accounts/" + url(account.id()), HttpStatus.SEE_OTHER);
  }

  private static Money money(String text, String currency) {
    try {
      return Money.of(text, currency);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new Refused("'" + text + "' is not an amount of " + currency + ": write it like 12.50.");
    }
  }

  // Drives ------------------------------------------------------------------------------------

  void drives(Context ctx, Session session, User user) {
    page(ctx, session, "Drives", "<h2>Yours</h2>" + driveTable("drives", Drive.list(user), "/console/drives/")
        + "<h2>Shared with you</h2>" + driveTable("shared", Drive.sharedWithMe(user), "/console/drives/"));
  }

  private static String driveTable(String id, List<Drive> drives, String base) {
    if (drives.isEmpty()) {
      return "<p id=\"" + id + "\">None.</p>";
    }
    StringBuilder rows = new StringBuilder();
    for (Drive d : drives) {
      rows.append("<tr><td><a href=\"").append(base).append(url(d.id())).append("\">").append(escape(d.name()))
          .append("</a></td><td>").append(escape(d.owner())).append("</td><td>").append(d.isReadOnly() ? "read-only"
          : "writable").append("</td><td>").append(Html.time(d.paidUntil())).append("</td></tr>");
    }
    return "<table id=\"" + id + "\"><thead><tr><th scope=\"col\">Drive</th><th scope=\"col\">Owner</th>"
        + "<th scope=\"col\">Kind</th><th scope=\"col\">Paid until</th></tr></thead><tbody>" + rows + "</tbody></table>";
  }

  void drive(Context ctx, Session session, User user) {
    drivePage(ctx, session, Drive.byId(user, ctx.pathParam("drive")), "");
  }

  void drivePage(Context ctx, Session session, Drive drive, String notice) {
    String base = "/console/drives/" + url(drive.id());
    StringBuilder files = new StringBuilder();
    for (FileVersion f : drive.files()) {
      files.append("<tr><td><a href=\"").append(base).append("/versions?path=").append(url(f.path())).append("\">")
          .append(escape(f.path())).append("</a></td><td class=\"num\">").append(f.version()).append("</td><td class=\"num\">")
          .append(f.size()).append("</td><td>").append(Html.time(f.createdAt())).append("</td><td>")
          .append(downloadLink(base, f.path(), 0)).append("</td></tr>");
    }
    StringBuilder access = new StringBuilder();
    for (AccessEntry a : drive.access()) {
      boolean removable = a.why() != null && a.why().startsWith("shared") && !a.user().equals(drive.owner());
      access.append("<tr><td>").append(escape(a.user())).append("</td><td>").append(escape(a.role()))
          .append("</td><td>").append(escape(a.path() == null || a.path().isEmpty() ? "whole drive" : a.path()))
          .append("</td><td>").append(escape(a.why())).append("</td><td>")
          .append(removable ? Html.form(base + "/unshare", session.csrf, Html.hidden("username", a.user())
              + "<button class=\"secondary\" aria-label=\"Unshare with " + escape(a.user()) + "\">Unshare</button>")
              : "").append("</td></tr>");
    }
    StringBuilder links = new StringBuilder();
    for (Link l : drive.links()) {
      links.append("<tr><td>").append(escape(l.id())).append("</td><td>").append(escape(l.path().isEmpty()
          ? "whole drive" : l.path())).append("</td><td>").append(l.isWrite() ? "write" : "read").append("</td><td>")
          .append(Html.time(l.expiresAt())).append("</td><td class=\"num\">").append(l.uses()).append("</td><td>")
          .append(l.isRevoked() ? "revoked" : Html.form(base + "/links/" + url(l.id()) + "/revoke", session.csrf,
              "<button class=\"secondary\" aria-label=\"Revoke link " + escape(l.id()) + "\">Revoke</button>"))
          .append("</td></tr>");
    }
    String roles = Arrays.stream(Role.values()).map(r -> "<option value=\"" + r.name() + "\">"
        + r.name().toLowerCase(Locale.ROOT) + "</option>").reduce("", String::concat);
    page(ctx, session, "Drive " + drive.name(), notice
        + "<p>Owner " + escape(drive.owner()) + (drive.isReadOnly() ? " · read-only (a job's outputs)" : "")
        + " · <a href=\"/console/outputs/" + url(drive.id()) + "\">Storage: delete, extend, archive, publish</a></p>"
        + "<h2>Files</h2>" + (files.length() == 0 ? "<p id=\"files\">No files.</p>" : "<table id=\"files\"><thead><tr>"
        + "<th scope=\"col\">Path (open for versions)</th><th scope=\"col\" class=\"num\">Version</th>"
        + "<th scope=\"col\" class=\"num\">Bytes</th><th scope=\"col\">Written</th><th scope=\"col\">File</th>"
        + "</tr></thead><tbody>" + files + "</tbody></table>")
        + (drive.isReadOnly() ? "" : Html.uploadForm(base + "/upload", session.csrf,
            Html.input("upload-file", "File to upload (a new version if the path exists)", "file", "required")
            + Html.input("upload-folder", "Into folder (empty for the top of the drive)", "text", "")
            + Html.button("upload", "Upload")))
        + "<h2>Who has access</h2><table id=\"access\"><thead><tr><th scope=\"col\">User</th><th scope=\"col\">Role"
        + "</th><th scope=\"col\">Where</th><th scope=\"col\">Why</th><th scope=\"col\">Action</th>"
        + "</tr></thead><tbody>" + access + "</tbody></table>"
        + "<h2>Share</h2>" + Html.form(base + "/share", session.csrf,
            Html.input("share-username", "Username", "text", "required maxlength=\"64\"")
            + "<label for=\"share-role\">Role</label><select id=\"share-role\" name=\"share-role\">" + roles
            + "</select>" + Html.input("share-folder", "Folder (empty for the whole drive)", "text", "")
            + Html.button("share", "Share"))
        + "<h2>Links</h2>" + (links.length() == 0 ? "<p id=\"links\">No links.</p>" : "<table id=\"links\"><thead><tr>"
        + "<th scope=\"col\">Link</th><th scope=\"col\">To</th><th scope=\"col\">Kind</th><th scope=\"col\">Expires"
        + "</th><th scope=\"col\" class=\"num\">Uses</th><th scope=\"col\">State</th></tr></thead><tbody>" + links
        + "</tbody></table>")
        + Html.form(base + "/links", session.csrf,
            Html.input("link-path", "File or folder (empty for the whole drive)", "text", "")
            + Html.input("link-hours", "Valid for (hours)", "number", "min=\"1\" max=\"8760\" value=\"24\" required")
            + "<label><input type=\"checkbox\" id=\"link-write\" name=\"link-write\" value=\"yes\"> Let holders "
            + "upload (a write link)</label>" + Html.button("create-link", "Create link")));
  }

  /** A link that downloads {@code path} (a version of it, or the newest for 0) as an attachment. */
  private static String downloadLink(String driveBase, String path, long version) {
    return "<a download href=\"" + driveBase + "/download?path=" + url(path) + (version > 0 ? "&amp;version=" + version
        : "") + "\" aria-label=\"Download " + escape(path) + (version > 0 ? " version " + version : "") + "\">Download</a>";
  }

  void versions(Context ctx, Session session, User user) {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    String path = ctx.queryParam("path");
    if (path == null || path.isBlank()) {
      throw new Refused("Name the file whose versions to show (?path=...).");
    }
    StringBuilder rows = new StringBuilder();
    for (FileVersion f : drive.versions(path)) {
      rows.append("<tr><td class=\"num\">").append(f.version()).append("</td><td class=\"num\">").append(f.size())
          .append("</td><td>").append(Html.time(f.createdAt())).append("</td><td><code>").append(escape(f.sha256()))
          .append("</code></td><td>").append(downloadLink("/console/drives/" + url(drive.id()), path, f.version()))
          .append("</td></tr>");
    }
    page(ctx, session, "Versions of " + path, "<p><a href=\"/console/drives/" + url(drive.id()) + "\">Back to "
        + escape(drive.name()) + "</a></p><table id=\"versions\"><thead><tr><th scope=\"col\" class=\"num\">Version"
        + "</th><th scope=\"col\" class=\"num\">Bytes</th><th scope=\"col\">Written</th><th scope=\"col\">SHA-256</th>"
        + "<th scope=\"col\">File</th></tr></thead><tbody>" + rows + "</tbody></table>");
  }

  void share(Context ctx, Session session, User user) {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    String username = required(ctx, "share-username", "the username to share with");
    Role role;
    try {
      role = Role.valueOf(required(ctx, "share-role", "a role"));
    } catch (IllegalArgumentException e) {
      throw new Refused("Pick a role: reader, writer or owner.");
    }
    String folder = ctx.formParam("share-folder");
    if (folder == null || folder.isBlank()) {
      drive.share(username, role);
    } else {
      drive.share(username, role, folder.strip());
    }
    ctx.redirect("/console/drives/" + url(drive.id()), HttpStatus.SEE_OTHER);
  }

  void unshare(Context ctx, Session session, User user) {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    drive.unshare(required(ctx, "username", "the username to unshare"));
    ctx.redirect("/console/drives/" + url(drive.id()), HttpStatus.SEE_OTHER);
  }

  void createLink(Context ctx, Session session, User user) {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    String path = ctx.formParam("link-path");
    Link.Builder builder = drive.link(path == null ? "" : path.strip())
        .expiresIn(Duration.ofHours(whole(ctx, "link-hours", "how many hours the link is valid", 1, 8760)));
    Link link = ("yes".equals(ctx.formParam("link-write")) ? builder.write() : builder.read()).create();
    // The URL holds the link's secret: shown this once, never stored by the console.
    drivePage(ctx, session, drive, "<p class=\"notice\" role=\"status\">New link (copy it now; it is not shown "
        + "again): <a id=\"new-link\" href=\"" + escape(link.url()) + "\">" + escape(link.url()) + "</a></p>");
  }

  void revokeLink(Context ctx, Session session, User user) {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    String id = ctx.pathParam("link");
    drive.links().stream().filter(l -> l.id().equals(id)).findFirst()
        .orElseThrow(() -> new Refused("This drive has no link " + id + "."))
        .revoke();
    ctx.redirect("/console/drives/" + url(drive.id()), HttpStatus.SEE_OTHER);
  }

  // Outputs: storage paid ahead -------------------------------------------------------------

  void outputs(Context ctx, Session session, User user) {
    page(ctx, session, "Outputs", "<p>Files you keep are paid for ahead. Open a drive to delete files for a "
        + "refund of their unused time, pay for more years, archive, or publish.</p>"
        + driveTable("outputs", Drive.list(user), "/console/outputs/"));
  }

  void output(Context ctx, Session session, User user) {
    outputPage(ctx, session, Drive.byId(user, ctx.pathParam("drive")), "");
  }

  private void outputPage(Context ctx, Session session, Drive drive, String notice) {
    String base = "/console/outputs/" + url(drive.id());
    StringBuilder rows = new StringBuilder();
    for (StoragePayment p : drive.payments()) {
      if (p.deletedAt() != null) {
        continue;
      }
      rows.append("<tr><td>").append(escape(p.path())).append("</td><td class=\"num\">").append(p.version())
          .append("</td><td>").append(escape(p.tier())).append("</td><td>").append(Html.time(p.paidUntil()))
          .append("</td><td class=\"num\">").append(escape(p.paid().toString())).append("</td><td><a href=\"")
          .append(base).append("/delete?path=").append(url(p.path())).append("\" aria-label=\"Delete ")
          .append(escape(p.path())).append("\">Delete…</a></td></tr>");
    }
    page(ctx, session, "Outputs in " + drive.name(), notice
        + "<dl><dt>Paid until</dt><dd id=\"paid-until\">" + Html.time(drive.paidUntil()) + "</dd><dt>Paid by</dt><dd>"
        + (drive.payer() == null ? "nobody yet" : "<a href=\"/console/accounts/" + url(drive.payer()) + "\">account "
        + escape(drive.payer()) + "</a>") + "</dd>" + drive.notice().map(n -> "<dt>Notice</dt><dd>" + escape(n)
        + "</dd>").orElse("") + "</dl>"
        + "<table id=\"payments\"><thead><tr><th scope=\"col\">File</th><th scope=\"col\" class=\"num\">Version</th>"
        + "<th scope=\"col\">Tier</th><th scope=\"col\">Paid until</th><th scope=\"col\" class=\"num\">Paid</th>"
        + "<th scope=\"col\">Action</th></tr></thead><tbody>" + rows + "</tbody></table>"
        + "<h2>Pay for more years</h2>" + Html.form(base + "/extend", session.csrf,
            Html.input("years", "Years", "number", "min=\"1\" max=\"100\" value=\"1\" required")
            + Html.button("extend", "Extend"))
        + "<h2>Archive</h2><p>Moves files to the archive tier for 15 years at one price; their unused standard "
        + "time is refunded.</p>" + Html.form(base + "/archive", session.csrf,
            Html.input("archive-folder", "Folder (empty for the whole drive)", "text", "")
            + Html.button("archive", "Archive"))
        + "<h2>Publish</h2>" + Html.form(base + "/publish", session.csrf,
            Html.input("title", "Title", "text", "required maxlength=\"300\"")
            + Html.input("creators", "Creators (comma-separated)", "text", "required")
            + Html.input("description", "Description", "text", "required")
            + Html.input("publish-folder", "Folder (empty for the whole drive)", "text", "")
            + Html.button("publish", "Publish")));
  }

  void confirmDelete(Context ctx, Session session, User user) {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    String path = ctx.queryParam("path");
    if (path == null || path.isBlank()) {
      throw new Refused("Name the file to delete (?path=...).");
    }
    StorageCharge refund = drive.refundIfDeleted(path);
    page(ctx, session, "Delete " + path + "?", "<p>Deleting <strong>" + escape(path) + "</strong> from "
        + escape(drive.name()) + " removes its " + refund.versions() + " version(s) for good and refunds their "
        + "unused paid time: <strong id=\"refund\">" + escape(refund.refunded().toString()) + "</strong> (as of now; "
        + "never more).</p>" + Html.form("/console/outputs/" + url(drive.id()) + "/delete", session.csrf,
            Html.hidden("path", path) + "<button id=\"confirm-delete\" class=\"danger\">Delete and refund</button>")
        + "<p><a href=\"/console/outputs/" + url(drive.id()) + "\">Cancel</a></p>");
  }

  void delete(Context ctx, Session session, User user) {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    String path = required(ctx, "path", "the file to delete");
    StorageCharge charge = drive.delete(path);
    outputPage(ctx, session, drive.refresh(), "<p class=\"notice\" role=\"status\" id=\"message\">Deleted "
        + escape(path) + " (" + charge.versions() + " version(s)); refunded <span id=\"refunded\">"
        + escape(charge.refunded().toString()) + "</span>.</p>");
  }

  void extend(Context ctx, Session session, User user) {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    StorageCharge charge = drive.extend(whole(ctx, "years", "the years to pay for", 1, 100));
    outputPage(ctx, session, drive.refresh(), "<p class=\"notice\" role=\"status\" id=\"message\">Extended "
        + charge.versions() + " version(s); charged " + escape(charge.charged().toString()) + ".</p>");
  }

  void archive(Context ctx, Session session, User user) {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    String folder = ctx.formParam("archive-folder");
    StorageCharge charge = drive.archive(folder == null ? "" : folder.strip());
    outputPage(ctx, session, drive.refresh(), "<p class=\"notice\" role=\"status\" id=\"message\">Archived "
        + charge.versions() + " version(s); charged " + escape(charge.charged().toString()) + ", refunded "
        + escape(charge.refunded().toString()) + ".</p>");
  }

  void publish(Context ctx, Session session, User user) {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    String title = required(ctx, "title", "a title");
    List<String> creators = Arrays.stream(required(ctx, "creators", "the creators").split(",")).map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
    String description = required(ctx, "description", "a description");
    String folder = ctx.formParam("publish-folder");
    Publication publication = folder == null || folder.isBlank() ? drive.publish(title, creators, description)
        : drive.publishFolder(folder.strip(), title, creators, description);
    outputPage(ctx, session, drive, "<p class=\"notice\" role=\"status\" id=\"message\">Published as <a "
        + "id=\"publication\" href=\"" + escape(publication.landingPage().toString()) + "\">"
        + escape(publication.identifier()) + "</a>.</p>");
  }

  // Jobs --------------------------------------------------------------------------------------

  void jobs(Context ctx, Session session, User user) {
    StringBuilder rows = new StringBuilder();
    for (Job job : Job.list(user)) {
      rows.append("<tr><td><a href=\"/console/jobs/").append(url(job.id())).append("\">").append(escape(job.id()))
          .append("</a></td><td>").append(escape(job.workload())).append("</td><td>")
          .append(escape(job.lastKnownStatus().name().toLowerCase(Locale.ROOT))).append("</td><td class=\"num\">")
          .append(escape(job.price().toString())).append("</td><td class=\"num\">")
          .append(escape(job.cost().map(Money::toString).orElse("—"))).append("</td></tr>");
    }
    page(ctx, session, "Jobs", rows.length() == 0 ? "<p id=\"jobs\">No jobs yet.</p>" : "<table id=\"jobs\"><thead>"
        + "<tr><th scope=\"col\">Job</th><th scope=\"col\">Workload</th><th scope=\"col\">Status</th>"
        + "<th scope=\"col\" class=\"num\">Quoted</th><th scope=\"col\" class=\"num\">Cost</th></tr></thead><tbody>"
        + rows + "</tbody></table>");
  }

  private static Job job(Session session, User user, String id) {
    Job job = session.jobs.computeIfAbsent(id, i -> Job.get(user, i));
    job.refresh();
    return job;
  }

  void job(Context ctx, Session session, User user) {
    Job job = job(session, user, ctx.pathParam("job"));
    String status = job.lastKnownStatus().name().toLowerCase(Locale.ROOT);
    Map<String, TimeSeries> energies = energies(job);
    page(ctx, session, "Job " + job.id(), "<dl><dt>Workload</dt><dd>" + escape(job.workload()) + " on "
        + escape(job.resource()) + "</dd><dt>Status</dt><dd id=\"status\">" + escape(status) + "</dd>"
        + "<dt>Quoted</dt><dd id=\"price\">" + escape(job.price().toString()) + "</dd><dt>Cost</dt><dd id=\"cost\">"
        + escape(job.cost().map(c -> c + " of the " + job.price() + " quoted").orElse("charged when it ends"))
        + "</dd><dt>Started</dt><dd>" + Html.time(job.startedAt().orElse(null)) + "</dd><dt>Ended</dt><dd>"
        + Html.time(job.endedAt().orElse(null)) + "</dd>" + job.message().map(m -> "<dt>Message</dt><dd>" + escape(m)
        + "</dd>").orElse("") + "</dl>"
        + (job.lastKnownStatus().isFinal() ? "" : Html.form("/console/jobs/" + url(job.id()) + "/cancel",
            session.csrf, "<button id=\"cancel-job\" class=\"danger\">Cancel the job</button>"))
        + "<h2>Energies (kJ/mol) against time (ps)</h2>" + chart(job.id(), status, energies)
        + "<p><a href=\"/console/jobs/" + url(job.id()) + "\">Reload</a> (the chart follows a running job by "
        + "itself where scripts run)</p>"
        + "<h2>Outputs</h2><p><a id=\"outputs\" href=\"/console/drives/" + url(job.outputs().id()) + "\">The job's "
        + "output drive</a></p>");
  }

  private static Map<String, TimeSeries> energies(Job job) {
    Map<String, TimeSeries> series = new LinkedHashMap<>();
    for (String[] e : ENERGIES) {
      try {
        series.put(e[0], job.series(e[0]));
      } catch (IllegalArgumentException notRecorded) {
        // a workload that records no such column: left out of the chart
      }
    }
    return series;
  }

  /** The chart as SVG, drawn here so it shows without scripts; live.js redraws it from the records endpoint. */
  static String chart(String jobId, String status, Map<String, TimeSeries> series) {
    int points = series.values().stream().mapToInt(TimeSeries::size).max().orElse(0);
    StringBuilder svg = new StringBuilder("<svg id=\"energy-chart\" role=\"img\" aria-labelledby=\"chart-title\" "
        + "viewBox=\"0 0 600 320\" width=\"600\" height=\"320\" data-records=\"/console/jobs/" + url(jobId)
        + "/records\" data-status=\"" + escape(status) + "\" data-points=\"" + points + "\"><title id=\"chart-title\">"
        + "Kinetic, potential and total energy of job " + escape(jobId) + ", " + points + " records</title>");
    double[] range = range(series.values());
    for (String[] e : ENERGIES) {
      TimeSeries s = series.get(e[0]);
      svg.append("<polyline data-column=\"").append(e[0]).append("\" fill=\"none\" stroke-width=\"2\" stroke=\"")
          .append(e[2]).append("\" points=\"").append(s == null ? "" : polyline(s, range)).append("\"/>");
    }
    int y = 24;
    for (String[] e : ENERGIES) {
      svg.append("<text x=\"585\" y=\"").append(y).append("\" text-anchor=\"end\" fill=\"").append(e[2])
          .append("\" font-size=\"14\">").append(e[1]).append("</text>");
      y += 18;
    }
    // Axis ends, so that the lines can be read as numbers; live.js rewrites them as it redraws.
    boolean empty = points == 0;
    svg.append(axisLabel("chart-vmax", 55, 16, "end", empty ? "" : number(range[3])))
        .append(axisLabel("chart-vmin", 55, 290, "end", empty ? "" : number(range[2])))
        .append(axisLabel("chart-tmin", 60, 312, "start", empty ? "" : number(range[0]) + " ps"))
        .append(axisLabel("chart-tmax", 590, 312, "end", empty ? "" : number(range[1]) + " ps"));
    return svg.append("</svg>").toString();
  }

  private static String axisLabel(String id, int x, int y, String anchor, String text) {
    return "<text id=\"" + id + "\" x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + anchor
        + "\" font-size=\"12\" fill=\"#1d2330\">" + text + "</text>";
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.0f" : "%.2f", value);
  }

  private static double[] range(java.util.Collection<TimeSeries> series) {
    double t0 = Double.MAX_VALUE, t1 = -Double.MAX_VALUE, v0 = Double.MAX_VALUE, v1 = -Double.MAX_VALUE;
    for (TimeSeries s : series) {
      for (int i = 0; i < s.size(); i++) {
        t0 = Math.min(t0, s.times().get(i));
        t1 = Math.max(t1, s.times().get(i));
        v0 = Math.min(v0, s.values().get(i));
        v1 = Math.max(v1, s.values().get(i));
      }
    }
    return new double[] {t0, t1 > t0 ? t1 : t0 + 1, v0, v1 > v0 ? v1 : v0 + 1};
  }

  private static String polyline(TimeSeries s, double[] r) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.size(); i++) {
      double x = 60 + 530 * (s.times().get(i) - r[0]) / (r[1] - r[0]);
      double y = 290 - 280 * (s.values().get(i) - r[2]) / (r[3] - r[2]);
      out.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    return out.toString().strip();
  }

  /** The job's status and energies so far, as JSON for live.js. */
  void records(Context ctx, Session session, User user) {
    Job job = job(session, user, ctx.pathParam("job"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", job.lastKnownStatus().name().toLowerCase(Locale.ROOT));
    body.put("cost", job.cost().map(Money::toString).orElse(null));
    Map<String, Object> series = new LinkedHashMap<>();
    energies(job).forEach((column, s) -> series.put(column, Map.of("times", s.times(), "values", s.values())));
    body.put("series", series);
    ctx.header("Cache-Control", "no-store").json(body);
  }

  void cancel(Context ctx, Session session, User user) {
    Job job = job(session, user, ctx.pathParam("job"));
    job.cancel();
    ctx.redirect("/console/jobs/" + url(job.id()), HttpStatus.SEE_OTHER);
  }
}
