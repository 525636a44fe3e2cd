package io.acquire.services.compute.gromacs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.acquire.client.wire.Json;
import io.acquire.services.compute.WorkloadCommand;
import io.acquire.services.compute.WorkloadCommand.BadInput;
import io.acquire.services.compute.gromacs.Gmx.GmxException;
import io.acquire.services.compute.md.Argon;
import io.acquire.services.compute.md.Protocol;
import io.acquire.services.compute.md.Reading;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The GROMACS equilibration workload: builds the system's inputs, runs grompp and mdrun in
 * the output directory, and while mdrun runs turns the energy blocks of its md.log into the
 * built-in engine's {@code records.csv} (same columns and units, flushed line by line), so
 * the same series getters and live plots work. GROMACS's own files (.gro, .edr, .log, …)
 * stay beside it. Exit 0 when done, 2 on bad input, 1 when GROMACS fails or is missing,
 * 130 when stopped (SIGTERM stops mdrun, and what it logged is still written).
 */
@Command(name = "gromacs-equilibrate", mixinStandardHelpOptions = true,
    description = "Equilibrates argon or SPC/E water with GROMACS; streams records to records.csv.")
public final class GromacsEquilibrate implements Callable<Integer> {
  static final String NAME = "gromacs-equilibrate";
  private static final double MAX_WATER_TIMESTEP_FS = 2.0;
  private static final long MAX_SEED = Integer.MAX_VALUE;

  @Option(names = "--input", required = true, description = "job.json: {\"system\": {...}, \"protocol\": {...}}")
  Path input;

  @Option(names = "--output", required = true, description = "Directory for records.csv and GROMACS's files.")
  Path output;

  /** The gmx tool running now (solvate, grompp, a minimisation or mdrun): what a stop must end. */
  private volatile Process current;
  private volatile boolean stopped;

  /** What to simulate: the argon lattice or a cubic box of water of side {@code waterBox} nm. */
  record Job(Systems.Kind kind, Argon argon, double waterBox, Protocol protocol) {}

