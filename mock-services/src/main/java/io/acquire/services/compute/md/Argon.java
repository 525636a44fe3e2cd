package io.acquire.services.compute.md;

/**
 * A periodic box of argon atoms interacting by the Lennard-Jones potential, started on a
 * face-centred cubic lattice. Units throughout: nm, ps, g/mol, kJ/mol, K.
 *
 * @param cellsPerSide FCC unit cells along each side (4 atoms each): 6 gives 864 atoms
 * @param density mass density in g/cm³; liquid argon near its triple point is 1.374
 * @param cutoffSigmas where the potential is cut and shifted to zero, in units of sigma
 */
public record Argon(int cellsPerSide, double density, double cutoffSigmas) {
  /** Lennard-Jones sigma of argon, nm. */
  public static final double SIGMA = 0.3405;
  /** Lennard-Jones epsilon of argon, kJ/mol (epsilon / kB = 119.8 K). */
  public static final double EPSILON = 0.99607;
  /** Atomic mass of argon, g/mol. */
  public static final double MASS = 39.948;
  /** Boltzmann's constant, kJ/(mol K). */
  public static final double KB = 0.0083144626;
  private static final double AVOGADRO = 6.02214076e23;

  public static final Argon LIQUID = new Argon(6, 1.374, 2.5);

  public Argon {
    if (cellsPerSide < 1 || cellsPerSide > 40) {
      throw new IllegalArgumentException("cellsPerSide must be 1 to 40 (4 to 256,000 atoms), not " + cellsPerSide);
    }
    if (!(density > 0.01 && density <= 3.0)) {
      throw new IllegalArgumentException("density must be more than 0.01 and at most 3.0 g/cm3, not " + density);
    }
    if (!(cutoffSigmas >= 2.0 && cutoffSigmas <= 5.0)) {
      throw new IllegalArgumentException("cutoffSigmas must be 2.0 to 5.0, not " + cutoffSigmas);
    }
    double box = boxLength(cellsPerSide, density);
    if (box <= 2 * cutoffSigmas * SIGMA) {
      throw new IllegalArgumentException(String.format("The box (%.3f nm) must be longer than twice the cutoff "
          + "(%.3f nm): use more cells per side or a lower density.", box, 2 * cutoffSigmas * SIGMA));
    }
  }

  public int atoms() {
    return 4 * cellsPerSide * cellsPerSide * cellsPerSide;
  }

  /** Side of the cubic box, nm. */
  public double boxLength() {
    return boxLength(cellsPerSide, density);
  }

  public double cutoff() {
    return cutoffSigmas * SIGMA;
  }

  /**
   * The starting positions, x, y, z per atom in nm: the FCC lattice, cell by cell, with the
   * four basis atoms a quarter cell in from the cell's corner. Every engine starts here.
   */
  public double[] lattice() {
    double a = boxLength() / cellsPerSide;
    double[][] basis = {{0.25, 0.25, 0.25}, {0.75, 0.75, 0.25}, {0.75, 0.25, 0.75}, {0.25, 0.75, 0.75}};
    double[] x = new double[3 * atoms()];
    int atom = 0;
    for (int i = 0; i < cellsPerSide; i++) {
      for (int j = 0; j < cellsPerSide; j++) {
        for (int k = 0; k < cellsPerSide; k++) {
          for (double[] b : basis) {
            x[3 * atom] = (i + b[0]) * a;
            x[3 * atom + 1] = (j + b[1]) * a;
            x[3 * atom + 2] = (k + b[2]) * a;
            atom++;
          }
        }
      }
    }
    return x;
  }

  private static double boxLength(int cells, double density) {
    double grams = 4.0 * cells * cells * cells * MASS / AVOGADRO;
    double cubicNm = grams / density * 1e21;
    return Math.cbrt(cubicNm);
  }
}
