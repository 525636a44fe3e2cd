package io.acquire.cli;

import io.acquire.client.internal.QrCodes;
import java.util.ArrayList;
import java.util.List;

/**
 * A QR code drawn with Unicode half-blocks, two rows of modules per line of text, so it keeps
 * its square shape in a terminal and a phone camera reads it from the screen.
 *
 * <p>A character's glyph stands for a light module and its background for a dark one, as in
 * {@code qrencode -t UTF8}: right on the usual light-on-dark terminal. On a terminal the lines
 * also set white-on-black colours, so a light-themed terminal shows it the right way round too.
 */
final class QrTerminal {
  /** Quiet zone in modules: the standard asks for 4, which scanners need less on a screen. */
  static final int MARGIN = 2;

  private QrTerminal() {}

  static List<String> lines(String text, boolean colours) {
    boolean[][] dark = QrCodes.modules(text, MARGIN);
    List<String> lines = new ArrayList<>();
    for (int y = 0; y < dark.length; y += 2) {
      StringBuilder line = new StringBuilder(colours ? "\u001b[97;40m" : "");
      for (int x = 0; x < dark[y].length; x++) {
        boolean topLight = !dark[y][x];
        boolean bottomLight = y + 1 >= dark.length || !dark[y + 1][x];
        line.append(topLight ? bottomLight ? '█' : '▀' : bottomLight ? '▄' : ' ');
      }
      lines.add(line.append(colours ? "\u001b[0m" : "").toString());
    }
    return lines;
  }
}
