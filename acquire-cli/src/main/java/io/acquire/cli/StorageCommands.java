package io.acquire.cli;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.User;
import io.acquire.client.StorageCharge;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code acquire drive rm|rmdrive|extend|archive|payer}: what a drive's storage costs and
 * returns. Each prints what was charged and what was refunded, as the statement shows it.
 */
final class StorageCommands {
  private StorageCommands() {}

  /** The drive to write to, created if need be and paid by the profile's account when there is one. */
  static Drive openForWriting(Cli cli, String name) {
    User user = cli.loggedIn();
    Account payer = cli.accountOrNull();
    return payer == null ? Drive.open(user, name) : Drive.open(user, name, payer);
  }

  static void print(Cli cli, String what, StorageCharge charge) {
    if (cli.json()) {
      cli.json(charge);
      return;
    }
    StringBuilder line = new StringBuilder(what).append(": ").append(charge.versions()).append(" version")
        .append(charge.versions() == 1 ? "" : "s");
    if (charge.charged() != null && charge.charged().amount().signum() != 0) {
      line.append(", charged ").append(charge.charged());
    }
    line.append(", refunded ").append(charge.refunded() == null ? "nothing" : charge.refunded()).append('.');
    cli.out.println(line);
  }

  @Command(name = "rm", mixinStandardHelpOptions = false,
      description = {"Delete a file (every version, or --version N) or, with --folder, every file under a folder. "
          + "The unused part of what each version paid for storage is refunded pro rata to the account that paid it.",
          "To delete a whole drive: acquire drive rmdrive DRIVE."},
      footerHeading = "%nExamples:%n",
      footer = {"  acquire drive rm inputs:data/table.csv", "  acquire drive rm inputs:data/table.csv --version 1",
          "  acquire drive rm results:old --folder --json"})
  static final class Rm implements Callable<Integer> {
    @Spec CommandSpec spec;

    // Not the standard help options: their --version (the program's) would hide this command's --version and -h.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(paramLabel = "DRIVE:PATH") String where;

    @Option(names = "--version", paramLabel = "N", description = "Only this version of the file.")
    Long version;

    @Option(names = "--folder", description = "PATH is a folder: delete every file under it.")
    boolean folder;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      DriveCommands.Location location = DriveCommands.Location.parse(where);
      if (location.path().isEmpty()) {
        throw new IllegalArgumentException("Name a file or folder, such as " + location.drive() + ":data/table.csv; "
            + "acquire drive rmdrive " + location.drive() + " deletes the whole drive.");
      }
      if (folder && version != null) {
        throw new IllegalArgumentException("--version names a version of a file; a --folder has none.");
      }
      if (version != null && version < 1) {
        throw new IllegalArgumentException("Versions start at 1, not " + version + ".");
      }
      Drive drive = DriveCommands.existing(cli.loggedIn(), location.drive());
      StorageCharge charge = folder ? drive.deleteFolder(location.path())
          : version != null ? drive.delete(location.path(), version) : drive.delete(location.path());
      print(cli, "Deleted " + location.drive() + ":" + location.path() + (version == null ? "" : " version " + version),
          charge);
      return ExitCodes.OK;
    }
  }

  @Command(name = "rmdrive", mixinStandardHelpOptions = true,
      description = "Delete a whole drive (a job's outputs too) with every file and version, each refunded pro rata; "
          + "its name can then be used again. --yes is required, so a slip of the keyboard deletes nothing.",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive rmdrive scratch --yes"})
  static final class RmDrive implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DRIVE") String name;

    @Option(names = "--yes", description = "Yes, delete the whole drive.")
    boolean yes;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      if (!yes) {
        throw new IllegalArgumentException("Deleting drive " + name + " deletes every file in it: add --yes to do it.");
      }
      StorageCharge charge = DriveCommands.existing(cli.loggedIn(), name).deleteDrive();
      print(cli, "Deleted drive " + name, charge);
      return ExitCodes.OK;
    }
  }

  @Command(name = "extend", mixinStandardHelpOptions = true,
      description = "Pay whole years more for every file of a drive, from the end of each one's paid time, from the "
          + "drive's account; a frozen drive is writable again once every file is paid for. Safe to repeat: each run "
          + "pays once.",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive extend results --years 2"})
  static final class Extend implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DRIVE") String name;

    @Option(names = "--years", paramLabel = "N", defaultValue = "1", description = "How many years (default 1).")
    int years;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      if (years < 1) {
        throw new IllegalArgumentException("--years is a whole number of years, 1 or more, not " + years + ".");
      }
      Drive drive = DriveCommands.existing(cli.loggedIn(), name);
      StorageCharge charge = drive.extend(years);
      if (cli.json()) {
        cli.json(charge);
      } else {
        print(cli, "Extended " + name + " by " + years + " year" + (years == 1 ? "" : "s"), charge);
        Drive now = drive.refresh();
        if (now.paidUntil() != null) {
          cli.out.println("Paid until " + now.paidUntil() + ".");
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "archive", mixinStandardHelpOptions = true,
      description = "Move every file under a folder (the whole drive without one) to the archive tier: each pays the "
          + "archive price once and is kept 15 years, its unused yearly time refunded. Archived files are read-only.",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive archive results:2026-run", "  acquire drive archive results"})
  static final class Archive implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DRIVE[:FOLDER]") String where;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      DriveCommands.Location location = DriveCommands.Location.parse(where);
      StorageCharge charge = DriveCommands.existing(cli.loggedIn(), location.drive()).archive(location.path());
      print(cli, "Archived " + where, charge);
      return ExitCodes.OK;
    }
  }

  @Command(name = "payer", mixinStandardHelpOptions = true,
      description = "Show which account pays for a drive's storage and until when it is paid, or, with ACCOUNT, pay "
          + "from that account from now on (what was paid stays paid, and its refunds go back to who paid).",
      footerHeading = "%nExamples:%n", footer = {"  acquire drive payer results", "  acquire drive payer results lab-grant"})
  static final class Payer implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DRIVE") String name;

    @Parameters(index = "1", paramLabel = "ACCOUNT", arity = "0..1", description = "One of your accounts, by name or id.")
    String account;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Drive drive = DriveCommands.existing(cli.loggedIn(), name);
      if (account != null) {
        drive = drive.payFrom(cli.account(account));
      }
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("drive", drive.name());
      view.put("id", drive.id());
      view.put("payer", drive.payer());
      view.put("paidUntil", drive.paidUntil());
      view.put("frozen", drive.isFrozen());
      view.put("deletesAt", drive.deletesAt());
      view.put("notice", drive.notice().orElse(null));
      if (cli.json()) {
        cli.json(view);
        return ExitCodes.OK;
      }
      cli.out.println(drive.name() + ": paid by " + (drive.payer() == null ? "no account" : drive.payer())
          + (drive.paidUntil() == null ? "" : ", paid until " + drive.paidUntil())
          + (drive.isFrozen() ? ", frozen (read-only) until extended" : "") + ".");
      drive.notice().ifPresent(cli.out::println);
      return ExitCodes.OK;
    }
  }
}
