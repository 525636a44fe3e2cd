package io.acquire.services.compute.md;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.MolecularSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EquilibrateTest {
  @TempDir
  Path dir;

  @Test
  void writesAHeaderAndOneRecordPerReportInterval() throws Exception {
    Path job = Files.writeString(dir.resolve("job.json"), "{\"system\": {\"cellsPerSide\": 3, \"density\": 1.374,"
        + " \"cutoffSigmas\": 2.5}, \"protocol\": {\"runtime\": 2, \"timestep\": 5, \"startTemperature\": 50,"
        + " \"endTemperature\": 90, \"reportInterval\": 0.5, \"thermostat\": true, \"coupling\": 0.2, \"seed\": 1}}");
    assertEquals(0, Equilibrate.run("--input", job.toString(), "--output", dir.resolve("out").toString()));
    List<String> lines = Files.readAllLines(dir.resolve("out/records.csv"));
    assertEquals("time_ps,temperature_K,kinetic_kJmol,potential_kJmol,total_kJmol", lines.get(0));
    assertEquals(1 + 5, lines.size(), "t = 0, 0.5, 1.0, 1.5, 2.0 ps: " + lines);
    assertTrue(lines.get(1).startsWith("0.0000,50.0000,"), lines.get(1));
    assertTrue(lines.get(5).startsWith("2.0000,"), lines.get(5));
    assertTrue(Files.readString(dir.resolve("out/final.xyz")).startsWith("108\n"));
    assertTrue(Files.readString(dir.resolve("out/summary.json")).contains("\"atoms\":108"));
  }

  @Test
  void writesAFrameOfEveryAtomInItsBoxPerReportInterval() throws Exception {
    Path job = Files.writeString(dir.resolve("job.json"), "{\"system\": {\"cellsPerSide\": 3},"
        + " \"protocol\": {\"runtime\": 2, \"reportInterval\": 0.5, \"seed\": 1}}");
    assertEquals(0, Equilibrate.run("--input", job.toString(), "--output", dir.resolve("out").toString()));
    List<MolecularSystem> frames = MolecularSystem.readXyz(Files.readString(dir.resolve("out/trajectory.xyz")));
    assertEquals(5, frames.size(), "t = 0, 0.5, 1.0, 1.5, 2.0 ps");
    double box = 10 * new Argon(3, 1.374, 2.5).boxLength();
    for (int i = 0; i < frames.size(); i++) {
      MolecularSystem frame = frames.get(i);
      assertEquals(i, frame.frame());
      assertEquals(0.5 * i, frame.time().orElseThrow().picoseconds(), 1e-9);
      assertEquals(108, frame.atomCount());
      assertEquals("Ar", frame.element(107));
      assertArrayEquals(new double[] {box, box, box}, frame.box(), 1e-3);
      for (double x : frame.positions()) {
        assertTrue(x >= 0 && x <= box + 1e-3, "wrapped into the box: " + x);
      }
    }
    assertFalse(java.util.Arrays.equals(frames.get(0).positions(), frames.get(4).positions()), "the atoms moved");
    MolecularSystem last = MolecularSystem.readXyz(Files.readString(dir.resolve("out/final.xyz"))).get(0);
    double[] lastPositions = frames.get(4).positions();
    double[] finalPositions = last.positions();
    for (int k = 0; k < finalPositions.length; k++) {
      double d = Math.abs(lastPositions[k] - finalPositions[k]);
      assertTrue(Math.min(d, box - d) < 2e-3, "the last frame is the final configuration, up to wrapping");
    }
  }

  @Test
  void longRunsKeepEveryFrameAtFirstThenThinToStayWithinTheBudget() {
    for (int atoms : new int[] {108, 864, 32_000, 256_000}) {
      for (long reports : new long[] {2, 101, 10_001, 2_000_001}) {
        Trajectory.Thinning thinning = new Trajectory.Thinning(atoms, reports);
        long kept = 0;
        long lastKept = -1;
        long widestGap = 0;
        for (long report = 0; report < reports; report++) {
          if (thinning.keep(report, report == reports - 1)) {
            kept++;
            widestGap = Math.max(widestGap, report - lastKept);
            lastKept = report;
            if (kept * atoms <= Trajectory.MAX_POSITIONS / 2) {
              assertEquals(kept - 1, report, "every report while the first half of the budget lasts");
            }
          }
        }
        String run = atoms + " atoms, " + reports + " reports: kept " + kept;
        assertEquals(reports - 1, lastKept, run + ": the last is kept");
        assertTrue(kept * atoms <= Math.max(Trajectory.MAX_POSITIONS, 5L * atoms), run);
        assertTrue(widestGap <= thinning.stride(), run + ": the latest frame is at most a stride old");
        if (kept * atoms < Trajectory.MAX_POSITIONS / 2) {
          assertEquals(reports, kept, run + ": a short run keeps everything");
        }
      }
    }
  }

  @Test
  void saysWhatItRanAndHowItEndedForTheJobsLog() throws Exception {
    Path job = Files.writeString(dir.resolve("job.json"), "{\"system\": {\"cellsPerSide\": 3},"
        + " \"protocol\": {\"runtime\": 0.5, \"reportInterval\": 0.25, \"seed\": 3}}");
    java.io.PrintStream original = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertEquals(0, Equilibrate.run("--input", job.toString(), "--output", dir.resolve("out").toString()));
    } finally {
      System.setOut(original);
    }
    List<String> log = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, log.size(), log.toString());
    assertTrue(log.get(0).startsWith("equilibrate: 108 argon atoms at 1.374 g/cm3; 0.5 ps in steps of 5.0 fs, "
        + "60.0 K to 120.0 K, Bussi thermostat"), log.get(0));
    assertTrue(log.get(1).startsWith("equilibrate: done, 100 steps (0.5 ps) in "), log.get(1));
  }

  @Test
  void badInputExitsWithTwoAndSaysWhy() throws Exception {
    Path job = Files.writeString(dir.resolve("job.json"), "{\"protocol\": {\"runtime\": 2, \"timestep\": -5,"
        + " \"startTemperature\": 50, \"endTemperature\": 90, \"reportInterval\": 0.5, \"thermostat\": true,"
        + " \"coupling\": 0.2, \"seed\": 1}}");
    assertEquals(2, Equilibrate.run("--input", job.toString(), "--output", dir.resolve("out").toString()));
    Path typo = Files.writeString(dir.resolve("typo.json"), "{\"sytem\": {}}");
    assertEquals(2, Equilibrate.run("--input", typo.toString(), "--output", dir.resolve("out2").toString()));
    assertEquals(2, Equilibrate.run("--input", dir.resolve("missing.json").toString(), "--output", dir.toString()));
    Path empty = Files.writeString(dir.resolve("empty.json"), "null");
    assertEquals(2, Equilibrate.run("--input", empty.toString(), "--output", dir.resolve("out3").toString()));
  }

  @Test
  void problemWithNamesAnUnknownFieldAndTheFieldsKnownThere() {
    String typo = Equilibrate.problemWith("{\"protocol\": {\"runtim\": 5}}".getBytes()).orElseThrow();
    assertTrue(typo.startsWith("field 'protocol.runtim' is not known; known fields there: coupling, endTemperature,"),
        typo);
    String rule = Equilibrate.problemWith("{\"protocol\": {\"timestep\": -5}}".getBytes()).orElseThrow();
    assertTrue(rule.contains("timestep must be more than 0"), rule);
    assertTrue(Equilibrate.problemWith("{}".getBytes()).isEmpty(), "every field has a default");
    assertTrue(Equilibrate.problemWith("{\"protocol\": {\"startTemperature\": 0}}".getBytes()).isEmpty(),
        "the talk's 0 K start");
  }

  @Test
  void fieldsLeftOutTakeTheirDefaults() throws Exception {
    Path job = Files.writeString(dir.resolve("partial.json"), "{\"system\": {\"cellsPerSide\": 4},"
        + " \"protocol\": {\"runtime\": 0.5, \"reportInterval\": 0.25}}");
    assertEquals(0, Equilibrate.run("--input", job.toString(), "--output", dir.resolve("out").toString()));
    List<String> lines = Files.readAllLines(dir.resolve("out/records.csv"));
    assertEquals(4, lines.size(), "header, t = 0, 0.25 and 0.5 ps: " + lines);
    assertTrue(lines.get(1).startsWith("0.0000,60.0000,"), "the default start temperature: " + lines.get(1));
    assertTrue(Files.readString(dir.resolve("out/summary.json")).contains("\"atoms\":256"), "4 cells per side");
  }
}
