package io.acquire.services.compute.gromacs;

import io.acquire.services.compute.md.Argon;
import io.acquire.services.compute.md.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes GROMACS's input files (coordinates, topology, run parameters) for the systems offered. */
final class Systems {
  /** SPC/E water's cut-off for Lennard-Jones and real-space PME, nm (the common choice for this model). */
  static final double WATER_CUTOFF = 0.9;

  enum Kind { ARGON, WATER }

  private Systems() {}

  /**
   * The project's argon system exactly: the same lattice (coordinates to 10⁻⁷ nm, in the
   * wider .gro columns GROMACS infers from the decimal points), σ, ε and mass, and the LJ
   * potential cut and shifted to zero at the same cutoff (Verlet scheme, potential-shift).
   */
  static void writeArgon(Path dir, Argon argon) throws IOException {
    double[] x = argon.lattice();
    StringBuilder gro = new StringBuilder("argon FCC lattice\n").append(String.format(Locale.ROOT, "%5d%n",
        argon.atoms()));
    for (int i = 0; i < argon.atoms(); i++) {
      int number = (i + 1) % 100_000;
      gro.append(String.format(Locale.ROOT, "%5d%-5s%5s%5d%12.7f%12.7f%12.7f%n", number, "AR", "AR", number,
          x[3 * i], x[3 * i + 1], x[3 * i + 2]));
    }
    double box = argon.boxLength();
    gro.append(String.format(Locale.ROOT, "%12.7f%12.7f%12.7f%n", box, box, box));
    Files.writeString(dir.resolve("conf.gro"), gro);
    Files.writeString(dir.resolve("topol.top"), String.format(Locale.ROOT, """
        ; Lennard-Jones argon as in Acquire's built-in engine (sigma nm, epsilon kJ/mol)
        [ defaults ]
        ; nbfunc  comb-rule  gen-pairs
          1       2          no

        [ atomtypes ]
        ; name  mass     charge  ptype  sigma   epsilon
          AR    %.3f   0.0     A      %.4f  %.5f

        [ moleculetype ]
        ; name  nrexcl
          AR    1

        [ atoms ]
        ; nr  type  resnr  residue  atom  cgnr  charge  mass
          1   AR    1      AR       AR    1     0.0     %.3f

        [ system ]
        argon

        [ molecules ]
        AR %d
        """, Argon.MASS, Argon.SIGMA, Argon.EPSILON, Argon.MASS, argon.atoms()));
  }

  /** The SPC/E topology (OPLS-AA's parameters as GROMACS ships them) for {@code molecules} waters. */
  static void writeWaterTopology(Path dir, int molecules) throws IOException {
    Files.writeString(dir.resolve("topol.top"), String.format(Locale.ROOT, """
        ; SPC/E water, rigid (SETTLE), from the force field files GROMACS ships
        #include "oplsaa.ff/forcefield.itp"
        #include "oplsaa.ff/spce.itp"

        [ system ]
        SPC/E water

        [ molecules ]
        SOL %d
        """, molecules));
  }

  /** Steepest descent until the largest force is under 1000 kJ/mol/nm: solvate's packing has close contacts. */
  static String minimisationMdp() {
    return String.format(Locale.ROOT, """
        integrator    = steep
        nsteps        = 500
        emtol         = 1000
        cutoff-scheme = Verlet
        coulombtype   = PME
        rcoulomb      = %.3f
        rvdw          = %.3f
        """, WATER_CUTOFF, WATER_CUTOFF);
  }

  /**
   * Run parameters for an equilibration: leap-frog MD, energies every report interval, and
   * (with the thermostat on) v-rescale, the same Bussi stochastic thermostat as the built-in
   * engine, whose target follows the protocol's ramp through simulated annealing.
   */
  static String mdp(Kind kind, double cutoff, Protocol protocol) {
    long steps = Math.round(protocol.runtime() * 1000 / protocol.timestep());
    long every = Math.round(protocol.reportInterval() * 1000 / protocol.timestep());
    long calc = 100; // nstcalcenergy must divide nstenergy: the largest divisor up to GROMACS's default of 100
    while (every % calc != 0) {
      calc--;
    }
    StringBuilder mdp = new StringBuilder();
    line(mdp, "integrator", "md");
    line(mdp, "dt", String.format(Locale.ROOT, "%.6f", protocol.timestep() / 1000));
    line(mdp, "nsteps", Long.toString(steps));
    line(mdp, "nstlog", Long.toString(every));
    line(mdp, "nstenergy", Long.toString(every));
    line(mdp, "nstcalcenergy", Long.toString(calc));
    line(mdp, "cutoff-scheme", "Verlet");
    line(mdp, "vdwtype", "Cut-off");
    line(mdp, "vdw-modifier", "Potential-shift");
    line(mdp, "rvdw", String.format(Locale.ROOT, "%.6f", cutoff));
    line(mdp, "coulombtype", kind == Kind.WATER ? "PME" : "Cut-off");
    line(mdp, "rcoulomb", String.format(Locale.ROOT, "%.6f", cutoff));
    line(mdp, "DispCorr", "no");
    line(mdp, "pbc", "xyz");
    line(mdp, "gen-vel", "yes");
    line(mdp, "gen-temp", fmt(protocol.startTemperature()));
    line(mdp, "gen-seed", Long.toString(protocol.seed()));
    line(mdp, "ld-seed", Long.toString(protocol.seed()));
    if (protocol.thermostat()) {
      line(mdp, "tcoupl", "v-rescale");
      line(mdp, "tc-grps", "System");
      line(mdp, "tau-t", fmt(protocol.coupling()));
      line(mdp, "ref-t", fmt(protocol.startTemperature()));
      line(mdp, "annealing", "single");
      line(mdp, "annealing-npoints", "2");
      line(mdp, "annealing-time", "0 " + fmt(protocol.runtime()));
      line(mdp, "annealing-temp", fmt(protocol.startTemperature()) + " " + fmt(protocol.endTemperature()));
    } else {
      line(mdp, "tcoupl", "no");
    }
    return mdp.toString();
  }

  private static void line(StringBuilder mdp, String key, String value) {
    mdp.append(String.format(Locale.ROOT, "%-18s = %s%n", key, value));
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.6f", value);
  }
}
