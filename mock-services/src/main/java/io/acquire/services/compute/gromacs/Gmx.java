package io.acquire.services.compute.gromacs;

import io.acquire.services.compute.md.Argon;
import io.acquire.services.compute.md.Protocol;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * GROMACS's {@code gmx} program: where it is ({@code ACQUIRE_GMX}, else {@code gmx} on the
 * PATH), how to run one of its tools, and whether this machine can really run mdrun (a
 * package can be installed yet refuse to start, as GROMACS does on CPUs that hide an
 * instruction it was built for).
 */
public final class Gmx {
  /** Names the gmx program to use instead of the first {@code gmx} on the PATH. */
  public static final String ENVIRONMENT = "ACQUIRE_GMX";
  private static volatile Optional<String> unavailable;
  /** The probe's steps take well under a second; a minute means something is wrong. */
  private static final Duration PROBE_LIMIT = Duration.ofMinutes(1);

  private final Path program;

  private Gmx(Path program) {
    this.program = program;
  }

  /** The gmx this process would use, if there is one. */
  static Optional<Gmx> find() {
    String configured = System.getenv(ENVIRONMENT);
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      return Files.isExecutable(path) ? Optional.of(new Gmx(path)) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, "gmx"))
        .filter(Files::isExecutable).findFirst().map(Gmx::new);
  }

  static String missingMessage() {
    String configured = System.getenv(ENVIRONMENT);
    return configured != null && !configured.isBlank()
        ? ENVIRONMENT + " names " + configured + ", which is not an executable file"
        : "GROMACS is not installed here: no 'gmx' on the PATH (on Debian: apt-get install gromacs)";
  }

  /**
   * Why this machine cannot run GROMACS workloads, or empty if it can: the first call runs
   * a real one-step mdrun of a small argon box (about a second), later calls reuse the answer.
   */
  public static Optional<String> unavailable() {
    Optional<String> known = unavailable;
    if (known == null) {
      synchronized (Gmx.class) {
        known = unavailable;
        if (known == null) {
          known = probe();
          unavailable = known;
        }
      }
    }
    return known;
  }

  private static Optional<String> probe() {
    Optional<Gmx> gmx = find();
    if (gmx.isEmpty()) {
      return Optional.of(missingMessage());
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("acquire-gmx-probe");
      Systems.writeArgon(dir, new Argon(3, 1.374, 2.5));
      Files.writeString(dir.resolve("md.mdp"), Systems.mdp(Systems.Kind.ARGON, new Argon(3, 1.374, 2.5).cutoff(),
          new Protocol(0.005, 5, 60, 60, 0.005, true, 0.5, 1)));
      gmx.get().run(dir, dir.resolve("grompp.txt"), PROBE_LIMIT, "grompp", "-f", "md.mdp", "-c", "conf.gro", "-p",
          "topol.top", "-o", "md.tpr");
      gmx.get().run(dir, dir.resolve("mdrun.txt"), PROBE_LIMIT, "mdrun", "-deffnm", "md", "-ntmpi", "1", "-ntomp", "1",
          "-pin", "off");
      return Optional.empty();
    } catch (GmxException e) {
      return Optional.of("GROMACS is installed (" + gmx.get().program + ") but cannot run here: " + e.getMessage());
    } catch (IOException e) {
      return Optional.of("could not try GROMACS: " + e.getMessage());
    } finally {
      deleteQuietly(dir);
    }
  }

  /** A gmx tool that failed; the message is GROMACS's own error, in one line. */
  static final class GmxException extends Exception {
    private static final long serialVersionUID = 1L;

    GmxException(String message) {
      super(message);
    }
  }

  /** Starts {@code gmx -quiet <tool> <args…>} in {@code dir}, its output going to {@code log}. */
  Process start(Path dir, Path log, String tool, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(program.toString(), "-quiet", tool));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> environment = builder.environment();
    environment.put("GMX_MAXBACKUP", "-1"); // no #file.1# backups beside the outputs
    return builder.start();
  }

  /** Runs a tool to its end within {@code limit}; a non-zero exit becomes a {@link GmxException} with GROMACS's reason. */
  void run(Path dir, Path log, Duration limit, String tool, String... args) throws IOException, GmxException {
    Process process = start(dir, log, tool, args);
    try {
      process.getOutputStream().close();
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new GmxException("gmx " + tool + " did not finish within " + limit.toMinutes() + " minute(s)");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new GmxException("gmx " + tool + " was interrupted");
    }
    if (process.exitValue() != 0) {
      throw new GmxException("gmx " + tool + " failed: " + fatalError(log));
    }
  }

  /** The text GROMACS prints after "Fatal error:" (or its last line), joined into one line. */
  static String fatalError(Path log) {
    List<String> lines;
    try {
      lines = Files.readAllLines(log);
    } catch (IOException | UncheckedIOException e) {
      return "no output";
    }
    int fatal = -1;
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("Fatal error:") || lines.get(i).contains("logic error")) {
        fatal = i;
        break;
      }
    }
    if (fatal < 0) {
      return lines.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).map(String::strip).orElse("no output");
    }
    StringBuilder message = new StringBuilder();
    for (int i = fatal + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
      message.append(message.length() == 0 ? "" : " ").append(lines.get(i).strip());
    }
    return message.length() == 0 ? lines.get(fatal).strip() : message.toString();
  }

  static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
