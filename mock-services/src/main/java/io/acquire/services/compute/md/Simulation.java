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
  /** Systems at least this large spread their force loop over the cores the job has. */
  static final int PARALLEL_ATOMS = 4_000;
  /** The image with no shift, of the 27 numbered (sx + 1) * 9 + (sy + 1) * 3 + (sz + 1). */
  private static final int CENTRE = 13;

  private final Argon system;
  private final Protocol protocol;
  private final int n;
  private final double box;
  private final double cutoff2;
  private final double skin;
  private final double listRadius2;
  /** The 27 periodic images a neighbour may be found in, as offsets of x, y and z, nm. */
  private final double[] shiftX = new double[27];
  private final double[] shiftY = new double[27];
  private final double[] shiftZ = new double[27];
  private final double shift;
  private final double[] x;
  private final double[] v;
  private final double[] f;
  private final double[] builtAt;
  private final Random random;
  /** Atom i's neighbours are {@code neighbours[listStart[i] .. listStart[i + 1])}. */
  private final int[] listStart;
  private int[] neighbours = new int[0];
  /**
   * Periodic images of atoms that some listed pair needs, after the n atoms themselves in
   * {@link #imaged} and the force buffers: image g is atom {@code imageAtom[g]} shifted by
   * {@code imageShift[g]}. The list names them directly, so the force loop adds no shift.
   */
  private int images;
  private int[] imageAtom = new int[0];
  private int[] imageShift = new int[0];
  /** Where atom j's image s is, {@code imageSlot[27 * j + s]}, or -1; null until a pair needs one. */
  private int[] imageSlot;
  private double[] imaged = new double[0];
  private double[] imagedForces = new double[0];
  private double[][] sliceForces;
  private Pairs[] pairs;
  private double potential;
  private volatile boolean cancelled;

  public Simulation(Argon system, Protocol protocol) {
    this.system = system;
    this.protocol = protocol;
    this.n = system.atoms();
    this.box = system.boxLength();
    double cutoff = system.cutoff();
    this.cutoff2 = cutoff * cutoff;
    // A pair's nearest image must stay unique within the list radius (see buildNeighbourList).
    this.skin = Math.min(SKIN, 0.999 * (box / 2 - cutoff));
    this.listRadius2 = (cutoff + skin) * (cutoff + skin);
    for (int c = 0; c < 27; c++) {
      shiftX[c] = (c / 9 - 1) * box;
      shiftY[c] = (c / 3 % 3 - 1) * box;
      shiftZ[c] = (c % 3 - 1) * box;
    }
    this.listStart = new int[n + 1];
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
    double targetKinetic = 0.5 * dof * Argon.KB * target;
    if (kinetic <= 0) {
      // At rest (a 0 K start) rescaling has nothing to scale: the stochastic term alone gives
      // the kinetic energy Bussi's update would, spread over fresh Maxwell-Boltzmann directions.
      if (targetKinetic <= 0) {
        return;
      }
      double r1 = random.nextGaussian();
      double c = Math.exp(-dt / protocol.coupling());
      double next = (1 - c) * targetKinetic * (chiSquared(dof - 1) + r1 * r1) / dof;
      drawVelocities(target);
      double alpha = Math.sqrt(next / kinetic());
      for (int i = 0; i < 3 * n; i++) {
        v[i] *= alpha;
      }
      return;
    }
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
    if (temperature <= 0) {
      java.util.Arrays.fill(v, 0);
      return;
    }
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
    double limit = (skin / 2) * (skin / 2);
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

  /**
   * Lists each pair within cutoff + skin once, under its lower-numbered atom in small boxes
   * and under the atom whose cell comes first otherwise, as the periodic image of j it was
   * found in: j itself, or an image slot (see {@link #imaged}). Until the next rebuild no
   * atom moves more than half the skin, so that image stays the nearest one for every pair
   * that can come within the cutoff, and the force loop needs no minimum-image rounding.
   *
   * <p>Cells are half the list radius wide and searched two deep (a 5x5x5 block), which
   * visits about 2.7 times fewer candidates than cells a whole radius wide; only half that
   * block is searched (each pair once), and a neighbour cell's image follows from whether
   * its index wrapped around the box, so no pair needs a division.
   */
  void buildNeighbourList() {
    System.arraycopy(x, 0, builtAt, 0, 3 * n);
    for (int g = 0; g < images; g++) {
      imageSlot[27 * imageAtom[g] + imageShift[g]] = -1;
    }
    images = 0;
    int reach = 2;
    int cells = (int) Math.floor(box / (Math.sqrt(listRadius2) / reach));
    int count = 0;
    if (cells < 2 * reach + 1) {
      // Too few cells for each offset of the block to be a different cell: all pairs.
      for (int i = 0; i < n; i++) {
        listStart[i] = count;
        for (int j = i + 1; j < n; j++) {
          count = addNearestImage(i, j, count);
        }
      }
      listStart[n] = count;
      return;
    }
    int cellCount = cells * cells * cells;
    int[] cellStart = new int[cellCount + 1];
    int[] cellOf = new int[n];
    for (int i = 0; i < n; i++) {
      cellOf[i] = cellOf(i, cells);
      cellStart[cellOf[i] + 1]++;
    }
    for (int c = 0; c < cellCount; c++) {
      cellStart[c + 1] += cellStart[c];
    }
    int[] members = new int[n];
    int[] slot = new int[n];
    int[] fill = java.util.Arrays.copyOf(cellStart, cellCount);
    for (int i = 0; i < n; i++) {
      slot[i] = fill[cellOf[i]]++;
      members[slot[i]] = i;
    }
    for (int i = 0; i < n; i++) {
      listStart[i] = count;
      int c = cellOf[i];
      int cx = c / (cells * cells);
      int cy = c / cells % cells;
      int cz = c % cells;
      // Half the block, each pair once: i's own cell from the atom after i, then cells
      // after it in lexicographic order. Cells along z are neighbours in members, so each
      // row of the block is one run of atoms (two where it wraps around the box).
      for (int dx = 0; dx <= reach; dx++) {
        for (int dy = dx == 0 ? 0 : -reach; dy <= reach; dy++) {
          int ox = cx + dx;
          int oy = cy + dy;
          // A cell index that wrapped past an edge holds atoms whose near image is one box over.
          int sx = ox >= cells ? -1 : 0;
          int sy = oy < 0 ? 1 : oy >= cells ? -1 : 0;
          int row = ((ox + sx * cells) * cells + oy + sy * cells) * cells;
          int image = (sx + 1) * 9 + (sy + 1) * 3;
          boolean own = dx == 0 && dy == 0;
          int lo = own ? cz : cz - reach;
          int hi = cz + reach;
          if (lo < 0) {
            count = addClose(i, image + 2, members, cellStart[row + lo + cells], cellStart[row + cells], count);
            lo = 0;
          }
          if (hi >= cells) {
            count = addClose(i, image, members, cellStart[row], cellStart[row + hi - cells + 1], count);
            hi = cells - 1;
          }
          count = addClose(i, image + 1, members, own ? slot[i] + 1 : cellStart[row + lo], cellStart[row + hi + 1],
              count);
        }
      }
    }
    listStart[n] = count;
  }

  /**
   * Lists, as i's neighbours in periodic image {@code image}, those of
   * {@code members[from..to)} within cutoff + skin; returns the new count. Every candidate is
   * written and the count moves on only for those close enough, so the loop has no branch
   * for the distance test (about a quarter pass, unpredictably).
   */
  private int addClose(int i, int image, int[] members, int from, int to, int count) {
    if (count + (to - from) > neighbours.length) {
      neighbours = java.util.Arrays.copyOf(neighbours, Math.max(1024, 2 * (count + to - from)));
    }
    int[] list = neighbours;
    double xi = x[3 * i] + shiftX[image];
    double yi = x[3 * i + 1] + shiftY[image];
    double zi = x[3 * i + 2] + shiftZ[image];
    if (image != CENTRE) {
      for (int m = from; m < to; m++) {
        int j = members[m];
        double dx = xi - x[3 * j];
        double dy = yi - x[3 * j + 1];
        double dz = zi - x[3 * j + 2];
        if (dx * dx + dy * dy + dz * dz < listRadius2) {
          list[count++] = slotOf(j, image);
        }
      }
      return count;
    }
    for (int m = from; m < to; m++) {
      int j = members[m];
      double dx = xi - x[3 * j];
      double dy = yi - x[3 * j + 1];
      double dz = zi - x[3 * j + 2];
      list[count] = j;
      count += dx * dx + dy * dy + dz * dz < listRadius2 ? 1 : 0;
    }
    return count;
  }

  private int cellOf(int i, int cells) {
    int cx = Math.min(cells - 1, (int) (x[3 * i] / box * cells));
    int cy = Math.min(cells - 1, (int) (x[3 * i + 1] / box * cells));
    int cz = Math.min(cells - 1, (int) (x[3 * i + 2] / box * cells));
    return (cx * cells + cy) * cells + cz;
  }

  /** Lists j with the image nearest i, found by rounding, for boxes too small for cells. */
  private int addNearestImage(int i, int j, int count) {
    int sx = (int) -Math.rint((x[3 * i] - x[3 * j]) / box);
    int sy = (int) -Math.rint((x[3 * i + 1] - x[3 * j + 1]) / box);
    int sz = (int) -Math.rint((x[3 * i + 2] - x[3 * j + 2]) / box);
    return addIfClose(i, j, (sx + 1) * 9 + (sy + 1) * 3 + (sz + 1), count);
  }

  /** Lists j, in periodic image {@code image}, as i's neighbour if within cutoff + skin; returns the new count. */
  private int addIfClose(int i, int j, int image, int count) {
    double dx = x[3 * i] - x[3 * j] + shiftX[image];
    double dy = x[3 * i + 1] - x[3 * j + 1] + shiftY[image];
    double dz = x[3 * i + 2] - x[3 * j + 2] + shiftZ[image];
    if (dx * dx + dy * dy + dz * dz >= listRadius2) {
      return count;
    }
    if (count == neighbours.length) {
      neighbours = java.util.Arrays.copyOf(neighbours, Math.max(1024, neighbours.length * 2));
    }
    neighbours[count] = slotOf(j, image);
    return count + 1;
  }

  /** Where the list finds atom j in periodic image {@code image}: j itself, or an image slot after the atoms. */
  private int slotOf(int j, int image) {
    if (image == CENTRE) {
      return j;
    }
    if (imageSlot == null) {
      imageSlot = new int[27 * n];
      java.util.Arrays.fill(imageSlot, -1);
    }
    int key = 27 * j + image;
    if (imageSlot[key] < 0) {
      if (images == imageAtom.length) {
        imageAtom = java.util.Arrays.copyOf(imageAtom, Math.max(64, 2 * images));
        imageShift = java.util.Arrays.copyOf(imageShift, imageAtom.length);
      }
      imageAtom[images] = j;
      imageShift[images] = image;
      imageSlot[key] = n + images++;
    }
    return imageSlot[key];
  }

  /**
   * Lennard-Jones forces and the cut-and-shifted potential energy over the neighbour list.
   * Large systems split the atoms into a fixed number of slices, each summed into its own
   * buffer on whatever threads are free, then added in slice order: the result is the same
   * however many cores the job was given.
   */
  void computeForces() {
    int slices = slices();
    int longest = 0;
    for (int i = 0; i < n; i++) {
      longest = Math.max(longest, listStart[i + 1] - listStart[i]);
    }
    if (pairs == null || pairs.length != slices || pairs[0].x.length < longest) {
      pairs = new Pairs[slices];
      for (int s = 0; s < slices; s++) {
        pairs[s] = new Pairs(longest + longest / 4);
      }
    }
    int extended = 3 * (n + images);
    if (imaged.length < extended) {
      imaged = new double[extended + extended / 4];
      imagedForces = new double[imaged.length];
      sliceForces = null;
    }
    System.arraycopy(x, 0, imaged, 0, 3 * n);
    for (int g = 0; g < images; g++) {
      int a = 3 * imageAtom[g];
      int s = imageShift[g];
      imaged[3 * (n + g)] = x[a] - shiftX[s];
      imaged[3 * (n + g) + 1] = x[a + 1] - shiftY[s];
      imaged[3 * (n + g) + 2] = x[a + 2] - shiftZ[s];
    }
    double[] sum = imagedForces;
    if (slices == 1) {
      java.util.Arrays.fill(sum, 0, extended, 0);
      potential = forcesOf(0, n, sum, pairs[0]);
    } else {
      if (sliceForces == null) {
        sliceForces = new double[slices][imaged.length];
      }
      double[] sliceEnergy = new double[slices];
      java.util.stream.IntStream.range(0, slices).parallel().forEach(s -> {
        java.util.Arrays.fill(sliceForces[s], 0, extended, 0);
        sliceEnergy[s] = forcesOf(sliceStart(s, slices), sliceStart(s + 1, slices), sliceForces[s], pairs[s]);
      });
      System.arraycopy(sliceForces[0], 0, sum, 0, extended);
      double energy = sliceEnergy[0];
      for (int s = 1; s < slices; s++) {
        double[] part = sliceForces[s];
        for (int k = 0; k < extended; k++) {
          sum[k] += part[k];
        }
        energy += sliceEnergy[s];
      }
      potential = energy;
    }
    // Each image's force belongs to the atom it images.
    double factor = 24 * Argon.EPSILON;
    for (int k = 0; k < 3 * n; k++) {
      f[k] = sum[k];
    }
    for (int g = 0; g < images; g++) {
      int a = 3 * imageAtom[g];
      f[a] += sum[3 * (n + g)];
      f[a + 1] += sum[3 * (n + g) + 1];
      f[a + 2] += sum[3 * (n + g) + 2];
    }
    for (int k = 0; k < 3 * n; k++) {
      f[k] *= factor;
    }
  }

  /** One slice for small systems, where threads cost more than they save; otherwise a fixed eight. */
  private int slices() {
    return n < PARALLEL_ATOMS ? 1 : 8;
  }

  /** The first atom of slice {@code s}: slices hold about equal numbers of pairs, not of atoms. */
  private int sliceStart(int s, int slices) {
    if (s == slices) {
      return n;
    }
    long target = (long) listStart[n] * s / slices;
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (listStart[mid] < target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Adds the forces between atoms {@code from..to} and their listed neighbours into
   * {@code out} (indexed as {@link #imaged}) and returns their potential energy; 4ε is
   * applied once here, 24ε to the forces by {@link #computeForces}. Each atom's pairs go
   * through three loops: a gather of those inside the cutoff, the arithmetic (which C2
   * compiles to SIMD; it would not with a branch, an indexed load or Math.min in the
   * loop), and a scatter of the forces.
   */
  private double forcesOf(int from, int to, double[] out, Pairs pairs) {
    double s2 = Argon.SIGMA * Argon.SIGMA;
    double energy = 0;
    int within = 0;
    double[] px = pairs.x;
    double[] py = pairs.y;
    double[] pz = pairs.z;
    double[] pe = pairs.energy;
    int[] pj = pairs.atom;
    double[] x = imaged;
    for (int i = from; i < to; i++) {
      double xi = x[3 * i];
      double yi = x[3 * i + 1];
      double zi = x[3 * i + 2];
      // Gather the neighbours within the cutoff into flat arrays: every listed pair is
      // written and the count moves on only for those inside, so there is no branch.
      int inside = 0;
      for (int k = listStart[i], end = listStart[i + 1]; k < end; k++) {
        int j = 3 * neighbours[k];
        double dx = xi - x[j];
        double dy = yi - x[j + 1];
        double dz = zi - x[j + 2];
        px[inside] = dx;
        py[inside] = dy;
        pz[inside] = dz;
        pj[inside] = j;
        inside += dx * dx + dy * dy + dz * dz < cutoff2 ? 1 : 0;
      }
      within += inside;
      // No branch and no indirection here, so C2 compiles this loop to SIMD.
      for (int k = 0; k < inside; k++) {
        double dx = px[k];
        double dy = py[k];
        double dz = pz[k];
        double inverse = 1 / (dx * dx + dy * dy + dz * dz);
        double sr2 = s2 * inverse;
        double sr6 = sr2 * sr2 * sr2;
        double sr12 = sr6 * sr6;
        double scalar = (2 * sr12 - sr6) * inverse;
        pe[k] = sr12 - sr6;
        px[k] = scalar * dx;
        py[k] = scalar * dy;
        pz[k] = scalar * dz;
      }
      double fx = 0;
      double fy = 0;
      double fz = 0;
      for (int k = 0; k < inside; k++) {
        int j = pj[k];
        fx += px[k];
        fy += py[k];
        fz += pz[k];
        out[j] -= px[k];
        out[j + 1] -= py[k];
        out[j + 2] -= pz[k];
        energy += pe[k];
      }
      out[3 * i] += fx;
      out[3 * i + 1] += fy;
      out[3 * i + 2] += fz;
    }
    return 4 * Argon.EPSILON * energy - within * shift;
  }

  /** Per-thread scratch space for one atom's pairs, sized for the longest list. */
  private static final class Pairs {
    final double[] x;
    final double[] y;
    final double[] z;
    final double[] energy;
    final int[] atom;

    Pairs(int capacity) {
      x = new double[capacity];
      y = new double[capacity];
      z = new double[capacity];
      energy = new double[capacity];
      atom = new int[capacity];
    }
  }

  /** Test hook: all-pairs forces by the minimum image, to check the neighbour list misses nothing. */
  double[] bruteForceForces() {
    double[] brute = new double[3 * n];
    double s2 = Argon.SIGMA * Argon.SIGMA;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double dx = image(x[3 * i] - x[3 * j]);
        double dy = image(x[3 * i + 1] - x[3 * j + 1]);
        double dz = image(x[3 * i + 2] - x[3 * j + 2]);
        double r2 = dx * dx + dy * dy + dz * dz;
        if (r2 < cutoff2) {
          double sr6 = Math.pow(s2 / r2, 3);
          double scalar = 24 * Argon.EPSILON * (2 * sr6 * sr6 - sr6) / r2;
          brute[3 * i] += scalar * dx;
          brute[3 * i + 1] += scalar * dy;
          brute[3 * i + 2] += scalar * dz;
          brute[3 * j] -= scalar * dx;
          brute[3 * j + 1] -= scalar * dy;
          brute[3 * j + 2] -= scalar * dz;
        }
      }
    }
    return brute;
  }

  private double image(double d) {
    return d - box * Math.rint(d / box);
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
