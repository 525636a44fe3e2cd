package io.acquire.services.compute.md;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private static List<Reading> run(Argon system, Protocol protocol) throws InterruptedException {
    List<Reading> records = new ArrayList<>();
    new Simulation(system, protocol).run(records::add);
    return records;
  }

  @Test
  void energyIsConservedWithoutThermostat() throws Exception {
    // 4x4x4 cells: 256 atoms of liquid argon at 100 K, 2000 steps of 5 fs, no thermostat.
    List<Reading> records = run(new Argon(4, 1.374, 2.5), new Protocol(10, 5, 100, 100, 0.5, false, 0, 7));
    double first = records.get(0).total();
    double worst = records.stream().mapToDouble(r -> Math.abs(r.total() - first)).max().orElseThrow();
    double perAtom = worst / 256;
    assertTrue(perAtom < 0.01, "total energy drifted by " + perAtom + " kJ/mol per atom");
    double kineticSwing = records.stream().mapToDouble(Reading::kinetic).max().orElseThrow()
        - records.stream().mapToDouble(Reading::kinetic).min().orElseThrow();
    assertTrue(worst < kineticSwing / 20, "energy moves much less than kinetic energy does: " + worst + " vs " + kineticSwing);
  }

  @Test
  void halvingTheTimestepShrinksEnergyErrorsAsASecondOrderMethodShould() throws Exception {
    Argon system = new Argon(4, 1.374, 2.5);
    double coarse = fluctuation(run(system, new Protocol(2, 10, 80, 80, 0.1, false, 0, 3)));
    double fine = fluctuation(run(system, new Protocol(2, 5, 80, 80, 0.1, false, 0, 3)));
    double ratio = coarse / fine;
    assertTrue(ratio > 2.5 && ratio < 6.5, "expected about 4x, got " + ratio + " (" + coarse + " vs " + fine + ")");
  }

  private static double fluctuation(List<Reading> records) {
    double mean = records.stream().mapToDouble(Reading::total).average().orElseThrow();
    return Math.sqrt(records.stream().mapToDouble(r -> (r.total() - mean) * (r.total() - mean)).average().orElseThrow());
  }

  @Test
  void temperatureFollowsTheRamp() throws Exception {
    Protocol ramp = new Protocol(20, 5, 60, 160, 0.1, true, 0.2, 11);
    List<Reading> records = run(new Argon(4, 1.374, 2.5), ramp);
    assertEquals(201, records.size());
    for (int window = 1; window < 10; window++) {
      List<Reading> part = records.subList(window * 20, window * 20 + 20);
      double mean = part.stream().mapToDouble(Reading::temperature).average().orElseThrow();
      double target = part.stream().mapToDouble(r -> ramp.targetTemperature(r.time())).average().orElseThrow();
      assertEquals(target, mean, 8, "window " + window + " around " + part.get(0).time() + " ps");
    }
    double end = records.subList(180, 201).stream().mapToDouble(Reading::temperature).average().orElseThrow();
    assertEquals(160, end, 8);
  }

  @Test
  void forcesAreMinusTheGradientOfThePotential() {
    Simulation simulation = new Simulation(new Argon(3, 1.374, 2.5), Protocol.ramp(1, 100, 100));
    simulation.jiggle(0.02);
    double[] forces = simulation.forces();
    double h = 1e-6;
    for (int coordinate : new int[] {0, 1, 2, 50, 151, 322}) {
      double numeric = -(simulation.potentialWith(coordinate, h) - simulation.potentialWith(coordinate, -h)) / (2 * h);
      assertEquals(numeric, forces[coordinate], 1e-4 * Math.max(1, Math.abs(numeric)), "coordinate " + coordinate);
    }
  }

  @Test
  void neighbourListForcesEqualAllPairsForces() {
    Simulation simulation = new Simulation(Argon.LIQUID, Protocol.ramp(1, 100, 100));
    simulation.jiggle(0.03);
    double[] listed = simulation.forces();
    double[] brute = simulation.bruteForceForces();
    for (int i = 0; i < listed.length; i++) {
      assertEquals(brute[i], listed[i], 1e-9, "force component " + i);
    }
  }

  @Test
  void inABoxOfJustFiveCellsTheWrappedCellSearchStillFindsEveryPairOnce() {
    // 500 atoms in a 2.62 nm box: five cells a side, so the two-deep search reaches round
    // the box from every cell and its wrapped rows and periodic images are all exercised.
    Simulation simulation = new Simulation(new Argon(5, 1.85, 2.5), Protocol.ramp(1, 100, 100));
    simulation.jiggle(0.03);
    double[] listed = simulation.forces();
    double[] brute = simulation.bruteForceForces();
    for (int i = 0; i < listed.length; i++) {
      assertEquals(brute[i], listed[i], 1e-9, "force component " + i);
    }
  }

  @Test
  void largeSystemsSplitTheForceLoopAndStillMatchAllPairsForces() {
    Argon large = new Argon(10, 1.374, 2.5); // 4,000 atoms: the force loop runs in slices
    assertTrue(large.atoms() >= Simulation.PARALLEL_ATOMS);
    Simulation simulation = new Simulation(large, Protocol.ramp(1, 100, 100));
    simulation.jiggle(0.03);
    double[] sliced = simulation.forces();
    double[] brute = simulation.bruteForceForces();
    for (int i = 0; i < sliced.length; i++) {
      assertEquals(brute[i], sliced[i], 1e-9, "force component " + i);
    }
  }

  @Test
  void aSeededRunIsReproducibleWhateverTheThreads() throws Exception {
    Argon large = new Argon(10, 1.374, 2.5);
    Protocol protocol = new Protocol(0.1, 5, 100, 100, 0.05, true, 0.5, 9);
    List<Reading> first = run(large, protocol);
    List<Reading> second = run(large, protocol);
    assertEquals(first, second, "slices are summed in a fixed order, so records are bit for bit the same");
  }

  @Test
  void momentumStaysZero() throws Exception {
    Simulation simulation = new Simulation(new Argon(4, 1.374, 2.5), Protocol.ramp(2, 100, 120));
    simulation.run(r -> { });
    for (double p : simulation.momentum()) {
      assertEquals(0, p, 1e-6);
    }
  }

  @Test
  void badInputIsRefusedWithTheRule() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Argon(2, 1.374, 2.5)).getMessage()
        .contains("twice the cutoff"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Protocol(10, -1, 100, 100, 1, true, 0.5, 1))
        .getMessage().contains("timestep"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Protocol(1, 5, 100, 100, 2, true, 0.5, 1))
        .getMessage().contains("at most the runtime"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Protocol(1, 3, 100, 100, 0.1, true, 0.5, 1))
        .getMessage().contains("whole number of timesteps"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Protocol(1, 5, -1, 100, 0.1, true, 0.5, 1))
        .getMessage().contains("startTemperature"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Protocol(1, 5, 0, 100, 0.1, false, 0, 1))
        .getMessage().contains("needs the thermostat"));
  }

  @Test
  void aStartAtZeroKelvinIsAtRestAndTheThermostatHeatsIt() throws Exception {
    List<Reading> records = run(new Argon(4, 1.374, 2.5), new Protocol(10, 5, 0, 120, 0.1, true, 0.2, 5));
    assertEquals(0, records.get(0).temperature(), "the atoms start at rest");
    assertTrue(records.stream().allMatch(r -> Double.isFinite(r.total())), "no NaN from scaling zero velocities");
    assertTrue(records.get(5).temperature() > 0, "heated within half a picosecond: " + records.get(5));
    double middle = records.subList(40, 61).stream().mapToDouble(Reading::temperature).average().orElseThrow();
    double end = records.subList(80, 101).stream().mapToDouble(Reading::temperature).average().orElseThrow();
    // Started on a lattice, the system must also take up potential energy (and melt) as it
    // heats, so it trails a ramp this fast (it ended near 101 K of 120 K); it still climbs most of the way.
    assertTrue(middle > 30 && end > middle && end > 85 && end < 135, "middle " + middle + " K, end " + end + " K");
  }

  @Test
  void aCancelledRunStopsPromptly() {
    Simulation simulation = new Simulation(Argon.LIQUID, Protocol.ramp(1000, 100, 100));
    simulation.cancel();
    assertThrows(InterruptedException.class, () -> simulation.run(r -> { }));
  }
}
