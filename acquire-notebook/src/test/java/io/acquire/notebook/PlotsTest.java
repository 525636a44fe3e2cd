package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.TimeSeries;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;

class PlotsTest {
  private final TimeSeries temperature = new TimeSeries("Temperature", "K", List.of(0.0, 0.1, 0.2),
      List.of(60.0, 61.5, 63.0));
  private final TimeSeries energy = new TimeSeries("Total energy", "kJ/mol", List.of(0.0, 0.1, 0.2),
      List.of(-4500.0, -4490.0, -4470.0));

  @Test
  void seriesShareOneTimeAxisEachInItsOwnPanelWithItsUnit() {
    JFreeChart chart = Plots.plot(temperature, energy);
    CombinedDomainXYPlot plot = (CombinedDomainXYPlot) chart.getPlot();
    assertEquals("Time (ps)", plot.getDomainAxis().getLabel());
    List<XYPlot> panels = plot.getSubplots();
    assertEquals(List.of("Temperature (K)", "Total energy (kJ/mol)"),
        panels.stream().map(p -> p.getRangeAxis().getLabel()).toList());
    assertEquals(3, panels.get(0).getDataset().getItemCount(0));
    assertEquals(63.0, panels.get(0).getDataset().getYValue(0, 2));
    BufferedImage image = chart.createBufferedImage(Renderers.CHART_WIDTH, Renderers.CHART_HEIGHT);
    assertTrue(Renderers.png(image).length > 1000, "renders to a real PNG");
    assertEquals(0.0, plot.getDomainAxis().getRange().getLowerBound(), 1e-9);
    assertEquals(0.2, plot.getDomainAxis().getRange().getUpperBound(), 1e-9, "the time axis ends with the data");
  }

  @Test
  void xAgainstYNeedsAsManyOfEach() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Plots.plot(List.of(0.0, 0.1), List.of(60.0)));
    assertTrue(e.getMessage().contains("x has 2 values but y has 1"), e.getMessage());
    assertEquals(2, ((XYPlot) Plots.plot(List.of(0, 1), List.of(5, 7)).getPlot()).getDataset().getItemCount(0));
    assertThrows(IllegalArgumentException.class, Plots::plot);
  }

  @Test
  void aTimeSeriesRefusesMismatchedTimesAndValues() {
    assertThrows(IllegalArgumentException.class, () -> new TimeSeries("T", "K", List.of(0.0), List.of()));
    assertEquals("TimeSeries[Temperature (K), 3 values, last 63.0]", temperature.toString());
  }
}
