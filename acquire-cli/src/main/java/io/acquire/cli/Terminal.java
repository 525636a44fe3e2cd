package io.acquire.cli;

import java.util.Map;

/** What the command may assume about where its output goes. */
final class Terminal {
  private Terminal() {}

  /**
   * True when a person is looking: standard input and output are a terminal (Java 17 gives a
   * console only then), and it is not a dumb one.
   */
  static boolean interactive() {
    return System.console() != null && !"dumb".equals(System.getenv("TERM"));
  }

  /** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
  static boolean colours() {
    Map<String, String> env = System.getenv();
    return interactive() && (env.get("NO_COLOR") == null || env.get("NO_COLOR").isEmpty());
  }
}