  @Override
  public Integer call() throws IOException {
    Job job;
    try {
      job = read(input);
    } catch (BadInput e) {
      System.err.println(NAME + ": " + input + ": " + e.getMessage());
      return 2;
    }
    java.util.Optional<Gmx> found = Gmx.find();
    if (found.isEmpty()) {
      System.err.println(NAME + ": " + Gmx.missingMessage() + ".");
      return 1;
    }
    Gmx gmx = found.get();
    Files.createDirectories(output);
    CountDownLatch finished = new CountDownLatch(1);
    Thread stopper = new Thread(() -> {
      stopped = true;
      Process running = current;
      if (running != null) {
        running.destroy(); // SIGTERM: mdrun stops within 100 steps and writes a checkpoint
      }
      try {
        finished.await(4, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "gromacs-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      return run(gmx, job);
    } catch (GmxException e) {
      System.err.println(NAME + ": " + e.getMessage());
      return stopped ? 130 : 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException e) {
        // already shutting down: the stopper is running
      }
    }
  }

  private int run(Gmx gmx, Job job) throws IOException, GmxException, InterruptedException {
    long started = System.nanoTime();
    Path prepare = output.resolve("prepare.log");
    String coordinates = "conf.gro";
    double cutoff;
    int particles;
    if (job.kind() == Systems.Kind.ARGON) {
      Systems.writeArgon(output, job.argon());
      cutoff = job.argon().cutoff();
      particles = job.argon().atoms();
    } else {
      String box = String.format(java.util.Locale.ROOT, "%.4f", job.waterBox());
      tool(gmx, prepare, "solvate", "-cs", "spc216.gro", "-box", box, box, box, "-o", "water.gro");
      particles = atomsIn(output.resolve("water.gro")) / 3;
      Systems.writeWaterTopology(output, particles);
      Files.writeString(output.resolve("em.mdp"), Systems.minimisationMdp());
      tool(gmx, prepare, "grompp", "-f", "em.mdp", "-c", "water.gro", "-p", "topol.top", "-o", "em.tpr",
          "-po", "em-out.mdp");
      tool(gmx, prepare, "mdrun", "-deffnm", "em", "-ntmpi", "1", "-ntomp", threads(), "-pin", "off");
      coordinates = "em.gro";
      cutoff = Systems.WATER_CUTOFF;
    }
    Files.writeString(output.resolve("md.mdp"), Systems.mdp(job.kind(), cutoff, job.protocol()));
    try {
      tool(gmx, prepare, "grompp", "-f", "md.mdp", "-c", coordinates, "-p", "topol.top", "-o", "md.tpr",
          "-po", "md-out.mdp");
    } catch (GmxException e) {
      if (stopped) {
        throw e;
      }
      // grompp checks the run against the system: what it refuses follows from the input (a box too small, say).
      System.err.println(NAME + ": GROMACS refused this system and protocol (" + e.getMessage() + ")");
      return 2;
    }
    Path console = output.resolve("mdrun.log");
    Process mdrun = gmx.start(output, console, "mdrun", "-deffnm", "md", "-ntmpi", "1", "-ntomp", threads(), "-pin",
        "off");
    current = mdrun;
    if (stopped) {
      mdrun.destroy();
    }
    mdrun.getOutputStream().close();
    EnergyLog parser = new EnergyLog();
    Reading first = null;
    Reading last = null;
    long offset = 0;
    StringBuilder partial = new StringBuilder();
    try (BufferedWriter csv = Files.newBufferedWriter(output.resolve("records.csv"), StandardCharsets.UTF_8)) {
      csv.write(Reading.CSV_HEADER + "\n");
      csv.flush();
      boolean alive = true;
      while (alive) {
        alive = !mdrun.waitFor(100, TimeUnit.MILLISECONDS);
        // Read after the exit check, so the last pass sees everything mdrun wrote.
        String fresh = readFrom(output.resolve("md.log"), offset);
        offset += fresh.getBytes(StandardCharsets.UTF_8).length;
        partial.append(fresh);
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
          String line = partial.substring(0, newline);
          partial.delete(0, newline + 1);
          for (Reading reading : parser.accept(line)) {
            csv.write(reading.csv() + "\n");
            csv.flush();
            first = first == null ? reading : first;
            last = reading;
          }
        }
      }
    }
    int code = mdrun.exitValue();
    if (stopped) {
      System.err.println(NAME + ": stopped");
      return 130;
    }
    if (code != 0) {
      System.err.println(NAME + ": gmx mdrun failed: " + Gmx.fatalError(console));
      return 1;
    }
    if (last != null && Files.exists(output.resolve("md.gro"))) {
      FinalFrame.write(output.resolve("md.gro"), output.resolve("trajectory.xyz"), last.time(), last.step());
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("engine", "GROMACS");
    summary.put("system", job.kind().name().toLowerCase(java.util.Locale.ROOT));
    summary.put(job.kind() == Systems.Kind.ARGON ? "atoms" : "molecules", particles);
    if (last != null) {
      summary.put("steps", last.step());
      summary.put("simulatedPs", last.time());
      summary.put("finalTemperatureK", last.temperature());
      summary.put("finalTotalEnergyKJmol", last.total());
      summary.put("totalEnergyChangeKJmol", last.total() - first.total());
    }
    summary.put("wallSeconds", (System.nanoTime() - started) / 1e9);
    Files.write(output.resolve("summary.json"), Json.write(summary));
    return 0;
  }

  /** Runs one gmx tool to its end in the output directory, as the tool a stop ends. */
  private void tool(Gmx gmx, Path log, String tool, String... args) throws IOException, GmxException,
      InterruptedException {
    Process process = gmx.start(output, log, tool, args);
    current = process;
    if (stopped) {
      process.destroy();
    }
    process.getOutputStream().close();
    int code = process.waitFor();
    if (stopped) {
      throw new GmxException("stopped during gmx " + tool);
    }
    if (code != 0) {
      throw new GmxException("gmx " + tool + " failed: " + Gmx.fatalError(log));
    }
  }

  /** mdrun's threads: the cores the job was given (the runner caps the JVM's processor count at them). */
  private static String threads() {
    return Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /** Bytes appended to {@code file} since {@code offset}, up to the last complete UTF-8 character. */
  private static String readFrom(Path file, long offset) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      if (length <= offset) {
        return "";
      }
      byte[] bytes = new byte[(int) Math.min(length - offset, 4L * 1024 * 1024)];
      raf.seek(offset);
      raf.readFully(bytes);
      int end = bytes.length;
      for (int i = bytes.length - 1; i >= 0; i--) { // stop after the last newline: whole lines only
        if (bytes[i] == '\n') {
          end = i + 1;
          break;
        }
        if (i == 0) {
          end = 0;
        }
      }
      return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
  }

  private static int atomsIn(Path gro) throws IOException {
    List<String> lines = Files.readAllLines(gro);
    return Integer.parseInt(lines.get(1).strip());
  }

  // Input ---------------------------------------------------------------------------------

  static Job read(Path input) throws BadInput {
    try {
      return parse(Files.readAllBytes(input));
    } catch (IOException e) {
      throw new BadInput("cannot read it (" + WorkloadCommand.firstLine(e) + ")");
    }
  }

  /**
   * What is wrong with a job.json for this workload, or empty if it would run: the compute
   * service asks at quote time, so a typo is refused before anything is held or charged.
   */
  public static Optional<String> problemWith(byte[] json) {
    return WorkloadCommand.problemWith(GromacsEquilibrate::parse, json);
  }

  static Job parse(byte[] json) throws BadInput {
    ObjectMapper strict = Json.mapper().copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    JsonNode root;
    try {
      root = strict.readTree(json);
    } catch (IOException e) {
      throw new BadInput("cannot read it as JSON (" + WorkloadCommand.firstLine(e) + ")");
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      throw new BadInput("it is empty; give a JSON object (it may be {})");
    }
    if (!root.isObject()) {
      throw new BadInput("it must be a JSON object with 'system' and 'protocol'");
    }
    unknownFields(root, Set.of("system", "protocol"), "");
    JsonNode system = root.path("system");
    if (!system.isMissingNode() && !system.isObject()) {
      throw new BadInput("field 'system' must be an object such as {\"name\": \"argon\"} or {\"name\": \"water\"}");
    }
    String name = system.path("name").asText("argon");
    Systems.Kind kind = switch (name) {
      case "argon" -> Systems.Kind.ARGON;
      case "water" -> Systems.Kind.WATER;
      default -> throw new BadInput("field 'system.name' must be \"argon\" or \"water\", not \"" + name + "\"");
    };
    Argon argon = null;
    double box = 0;
    if (kind == Systems.Kind.ARGON) {
      unknownFields(system, Set.of("name", "cellsPerSide", "density", "cutoffSigmas"), "system.");
      ObjectNode merged = strict.valueToTree(Argon.LIQUID);
      system.fields().forEachRemaining(f -> {
        if (!f.getKey().equals("name")) {
          merged.set(f.getKey(), f.getValue());
        }
      });
      argon = convert(strict, merged, Argon.class, "system");
    } else {
      unknownFields(system, Set.of("name", "box"), "system.");
      JsonNode side = system.path("box");
      box = side.isMissingNode() ? 2.0 : side.isNumber() ? side.asDouble() : Double.NaN;
      if (!(box >= 2.0 && box <= 6.0)) {
        throw new BadInput("field 'system.box' is the water box's side in nm and must be 2 to 6, not " + side);
      }
    }
    Protocol defaults = kind == Systems.Kind.ARGON ? Protocol.ramp(10, 60, 120)
        : new Protocol(2, 2, 300, 300, 0.1, true, 0.5, 42);
    ObjectNode protocol = strict.valueToTree(defaults);
    JsonNode given = root.path("protocol");
    if (!given.isMissingNode()) {
      if (!given.isObject()) {
        throw new BadInput("field 'protocol' must be an object");
      }
      unknownFields(given, protocol.properties().stream().map(Map.Entry::getKey)
          .collect(java.util.stream.Collectors.toSet()), "protocol.");
      protocol.setAll((ObjectNode) given);
    }
    Protocol parsed = convert(strict, protocol, Protocol.class, "protocol");
    if (parsed.startTemperature() == 0) {
      // GROMACS's v-rescale thermostat scales velocities, and atoms at rest have none to scale.
      throw new BadInput("field 'protocol.startTemperature' must be more than 0 K for GROMACS (md-equilibrate can "
          + "start at 0 K)");
    }
    if (parsed.seed() < 0 || parsed.seed() > MAX_SEED) {
      throw new BadInput("field 'protocol.seed' must be 0 to " + MAX_SEED + " for GROMACS, not " + parsed.seed());
    }
    if (kind == Systems.Kind.WATER && parsed.timestep() > MAX_WATER_TIMESTEP_FS) {
      throw new BadInput("field 'protocol.timestep' must be at most " + MAX_WATER_TIMESTEP_FS
          + " fs for water (rigid water molecules rotate too fast for longer steps), not " + parsed.timestep());
    }
    return new Job(kind, argon, box, parsed);
  }

  private static void unknownFields(JsonNode node, Set<String> known, String prefix) throws BadInput {
    for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!known.contains(field)) {
        throw new BadInput("unknown field '" + prefix + field + "' (known: " + String.join(", ",
            new java.util.TreeSet<>(known)) + ")");
      }
    }
  }

  private static <T> T convert(ObjectMapper mapper, JsonNode node, Class<T> type, String field) throws BadInput {
    try {
      return mapper.treeToValue(node, type);
    } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
      String path = e.getPath().stream().map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]"
          : r.getFieldName()).collect(java.util.stream.Collectors.joining("."));
      throw new BadInput("field '" + field + "." + path + "' has the wrong type");
    } catch (IOException e) {
      throw new BadInput("field '" + field + "': " + WorkloadCommand.firstLine(e));
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return WorkloadCommand.execute(new GromacsEquilibrate(), args);
  }
}
