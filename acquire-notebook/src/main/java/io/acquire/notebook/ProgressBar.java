package io.acquire.notebook;

import io.acquire.client.Drive;

/**
 * A progress bar in the notebook for a transfer, updated in place as bytes move:
 *
 * <pre>{@code
 * inputs.upload(Path.of("big.dat"), "data/big.dat", ProgressBar.show("Uploading big.dat"));
 * }</pre>
 *
 * <p>Redraws at most every 200 ms (and at the end), so a fast transfer does not flood
 * the notebook with updates.
 */
public final class ProgressBar implements Drive.Progress {
  private static final long REDRAW_NANOS = 200_000_000L;

  private final String label;
  private volatile String displayId;
  private volatile long done;
  private volatile long total = -1;
  private long lastRedraw;

  /** A bar not shown yet. */
  ProgressBar(String label) {
    this.label = label;
  }

  /** Shows an empty bar labelled {@code label} in the running cell. */
  public static ProgressBar show(String label) {
    ProgressBar bar = new ProgressBar(label);
    bar.displayId = Display.display(bar);
    return bar;
  }

  @Override
  public synchronized void update(long done, long total) {
    this.done = done;
    this.total = total;
    long now = System.nanoTime();
    if (displayId != null && (done >= total || now - lastRedraw >= REDRAW_NANOS)) {
      lastRedraw = now;
      Display.updateDisplay(displayId, this);
    }
  }

  public String label() {
    return label;
  }

  public long done() {
    return done;
  }

  /** Bytes in all, or -1 before the transfer has said. */
  public long total() {
    return total;
  }

  /** Whole percent done, 0 before the transfer starts; 100 for an empty file once it is done. */
  public int percent() {
    long t = total;
    if (t < 0) {
      return 0;
    }
    return t == 0 ? 100 : (int) Math.min(100, done * 100 / t);
  }

  @Override
  public String toString() {
    // Before the transfer has reported its size, "0% (0 B)" would read as an empty file.
    return total < 0 ? label + ": starting…" : label + ": " + percent() + "% (" + human(done) + " of " + human(total) + ")";
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
