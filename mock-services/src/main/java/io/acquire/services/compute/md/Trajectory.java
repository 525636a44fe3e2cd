package io.acquire.services.compute.md;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a run's frames to {@code trajectory.xyz} in extended XYZ (ångström, the box as
 * {@code Lattice}), flushing each whole frame as it is written so whoever tails the file, the
 * job runner and through it a notebook, sees the latest configuration while the job runs.
 * Long runs are thinned ({@link Thinning}) so the file stays within {@link #MAX_POSITIONS}
 * atom lines (about 24 MB) however long the run; the last frame is always written.
 */
final class Trajectory implements Closeable {
  static final String FILE = "trajectory.xyz";
  /** Atom lines the trajectory aims to stay within: 864 atoms at 0.1 ps for 10 ps take 87,264. */
  static final long MAX_POSITIONS = 1_000_000;

  private final BufferedWriter out;
  private final int atoms;
  private final double box;
  private final Thinning thinning;
  private long frames;

  /** @param reports how many records the run gives, from which long runs' thinning is chosen */
  Trajectory(Path file, int atoms, double boxNm, long reports) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.atoms = atoms;
    this.box = boxNm;
    this.thinning = new Thinning(atoms, reports);
  }

  /**
   * Which reports get a frame: every one until half the budget is used (the start of a run,
   * while someone is likely watching), then every {@code stride}th, the stride chosen from the
   * planned number of reports so the rest of the run fits the other half; the last always.
   */
  static final class Thinning {
    private final int atoms;
    private final long stride;
    private long earlyLeft = MAX_POSITIONS / 2;

    /** @param reports how many records the run gives: one at time zero and one per interval */
    Thinning(int atoms, long reports) {
      this.atoms = atoms;
      long fit = Math.max(3, MAX_POSITIONS / 2 / atoms);
      // Frames 0, s, 2s, ... and the last: at most (reports - 1) / s + 2 of them.
      this.stride = reports <= fit ? 1 : (reports - 1 + fit - 3) / (fit - 2);
    }

    long stride() {
      return stride;
    }

    /** Whether report number {@code report} (0 at time zero, counting up by one) gets a frame. */
    boolean keep(long report, boolean last) {
      if (earlyLeft >= atoms) {
        earlyLeft -= atoms;
        return true;
      }
      return last || report % stride == 0;
    }
  }

  long frames() {
    return frames;
  }

  /** Writes the frame of report number {@code report} (0 at time zero) if it is kept. */
  void offer(long report, boolean last, Reading reading, double[] positionsNm) throws IOException {
    if (!thinning.keep(report, last)) {
      return;
    }
    double a = 10 * box;
    StringBuilder frame = new StringBuilder(32 * (atoms + 2));
    frame.append(atoms).append('\n');
    frame.append(String.format(Locale.ROOT, "Lattice=\"%.4f 0 0 0 %.4f 0 0 0 %.4f\" Properties=species:S:1:pos:R:3 "
        + "pbc=\"T T T\" Time=%.4f Step=%d Frame=%d Temperature=%.3f%n", a, a, a, reading.time(), reading.step(),
        frames, reading.temperature()));
    for (int i = 0; i < atoms; i++) {
      // Wrapped into the box: the dynamics wraps only when it rebuilds its lists.
      frame.append("Ar");
      for (int d = 0; d < 3; d++) {
        double x = positionsNm[3 * i + d];
        appendMilli(frame.append(' '), Math.round(10_000 * (x - box * Math.floor(x / box))));
      }
      frame.append('\n');
    }
    out.write(frame.toString());
    out.flush();
    frames++;
  }

  /** {@code milli} thousandths as a decimal with three places; String.format per coordinate costs a tenth of the run. */
  private static void appendMilli(StringBuilder to, long milli) {
    long whole = milli / 1000;
    long fraction = milli % 1000;
    to.append(whole).append('.');
    if (fraction < 100) {
      to.append(fraction < 10 ? "00" : "0");
    }
    to.append(fraction);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
