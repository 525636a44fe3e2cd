package io.acquire.notebook.internal;

import java.util.List;

/**
 * A cell that did not compile or threw: its message and the lines to show, already
 * formatted for a person (the failing line, the message, the user's frames first).
 */
public final class CellError extends Exception {
  private final String name;
  private final List<String> lines;

  CellError(String name, String message, List<String> lines) {
    super(message, null, false, false);
    this.name = name;
    this.lines = List.copyOf(lines);
  }

  /** What kind of error: {@code CompilationError} or the thrown exception's class name. */
  public String name() {
    return name;
  }

  public List<String> lines() {
    return lines;
  }
}
