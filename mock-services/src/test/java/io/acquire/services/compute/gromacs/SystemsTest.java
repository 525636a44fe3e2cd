package io.acquire.services.compute.gromacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.compute.md.Argon;
import io.acquire.services.compute.md.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GROMACS inputs written for a job, checked without running GROMACS. */
class SystemsTest {
  @TempDir
  Path dir;

  static Map<String, String> parse(String mdp) {
    Map<String, String> values = new HashMap<>();
    mdp.lines().forEach(line -> {
      String[] parts = line.split("=", 2);
      values.put(parts[0].strip(), parts[1].strip());
    });
    return values;
  }

  @Test
  void runParametersFollowTheProtocol() {
    Map<String, String> mdp = parse(Systems.mdp(Systems.Kind.ARGON, 0.85125, Protocol.ramp(10, 60, 120)));
    assertEquals("0.005000", mdp.get("dt"));
    assertEquals("2000", mdp.get("nsteps"));
    assertEquals("20", mdp.get("nstenergy"), "a record every 0.1 ps of 5 fs steps");
    assertEquals("20", mdp.get("nstlog"));
    assertEquals("v-rescale", mdp.get("tcoupl"), "the Bussi thermostat, as in the built-in engine");
    assertEquals("0.500000", mdp.get("tau-t"));
    assertEquals("0 10.000000", mdp.get("annealing-time"));
    assertEquals("60.000000 120.000000", mdp.get("annealing-temp"));
    assertEquals("Potential-shift", mdp.get("vdw-modifier"));
    assertEquals("0.851250", mdp.get("rvdw"));
    assertEquals("Cut-off", mdp.get("coulombtype"));
    assertEquals("42", mdp.get("gen-seed"));
    assertEquals("42", mdp.get("ld-seed"));
  }

  @Test
  void energiesAreComputedAtADivisorOfTheReportInterval() {
    assertEquals("100", parse(Systems.mdp(Systems.Kind.ARGON, 0.85, new Protocol(100, 5, 60, 60, 10, true, 0.5, 1)))
        .get("nstcalcenergy"), "2000 steps between records: every 100");
    assertEquals("1", parse(Systems.mdp(Systems.Kind.ARGON, 0.85, new Protocol(100, 1, 60, 60, 1.009, true, 0.5, 1)))
        .get("nstcalcenergy"), "1009 steps, a prime: every step");
  }

  @Test
  void withoutTheThermostatTheRunKeepsItsEnergy() {
    Map<String, String> mdp = parse(Systems.mdp(Systems.Kind.WATER, Systems.WATER_CUTOFF,
        new Protocol(1, 2, 300, 300, 0.1, false, 0.5, 9)));
    assertEquals("no", mdp.get("tcoupl"));
    assertFalse(mdp.containsKey("annealing"));
    assertEquals("PME", mdp.get("coulombtype"));
  }

  @Test
  void theArgonCoordinatesAreTheBuiltInLatticeToTenToTheMinusSevenNm() throws Exception {
    Argon argon = new Argon(3, 1.0, 2.5);
    Systems.writeArgon(dir, argon);
    List<String> gro = Files.readAllLines(dir.resolve("conf.gro"));
    int n = argon.atoms();
    assertEquals(2 + n + 1, gro.size());
    assertEquals(Integer.toString(n), gro.get(1).strip());
    double[] x = argon.lattice();
    String last = gro.get(1 + n);
    // 12-character columns with 7 decimals, from column 20: GROMACS infers the precision from the decimal points.
    for (int d = 0; d < 3; d++) {
      assertEquals(x[3 * (n - 1) + d], Double.parseDouble(last.substring(20 + 12 * d, 32 + 12 * d)), 5e-8);
    }
    assertEquals(argon.boxLength(), Double.parseDouble(gro.get(2 + n).substring(0, 12)), 5e-8);
    String top = Files.readString(dir.resolve("topol.top"));
    assertTrue(top.contains("AR    39.948   0.0     A      0.3405  0.99607"), top);
    assertTrue(top.contains("AR " + n), top);
  }
}
