package io.acquire.cli;

import io.acquire.client.Drive;
import java.io.PrintStream;

/**
 * A transfer's progress on one stderr line, redrawn in place with a carriage return at most
 * ten times a second: percentage, bar, bytes and rate. Written here rather than taken from a
 * library: it is one line of text, and a terminal library (progressbar brings JLine) would
 * add its start-up to every command.
 */
final class ProgressBar implements Drive.Progress {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream err;
  private final String label;
  private final long started = System.nanoTime();
  private long lastDrawn;
  private long done;
  private long total;
  private boolean drawn;

  ProgressBar(PrintStream err, String label) {
    this.err = err;
    this.label = label;
  }

  @Override
  public synchronized void update(long done, long total) {
    this.done = done;
    this.total = total;
    long now = System.nanoTime();
    if (!drawn || now - lastDrawn >= REDRAW_NANOS || done == total) {
      lastDrawn = now;
      draw();
    }
  }

  /** Draws the final state and ends the line. */
  synchronized void finish() {
    if (drawn) {
      draw();
      err.println();
    }
  }

  private void draw() {
    drawn = true;
    double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    err.print("\r" + label + " " + String.format("%3d%%", (int) Math.floor(fraction * 100)) + " ["
        + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + bytes(done) + " / " + bytes(Math.max(total, 0))
        + "  " + bytes((long) (done / seconds)) + "/s");
    err.flush();
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = n;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format("%.1f %s", value, units[unit]);
  }
}
