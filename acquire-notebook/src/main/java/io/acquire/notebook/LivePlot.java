package io.acquire.notebook;

import io.acquire.client.AcquireException;
import io.acquire.client.Job;
import io.acquire.client.JobStatus;
import io.acquire.client.TimeSeries;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.title.TextTitle;

/**
 * A plot of a running job that redraws itself in place (one notebook output, updated with
 * {@code update_display_data}) whenever new records arrive, and stops once the job has
 * ended and its last records are drawn. Made by {@link Plots#live}.
 */
public final class LivePlot {
  /** The longest between looks at the job's status when no records arrive. */
  private static final Duration INTERVAL = Duration.ofMillis(500);
  /** The shortest between redraws: records may arrive 20 times a second, and each frame is a rendered PNG. */
  private static final Duration MIN_FRAME = Duration.ofMillis(100);

  private final Job job;
  private final List<Function<Job, TimeSeries>> series;
  private final String displayId;
  private final ExecutorService updater;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile JFreeChart chart;
  private volatile int frames;
  private volatile String lastError;
  private int drawnRecords = -1;
  private JobStatus drawnStatus;

  private LivePlot(Job job, List<Function<Job, TimeSeries>> series) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("Name at least one series, such as Job::getTemperature.");
    }
    this.job = job;
    this.series = List.copyOf(series);
    this.chart = draw(job.lastKnownStatus());
    this.displayId = Display.display(chart);
    this.updater = Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "acquire-live-plot-" + job.id());
      thread.setDaemon(true);
      return thread;
    });
    updater.execute(this::follow);
  }

  /** Redraws as soon as new records arrive (the job pushes them), and at least every INTERVAL for the status. */
  private void follow() {
    while (isLive()) {
      long drawn = System.nanoTime();
      update();
      if (!isLive()) {
        return;
      }
      try {
        job.awaitRecords(Math.max(0, drawnRecords), INTERVAL);
        long left = MIN_FRAME.toNanos() - (System.nanoTime() - drawn);
        if (left > 0) {
          TimeUnit.NANOSECONDS.sleep(left);
        }
      } catch (InterruptedException e) {
        return; // stopped
      } catch (AcquireException e) {
        lastError = e.getMessage();
        try {
          Thread.sleep(INTERVAL.toMillis());
        } catch (InterruptedException stopped) {
          return;
        }
      }
    }
  }

  static LivePlot show(Job job, List<Function<Job, TimeSeries>> series) {
    return new LivePlot(job, series);
  }

  /** Blocks until the job has ended and the plot shows its last records (or the timeout passes). */
  public LivePlot await(Duration timeout) throws InterruptedException {
    ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Stops redrawing; the output keeps its last picture. */
  public void stop() {
    updater.shutdownNow();
    ended.countDown();
  }

  public boolean isLive() {
    return ended.getCount() > 0;
  }

  /** The chart as last drawn. */
  public JFreeChart chart() {
    return chart;
  }

  /** How many times the output has been redrawn. */
  public int frames() {
    return frames;
  }

  private void update() {
    try {
      JobStatus status = job.status();
      JFreeChart next = draw(status);
      int records = series.get(0).apply(job).size();
      if (records != drawnRecords || status != drawnStatus) {
        drawnRecords = records;
        drawnStatus = status;
        chart = next;
        Display.updateDisplay(displayId, next);
        frames++;
      } else if (status.isFinal()) {
        stop(); // ended on an earlier tick and nothing new since: the last records are drawn
      }
      lastError = null;
    } catch (AcquireException e) {
      lastError = e.getMessage(); // a passing network failure: try again on the next tick
    }
  }

  private JFreeChart draw(JobStatus status) {
    TimeSeries[] data = series.stream().map(s -> s.apply(job)).toArray(TimeSeries[]::new);
    JFreeChart drawn = Plots.plot(data);
    String records = data[0].size() + " records";
    String cost = job.cost().map(c -> ", cost " + c + " of " + job.price() + " quoted").orElse("");
    // A short title and the details beneath it: one long line wrapped in a 720-pixel chart.
    drawn.setTitle(new TextTitle(job.workload() + ": " + status.name().toLowerCase(java.util.Locale.ROOT)
        .replace('_', ' ') + ", " + records, JFreeChart.DEFAULT_TITLE_FONT.deriveFont(14f)));
    drawn.addSubtitle(new TextTitle("job " + job.id() + cost, JFreeChart.DEFAULT_TITLE_FONT.deriveFont(11f)));
    return drawn;
  }

  @Override
  public String toString() {
    return "LivePlot[" + job.id() + (isLive() ? ", live" : ", ended") + ", " + frames + " frames"
        + (lastError == null ? "" : ", last error: " + lastError) + "]";
  }
}
