package io.acquire.services.compute.gromacs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The final configuration (mdrun's {@code md.gro}) as a one-frame {@code trajectory.xyz} in the
 * MD workload's extended XYZ, so a GROMACS job's 3D view shows how it ended. Frames while it
 * runs would need mdrun to write a trajectory and {@code gmx trjconv} to convert it as it
 * grows; this costs nothing extra.
 */
final class FinalFrame {
  private FinalFrame() {}

  /** Writes {@code gro}'s atoms (nm, fixed columns) to {@code xyz} in ångström, with its box and {@code timePs}. */
  static void write(Path gro, Path xyz, double timePs, long step) throws IOException {
    List<String> lines = Files.readAllLines(gro, StandardCharsets.UTF_8);
    int atoms = Integer.parseInt(lines.get(1).strip());
    String[] box = lines.get(2 + atoms).strip().split("\\s+");
    double a = 10 * Double.parseDouble(box[0]);
    double b = 10 * Double.parseDouble(box[1]);
    double c = 10 * Double.parseDouble(box[2]);
    StringBuilder out = new StringBuilder(32 * (atoms + 2)).append(atoms).append('\n');
    out.append(String.format(Locale.ROOT, "Lattice=\"%.3f 0 0 0 %.3f 0 0 0 %.3f\" Properties=species:S:1:pos:R:3 "
        + "pbc=\"T T T\" Time=%.4f Step=%d Frame=0%n", a, b, c, timePs, step));
    for (int i = 0; i < atoms; i++) {
      String line = lines.get(2 + i);
      out.append(element(line.substring(10, 15).strip()));
      for (int d = 0; d < 3; d++) {
        double nm = Double.parseDouble(line.substring(20 + 8 * d, 28 + 8 * d).strip());
        out.append(String.format(Locale.ROOT, " %.2f", 10 * nm));
      }
      out.append('\n');
    }
    Files.writeString(xyz, out, StandardCharsets.UTF_8);
  }

  /** The element of a GROMACS atom name: AR is argon; otherwise its first letter (OW, HW1, HW2: O, H). */
  static String element(String atomName) {
    String upper = atomName.toUpperCase(Locale.ROOT);
    if (upper.startsWith("AR")) {
      return "Ar";
    }
    return upper.isEmpty() ? "X" : upper.substring(0, 1);
  }
}
