package io.acquire.services.compute.md;

import java.util.Random;
import java.util.function.Consumer;

/**
 * Molecular dynamics of a Lennard-Jones fluid: velocity Verlet integration, the Bussi
 * stochastic velocity-rescaling thermostat (canonical sampling, no flying ice cube), and
 * Verlet neighbour lists built with cell lists and rebuilt when any atom has moved half
 * the skin. Not thread-safe; {@link #cancel()} may be called from any thread.
 */
public final class Simulation {
  /** Neighbour-list margin beyond the cutoff, nm. */
  static final double SKIN = 0.1;

  private final Argon system;
  private final Protocol protocol;
  private final int n;
  private final double box;
  private final double cutoff2;
  private final double listRadius2;
  private final double shift;
  private final double[] x;
  private final double[] v;
  private final double[] f;
  private final double[] builtAt;
  private final Random random;
  private int[] pairs = new int[0];
  private int pairCount;
  private double potential;
  private volatile boolean cancelled;

  public Simulation(Argon system, Protocol protocol) {
    this.system = system;
    this.protocol = protocol;
    this.n = system.atoms();
    this.box = system.boxLength();
    double cutoff = system.cutoff();
    this.cutoff2 = cutoff * cutoff;
    this.listRadius2 = (cutoff + SKIN) * (cutoff + SKIN);
    double sr6 = Math.pow(Argon.SIGMA / cutoff, 6);
    this.shift = 4 * Argon.EPSILON * (sr6 * sr6 - sr6);
    this.x = new double[3 * n];
    this.v = new double[3 * n];
    this.f = new double[3 * n];
    this.builtAt = new double[3 * n];
    this.random = new Random(protocol.seed());
    placeOnLattice();
    drawVelocities(protocol.startTemperature());
    buildNeighbourList();
    computeForces();
  }

  public int atoms() {
    return n;
  }

  /** Stops a running {@link #run} after its current step. */
  public void cancel() {
    cancelled = true;
  }

  /**
   * Runs the protocol, giving {@code listener} a record at time zero and after every report
   * interval. Returns the last record.
   *
   * @throws InterruptedException if cancelled or the thread was interrupted
   */
  public Reading run(Consumer<Reading> listener) throws InterruptedException {
    double dt = protocol.dt();
    long steps = protocol.steps();
    long every = protocol.reportEvery();
    Reading last = record(0);
    listener.accept(last);
    for (long step = 1; step <= steps; step++) {
      if (cancelled || Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("simulation stopped at step " + step);
      }
      step(dt);
      if (protocol.thermostat()) {
        thermostat(protocol.targetTemperature(step * dt), dt);
      }
      if (step % every == 0 || step == steps) {
        last = record(step);
        listener.accept(last);
      }
    }
    return last;
  }

  /** One velocity Verlet step: half kick, drift, forces, half kick. */
  void step(double dt) {
    double halfOverMass = 0.5 * dt / Argon.MASS;
    for (int i = 0; i < 3 * n; i++) {
      v[i] += halfOverMass * f[i];
      x[i] += dt * v[i];
    }
    if (needsRebuild()) {
      wrapIntoBox();
      buildNeighbourList();
    }
    computeForces();
    for (int i = 0; i < 3 * n; i++) {
      v[i] += halfOverMass * f[i];
    }
  }

  /**
   * Bussi, Donadio and Parrinello (2007): rescale the kinetic energy towards the target with
   * a stochastic term, which samples the canonical ensemble.
   */
  private void thermostat(double target, double dt) {
    int dof = degreesOfFreedom();
    double kinetic = kinetic();
    if (kinetic <= 0) {
      return;
    }
    double targetKinetic = 0.5 * dof * Argon.KB * target;
    double c = Math.exp(-dt / protocol.coupling());
    double r1 = random.nextGaussian();
    double sumSquares = chiSquared(dof - 1);
    double next = kinetic + (1 - c) * (targetKinetic * (sumSquares + r1 * r1) / dof - kinetic)
        + 2 * r1 * Math.sqrt(c * (1 - c) * targetKinetic * kinetic / dof);
    double alpha = Math.sqrt(Math.max(next, 0) / kinetic);
    for (int i = 0; i < 3 * n; i++) {
      v[i] *= alpha;
    }
  }

