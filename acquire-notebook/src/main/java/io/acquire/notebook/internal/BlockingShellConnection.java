package io.acquire.notebook.internal;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import io.github.spencerpark.jupyter.channels.ShellHandler;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.publish.PublishStatus;
import java.io.IOException;
import java.nio.channels.Selector;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.ZMQ;

/**
 * A connection whose shell and control sockets are served by threads that block in a poll
 * until a request arrives, instead of the base library's loops, which poll without waiting
 * and sleep between polls (50 ms by default): a request is handled the moment it lands,
 * and an idle kernel does not wake hundreds of times a second. Heartbeat, iopub and stdin
 * stay the library's. Requests are dispatched to the handlers registered on the connection
 * as the library does it; shell and control keep a thread each, so an interrupt arrives
 * while a cell runs.
 *
 * <p>Each socket is read only by its own thread; closing waits for both threads to leave
 * their polls before the library closes the sockets and the context, so no socket is closed
 * under a poll in another thread.
 */
public final class BlockingShellConnection extends JupyterConnection {
  private static final Logger LOG = Logger.getLogger(BlockingShellConnection.class.getName());
  /** How often a waiting loop checks whether the connection is closing (only closing waits for it). */
  static final long CLOSE_CHECK_MILLIS = 50;
  /** How long closing waits for a loop that is still handling a request (a cell that runs on). */
  static final long BUSY_LOOP_MILLIS = 1000;

  private final KernelConnectionProperties properties;
  private final List<Thread> loops = new ArrayList<>();
  private volatile boolean open = true;
  private boolean connected;
  private boolean closed;

  public BlockingShellConnection(KernelConnectionProperties properties) throws GeneralSecurityException {
    super(properties);
    this.properties = properties;
  }

  /** Binds every socket and starts the shell and control loops; publishes "starting" as the library does. */
  @Override
  public synchronized void connect() {
    if (connected) {
      return;
    }
    connected = true;
    heartbeat.bind(properties);
    // ZMQ.Socket.bind(address), not ShellChannel.bind(properties): the latter starts the library's sleeping loop.
    shell.bind(address(properties.getShellPort()));
    control.bind(address(properties.getControlPort()));
    stdin.bind(properties);
    iopub.bind(properties);
    getIOPub().sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
    loops.add(start(shell, "acquire-shell"));
    loops.add(start(control, "acquire-control"));
  }

  /** Where the shell socket listens, once bound (its port is the system's pick when the properties said 0). */
  public String shellEndpoint() {
    return shell.getLastEndpoint();
  }

  /** Where the iopub socket publishes, once bound. */
  public String iopubEndpoint() {
    return getIOPub().getLastEndpoint();
  }

  private String address(int port) {
    return properties.getTransport() + "://" + properties.getIp() + ":" + port;
  }

  private Thread start(ShellChannel channel, String name) {
    Thread thread = new Thread(() -> serve(channel), name);
    thread.start();
    return thread;
  }

  private void serve(ShellChannel channel) {
    try (Selector selector = Selector.open()) {
      ZMQ.PollItem[] items = {new ZMQ.PollItem(channel, ZMQ.Poller.POLLIN)};
      while (open) {
        if (ZMQ.poll(selector, items, CLOSE_CHECK_MILLIS) > 0 && items[0].isReadable() && open) {
          handle(channel, channel.readMessage());
        }
      }
    } catch (IOException | RuntimeException e) {
      if (open) {
        LOG.log(Level.SEVERE, "The " + Thread.currentThread().getName() + " loop stopped: " + e);
      }
    }
  }

  /** As the library's loop: the type's handler, its deferred replies resolved, a shutdown closing the connection. */
  @SuppressWarnings("unchecked")
  private void handle(ShellChannel channel, Message<?> message) {
    ShellHandler<Object> handler = (ShellHandler<Object>) getHandler(message.getHeader().getType());
    if (handler == null) {
      LOG.severe("Unhandled message: " + message.getHeader().getType().getName());
      return;
    }
    ShellReplyEnvironment env = prepareReplyEnv(channel, message);
    try {
      handler.handle(env, (Message<Object>) message);
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "Unhandled exception handling " + message.getHeader().getType().getName() + ". "
          + e.getClass().getSimpleName() + " - " + e.getLocalizedMessage());
    } finally {
      env.resolveDeferrals();
    }
    if (env.isMarkedForShutdown()) {
      close();
    }
  }

  /**
   * Stops both loops and waits for the other one to leave its poll (a loop may be the
   * caller: a shutdown request closes the connection from the thread that handled it), then
   * lets the library close the sockets and the context. A loop still running a cell after
   * {@link #BUSY_LOOP_MILLIS} is not waited for: its socket closes under it, as the library's
   * do. Later calls do nothing.
   */
  @Override
  public void close() {
    List<Thread> running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = false;
      running = List.copyOf(loops);
    }
    for (Thread loop : running) {
      if (loop != Thread.currentThread()) {
        join(loop, BUSY_LOOP_MILLIS);
      }
    }
    super.close();
  }

  @Override
  public void waitUntilClose() {
    List<Thread> running;
    synchronized (this) {
      running = List.copyOf(loops);
    }
    running.forEach(loop -> join(loop, 0));
    super.waitUntilClose();
  }

  /** Waits for {@code thread} to end, at most {@code millis} (0: however long); an interrupt is kept for the caller. */
  private static void join(Thread thread, long millis) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (thread.isAlive()) {
      long left = millis == 0 ? 0 : (deadline - System.nanoTime()) / 1_000_000;
      if (millis != 0 && left <= 0) {
        break;
      }
      try {
        thread.join(left);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
