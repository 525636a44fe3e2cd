package io.acquire.cli;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.Quote;
import io.acquire.client.User;
import io.acquire.client.PriceList.Offer;
import io.acquire.client.PriceList;
import io.acquire.client.FileVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code acquire job ...}: prices, quotes and jobs, batch scripts included. */
@Command(name = "job", mixinStandardHelpOptions = true,
    description = "Jobs at a price fixed up front: prices, quote, submit, list, status, watch, wait, cancel, outputs.",
    footerHeading = "%nExamples:%n",
    footer = {"  acquire job submit --script run.sh --cores 2 --time 1:00:00 --input inputs:data/table.csv",
        "  acquire job submit --workload md-equilibrate --input inputs:argon/equilibrate.json",
        "  acquire job watch JOB_ID",
        "  acquire job wait JOB_ID && acquire job outputs JOB_ID --get results/"})
final class JobCommands implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Name what to do: prices, quote, submit, list, status, watch, wait, cancel or outputs.");
  }

  private static final Pattern TIME = Pattern.compile(
      "(?:(\\d+)-)?(\\d+)(?::(\\d+))?(?::(\\d+))?");

  /**
   * A run time in sbatch's forms: minutes, minutes:seconds, hours:minutes:seconds, days-hours,
   * days-hours:minutes, days-hours:minutes:seconds.
   */
  static Duration time(String text) {
    Matcher m = TIME.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("A time is like 30 (minutes), 30:00, 1:00:00 or 2-12 (days-hours), not '"
          + text + "'.");
    }
    long a = Long.parseLong(m.group(2));
    Long b = m.group(3) == null ? null : Long.parseLong(m.group(3));
    Long c = m.group(4) == null ? null : Long.parseLong(m.group(4));
    if (m.group(1) != null) {
      long days = Long.parseLong(m.group(1));
      return Duration.ofDays(days).plusHours(a).plusMinutes(b == null ? 0 : b).plusSeconds(c == null ? 0 : c);
    }
    if (c != null) {
      return Duration.ofHours(a).plusMinutes(b).plusSeconds(c);
    }
    return b != null ? Duration.ofMinutes(a).plusSeconds(b) : Duration.ofMinutes(a);
  }

  /** Memory in MiB from 512, 512M, 2G or 1048576K. */
  static int memoryMib(String text) {
    Matcher m = Pattern.compile("(\\d+)\\s*([KkMmGgTt]?)[iI]?[bB]?").matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("Memory is like 512 (MiB), 512M or 2G, not '" + text + "'.");
    }
    long n = Long.parseLong(m.group(1));
    long mib = switch (m.group(2).toUpperCase()) {
      case "K" -> (n + 1023) / 1024;
      case "G" -> n * 1024;
      case "T" -> n * 1024 * 1024;
      default -> n;
    };
    if (mib > Integer.MAX_VALUE || mib < 1) {
      throw new IllegalArgumentException("Memory must be at least 1 MiB, not '" + text + "'.");
    }
    return (int) mib;
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }

  static Map<String, Object> describe(Job job) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", job.id());
    map.put("workload", job.workload());
    map.put("status", job.lastKnownStatus().name().toLowerCase());
    map.put("resource", job.resource());
    map.put("price", job.price());
    job.cost().ifPresent(c -> map.put("cost", c));
    job.startedAt().ifPresent(t -> map.put("startedAt", t));
    job.endedAt().ifPresent(t -> map.put("endedAt", t));
    job.message().ifPresent(t -> map.put("message", t));
    return map;
  }

  static String statusText(Cli cli, JobStatus status) {
    String name = status.name().toLowerCase();
    return cli.colour(switch (status) {
      case COMPLETED -> "@|green " + name + "|@";
      case FAILED, TIMED_OUT -> "@|red " + name + "|@";
      case CANCELLED -> "@|yellow " + name + "|@";
      default -> "@|cyan " + name + "|@";
    });
  }

  /** What a job is to run, as quote and submit take it (sbatch's names where they exist). */
  static final class JobOptions {
    @Option(names = {"-w", "--workload"}, paramLabel = "NAME",
        description = "Workload from the price list (default batch-script with --script).")
    String workload;

    @Option(names = "--script", paramLabel = "FILE",
        description = "A bash script to run (workload batch-script): uploaded to the inputs' drive, then run "
            + "with the inputs at their drive paths relative to it.")
    Path script;

    @Option(names = "--script-path", paramLabel = "PATH",
        description = "Where the script goes on the drive (default: its file name, at the top).")
    String scriptPath;

    @Option(names = {"-i", "--input"}, paramLabel = "DRIVE:PATH",
        description = "An input file (repeat for more); all from one drive.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--drive", paramLabel = "NAME",
        description = "The drive for --script when no --input names one (default: the profile's, else inputs).")
    String drive;

    @Option(names = {"-c", "--cores"}, defaultValue = "1", description = "Cores (default ${DEFAULT-VALUE}).")
    int cores;

    @Option(names = "--mem", defaultValue = "1024", paramLabel = "SIZE",
        description = "Memory: MiB, or with M/G (default ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = {"-t", "--time"}, defaultValue = "10", paramLabel = "TIME",
        description = "Maximum run time, as sbatch: minutes, M:SS, H:MM:SS or D-H (default ${DEFAULT-VALUE} minutes); "
            + "priced in full and the job is stopped then.")
    String time;

    @Option(names = {"-A", "--account"}, paramLabel = "NAME", description = "Paying account (default: the profile's or first).")
    String account;

    @Option(names = "--resource", paramLabel = "NAME", description = "Where to run (default: the cheapest that fits).")
    String resource;

    /** The spec, uploading the script first if there is one. */
    JobSpec spec(Cli cli) {
      User user = cli.loggedIn();
      String name = workload != null ? workload : script != null ? "batch-script" : null;
      if (name == null) {
        throw new IllegalArgumentException("Say what to run: --script FILE or --workload NAME (acquire job prices "
            + "lists them).");
      }
      List<DriveCommands.Location> locations = inputs.stream().map(DriveCommands.Location::parse).toList();
      String driveName = locations.isEmpty() ? Cli.first(drive, cli.defaultDrive()) : locations.get(0).drive();
      for (DriveCommands.Location l : locations) {
        if (!l.drive().equals(driveName)) {
          throw new IllegalArgumentException("All of a job's inputs come from one drive: " + driveName + " and "
              + l.drive() + " given.");
        }
      }
      Account payer = cli.account(account);
      JobSpec spec = JobSpec.workload(name).cores(cores).memoryMib(memoryMib(memory)).maxRuntime(time(time))
          .paidBy(payer);
      if (resource != null) {
        spec.resource(resource);
      }
      if (script != null) {
        if (!Files.isRegularFile(script)) {
          throw new IllegalArgumentException("No script at " + script.toAbsolutePath() + ".");
        }
        Drive target = Drive.open(user, driveName, payer);
        String path = scriptPath != null ? scriptPath : script.getFileName().toString();
        FileVersion uploaded = target.upload(script, path);
        cli.note("Uploaded the script to " + driveName + ":" + uploaded.path() + " (version " + uploaded.version() + ").");
        spec.input(target, uploaded.path());
      }
      if (!locations.isEmpty()) {
        Drive inputsDrive = DriveCommands.existing(user, driveName);
        locations.forEach(l -> spec.input(inputsDrive, l.path()));
      }
      return spec;
    }
  }

  static void printQuote(Cli cli, Quote quote) {
    cli.out.println("Price " + cli.colour("@|bold " + quote.price() + "|@") + " for " + quote.workload() + " on "
        + quote.resource() + ": " + quote.cores() + " core" + (quote.cores() == 1 ? "" : "s") + ", "
        + quote.memoryMib() + " MiB, up to " + duration(quote.maxRuntime()) + "; guaranteed until "
        + quote.expiresAt() + (quote.reason() == null ? "" : " (" + quote.reason() + ")"));
  }

  static Map<String, Object> quoteJson(Quote quote) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("quote", quote.id());
    map.put("price", quote.price());
    map.put("expiresAt", quote.expiresAt());
    map.put("workload", quote.workload());
    map.put("resource", quote.resource());
    map.put("cores", quote.cores());
    map.put("memoryMib", quote.memoryMib());
    map.put("maxRuntimeSeconds", quote.maxRuntime().toSeconds());
    map.put("reason", quote.reason());
    return map;
  }

  @Command(name = "prices", mixinStandardHelpOptions = true, description = "The compute service's price list.",
      footerHeading = "%nExamples:%n", footer = {"  acquire job prices", "  acquire job prices --json | jq '.offers[].workload'"})
  static final class Prices implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      PriceList prices = Job.prices(cli.loggedIn());
      if (cli.json()) {
        cli.json(prices);
        return ExitCodes.OK;
      }
      Table table = new Table("WORKLOAD", "RESOURCE", "PER CORE-HOUR", "PER GIB-HOUR", "MINIMUM", "MAX CORES",
          "MAX MEM", "MAX TIME");
      for (Offer o : prices.offers()) {
        table.row(o.workload(), o.resource(), o.perCoreHour(), o.perGibHour(), o.minimum(), o.maxCores(),
            o.maxMemoryMib() + " MiB", duration(Duration.ofSeconds(o.maxRuntimeSeconds())));
      }
      table.print(cli.out);
      cli.note("Quotes are honoured for " + prices.quoteValiditySeconds() + " s.");
      return ExitCodes.OK;
    }
  }

  @Command(name = "quote", mixinStandardHelpOptions = true,
      description = "Price a job without running it (a --script is uploaded, so the quote sees it).",
      footerHeading = "%nExamples:%n", footer = "  acquire job quote --script run.sh --cores 2 --time 1:00:00")
  static final class QuoteJob implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin JobOptions job;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Quote quote = Job.quote(cli.loggedIn(), job.spec(cli));
      if (cli.json()) {
        cli.json(quoteJson(quote));
      } else {
        printQuote(cli, quote);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "submit", mixinStandardHelpOptions = true,
      description = {"Quote a job and submit it at once, like sbatch: the price is held on the account up front; "
          + "the job is charged for what it uses, never more.",
          "A batch script's stdout and stderr stream to the job's output drive (acquire job watch follows them), "
              + "with the files it leaves in $ACQUIRE_OUTPUT."},
      footerHeading = "%nExamples:%n",
      footer = {"  acquire job submit --script run.sh --cores 2 --time 1:00:00 --input inputs:data/table.csv",
          "  JOB=$(acquire job submit --script run.sh --json | jq -r .id)",
          "  acquire job submit --workload md-equilibrate --input inputs:argon.json --max-price 2.00"})
  static final class Submit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin JobOptions job;

    @Option(names = "--max-price", paramLabel = "AMOUNT", description = "Do not submit if the quote is above this.")
    String maxPrice;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Quote quote = Job.quote(cli.loggedIn(), job.spec(cli));
      if (maxPrice != null) {
        Money limit = AccountCommands.amount(maxPrice, quote.price().currency());
        if (quote.price().compareTo(limit) > 0) {
          throw new IllegalArgumentException("The quote is " + quote.price() + ", above --max-price " + limit
              + "; nothing was submitted.");
        }
      }
      Job submitted = quote.submit();
      if (cli.json()) {
        Map<String, Object> json = describe(submitted);
        json.put("quote", quote.id());
        cli.json(json);
      } else {
        printQuote(cli, quote);
        cli.out.println("Submitted job " + cli.colour("@|bold " + submitted.id() + "|@") + " (" + quote.price()
            + " held). Follow it: acquire job watch " + submitted.id());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Your jobs, newest first.",
      footerHeading = "%nExamples:%n", footer = {"  acquire job list", "  acquire job list --json | jq -r '.[] | select(.status == \"running\") | .id'"})
  static final class ListJobs implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      List<Job> jobs = Job.list(cli.loggedIn());
      if (cli.json()) {
        cli.json(jobs.stream().map(JobCommands::describe).toList());
        return ExitCodes.OK;
      }
      Table table = new Table("ID", "WORKLOAD", "STATUS", "PRICE", "COST", "STARTED");
      jobs.forEach(j -> table.row(j.id(), j.workload(), j.lastKnownStatus().name().toLowerCase(), j.price(),
          j.cost().orElse(null), j.startedAt().orElse(null)));
      table.print(cli.out);
      return ExitCodes.OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "A job's state, price, cost and message. Exits 0 whatever the state (job wait exits by it).",
      footerHeading = "%nExamples:%n", footer = {"  acquire job status JOB_ID", "  acquire job status JOB_ID --json | jq -r .status"})
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "JOB_ID") String id;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Job job = Job.get(cli.loggedIn(), id);
      if (cli.json()) {
        cli.json(describe(job));
        return ExitCodes.OK;
      }
      cli.out.println("Job " + job.id() + " (" + job.workload() + " on " + job.resource() + "): "
          + statusText(cli, job.lastKnownStatus()));
      cli.out.println("  price " + job.price() + (job.cost().isPresent() ? ", cost " + job.cost().get() : "")
          + job.startedAt().map(t -> ", started " + t).orElse("") + job.endedAt().map(t -> ", ended " + t).orElse(""));
      job.message().ifPresent(m -> cli.out.println("  " + m));
      return ExitCodes.OK;
    }
  }

  @Command(name = "wait", mixinStandardHelpOptions = true,
      description = {"Wait until a job ends; the exit code says how it ended: 0 completed, 10 failed, 11 "
          + "cancelled, 12 timed out, 13 still queued or running when --timeout passed."},
      footerHeading = "%nExamples:%n",
      footer = {"  acquire job wait JOB_ID && echo done", "  acquire job wait JOB_ID --timeout 30:00; echo \"exit $?\""})
  static final class Wait implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "JOB_ID") String id;

    @Option(names = "--timeout", paramLabel = "TIME", description = "Stop waiting after this long (as --time; default: no limit).")
    String timeout;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Job job = Job.get(cli.loggedIn(), id);
      JobStatus status = job.waitFor(timeout == null ? Duration.ofDays(3650) : time(timeout));
      if (cli.json()) {
        cli.json(describe(job));
      } else {
        cli.out.println("Job " + job.id() + " " + statusText(cli, status)
            + job.cost().map(c -> ", cost " + c + " of " + job.price()).orElse("")
            + job.message().map(m -> ": " + m).orElse(""));
      }
      return ExitCodes.of(status);
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Ask for a job to stop; it ends as cancelled soon after (charged for the time it ran).",
      footerHeading = "%nExamples:%n", footer = "  acquire job cancel JOB_ID && acquire job wait JOB_ID")
  static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "JOB_ID") String id;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Job job = Job.get(cli.loggedIn(), id);
      job.cancel();
      if (cli.json()) {
        cli.json(describe(job));
      } else {
        cli.out.println("Asked job " + job.id() + " to stop; it is " + job.lastKnownStatus().name().toLowerCase()
            + job.message().map(m -> " (" + m + ")").orElse("") + ".");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "outputs", mixinStandardHelpOptions = true,
      description = "The files in a job's output drive (read-only); --get DIR downloads them all, keeping their paths.",
      footerHeading = "%nExamples:%n", footer = {"  acquire job outputs JOB_ID", "  acquire job outputs JOB_ID --get results/"})
  static final class Outputs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @picocli.CommandLine.ArgGroup(exclusive = false) DriveCommands.ProgressOptions progress =
        new DriveCommands.ProgressOptions();

    @Parameters(paramLabel = "JOB_ID") String id;

    @Option(names = "--get", paramLabel = "DIR", description = "Download every file into DIR.")
    Path into;

    @Override
    public Integer call() throws java.io.IOException {
      Cli cli = Cli.of(spec);
      Drive outputs = Job.get(cli.loggedIn(), id).outputs();
      List<FileVersion> files = outputs.files();
      if (into != null) {
        Path root = into.toAbsolutePath().normalize();
        for (FileVersion file : files) {
          Path target = root.resolve(file.path()).normalize();
          if (!target.startsWith(root)) {
            throw new IllegalArgumentException("The output " + file.path() + " would land outside " + root
                + "; nothing more was downloaded.");
          }
          Files.createDirectories(target.getParent());
          DriveCommands.download(cli, outputs, file.path(), 0, target, progress.shown(cli));
        }
        cli.note("Downloaded " + files.size() + " file" + (files.size() == 1 ? "" : "s") + " into " + root + ".");
      }
      DriveCommands.printFiles(cli, files);
      return ExitCodes.OK;
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true,
      description = {"Follow a job until it ends: its stdout and stderr as they stream in, and its records "
          + "(temperature, energies) as a table with sparklines refreshing in place on a terminal, or as plain "
          + "lines when piped (--json: one event per line).",
          "Exits as job wait does."},
      footerHeading = "%nExamples:%n", footer = {"  acquire job watch JOB_ID", "  acquire job watch JOB_ID --json | jq -c 'select(.type == \"record\")'"})
  static final class Watch implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "JOB_ID") String id;

    @Option(names = "--interval", paramLabel = "MILLISECONDS", defaultValue = "500",
        description = "How often to look (default ${DEFAULT-VALUE}).")
    long interval;

    @Override
    public Integer call() throws InterruptedException {
      Cli cli = Cli.of(spec);
      Job job = Job.get(cli.loggedIn(), id);
      return new JobWatcher(cli, job, Duration.ofMillis(Math.max(100, interval)), Terminal.interactive() && !cli.json())
          .run();
    }
  }
}
