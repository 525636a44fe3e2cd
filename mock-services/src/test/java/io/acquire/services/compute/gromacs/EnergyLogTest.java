package io.acquire.services.compute.gromacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.compute.md.Reading;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The md.log parser, on text in the layout GROMACS 2022 writes (copied from a real argon run's log). */
class EnergyLogTest {
  static final String LOG = """
      Started mdrun on rank 0 Sat Dec  5 13:59:48 2026

                 Step           Time
                    0        0.00000

      Current ref_t for group System:     60.0

         Energies (kJ/mol)
              LJ (SR)   Coulomb (SR)      Potential    Kinetic En.   Total Energy
         -5.24352e+03    0.00000e+00   -5.24352e+03    6.46316e+02   -4.59720e+03
        Conserved En.    Temperature Pressure (bar)
         -4.59720e+03    6.00494e+01   -2.44727e+03

                 Step           Time
                 2000       10.00000

      Writing checkpoint, step 2000 at Sat Dec  5 13:59:48 2026


      Current ref_t for group System:    120.0

         Energies (kJ/mol)
              LJ (SR)   Coulomb (SR)      Potential    Kinetic En.   Total Energy
         -4.16438e+03    0.00000e+00   -4.16438e+03    1.24458e+03   -2.91981e+03
        Conserved En.    Temperature Pressure (bar)
         -4.63802e+03    1.15634e+02    6.67922e+02


      Energy conservation over simulation part #1 of length 10 ps, time 0 to 10 ps
        Conserved energy drift: -4.72e-03 kJ/mol/ps per atom

      \t<======  ###############  ==>
      \t<====  A V E R A G E S  ====>
      \t<==  ###############  ======>

      \tStatistics over 2001 steps using 101 frames

         Energies (kJ/mol)
              LJ (SR)   Coulomb (SR)      Potential    Kinetic En.   Total Energy
         -4.48514e+03    0.00000e+00   -4.48514e+03    8.80820e+02   -3.60432e+03
        Conserved En.    Temperature Pressure (bar)
         -4.61387e+03    8.18372e+01   -2.14292e+02

      """;

  static List<Reading> parse(String text) {
    EnergyLog log = new EnergyLog();
    List<Reading> readings = new ArrayList<>();
    text.lines().forEach(line -> readings.addAll(log.accept(line)));
    return readings;
  }

  @Test
  void eachEnergyBlockBecomesOneReadingInTheBuiltInEnginesUnits() {
    List<Reading> readings = parse(LOG);
    assertEquals(2, readings.size(), readings.toString());
    assertEquals("0.0000,60.0494,646.316000,-5243.520000,-4597.200000", readings.get(0).csv());
    assertEquals("10.0000,115.6340,1244.580000,-4164.380000,-2919.810000", readings.get(1).csv());
    assertEquals(2000, readings.get(1).step());
  }

  @Test
  void theAveragesSectionAfterTheRunIsNotARecord() {
    EnergyLog log = new EnergyLog();
    List<Reading> readings = new ArrayList<>();
    LOG.lines().forEach(line -> readings.addAll(log.accept(line)));
    assertTrue(log.finished());
    assertTrue(readings.stream().noneMatch(r -> r.potential() == -4485.14), readings.toString());
    // More blocks after the banner (a continued run appending to the same log) are ignored too.
    assertTrue(log.accept("           Step           Time").isEmpty());
  }

  @Test
  void aBlockCutOffMidwayIsCompletedByTheLinesThatFollow() {
    List<String> lines = LOG.lines().toList();
    EnergyLog log = new EnergyLog();
    List<Reading> readings = new ArrayList<>();
    for (int i = 0; i < 10; i++) { // up to the values of the first block's first row
      readings.addAll(log.accept(lines.get(i)));
    }
    assertTrue(readings.isEmpty(), "no reading before its block is complete");
    for (int i = 10; i < lines.size(); i++) {
      readings.addAll(log.accept(lines.get(i)));
    }
    assertEquals(2, readings.size());
  }

  @Test
  void columnsAreFifteenCharactersWideWhateverTheirText() {
    assertEquals(List.of("Conserved En.", "Temperature", "Pressure (bar)"),
        List.of(EnergyLog.columns("  Conserved En.    Temperature Pressure (bar)")));
  }
}