  /** A chi-squared variate with {@code k} degrees of freedom, as 2 × Gamma(k/2) (Marsaglia and Tsang). */
  private double chiSquared(int k) {
    double shape = k / 2.0;
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = random.nextGaussian();
      double t = 1 + c * z;
      if (t <= 0) {
        continue;
      }
      double t3 = t * t * t;
      double u = random.nextDouble();
      if (Math.log(u) < 0.5 * z * z + d - d * t3 + d * Math.log(t3)) {
        return 2 * d * t3;
      }
    }
  }

  Reading record(long step) {
    double kinetic = kinetic();
    double temperature = 2 * kinetic / (degreesOfFreedom() * Argon.KB);
    return new Reading(step, step * protocol.dt(), temperature, kinetic, potential, kinetic + potential);
  }

  double kinetic() {
    double sum = 0;
    for (double vi : v) {
      sum += vi * vi;
    }
    return 0.5 * Argon.MASS * sum;
  }

  double potential() {
    return potential;
  }

  /** Three per atom, less the three of the centre of mass, which is fixed at zero. */
  private int degreesOfFreedom() {
    return 3 * n - 3;
  }

  double[] momentum() {
    double[] p = new double[3];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < 3; d++) {
        p[d] += Argon.MASS * v[3 * i + d];
      }
    }
    return p;
  }

  // Set-up -------------------------------------------------------------------------------

  private void placeOnLattice() {
    System.arraycopy(system.lattice(), 0, x, 0, 3 * n);
  }

  /** Maxwell-Boltzmann velocities with zero total momentum, scaled to exactly {@code temperature}. */
  private void drawVelocities(double temperature) {
    double sd = Math.sqrt(Argon.KB * temperature / Argon.MASS);
    for (int i = 0; i < 3 * n; i++) {
      v[i] = sd * random.nextGaussian();
    }
    double[] p = momentum();
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < 3; d++) {
        v[3 * i + d] -= p[d] / (Argon.MASS * n);
      }
    }
    double scale = Math.sqrt(temperature / record(0).temperature());
    for (int i = 0; i < 3 * n; i++) {
      v[i] *= scale;
    }
  }

  /** Test hook: displaces atoms at random, to check forces on a disordered configuration. */
  void jiggle(double amplitude) {
    for (int i = 0; i < 3 * n; i++) {
      x[i] += amplitude * (2 * random.nextDouble() - 1);
    }
    wrapIntoBox();
    buildNeighbourList();
    computeForces();
  }

  // Forces --------------------------------------------------------------------------------

  private boolean needsRebuild() {
    double limit = (SKIN / 2) * (SKIN / 2);
    for (int i = 0; i < n; i++) {
      double dx = x[3 * i] - builtAt[3 * i];
      double dy = x[3 * i + 1] - builtAt[3 * i + 1];
      double dz = x[3 * i + 2] - builtAt[3 * i + 2];
      if (dx * dx + dy * dy + dz * dz > limit) {
        return true;
      }
    }
    return false;
  }

  private void wrapIntoBox() {
    for (int i = 0; i < 3 * n; i++) {
      x[i] -= box * Math.floor(x[i] / box);
    }
  }

  /** Pairs within cutoff + skin, found through cells of at least that size: O(N) for large boxes. */
  void buildNeighbourList() {
    System.arraycopy(x, 0, builtAt, 0, 3 * n);
    int cells = (int) Math.floor(box / Math.sqrt(listRadius2));
    pairCount = 0;
    if (cells < 3) {
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          addIfClose(i, j);
        }
      }
      return;
    }
    int[] head = new int[cells * cells * cells];
    int[] next = new int[n];
    java.util.Arrays.fill(head, -1);
    for (int i = 0; i < n; i++) {
      int c = cellOf(i, cells);
      next[i] = head[c];
      head[c] = i;
    }
    for (int cx = 0; cx < cells; cx++) {
      for (int cy = 0; cy < cells; cy++) {
        for (int cz = 0; cz < cells; cz++) {
          int c = (cx * cells + cy) * cells + cz;
          for (int dx = -1; dx <= 1; dx++) {
            for (int dy = -1; dy <= 1; dy++) {
              for (int dz = -1; dz <= 1; dz++) {
                int o = ((Math.floorMod(cx + dx, cells) * cells) + Math.floorMod(cy + dy, cells)) * cells
                    + Math.floorMod(cz + dz, cells);
                if (o < c) {
                  continue;
                }
                for (int i = head[c]; i >= 0; i = next[i]) {
                  for (int j = head[o]; j >= 0; j = next[j]) {
                    if (o != c || j > i) {
                      addIfClose(i, j);
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  private int cellOf(int i, int cells) {
    int cx = Math.min(cells - 1, (int) (x[3 * i] / box * cells));
    int cy = Math.min(cells - 1, (int) (x[3 * i + 1] / box * cells));
    int cz = Math.min(cells - 1, (int) (x[3 * i + 2] / box * cells));
    return (cx * cells + cy) * cells + cz;
  }

  private void addIfClose(int i, int j) {
    double dx = image(x[3 * i] - x[3 * j]);
    double dy = image(x[3 * i + 1] - x[3 * j + 1]);
    double dz = image(x[3 * i + 2] - x[3 * j + 2]);
    if (dx * dx + dy * dy + dz * dz < listRadius2) {
      if (2 * pairCount + 2 > pairs.length) {
        pairs = java.util.Arrays.copyOf(pairs, Math.max(1024, pairs.length * 2));
      }
      pairs[2 * pairCount] = i;
      pairs[2 * pairCount + 1] = j;
      pairCount++;
    }
  }

  private double image(double d) {
    return d - box * Math.rint(d / box);
  }

  /** Lennard-Jones forces and the cut-and-shifted potential energy over the neighbour list. */
  void computeForces() {
    java.util.Arrays.fill(f, 0);
    double energy = 0;
    double s2 = Argon.SIGMA * Argon.SIGMA;
    for (int p = 0; p < pairCount; p++) {
      int i = pairs[2 * p];
      int j = pairs[2 * p + 1];
      double dx = image(x[3 * i] - x[3 * j]);
      double dy = image(x[3 * i + 1] - x[3 * j + 1]);
      double dz = image(x[3 * i + 2] - x[3 * j + 2]);
      double r2 = dx * dx + dy * dy + dz * dz;
      if (r2 >= cutoff2) {
        continue;
      }
      double sr2 = s2 / r2;
      double sr6 = sr2 * sr2 * sr2;
      double sr12 = sr6 * sr6;
      energy += 4 * Argon.EPSILON * (sr12 - sr6) - shift;
      double scalar = 24 * Argon.EPSILON * (2 * sr12 - sr6) / r2;
      f[3 * i] += scalar * dx;
      f[3 * i + 1] += scalar * dy;
      f[3 * i + 2] += scalar * dz;
      f[3 * j] -= scalar * dx;
      f[3 * j + 1] -= scalar * dy;
      f[3 * j + 2] -= scalar * dz;
    }
    potential = energy;
  }

  /** Test hook: all-pairs forces, to check the neighbour list misses nothing. */
  double[] bruteForceForces() {
    double[] saved = f.clone();
    double savedPotential = potential;
    int[] savedPairs = pairs;
    int savedCount = pairCount;
    pairs = new int[0];
    pairCount = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (2 * pairCount + 2 > pairs.length) {
          pairs = java.util.Arrays.copyOf(pairs, Math.max(1024, pairs.length * 2));
        }
        pairs[2 * pairCount] = i;
        pairs[2 * pairCount + 1] = j;
        pairCount++;
      }
    }
    computeForces();
    double[] brute = f.clone();
    System.arraycopy(saved, 0, f, 0, f.length);
    potential = savedPotential;
    pairs = savedPairs;
    pairCount = savedCount;
    return brute;
  }

  double[] forces() {
    return f.clone();
  }

  double[] positions() {
    return x.clone();
  }

  /** Test hook: moves one coordinate and recomputes the energy, for finite differences. */
  double potentialWith(int coordinate, double delta) {
    x[coordinate] += delta;
    computeForces();
    double energy = potential;
    x[coordinate] -= delta;
    computeForces();
    return energy;
  }
}
