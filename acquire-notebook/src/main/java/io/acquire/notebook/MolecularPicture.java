package io.acquire.notebook;

import io.acquire.client.MolecularSystem;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * A still picture of a molecular system for where no script runs (nbconvert to PDF or
 * Markdown, untrusted notebooks, GitHub's viewer): an orthographic view from above one corner,
 * atoms as shaded spheres painted back to front, and the periodic box's outline.
 */
final class MolecularPicture {
  static final int WIDTH = 480;
  static final int HEIGHT = 360;
  /** Turned about the vertical axis, then tipped towards the viewer, so the box reads as a box. */
  private static final double YAW = Math.toRadians(30);
  private static final double PITCH = Math.toRadians(22);
  /** Jmol's colours, which most viewers (3Dmol.js among them) share. */
  static final Map<String, Color> COLOURS = Map.of("Ar", new Color(0x80D1E3), "O", new Color(0xFF0D0D),
      "H", new Color(0xDDDDDD), "C", new Color(0x909090), "N", new Color(0x3050F8), "Na", new Color(0xAB5CF2),
      "Cl", new Color(0x1FF01F), "S", new Color(0xFFFF30));
  private static final Color OTHER = new Color(0xFF1493);
  /** Drawn radius, Å: about half argon's σ, so neighbours touch without hiding each other. */
  private static final double RADIUS = 1.6;
  private static final int SHADES = 5;
  /** Few depth levels and flat bands keep the colours few, so the PNG (sent twice per view) stays small. */
  private static final int DEPTHS = 6;

  private MolecularPicture() {}

  static BufferedImage draw(MolecularSystem system, String caption) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      // Without antialiasing the spheres' edges add no in-between colours: a third of the bytes.
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
      paint(g, system);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(new Color(0x333333));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawString(caption, 8, HEIGHT - 8);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void paint(Graphics2D g, MolecularSystem system) {
    double[] p = system.positions();
    double[] box = system.box();
    int n = system.atomCount();
    double[] centre = new double[3];
    double[][] corners;
    if (box.length == 3) {
      centre = new double[] {box[0] / 2, box[1] / 2, box[2] / 2};
      corners = new double[8][];
      for (int c = 0; c < 8; c++) {
        corners[c] = new double[] {(c & 1) * box[0], (c >> 1 & 1) * box[1], (c >> 2 & 1) * box[2]};
      }
    } else {
      double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
      double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
      for (int i = 0; i < 3 * n; i++) {
        min[i % 3] = Math.min(min[i % 3], p[i]);
        max[i % 3] = Math.max(max[i % 3], p[i]);
      }
      for (int d = 0; d < 3 && n > 0; d++) {
        centre[d] = (min[d] + max[d]) / 2;
      }
      corners = n == 0 ? new double[0][] : new double[][] {min, max};
    }
    // Rotated coordinates: x right, y up, z towards the viewer.
    double[][] rotated = new double[n][];
    for (int i = 0; i < n; i++) {
      rotated[i] = rotate(p[3 * i] - centre[0], p[3 * i + 1] - centre[1], p[3 * i + 2] - centre[2]);
    }
    double extent = RADIUS;
    for (double[] corner : corners) {
      double[] r = rotate(corner[0] - centre[0], corner[1] - centre[1], corner[2] - centre[2]);
      extent = Math.max(extent, Math.max(Math.abs(r[0]) * HEIGHT / WIDTH, Math.abs(r[1])));
    }
    if (box.length != 3) {
      for (double[] r : rotated) {
        extent = Math.max(extent, Math.max(Math.abs(r[0]) * HEIGHT / WIDTH, Math.abs(r[1])) + RADIUS);
      }
    }
    double scale = (HEIGHT / 2.0 - 22) / extent;
    double cx = WIDTH / 2.0;
    double cy = HEIGHT / 2.0 - 6;
    if (box.length == 3) {
      drawBox(g, corners, centre, scale, cx, cy);
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> rotated[i][2]));
    double radius = RADIUS * scale;
    for (int i : order) {
      double x = cx + rotated[i][0] * scale;
      double y = cy - rotated[i][1] * scale;
      Color base = COLOURS.getOrDefault(system.element(i), OTHER);
      // Farther atoms a little darker: depth cueing, since an orthographic view has no perspective to show it.
      double depth = extent == 0 ? 0.5 : Math.max(0, Math.min(1, (rotated[i][2] / extent + 1) / 2));
      depth = Math.round(depth * DEPTHS) / (double) DEPTHS;
      Color shaded = mix(base, Color.BLACK, 0.45 * (1 - depth));
      // Shaded in a few flat bands towards a highlight up and to the left: a smooth gradient
      // looks much the same but makes the PNG, sent twice per view, several times larger.
      for (int band = 0; band < SHADES; band++) {
        double t = (double) band / SHADES;
        double r = radius * (1 - 0.75 * t);
        double shift = radius * 0.35 * t;
        g.setColor(band == 0 ? mix(shaded, Color.BLACK, 0.35) : mix(shaded, Color.WHITE, 0.6 * t * t));
        g.fill(new Ellipse2D.Double(x - shift - r, y - shift - r, 2 * r, 2 * r));
      }
    }
  }

  private static void drawBox(Graphics2D g, double[][] corners, double[] centre, double scale, double cx, double cy) {
    g.setColor(new Color(0x888888));
    g.setStroke(new BasicStroke(1.2f));
    for (int a = 0; a < 8; a++) {
      for (int bit = 1; bit < 8; bit <<= 1) {
        int b = a | bit;
        if (b == a) {
          continue;
        }
        double[] ra = rotate(corners[a][0] - centre[0], corners[a][1] - centre[1], corners[a][2] - centre[2]);
        double[] rb = rotate(corners[b][0] - centre[0], corners[b][1] - centre[1], corners[b][2] - centre[2]);
        g.draw(new Line2D.Double(cx + ra[0] * scale, cy - ra[1] * scale, cx + rb[0] * scale, cy - rb[1] * scale));
      }
    }
  }

  private static double[] rotate(double x, double y, double z) {
    double x1 = x * Math.cos(YAW) + z * Math.sin(YAW);
    double z1 = -x * Math.sin(YAW) + z * Math.cos(YAW);
    double y2 = y * Math.cos(PITCH) - z1 * Math.sin(PITCH);
    double z2 = y * Math.sin(PITCH) + z1 * Math.cos(PITCH);
    return new double[] {x1, y2, z2};
  }

  private static Color mix(Color a, Color b, double t) {
    return new Color((int) Math.round(a.getRed() * (1 - t) + b.getRed() * t),
        (int) Math.round(a.getGreen() * (1 - t) + b.getGreen() * t),
        (int) Math.round(a.getBlue() * (1 - t) + b.getBlue() * t));
  }

  /** What the picture shows, in a line: atoms, frame, time and box. */
  static String caption(MolecularSystem system) {
    double[] box = system.box();
    return String.format(Locale.ROOT, "%,d atoms, frame %d%s%s", system.atomCount(), system.frame(),
        system.time().map(t -> String.format(Locale.ROOT, ", %.2f ps", t.picoseconds())).orElse(""),
        box.length == 3 ? String.format(Locale.ROOT, ", box %.1f × %.1f × %.1f Å", box[0], box[1], box[2]) : "");
  }
}
