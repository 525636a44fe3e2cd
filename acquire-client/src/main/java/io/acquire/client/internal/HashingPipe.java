package io.acquire.client.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A SHA-256 computed on a thread of its own, over buffers handed to it in order, so that
 * a download's one thread only moves bytes from the network to the disk: hashing them too
 * would cap it at the speed of one core doing both. The buffers circulate: {@link #buffer}
 * takes a free one, {@link #hash} hands it over, and the hashing thread frees it again, so
 * memory stays at {@code buffers × size} bytes. The thread starts with the first {@link
 * #hash}: a caller that only borrows buffers (a download checked another way) costs none.
 */
public final class HashingPipe implements AutoCloseable {
  private static final byte[] END = new byte[0];

  private record Filled(byte[] buffer, int length) {}

  private final BlockingQueue<byte[]> free;
  private final BlockingQueue<Filled> filled;
  private final Thread thread;
  private final MessageDigest digest;
  private volatile RuntimeException failure;

  public HashingPipe(int buffers, int size, String name) {
    free = new ArrayBlockingQueue<>(buffers);
    filled = new ArrayBlockingQueue<>(buffers + 1);
    for (int i = 0; i < buffers; i++) {
      free.add(new byte[size]);
    }
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
  }

  private void run() {
    try {
      for (Filled next = filled.take(); next.buffer() != END; next = filled.take()) {
        digest.update(next.buffer(), 0, next.length());
        free.put(next.buffer());
      }
    } catch (InterruptedException e) {
      failure = new IllegalStateException("hashing was interrupted");
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** A free buffer to fill; waits while the hashing thread is behind. */
  public byte[] buffer() throws InterruptedException {
    return free.take();
  }

  /** Hands over {@code length} bytes of a buffer from {@link #buffer}, to be hashed after those before. */
  public void hash(byte[] buffer, int length) throws InterruptedException {
    if (thread.getState() == Thread.State.NEW) {
      thread.start();
    }
    filled.put(new Filled(buffer, length));
  }

  /** Gives back a buffer from {@link #buffer} unused. */
  public void unused(byte[] buffer) {
    free.add(buffer);
  }

  /** The SHA-256 (lowercase hex) of everything handed over, once it is hashed. */
  public String finish() throws InterruptedException {
    if (thread.getState() != Thread.State.NEW) {
      filled.put(new Filled(END, 0));
      thread.join();
    }
    if (failure != null) {
      throw failure;
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Stops the hashing thread, if {@link #finish} was not reached. */
  @Override
  public void close() {
    thread.interrupt();
  }
}
