package io.acquire.notebook;

import io.acquire.client.Job;
import io.acquire.client.TimeSeries;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Plots for notebook cells, imported into every cell of the Acquire kernel:
 *
 * <pre>{@code
 * plot(job.getTemperature())                                  // a chart of what the job has recorded so far
 * plot(job.getTime(), job.getTemperature().values())          // the talk's plot(time, temperature)
 * live(job, Job::getTemperature, Job::getTotalEnergy)        // redrawn in place until the job ends
 * }</pre>
 *
 * <p>Several series share the time axis, each in its own panel with its own unit.
 */
public final class Plots {
  private static final Color[] COLOURS = {new Color(0xC0392B), new Color(0x2471A3), new Color(0x1E8449),
      new Color(0x7D3C98)};

  private Plots() {}

  /** A chart of one or more time series, stacked on a shared time axis. */
  public static JFreeChart plot(TimeSeries... series) {
    if (series.length == 0) {
      throw new IllegalArgumentException("Give at least one series, such as job.getTemperature().");
    }
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(timeAxis("Time (ps)"));
    plot.setGap(12);
    for (int i = 0; i < series.length; i++) {
      TimeSeries s = Objects.requireNonNull(series[i], "series == null");
      plot.add(panel(s.label(), s.times(), s.values(), COLOURS[i % COLOURS.length]));
    }
    return new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
  }

  /** A line through the points {@code (x[i], y[i])}. */
  public static JFreeChart plot(List<? extends Number> x, List<? extends Number> y) {
    if (x.size() != y.size()) {
      throw new IllegalArgumentException("x has " + x.size() + " values but y has " + y.size()
          + "; plot a TimeSeries instead, which keeps its own times.");
    }
    XYPlot panel = panel("y", x, y, COLOURS[0]);
    panel.setDomainAxis(timeAxis("x"));
    return new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, panel, false);
  }

  /**
   * Shows a plot of the job's series now and redraws it in place as records arrive, until
   * the job ends. Returns at once; call {@link LivePlot#await} to block until the end.
   */
  @SafeVarargs
  public static LivePlot live(Job job, Function<Job, TimeSeries>... series) {
    List<Function<Job, TimeSeries>> named = new java.util.ArrayList<>();
    for (Function<Job, TimeSeries> s : series) {
      named.add(Objects.requireNonNull(s, "series == null"));
    }
    return LivePlot.show(job, named);
  }

  /** An x axis that ends where the data ends: JFreeChart's default margins run it past the last point. */
  private static NumberAxis timeAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setLowerMargin(0);
    axis.setUpperMargin(0);
    return axis;
  }

  private static XYPlot panel(String label, List<? extends Number> x, List<? extends Number> y, Color colour) {
    XYSeries data = new XYSeries(label, false, true);
    for (int i = 0; i < x.size(); i++) {
      data.add(x.get(i), y.get(i), false);
    }
    NumberAxis range = new NumberAxis(label);
    range.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
    line.setSeriesPaint(0, colour);
    line.setSeriesStroke(0, new BasicStroke(2f));
    XYPlot panel = new XYPlot(new XYSeriesCollection(data), null, range, line);
    panel.setBackgroundPaint(Color.WHITE);
    panel.setDomainGridlinePaint(Color.LIGHT_GRAY);
    panel.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return panel;
  }
}
