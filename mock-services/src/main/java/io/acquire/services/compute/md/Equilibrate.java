package io.acquire.services.compute.md;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.acquire.client.wire.Json;
import io.acquire.services.compute.WorkloadCommand;
import io.acquire.services.compute.WorkloadCommand.BadInput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The equilibration workload as its own process, as a job runner launches it (locally or
 * on a cluster node): reads {@code job.json}, appends each record to {@code records.csv}
 * and flushes it at once, so whoever tails the file sees the run as it happens, and each
 * frame likewise to {@code trajectory.xyz} ({@link Trajectory}); writes {@code final.xyz}
 * and {@code summary.json} at the end. Exit 0 when done, 2 on bad input,
 * 130 when stopped.
 */
@Command(name = "equilibrate", mixinStandardHelpOptions = true,
    description = "Heats a Lennard-Jones argon fluid along a temperature ramp; streams records to records.csv.")
public final class Equilibrate implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "job.json: {\"system\": {...}, \"protocol\": {...}}")
  Path input;

  @Option(names = "--output", required = true, description = "Directory for records.csv, trajectory.xyz, final.xyz, summary.json.")
  Path output;

  /** The input file: any part or field left out takes its default (docs/workload-md.md). */
  record Job(Argon system, Protocol protocol) {}

  /**
   * What is wrong with a job.json for this workload, or empty if it would run: the compute
   * service asks at quote time, so a typo is refused before anything is held or charged.
   */
  public static Optional<String> problemWith(byte[] json) {
    return WorkloadCommand.problemWith(Equilibrate::parse, json);
  }

  /** The job as the run reads it: defaults laid under the given fields, unknown fields refused, rules checked. */
  static Job parse(byte[] json) throws BadInput {
    ObjectMapper strict = Json.mapper().copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    Job job;
    try {
      job = strict.treeToValue(withDefaults(strict, strict.readTree(json)), Job.class);
    } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
      throw new BadInput("field '" + path(e) + "' is not known; " + e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(java.util.stream.Collectors.joining(", ", "known fields there: ", ""))
          + " (docs/workload-md.md)");
    } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
      throw new BadInput("field '" + path(e) + "' is missing or has the wrong type");
    } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
      throw new BadInput(path(e) + ": " + WorkloadCommand.firstLine(e));
    } catch (IOException e) {
      throw new BadInput("not usable JSON: " + WorkloadCommand.firstLine(e));
    }
    if (job == null) {
      throw new BadInput("the input is empty; give a JSON object (it may be {})");
    }
    return job;
  }

  private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
    return e.getPath().stream().map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
        .collect(java.util.stream.Collectors.joining("."));
  }

  @Override
  public Integer call() throws IOException {
    Job job;
    try {
      job = parse(Files.readAllBytes(input));
    } catch (BadInput e) {
      System.err.println("equilibrate: " + input + ": " + e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("equilibrate: cannot read " + input + ": " + WorkloadCommand.firstLine(e));
      return 2;
    }
    Argon system = job.system() == null ? Argon.LIQUID : job.system();
    Protocol protocol = job.protocol() == null ? Protocol.ramp(10, 60, 120) : job.protocol();
    Files.createDirectories(output);
    long started = System.nanoTime();
    Simulation simulation = new Simulation(system, protocol);
    // What ran, for the job's log (job.log in its outputs): the records say how it went.
    System.out.println(String.format(Locale.ROOT, "equilibrate: %d argon atoms at %.3f g/cm3; %s ps in steps of %s fs, "
        + "%s K to %s K, %s, a record every %s ps, seed %d", simulation.atoms(), system.density(), protocol.runtime(),
        protocol.timestep(), protocol.startTemperature(), protocol.endTemperature(), protocol.thermostat()
            ? "Bussi thermostat (coupling " + protocol.coupling() + " ps)" : "no thermostat (NVE)",
        protocol.reportInterval(), protocol.seed()));
    Reading last;
    double firstTotal;
    long reports = protocol.steps() / protocol.reportEvery() + (protocol.steps() % protocol.reportEvery() == 0 ? 1 : 2);
    try (BufferedWriter csv = Files.newBufferedWriter(output.resolve("records.csv"), StandardCharsets.UTF_8);
        Trajectory trajectory = new Trajectory(output.resolve(Trajectory.FILE), simulation.atoms(),
            system.boxLength(), reports)) {
      csv.write(Reading.CSV_HEADER + "\n");
      csv.flush();
      double[] first = {Double.NaN};
      long[] report = {0};
      last = simulation.run(record -> {
        if (Double.isNaN(first[0])) {
          first[0] = record.total();
        }
        try {
          // The frame before its record: whoever sees a record can read its configuration.
          trajectory.offer(report[0]++, record.step() == protocol.steps(), record, simulation.positions());
          csv.write(record.csv() + "\n");
          csv.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      firstTotal = first[0];
    } catch (InterruptedException e) {
      System.err.println("equilibrate: stopped");
      return 130;
    }
    writeXyz(simulation, output.resolve("final.xyz"));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("atoms", simulation.atoms());
    summary.put("steps", last.step());
    summary.put("simulatedPs", last.time());
    summary.put("wallSeconds", (System.nanoTime() - started) / 1e9);
    summary.put("finalTemperatureK", last.temperature());
    summary.put("finalTotalEnergyKJmol", last.total());
    summary.put("totalEnergyChangeKJmol", last.total() - firstTotal);
    Files.write(output.resolve("summary.json"), Json.write(summary));
    System.out.println(String.format(Locale.ROOT, "equilibrate: done, %d steps (%.1f ps) in %.1f s; final temperature "
        + "%.1f K; total energy changed by %.2f kJ/mol", last.step(), last.time(), (System.nanoTime() - started) / 1e9,
        last.temperature(), last.total() - firstTotal));
    return 0;
  }

  /** The defaults with the fields the input gives laid over them, so an input names only what it changes. */
  private static com.fasterxml.jackson.databind.JsonNode withDefaults(ObjectMapper mapper,
      com.fasterxml.jackson.databind.JsonNode given) {
    if (given == null || !given.isObject()) {
      return given == null ? mapper.nullNode() : given;
    }
    com.fasterxml.jackson.databind.node.ObjectNode merged = mapper.valueToTree(new Job(Argon.LIQUID,
        Protocol.ramp(10, 60, 120)));
    given.fields().forEachRemaining(field -> {
      if (field.getValue().isObject() && merged.get(field.getKey()) instanceof com.fasterxml.jackson.databind.node.ObjectNode part) {
        part.setAll((com.fasterxml.jackson.databind.node.ObjectNode) field.getValue());
      } else {
        merged.set(field.getKey(), field.getValue());
      }
    });
    return merged;
  }

  private static void writeXyz(Simulation simulation, Path file) throws IOException {
    double[] x = simulation.positions();
    StringBuilder xyz = new StringBuilder().append(simulation.atoms()).append("\nargon, angstrom\n");
    for (int i = 0; i < simulation.atoms(); i++) {
      xyz.append(String.format(Locale.ROOT, "Ar %.4f %.4f %.4f%n", 10 * x[3 * i], 10 * x[3 * i + 1], 10 * x[3 * i + 2]));
    }
    Files.writeString(file, xyz);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return WorkloadCommand.execute(new Equilibrate(), args);
  }
}
