package io.acquire.cli;

import io.acquire.client.Drive;
import io.acquire.client.NotFoundException;
import io.acquire.client.User;
import io.acquire.client.FileVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code acquire drive ...}: files in drives, by {@code DRIVE:PATH}. */
@Command(name = "drive", mixinStandardHelpOptions = true,
    description = {"Your drives and their files: ls, put, get, versions; deleting for a refund and paying: rm, rmdrive, "
        + "extend, archive, payer; sharing: share, unshare, access, shared, link, links, revoke-link. A file is DRIVE:PATH, such as "
        + "inputs:data/table.csv; DRIVE is a drive's name or id.",
        "Transfers show a progress bar on a terminal (--progress forces it, --no-progress hides it)."},
    footerHeading = "%nExamples:%n",
    footer = {"  acquire drive put table.csv inputs:data/table.csv",
        "  acquire drive ls inputs:data/",
        "  acquire drive get inputs:data/table.csv copy.csv",
        "  acquire drive rm inputs:data/old.csv              # refunds the unused storage",
        "  acquire drive share results bob --role reader",
        "  acquire drive link results:summary.csv --expires 7d"})
final class DriveCommands implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Name what to do: ls, put, get, versions, rm, "
        + "rmdrive, extend, archive, payer, share, unshare, access, shared, link, links or revoke-link.");
  }

  /** {@code DRIVE:PATH} split at the first colon; a bare word is a drive with an empty path. */
  record Location(String drive, String path) {
    static Location parse(String text) {
      int colon = text.indexOf(':');
      Location location = colon < 0 ? new Location(text, "") : new Location(text.substring(0, colon),
          text.substring(colon + 1));
      if (location.drive.isBlank()) {
        throw new IllegalArgumentException("Name the drive: DRIVE:PATH, such as inputs:data/table.csv, not '" + text
            + "'.");
      }
      return location;
    }
  }

  /** An existing drive by name or id. */
  static Drive existing(User user, String nameOrId) {
    List<Drive> drives = Drive.list(user);
    return drives.stream().filter(d -> d.name().equals(nameOrId)).findFirst()
        .or(() -> drives.stream().filter(d -> d.id().equals(nameOrId)).findFirst())
        .orElseGet(() -> {
          try {
            return Drive.byId(user, nameOrId);
          } catch (NotFoundException e) {
            throw new NotFoundException(404, "not_found", "You have no drive named '" + nameOrId
                + "'; acquire drive ls lists them.", null);
          }
        });
  }

  static final class ProgressOptions {
    @Option(names = "--progress", negatable = true,
        description = "Show a progress bar on stderr (default: only on a terminal).")
    Boolean progress;

    boolean shown(Cli cli) {
      return progress != null ? progress : Terminal.interactive() && !cli.json();
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true,
      description = "Without an argument, your drives; with DRIVE[:PREFIX], the newest version of each file under it.",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive ls", "  acquire drive ls inputs", "  acquire drive ls inputs:data/ --json"})
  static final class Ls implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DRIVE[:PREFIX]", arity = "0..1") String where;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      User user = cli.loggedIn();
      if (where == null) {
        List<Drive> drives = Drive.list(user);
        if (cli.json()) {
          cli.json(drives.stream().map(d -> Map.of("name", d.name(), "id", d.id(), "readOnly", d.isReadOnly())).toList());
        } else {
          Table table = new Table("NAME", "ID", "ACCESS");
          drives.forEach(d -> table.row(d.name(), d.id(), d.isReadOnly() ? "read-only" : "read-write"));
          table.print(cli.out);
        }
        return ExitCodes.OK;
      }
      Location location = Location.parse(where);
      List<FileVersion> files = existing(user, location.drive()).files(location.path());
      printFiles(cli, files);
      return ExitCodes.OK;
    }
  }

  static void printFiles(Cli cli, List<FileVersion> files) {
    if (cli.json()) {
      cli.json(files);
      return;
    }
    Table table = new Table("PATH", "VERSION", "SIZE", "CREATED");
    files.forEach(f -> table.row(f.path(), f.version(), f.size(), f.createdAt()));
    table.print(cli.out);
  }

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Upload a local file as the next version of DRIVE:PATH (the drive is created if need be, its "
          + "storage paid by the profile's account, else your first; a PATH ending in / or left out takes the file's "
          + "name).",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive put run.sh inputs:", "  acquire drive put big.dat inputs:data/big.dat --progress"})
  static final class Put implements Callable<Integer> {
    @Spec CommandSpec spec;
    @picocli.CommandLine.ArgGroup(exclusive = false) ProgressOptions progress = new ProgressOptions();

    @Parameters(index = "0", paramLabel = "FILE") Path file;

    @Parameters(index = "1", paramLabel = "DRIVE:PATH") String where;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Location location = Location.parse(where);
      String path = location.path().isEmpty() || location.path().endsWith("/")
          ? location.path() + file.getFileName() : location.path();
      FileVersion version = upload(cli, StorageCommands.openForWriting(cli, location.drive()), file, path, progress.shown(cli));
      if (cli.json()) {
        cli.json(version);
      } else {
        cli.out.println("Uploaded " + location.drive() + ":" + version.path() + " version " + version.version() + " ("
            + ProgressBar.bytes(version.size()) + ").");
      }
      return ExitCodes.OK;
    }
  }

  static FileVersion upload(Cli cli, Drive drive, Path file, String path, boolean showProgress) {
    ProgressBar bar = showProgress ? new ProgressBar(cli.err, "put " + path) : null;
    try {
      return drive.upload(file, path, bar == null ? Drive.Progress.NONE : bar);
    } finally {
      if (bar != null) {
        bar.finish();
      }
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = false,
      description = "Download a file (the newest version, or --version N), checked against its checksum; written to "
          + "FILE, into it if it is a directory, or to the file's name here.",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive get inputs:data/table.csv", "  acquire drive get inputs:data/table.csv old.csv --version 1"})
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;

    // Not the standard help options: their --version (the program's) would hide this command's --version and -h.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
    @picocli.CommandLine.ArgGroup(exclusive = false) ProgressOptions progress = new ProgressOptions();

    @Parameters(index = "0", paramLabel = "DRIVE:PATH") String where;

    @Parameters(index = "1", paramLabel = "FILE", arity = "0..1") Path target;

    @Option(names = "--version", paramLabel = "N", defaultValue = "0", description = "Which version (default the newest).")
    long version;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Location location = Location.parse(where);
      if (location.path().isEmpty() || location.path().endsWith("/")) {
        throw new IllegalArgumentException("Name a file, such as " + location.drive() + ":data/table.csv; "
            + "acquire drive ls " + location.drive() + " lists them.");
      }
      String name = Path.of(location.path()).getFileName().toString();
      Path to = target == null ? Path.of(name) : Files.isDirectory(target) ? target.resolve(name) : target;
      FileVersion got = download(cli, existing(cli.loggedIn(), location.drive()), location.path(), version, to,
          progress.shown(cli));
      if (cli.json()) {
        cli.json(Map.of("path", got.path(), "version", got.version(), "size", got.size(), "file", to.toAbsolutePath().toString()));
      } else {
        cli.out.println("Downloaded " + location.drive() + ":" + got.path() + " version " + got.version() + " to " + to
            + " (" + ProgressBar.bytes(got.size()) + ").");
      }
      return ExitCodes.OK;
    }
  }

  static FileVersion download(Cli cli, Drive drive, String path, long version, Path to, boolean showProgress) {
    ProgressBar bar = showProgress ? new ProgressBar(cli.err, "get " + path) : null;
    try {
      return drive.download(path, version, to, bar == null ? Drive.Progress.NONE : bar);
    } finally {
      if (bar != null) {
        bar.finish();
      }
    }
  }

  @Command(name = "versions", mixinStandardHelpOptions = true, description = "Every version of a file, oldest first.",
      footerHeading = "%nExamples:%n", footer = "  acquire drive versions inputs:data/table.csv")
  static final class Versions implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DRIVE:PATH") String where;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Location location = Location.parse(where);
      List<FileVersion> versions = existing(cli.loggedIn(), location.drive()).versions(location.path());
      if (versions.isEmpty()) {
        throw new NotFoundException(404, "not_found", location.drive() + ":" + location.path() + " has no versions; "
            + "acquire drive ls " + location.drive() + " lists its files.", null);
      }
      printFiles(cli, versions);
      return ExitCodes.OK;
    }
  }
}
