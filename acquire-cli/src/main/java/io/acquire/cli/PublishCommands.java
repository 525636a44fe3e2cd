package io.acquire.cli;

import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.NotFoundException;
import io.acquire.client.Publication;
import io.acquire.client.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code acquire publish} and {@code acquire publication ...}: frozen snapshots of files with
 * a persistent identifier, a public landing page and citations (docs/publishing.md).
 */
final class PublishCommands {
  private PublishCommands() {}

  static Map<String, Object> view(Publication p) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", p.id());
    view.put("identifier", p.identifier());
    view.put("identifierUrl", p.identifierUrl().toString());
    view.put("landingPage", p.landingPage().toString());
    view.put("metadataUrl", p.metadataUrl().toString());
    view.put("title", p.title());
    view.put("creators", p.creators());
    view.put("description", p.description());
    view.put("publisher", p.publisher());
    view.put("publishedAt", p.publishedAt());
    view.put("folder", p.folder());
    view.put("totalSize", p.totalSize());
    view.put("files", p.files());
    view.put("withdrawn", p.isWithdrawn());
    view.put("withdrawReason", p.withdrawReason().orElse(null));
    view.put("withdrawnAt", p.withdrawnAt().orElse(null));
    return view;
  }

  static void show(Cli cli, Publication p) {
    if (cli.json()) {
      cli.json(view(p));
      return;
    }
    cli.out.println(p.identifier() + "  " + p.title() + (p.isWithdrawn() ? "  (withdrawn)" : ""));
    cli.out.println("  by " + String.join("; ", p.creators()) + ", " + p.publisher() + ", " + p.publishedAt());
    cli.out.println("  " + p.identifierUrl());
    if (!p.landingPage().equals(p.identifierUrl())) {
      cli.out.println("  landing page " + p.landingPage());
    }
    p.withdrawReason().ifPresent(r -> cli.out.println("  withdrawn " + p.withdrawnAt().map(Object::toString).orElse("")
        + ": " + r));
    Table table = new Table("  PATH", "VERSION", "SIZE", "URL");
    p.files().forEach(f -> table.row("  " + f.path(), f.version(), f.size(), f.url()));
    table.print(cli.out);
  }

  /** A publication of the user's by id or identifier (DOI). */
  static Publication find(User user, String idOrIdentifier) {
    return Publication.list(user).stream()
        .filter(p -> p.id().equals(idOrIdentifier) || p.identifier().equalsIgnoreCase(idOrIdentifier))
        .findFirst()
        .orElseThrow(() -> new NotFoundException(404, "not_found", "You have no publication '" + idOrIdentifier
            + "'; acquire publication list lists them.", null));
  }

  /** What to publish: a drive folder, or a job's outputs. */
  static final class Source {
    @Parameters(paramLabel = "DRIVE[:FOLDER]", arity = "0..1", description = "A drive, or a folder of it.")
    String where;

    @Option(names = "--job", paramLabel = "JOB", description = "A job's outputs instead.")
    String job;
  }

  @Command(name = "publish", mixinStandardHelpOptions = true,
      description = {"Publish the newest version of every file in a drive folder (or a job's outputs) with a "
          + "persistent identifier, a public landing page and a download URL per file that works without logging in. "
          + "Later uploads do not change it. Only the drive's owner may publish.",
          "Each run mints a new identifier: run it once."},
      footerHeading = "%nExamples:%n",
      footer = {"  acquire publish results:2026-run --title 'Argon heated to 120 K' --creator 'Lovelace, Ada' \\",
          "      --description '20 ps equilibration.'",
          "  acquire publish --job JOB_ID --title 'Argon at 120 K' --creator 'Lovelace, Ada' --creator 'Acquire Lab' --json"})
  static final class Publish implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1") Source source;

    @Option(names = "--title", required = true, paramLabel = "TEXT") String title;

    @Option(names = "--creator", required = true, paramLabel = "NAME",
        description = "A creator, repeated for several: people as 'Family, Given', organisations by name.")
    List<String> creators;

    @Option(names = "--description", paramLabel = "TEXT") String description;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      User user = cli.loggedIn();
      Publication publication;
      if (source.job != null) {
        publication = Job.get(user, source.job).outputs().publish(title, creators, description);
      } else {
        DriveCommands.Location location = DriveCommands.Location.parse(source.where);
        Drive drive = DriveCommands.existing(user, location.drive());
        publication = location.path().isEmpty() ? drive.publish(title, creators, description)
            : drive.publishFolder(location.path(), title, creators, description);
      }
      if (!cli.json()) {
        cli.out.println("Published " + publication.files().size() + " file" + (publication.files().size() == 1 ? "" : "s")
            + " as " + publication.identifier() + ".");
      }
      show(cli, publication);
      return ExitCodes.OK;
    }
  }

  @Command(name = "publication", mixinStandardHelpOptions = true,
      description = "Your publications: list, show, cite, withdraw. A publication is named by its id or its "
          + "identifier (DOI).",
      footerHeading = "%nExamples:%n",
      footer = {"  acquire publication list", "  acquire publication cite 10.5072/acquire.7kq2m9xwd3 --format bibtex",
          "  acquire publication withdraw 10.5072/acquire.7kq2m9xwd3 --reason 'wrong input file'"})
  static final class Publications implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "Name what to do: list, show, cite or withdraw.");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Your publications, newest first, withdrawn "
      + "ones included.", footerHeading = "%nExamples:%n", footer = {"  acquire publication list --json"})
  static final class ListPublications implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      List<Publication> publications = Publication.list(cli.loggedIn());
      if (cli.json()) {
        cli.json(publications.stream().map(PublishCommands::view).toList());
        return ExitCodes.OK;
      }
      Table table = new Table("IDENTIFIER", "TITLE", "FILES", "PUBLISHED", "STATE");
      publications.forEach(p -> table.row(p.identifier(), p.title(), p.files().size(), p.publishedAt(),
          p.isWithdrawn() ? "withdrawn" : "published"));
      if (table.isEmpty()) {
        cli.err.println("No publications yet: acquire publish DRIVE:FOLDER --title ... --creator ...");
      } else {
        table.print(cli.out);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "A publication's metadata and files.",
      footerHeading = "%nExamples:%n", footer = {"  acquire publication show 10.5072/acquire.7kq2m9xwd3"})
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID|IDENTIFIER") String id;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      show(cli, find(cli.loggedIn(), id));
      return ExitCodes.OK;
    }
  }

  @Command(name = "cite", mixinStandardHelpOptions = true,
      description = "A publication's citation as the service renders it: bibtex, csl-json or text.",
      footerHeading = "%nExamples:%n",
      footer = {"  acquire publication cite 10.5072/acquire.7kq2m9xwd3 --format bibtex >> refs.bib"})
  static final class Cite implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID|IDENTIFIER") String id;

    @Option(names = "--format", paramLabel = "bibtex|csl-json|text", defaultValue = "text",
        description = "Default ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Publication.CitationFormat chosen = switch (format.toLowerCase(Locale.ROOT)) {
        case "bibtex" -> Publication.CitationFormat.BIBTEX;
        case "csl-json", "csl" -> Publication.CitationFormat.CSL_JSON;
        case "text" -> Publication.CitationFormat.TEXT;
        default -> throw new IllegalArgumentException("--format is bibtex, csl-json or text, not '" + format + "'.");
      };
      String citation = find(cli.loggedIn(), id).citation(chosen);
      if (cli.json() && chosen != Publication.CitationFormat.CSL_JSON) {
        cli.json(Map.of("format", chosen.name().toLowerCase(Locale.ROOT).replace('_', '-'), "citation", citation));
      } else {
        cli.out.println(citation.strip());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "withdraw", mixinStandardHelpOptions = true,
      description = "Withdraw a publication: its landing page becomes a tombstone with the metadata and the reason, "
          + "its files are no longer served; the identifier stays.",
      footerHeading = "%nExamples:%n",
      footer = {"  acquire publication withdraw 10.5072/acquire.7kq2m9xwd3 --reason 'wrong input file'"})
  static final class Withdraw implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID|IDENTIFIER") String id;

    @Option(names = "--reason", required = true, paramLabel = "TEXT") String reason;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Publication withdrawn = find(cli.loggedIn(), id).withdraw(reason);
      if (cli.json()) {
        cli.json(view(withdrawn));
      } else {
        cli.out.println("Withdrew " + withdrawn.identifier() + ": " + reason);
      }
      return ExitCodes.OK;
    }
  }
}
