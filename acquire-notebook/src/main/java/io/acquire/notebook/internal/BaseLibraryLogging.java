package io.acquire.notebook.internal;

import io.github.spencerpark.jupyter.channels.HeartbeatChannel;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Keeps the base kernel library's INFO lines (a "Handling message" per request, a few per
 * socket loop) out of the terminal Jupyter runs in. The library (2.3.0) does not log under
 * its package name: its sockets log as {@code ShellChannel}, {@code ControlChannel},
 * {@code HeartbeatChannel}, {@code IOPubChannel}, {@code StdinChannel} and {@code Jupyter},
 * and each socket loop as {@code Loop-<thread>} ({@code Loop-Shell-0}, {@code Loop-Heartbeat-0}),
 * numbered by a counter in its channel class. Warnings and errors still show.
 */
public final class BaseLibraryLogging {
  static final List<String> SOCKET_LOGGERS = List.of(
      "ShellChannel", "ControlChannel", "HeartbeatChannel", "IOPubChannel", "StdinChannel", "Jupyter");

  /** Held: JUL keeps loggers weakly, and a collected logger forgets its level. */
  private static final List<Logger> QUIETED = Collections.synchronizedList(new ArrayList<>());

  private BaseLibraryLogging() {}

  /**
   * Quiets the socket loggers and the loops the next connection will start (one shell,
   * one control, one heartbeat loop). Call before {@code connect()}, then
   * {@link #quietRunningLoops()} after it, which catches any loop this could not foresee.
   */
  public static void quietBeforeConnect() {
    SOCKET_LOGGERS.forEach(BaseLibraryLogging::quiet);
    int shell = nextId(ShellChannel.class, "SHELL_ID");
    int heartbeat = nextId(HeartbeatChannel.class, "HEARTBEAT_ID");
    if (shell >= 0) {
      quiet("Loop-Shell-" + shell);
      quiet("Loop-Shell-" + (shell + 1));
    }
    if (heartbeat >= 0) {
      quiet("Loop-Heartbeat-" + heartbeat);
    }
  }

  /** Quiets every socket loop's logger that exists now. */
  public static void quietRunningLoops() {
    for (String name : Collections.list(LogManager.getLogManager().getLoggerNames())) {
      if (name.startsWith("Loop-")) {
        quiet(name);
      }
    }
  }

  private static void quiet(String name) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(Level.WARNING);
    QUIETED.add(logger);
  }

  /** The number the channel's next loop takes, or -1 if this library version keeps it elsewhere. */
  private static int nextId(Class<?> channel, String field) {
    try {
      Field counter = channel.getDeclaredField(field);
      counter.setAccessible(true);
      return ((AtomicInteger) counter.get(null)).get();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return -1;
    }
  }
}
