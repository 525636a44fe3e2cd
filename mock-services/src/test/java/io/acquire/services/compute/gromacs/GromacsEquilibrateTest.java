package io.acquire.services.compute.gromacs;

import static io.acquire.services.compute.gromacs.GromacsAssumptions.assumeGromacs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.MolecularSystem;
import io.acquire.services.compute.md.Argon;
import io.acquire.services.compute.md.Protocol;
import io.acquire.services.compute.md.Reading;
import io.acquire.services.compute.md.Simulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GROMACS workload as a process would run it. The physics tests compare GROMACS with the
 * built-in engine on the same argon system.
 */
class GromacsEquilibrateTest {
  static final String HEADER = "time_ps,temperature_K,kinetic_kJmol,potential_kJmol,total_kJmol";

  @TempDir
  Path dir;

  private List<String> run(String json, int expectedExit) throws Exception {
    Path input = Files.writeString(dir.resolve("job.json"), json);
    Path out = dir.resolve("out");
    assertEquals(expectedExit, GromacsEquilibrate.run("--input", input.toString(), "--output", out.toString()));
    return expectedExit == 0 ? Files.readAllLines(out.resolve("records.csv")) : List.of();
  }

  private static double column(String csvLine, int index) {
    return Double.parseDouble(csvLine.split(",")[index]);
  }

  @Test
  void argonStartsAtTheBuiltInEnginesPotentialEnergyToAFewPpm() throws Exception {
    assumeGromacs();
    List<String> records = run("{\"system\": {\"name\": \"argon\"}, \"protocol\": {\"runtime\": 0.1, "
        + "\"timestep\": 5, \"reportInterval\": 0.05}}", 0);
    assertEquals(HEADER, records.get(0));
    assertEquals(4, records.size(), "t = 0, 0.05 and 0.1 ps: " + records);
    double gromacs = column(records.get(1), 3);

    AtomicReference<Reading> first = new AtomicReference<>();
    new Simulation(Argon.LIQUID, new Protocol(0.005, 5, 60, 60, 0.005, true, 0.5, 1)).run(r -> {
      if (first.get() == null) {
        first.set(r);
      }
    });
    double builtIn = first.get().potential();
    double ppm = Math.abs(gromacs - builtIn) / Math.abs(builtIn) * 1e6;
    assertTrue(ppm < 5, "GROMACS " + gromacs + " kJ/mol against the built-in engine's " + builtIn + " (" + ppm + " ppm)");
    assertTrue(builtIn < -5000, "the lattice is bound: " + builtIn);
    Path out = dir.resolve("out");
    for (String file : List.of("md.gro", "md.edr", "md.log", "summary.json")) {
      assertTrue(Files.size(out.resolve(file)) > 0, file + " is written beside the records");
    }
    List<MolecularSystem> frames = MolecularSystem.readXyz(Files.readString(out.resolve("trajectory.xyz")));
    assertEquals(1, frames.size(), "the final configuration only");
    MolecularSystem last = frames.get(0);
    assertEquals(Argon.LIQUID.atoms(), last.atomCount());
    assertEquals("Ar", last.element(0));
    assertEquals(10 * Argon.LIQUID.boxLength(), last.box()[0], 0.01, "md.gro's box, in ångström");
    assertEquals(0.1, last.time().orElseThrow().picoseconds(), 1e-9);
  }

  @Test
  void theThermostatHoldsArgonAtItsTarget() throws Exception {
    assumeGromacs();
    List<String> records = run("{\"protocol\": {\"runtime\": 20, \"timestep\": 5, \"startTemperature\": 100,"
        + " \"endTemperature\": 100, \"reportInterval\": 0.1, \"coupling\": 0.5, \"seed\": 7}}", 0);
    assertEquals(1 + 201, records.size());
    double mean = records.subList(102, records.size()).stream().mapToDouble(l -> column(l, 1)).average().orElseThrow();
    assertEquals(100, mean, 3, "mean temperature over the second half");
    for (String line : records.subList(1, records.size())) {
      double kinetic = column(line, 2);
      double potential = column(line, 3);
      assertEquals(kinetic + potential, column(line, 4), 0.02, "total = kinetic + potential: " + line);
    }
  }

