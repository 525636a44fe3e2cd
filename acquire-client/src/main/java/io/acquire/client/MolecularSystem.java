package io.acquire.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration of a simulated system: its atoms' elements and positions, the periodic
 * box, and which frame of the run it is. Read from a job with {@code job.view().system()}
 * ({@link View}), or from XYZ text with {@link #readXyz}. Lengths are in ångström, as XYZ
 * files and molecular viewers have them. Immutable.
 *
 * <pre>{@code
 * MolecularSystem system = job.view().system();   // the latest frame
 * system.atomCount();                             // 864
 * system.box();                                   // [34.7, 34.7, 34.7]
 * system.time();                                  // Optional[10.0 ps]
 * }</pre>
 */
public final class MolecularSystem {
  private static final Pattern LATTICE = Pattern.compile("Lattice=\"([^\"]*)\"");
  private static final Pattern TIME = Pattern.compile("(?:^|\\s)Time=([-+0-9.eE]+)");
  private static final Pattern FRAME = Pattern.compile("(?:^|\\s)Frame=(\\d+)");

  private final String[] elements;
  private final double[] positions;
  private final double[] box;
  private final int frame;
  private final SimulationTime time;

  private MolecularSystem(String[] elements, double[] positions, double[] box, int frame, SimulationTime time) {
    this.elements = elements;
    this.positions = positions;
    this.box = box;
    this.frame = frame;
    this.time = time;
  }

  /** How many atoms the system has. */
  public int atomCount() {
    return elements.length;
  }

  /** The chemical element (symbol, such as {@code "Ar"}) of atom {@code atom}, counted from 0. */
  public String element(int atom) {
    return elements[atom];
  }

  /** The positions in ångström, three per atom: x₀, y₀, z₀, x₁, … (a copy). */
  public double[] positions() {
    return positions.clone();
  }

  /**
   * The periodic box's edge lengths a, b and c in ångström, or an empty array when the frame
   * names no box. Boxes are taken as orthorhombic: a triclinic cell gives its vectors' lengths.
   */
  public double[] box() {
    return box.clone();
  }

  /** The frame's index in its run's trajectory, from 0 at the start. */
  public int frame() {
    return frame;
  }

  /** The simulated time of the frame, when the trajectory records it. */
  public Optional<SimulationTime> time() {
    return Optional.ofNullable(time);
  }

  /** This frame as extended XYZ, which molecular viewers (3Dmol.js, VMD, OVITO, ASE) read. */
  public String toXyz() {
    StringBuilder xyz = new StringBuilder(32 * (elements.length + 2)).append(elements.length).append('\n');
    if (box.length == 3) {
      xyz.append(String.format(Locale.ROOT, "Lattice=\"%s 0 0 0 %s 0 0 0 %s\" pbc=\"T T T\" ", box[0], box[1], box[2]));
    }
    xyz.append("Properties=species:S:1:pos:R:3");
    if (time != null) {
      xyz.append(" Time=").append(time.picoseconds());
    }
    xyz.append(" Frame=").append(frame).append('\n');
    for (int i = 0; i < elements.length; i++) {
      xyz.append(elements[i]).append(' ').append(positions[3 * i]).append(' ').append(positions[3 * i + 1])
          .append(' ').append(positions[3 * i + 2]).append('\n');
    }
    return xyz.toString();
  }

  /**
   * Every frame of XYZ or extended XYZ text (as a job's {@code trajectory.xyz} or {@code
   * final.xyz}), in order. The comment line's {@code Lattice="…"}, {@code Time=} (ps) and
   * {@code Frame=} are read when present; frames without {@code Frame=} are numbered by
   * position.
   *
   * @throws IllegalArgumentException if the text is not XYZ, naming the line; an incomplete
   *     last frame is an error here (a running job's is not: {@link View} waits for the rest)
   */
  public static List<MolecularSystem> readXyz(String text) {
    Objects.requireNonNull(text, "text == null");
    List<MolecularSystem> frames = new ArrayList<>();
    String normalised = text.endsWith("\n") || text.isEmpty() ? text : text + "\n";
    int used = parse(normalised, frames);
    if (!normalised.substring(used).isBlank()) {
      throw new IllegalArgumentException("The XYZ text ends in an incomplete frame after frame " + frames.size()
          + ": a frame is an atom count, a comment line and that many atom lines.");
    }
    return frames;
  }

  /**
   * Parses the complete frames at the start of {@code text} into {@code into} (numbering those
   * without {@code Frame=} from {@code into.size()}) and returns how many characters they took;
   * what follows is an incomplete frame or nothing. Line numbers in errors count from the
   * start of {@code text}.
   */
  static int parse(CharSequence text, List<MolecularSystem> into) {
    int at = 0;
    int line = 0;
    while (true) {
      int countEnd = indexOf(text, '\n', at);
      if (countEnd < 0) {
        return at;
      }
      String countLine = text.subSequence(at, countEnd).toString().strip();
      if (countLine.isEmpty()) {
        at = countEnd + 1; // blank lines between frames
        line++;
        continue;
      }
      int count;
      try {
        count = Integer.parseInt(countLine);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("XYZ line " + (line + 1) + " should be an atom count, not '"
            + abbreviate(countLine) + "'.");
      }
      if (count < 0) {
        throw new IllegalArgumentException("XYZ line " + (line + 1) + " gives a negative atom count: " + count + ".");
      }
      int commentEnd = indexOf(text, '\n', countEnd + 1);
      if (commentEnd < 0) {
        return at;
      }
      int end = commentEnd;
      int[] starts = new int[count];
      for (int i = 0; i < count; i++) {
        starts[i] = end + 1;
        end = indexOf(text, '\n', end + 1);
        if (end < 0) {
          return at;
        }
      }
      String comment = text.subSequence(countEnd + 1, commentEnd).toString();
      String[] elements = new String[count];
      double[] positions = new double[3 * count];
      for (int i = 0; i < count; i++) {
        int lineEnd = i + 1 < count ? starts[i + 1] - 1 : end;
        String[] fields = text.subSequence(starts[i], lineEnd).toString().strip().split("\\s+");
        int number = line + 3 + i;
        if (fields.length < 4) {
          throw new IllegalArgumentException("XYZ line " + number + " should be an element and three coordinates.");
        }
        elements[i] = fields[0].intern();
        try {
          for (int d = 0; d < 3; d++) {
            positions[3 * i + d] = Double.parseDouble(fields[1 + d]);
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("XYZ line " + number + " has a coordinate that is not a number.");
        }
      }
      into.add(new MolecularSystem(elements, positions, box(comment), frame(comment, into.size()), time(comment)));
      at = end + 1;
      line += count + 2;
    }
  }

  private static double[] box(String comment) {
    Matcher lattice = LATTICE.matcher(comment);
    if (!lattice.find()) {
      return new double[0];
    }
    String[] numbers = lattice.group(1).strip().split("\\s+");
    if (numbers.length != 9) {
      return new double[0];
    }
    double[] lengths = new double[3];
    try {
      for (int v = 0; v < 3; v++) {
        double x = Double.parseDouble(numbers[3 * v]);
        double y = Double.parseDouble(numbers[3 * v + 1]);
        double z = Double.parseDouble(numbers[3 * v + 2]);
        lengths[v] = Math.sqrt(x * x + y * y + z * z);
      }
    } catch (NumberFormatException e) {
      return new double[0];
    }
    return lengths;
  }

  private static int frame(String comment, int byPosition) {
    Matcher frame = FRAME.matcher(comment);
    if (frame.find()) {
      try {
        return Integer.parseInt(frame.group(1));
      } catch (NumberFormatException e) {
        return byPosition;
      }
    }
    return byPosition;
  }

  private static SimulationTime time(String comment) {
    Matcher time = TIME.matcher(comment);
    if (!time.find()) {
      return null;
    }
    try {
      double ps = Double.parseDouble(time.group(1));
      return ps >= 0 && Double.isFinite(ps) ? SimulationTime.picoseconds(ps) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static int indexOf(CharSequence text, char c, int from) {
    if (text instanceof String s) {
      return s.indexOf(c, from);
    }
    for (int i = from; i < text.length(); i++) {
      if (text.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }

  @Override
  public String toString() {
    return "MolecularSystem[" + elements.length + " atoms, frame " + frame + (time == null ? "" : ", " + time)
        + (box.length == 3 ? String.format(Locale.ROOT, ", box %.2f × %.2f × %.2f Å", box[0], box[1], box[2]) : "")
        + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MolecularSystem that && frame == that.frame && Arrays.equals(elements, that.elements)
        && Arrays.equals(positions, that.positions) && Arrays.equals(box, that.box)
        && Objects.equals(time, that.time);
  }

  @Override
  public int hashCode() {
    return Objects.hash(frame, Arrays.hashCode(positions), time);
  }
}
