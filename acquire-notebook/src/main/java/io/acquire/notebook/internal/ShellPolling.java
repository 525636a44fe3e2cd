package io.acquire.notebook.internal;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import java.lang.reflect.Field;
import java.util.logging.Logger;

/**
 * The base library's shell and control loops poll their sockets without blocking and
 * sleep 50 ms whenever nothing is waiting, which adds up to 50 ms to every request a
 * front end sends. The sleep is a per-channel field with no setter; this shortens it.
 * On a library version without that field it changes nothing and says so in the log.
 */
public final class ShellPolling {
  private static final Logger LOG = Logger.getLogger(ShellPolling.class.getName());

  private ShellPolling() {}

  public static void setSleep(JupyterConnection connection, long millis) {
    try {
      Field sleep = ShellChannel.class.getDeclaredField("sleep");
      sleep.setAccessible(true);
      for (String name : new String[] {"shell", "control"}) {
        Field channel = JupyterConnection.class.getDeclaredField(name);
        channel.setAccessible(true);
        sleep.setLong(channel.get(connection), millis);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warning("Cannot shorten the shell poll interval (" + e + "); requests may take up to 50 ms longer.");
    }
  }
}
