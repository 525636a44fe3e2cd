package io.acquire.cli;

import io.acquire.client.AcquireException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code acquire}: the command line for Acquire's accounts, drives and jobs. */
@Command(name = "acquire", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Log in by QR code, then run and pay for jobs (batch scripts like sbatch, or simulations), "
        + "keep files in drives and follow your accounts.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  acquire login --url http://127.0.0.1:8080 --user ada",
        "  acquire account balance",
        "  acquire drive put run.sh inputs:run.sh",
        "  acquire job submit --script run.sh --cores 2 --time 1:00:00 \\",
        "      --input inputs:data/table.csv",
        "  acquire job watch JOB_ID",
        "  source <(acquire generate-completion)     # tab completion in bash or zsh",
        "",
        ExitCodes.HELP})
final class Main implements Runnable {
  @Option(names = "--profile", scope = ScopeType.INHERIT, paramLabel = "NAME",
      description = "Settings profile to use (default: $ACQUIRE_PROFILE, else 'default').")
  String profile;

  @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "The backend, such as http://127.0.0.1:8080 (default: $ACQUIRE_URL, else the profile's).")
  String url;

  @Option(names = {"-u", "--user"}, scope = ScopeType.INHERIT, paramLabel = "NAME",
      description = "Who you are (default: $ACQUIRE_USER, else the profile's).")
  String user;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Print JSON for scripts instead of tables (one object per line where several follow).")
  boolean json;

  private Cli cli;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "Name a command, such as acquire login; "
        + "acquire --help lists them.");
  }

  /** The shared state of this run: settings, the user and the output. */
  synchronized Cli cli() {
    if (cli == null) {
      cli = new Cli(this, System.getenv());
    }
    return cli;
  }

  public static void main(String[] args) {
    // UTF-8 whatever the locale: the QR code's half-blocks and the sparklines need it.
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
        StandardCharsets.UTF_8);
    System.setOut(out);
    System.setErr(err);
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      // As picocli prints it, without loading picocli: its Java 5 classes cannot be archived.
      for (String line : versionLines()) {
        out.println(line);
      }
      System.exit(ExitCodes.OK);
    }
    Warmup.startFor(args);
    System.exit(run(args, out, err));
  }

  /** The command line for {@code args}, with only the commands they name ({@link Commands}). */
  static CommandLine commandLine(Main main, String[] args) {
    return Commands.build(main, args);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Main main = new Main();
    CommandLine line = commandLine(main, args);
    Ansi ansi = Terminal.colours() ? Ansi.ON : Ansi.OFF;
    line.setUsageHelpAutoWidth(true);
    line.setColorScheme(CommandLine.Help.defaultColorScheme(ansi));
    line.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    line.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    line.setExecutionExceptionHandler((e, command, parsed) -> failure(e, err));
    line.setParameterExceptionHandler((e, args2) -> {
      err.println("acquire: " + e.getMessage() + " (see " + e.getCommandLine().getCommandSpec().qualifiedName()
          + " --help)");
      return ExitCodes.USAGE;
    });
    try {
      return line.execute(args);
    } finally {
      if (main.cli != null) {
        main.cli.close();
      }
    }
  }

  /** One line on stderr saying what went wrong and what to do, and the exit code for it. */
  static int failure(Exception e, PrintStream err) {
    if (e instanceof AcquireException acquire) {
      int code = ExitCodes.of(acquire);
      String hint = switch (code) {
        case ExitCodes.NOT_LOGGED_IN -> acquire.getMessage().contains("acquire login") ? "" : " Run acquire login.";
        case ExitCodes.UNREACHABLE -> " Check --url (acquire config show) and that the backend runs.";
        default -> "";
      };
      err.println("acquire: " + oneLine(acquire.getMessage()) + hint);
      return code;
    }
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      err.println("acquire: " + oneLine(e.getMessage()));
      return ExitCodes.USAGE;
    }
    if (e instanceof UncheckedIOException || e instanceof java.io.IOException) {
      err.println("acquire: " + oneLine(e.getMessage()));
      return ExitCodes.LOCAL_FILE;
    }
    err.println("acquire: unexpected " + e.getClass().getSimpleName() + ": " + oneLine(String.valueOf(e.getMessage()))
        + " (please report it)");
    return ExitCodes.FAILED;
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  /** The version from the jar's manifest (set at build time), or "development" from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return versionLines();
    }
  }

  static String[] versionLines() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {"acquire " + (version == null ? "development" : version),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
  }
}
