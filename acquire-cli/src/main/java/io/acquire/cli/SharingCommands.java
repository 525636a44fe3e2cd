package io.acquire.cli;

import io.acquire.client.Drive;
import io.acquire.client.Group;
import io.acquire.client.Link;
import io.acquire.client.NotFoundException;
import io.acquire.client.Role;
import io.acquire.client.User;
import io.acquire.client.AccessEntry;
import io.acquire.client.AccessRule;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code acquire drive share|unshare|access|shared|link|fetch|links|revoke-link}: who may reach a drive, and links. */
final class SharingCommands {
  private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

  private SharingCommands() {}

  /** "7d", "12h", "30m", "45s": how long a link works. */
  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("A duration is a number and a unit, such as 7d, 12h, 30m or 45s, not '"
          + text + "'.");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  static Role role(String text) {
    try {
      return Role.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("A role is reader, writer or owner, not '" + text + "'.");
    }
  }

  /** One of the user's groups by name (or owner/name) or id. */
  static Group group(User user, String nameOrId) {
    return Group.list(user).stream()
        .filter(g -> g.name().equals(nameOrId) || g.id().equals(nameOrId) || (g.owner() + "/" + g.name()).equals(nameOrId))
        .findFirst()
        .orElseThrow(() -> new NotFoundException(404, "not_found", "You have no group named '" + nameOrId
            + "'; acquire group list lists them.", null));
  }

  static void checkOne(String user, String group) {
    if ((user == null) == (group == null)) {
      throw new IllegalArgumentException("Name a user or --group GROUP (one of them).");
    }
  }

  static void printRule(Cli cli, String verb, String drive, AccessRule rule) {
    if (cli.json()) {
      cli.json(rule);
    } else {
      cli.out.println(verb + " " + drive + (rule.path().isEmpty() ? "" : ":" + rule.path()) + " with " + rule.kind()
          + " " + rule.label() + " as " + rule.role() + " (rule " + rule.id() + ").");
    }
  }

  @Command(name = "share", mixinStandardHelpOptions = true,
      description = "Give a user or a group a role on a drive or a folder of it (a rule on a folder covers everything "
          + "under it; sharing again replaces the role). reader: list and download; writer: also upload; owner: also "
          + "share and make links.",
      footerHeading = "%nExamples:%n",
      footer = {"  acquire drive share results bob --role reader",
          "  acquire drive share results:2026-run --group lab --role writer"})
  static final class Share implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DRIVE[:FOLDER]") String where;