  @Test
  void waterIsMinimisedThenEquilibrated() throws Exception {
    assumeGromacs();
    List<String> records = run("{\"system\": {\"name\": \"water\", \"box\": 2.0}, \"protocol\": {\"runtime\": 0.2,"
        + " \"timestep\": 2, \"startTemperature\": 300, \"endTemperature\": 300, \"reportInterval\": 0.05}}", 0);
    assertEquals(1 + 5, records.size(), records.toString());
    for (String line : records.subList(1, records.size())) {
      assertTrue(column(line, 1) > 250 && column(line, 1) < 350, "minimised water stays near 300 K: " + line);
      assertTrue(column(line, 3) < -8000, "221 SPC/E waters are bound: " + line);
    }
    assertTrue(Files.readString(dir.resolve("out/summary.json")).contains("\"molecules\":221"));
    MolecularSystem water = MolecularSystem.readXyz(Files.readString(dir.resolve("out/trajectory.xyz"))).get(0);
    assertEquals(3 * 221, water.atomCount());
    assertEquals(List.of("O", "H", "H"), List.of(water.element(0), water.element(1), water.element(2)));
  }

  @Test
  void aRunGromppRefusesIsBadInput() throws Exception {
    assumeGromacs();
    // 108 atoms in a 1.73 nm box at 2000 K: GROMACS's pair list (cut-off plus buffer) no longer fits the box.
    run("{\"system\": {\"cellsPerSide\": 3}, \"protocol\": {\"runtime\": 0.5, \"startTemperature\": 2000,"
        + " \"endTemperature\": 2000, \"reportInterval\": 0.1}}", 2);
    assertTrue(Files.readString(dir.resolve("out/prepare.log")).contains("longer than half the shortest box vector"));
  }

  @Test
  void badInputExitsWithTwoAndSaysWhy() throws Exception {
    run("{\"system\": {\"name\": \"neon\"}}", 2);
    run("{\"system\": {\"name\": \"water\", \"box\": 1.0}}", 2);
    run("{\"system\": {\"name\": \"water\"}, \"protocol\": {\"timestep\": 5}}", 2);
    run("{\"protocol\": {\"runtime\": -1}}", 2);
    run("{\"protocol\": {\"seed\": -3}}", 2);
    run("{\"protocol\": {\"runtim\": 1}}", 2);
    run("{\"sytem\": {}}", 2);
    run("[1, 2]", 2);
    run("null", 2);
    assertTrue(Files.notExists(dir.resolve("out/records.csv")), "nothing is run for bad input");
  }

  /** Runs the workload as its own process with {@code environment}, as a runner would; returns exit code and stderr. */
  private String runProcess(java.util.Map<String, String> environment) throws Exception {
    Path input = Files.writeString(dir.resolve("job.json"), "{}");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), GromacsEquilibrate.class.getName(), "--input", input.toString(),
        "--output", dir.resolve("out").toString()).redirectErrorStream(true);
    builder.environment().remove(Gmx.ENVIRONMENT); // whatever this test run itself uses
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    return process.waitFor() + " " + output.strip();
  }

  @Test
  void withoutGmxTheWorkloadSaysSoAndFails() throws Exception {
    assertEquals("1 gromacs-equilibrate: GROMACS is not installed here: no 'gmx' on the PATH (on Debian: apt-get"
        + " install gromacs).", runProcess(java.util.Map.of("PATH", dir.toString())));
    assertEquals("1 gromacs-equilibrate: ACQUIRE_GMX names /nonexistent/gmx, which is not an executable file.",
        runProcess(java.util.Map.of(Gmx.ENVIRONMENT, "/nonexistent/gmx")));
  }

  @Test
  void badInputIsExplainedInOneSentence() throws Exception {
    Path input = Files.writeString(dir.resolve("job.json"), "{\"system\": {\"name\": \"water\", \"box\": 1.0}}");
    io.acquire.services.compute.WorkloadCommand.BadInput refused = org.junit.jupiter.api.Assertions.assertThrows(
        io.acquire.services.compute.WorkloadCommand.BadInput.class, () -> GromacsEquilibrate.read(input));
    assertEquals("field 'system.box' is the water box's side in nm and must be 2 to 6, not 1", refused.getMessage());
  }

  @Test
  void theQuoteTimeCheckParsesAsTheRunDoesAndRefusesAZeroKelvinStart() {
    assertTrue(GromacsEquilibrate.problemWith("{}".getBytes()).isEmpty(), "every field has a default");
    assertEquals("unknown field 'protocol.runtim' (known: coupling, endTemperature, reportInterval, runtime, seed, "
        + "startTemperature, thermostat, timestep)",
        GromacsEquilibrate.problemWith("{\"protocol\": {\"runtim\": 5}}".getBytes()).orElseThrow());
    assertTrue(GromacsEquilibrate.problemWith("{\"protocol\": {\"startTemperature\": 0}}".getBytes()).orElseThrow()
        .contains("more than 0 K for GROMACS"), "v-rescale cannot heat atoms at rest");
  }
}