    @Parameters(index = "1", paramLabel = "USER", arity = "0..1", description = "The user.") String user;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "A group of yours instead of a user.")
    String group;

    @Option(names = {"-r", "--role"}, required = true, paramLabel = "reader|writer|owner") String role;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      DriveCommands.Location location = DriveCommands.Location.parse(where);
      checkOne(user, group);
      Role chosen = role(role);
      User me = cli.loggedIn();
      Drive drive = DriveCommands.existing(me, location.drive());
      AccessRule rule = group != null ? drive.share(group(me, group), chosen, location.path())
          : drive.share(user, chosen, location.path());
      printRule(cli, "Shared", location.drive(), rule);
      return ExitCodes.OK;
    }
  }

  @Command(name = "unshare", mixinStandardHelpOptions = true,
      description = "Remove every rule that gives a user (or, with --group, a group) access to a drive. A user who is "
          + "in a group keeps what the group's rules give.",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive unshare results bob", "  acquire drive unshare results --group lab"})
  static final class Unshare implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DRIVE") String name;

    @Parameters(index = "1", paramLabel = "USER", arity = "0..1", description = "The user.") String user;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "A group of yours instead of a user.")
    String group;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      checkOne(user, group);
      User me = cli.loggedIn();
      Drive drive = DriveCommands.existing(me, name);
      if (group != null) {
        drive.unshare(group(me, group));
      } else {
        drive.unshare(user);
      }
      String label = group != null ? "group " + group : user;
      if (cli.json()) {
        cli.json(Map.of("drive", drive.name(), "unshared", label));
      } else {
        cli.out.println("Unshared " + drive.name() + " with " + label + ".");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "access", mixinStandardHelpOptions = true,
      description = "Who can reach a drive and why: one line per user and rule (a group's rule gives a line to each "
          + "member). Needs the owner role.",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive access results", "  acquire drive access results --json"})
  static final class Access implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DRIVE") String name;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      List<AccessEntry> entries = DriveCommands.existing(cli.loggedIn(), name).access();
      if (cli.json()) {
        cli.json(entries);
        return ExitCodes.OK;
      }
      Table table = new Table("USER", "ROLE", "WHERE", "WHY");
      entries.forEach(e -> table.row(e.user(), e.role(), e.path().isEmpty() ? "(whole drive)" : e.path(), e.why()));
      table.print(cli.out);
      return ExitCodes.OK;
    }
  }

  @Command(name = "shared", mixinStandardHelpOptions = true,
      description = "The drives other users have shared with you or your groups.",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive shared", "  acquire drive ls ada-results:   # then use one by id"})
  static final class Shared implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      List<Drive> drives = Drive.sharedWithMe(cli.loggedIn());
      if (cli.json()) {
        cli.json(drives.stream().map(d -> Map.of("name", d.name(), "id", d.id(), "owner", d.owner(),
            "readOnly", d.isReadOnly())).toList());
        return ExitCodes.OK;
      }
      Table table = new Table("NAME", "ID", "OWNER");
      drives.forEach(d -> table.row(d.name(), d.id(), d.owner()));
      table.print(cli.out);
      return ExitCodes.OK;
    }
  }

  static Map<String, Object> view(Link link) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", link.id());
    view.put("path", link.path());
    view.put("version", link.version().orElse(null));
    view.put("mode", link.isWrite() ? "write" : "read");
    view.put("expiresAt", link.expiresAt());
    view.put("maxUses", link.maxUses().isPresent() ? link.maxUses().getAsInt() : null);
    view.put("uses", link.uses());
    view.put("revoked", link.isRevoked());
    if (link.hasUrl()) {
      view.put("url", link.url());
    }
    return view;
  }

  /** Read or write. */
  static final class Mode {
    @Option(names = "--read", description = "Downloads only (the default).") boolean read;

    @Option(names = "--write", description = "Uploads only: each makes the next version of a file.") boolean write;
  }

  @Command(name = "link", mixinStandardHelpOptions = false,
      description = {"Make a link to a file, a folder or (DRIVE alone) the whole drive that works without logging in, "
          + "until it expires or is used up, and show it as a URL and a QR code. Needs the owner role.",
          "The URL is shown only now: keep it (acquire drive links lists links without their URLs)."},
      footerHeading = "%nExamples:%n",
      footer = {"  acquire drive link results:summary.csv --expires 7d --max-uses 10",
          "  curl -fO \"$(acquire drive link results:summary.csv --json | jq -r .url)\"",
          "  acquire drive link inbox:uploads --write --expires 2d"})
  static final class MakeLink implements Callable<Integer> {
    @Spec CommandSpec spec;

    // Not the standard help options: their --version (the program's) would hide this command's --version and -h.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(paramLabel = "DRIVE[:PATH]") String where;

    @ArgGroup(exclusive = true) Mode mode = new Mode();

    @Option(names = "--expires", paramLabel = "DURATION", defaultValue = "1d",
        description = "How long it works: 7d, 12h, 30m, 45s; 1 second to 365 days (default ${DEFAULT-VALUE}).")
    String expires;

    @Option(names = "--max-uses", paramLabel = "N", description = "How many requests it answers in all.")
    Integer maxUses;

    @Option(names = "--version", paramLabel = "N", description = "A read link to this version of the file.")
    Long version;

    @Option(names = "--no-qr", description = "Print the URL without the QR code.") boolean noQr;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      DriveCommands.Location location = DriveCommands.Location.parse(where);
      Drive drive = DriveCommands.existing(cli.loggedIn(), location.drive());
      Link.Builder builder = drive.link(location.path()).expiresIn(duration(expires));
      if (mode.write) {
        builder.write();
      }
      if (maxUses != null) {
        builder.maxUses(maxUses);
      }
      if (version != null) {
        builder.version(version);
      }
      Link link = builder.create();
      if (cli.json()) {
        cli.json(view(link));
        return ExitCodes.OK;
      }
      if (!noQr) {
        QrTerminal.lines(link.url(), Terminal.colours()).forEach(cli.out::println);
      }
      cli.out.println(link.url());
      cli.out.println((link.isWrite() ? "Write" : "Read") + " link " + link.id() + " to " + where + ", expires "
          + link.expiresAt() + (link.maxUses().isPresent() ? ", " + link.maxUses().getAsInt() + " uses" : "")
          + ". Anyone with the URL can use it: acquire drive revoke-link " + link.id() + " stops it.");
      return ExitCodes.OK;
    }
  }

  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = {"Download the file a read link reaches into FILE, without logging in, checked as it arrives. "
          + "A link to a file of an encrypted drive carries its key after #key=: the file is decrypted here "
          + "(the backend never sees the key; curl would get the encrypted bytes)."},
      footerHeading = "%nExamples:%n",
      footer = {"  acquire drive fetch 'https://acquire.example.org/t/storage/links/…' table.csv",
          "  acquire drive fetch \"$LINK\" results.bin --json"})
  static final class Fetch implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL") String url;

    @Parameters(index = "1", paramLabel = "FILE") java.nio.file.Path target;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      long size = Link.download(url, target);
      if (cli.json()) {
        cli.json(Map.of("file", target.toAbsolutePath().toString(), "size", size));
      } else {
        cli.out.println("Downloaded " + ProgressBar.bytes(size) + " to " + target + ".");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "links", mixinStandardHelpOptions = true,
      description = "A drive's links, newest first, with their uses (their URLs were shown only when made).",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive links results"})
  static final class Links implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DRIVE") String name;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      List<Link> links = DriveCommands.existing(cli.loggedIn(), name).links();
      if (cli.json()) {
        cli.json(links.stream().map(SharingCommands::view).toList());
        return ExitCodes.OK;
      }
      Table table = new Table("ID", "MODE", "PATH", "EXPIRES", "USES", "STATE");
      links.forEach(l -> table.row(l.id(), l.isWrite() ? "write" : "read",
          (l.path().isEmpty() ? "(whole drive)" : l.path()) + l.version().map(v -> " v" + v).orElse(""),
          l.expiresAt(), l.uses() + (l.maxUses().isPresent() ? " of " + l.maxUses().getAsInt() : ""),
          l.isRevoked() ? "revoked" : l.expiresAt().isBefore(java.time.Instant.now()) ? "expired" : "live"));
      table.print(cli.out);
      return ExitCodes.OK;
    }
  }

  @Command(name = "revoke-link", mixinStandardHelpOptions = true,
      description = "Stop a link at once (revoking twice is harmless). The link is looked for in your drives, or in "
          + "--drive's only.",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive revoke-link lnk_3kq9...", "  acquire drive revoke-link lnk_3kq9... --drive results"})
  static final class RevokeLink implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID") String id;

    @Option(names = "--drive", paramLabel = "DRIVE") String driveName;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      User user = cli.loggedIn();
      List<Drive> drives = driveName != null ? List.of(DriveCommands.existing(user, driveName)) : Drive.list(user);
      for (Drive drive : drives) {
        for (Link link : drive.links()) {
          if (link.id().equals(id)) {
            Link revoked = link.revoke();
            if (cli.json()) {
              cli.json(view(revoked));
            } else {
              cli.out.println("Revoked link " + id + " to " + drive.name()
                  + (revoked.path().isEmpty() ? "" : ":" + revoked.path()) + ".");
            }
            return ExitCodes.OK;
          }
        }
      }
      throw new NotFoundException(404, "not_found", "No link " + id + " in your drives; acquire drive links DRIVE "
          + "lists a drive's links.", null);
    }
  }
}
