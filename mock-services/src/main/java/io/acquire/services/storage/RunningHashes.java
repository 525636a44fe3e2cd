package io.acquire.services.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Each upload's whole-file SHA-256, computed as its chunks arrive in order, so that
 * completing an upload need not read every chunk back. A memo of this process only: the
 * store stays the truth. Whenever a chunk cannot be hashed in its turn (it arrived at
 * another process, its predecessor is not on its way, too many uploads are open, this
 * process restarted) the upload's running hash is dropped and completion reads the chunks.
 *
 * <p>Sound because chunks are written once: bytes hashed here are the bytes stored.
 */
final class RunningHashes {
  /** How long a chunk waits for its predecessors, which are being received, to be hashed. */
  private static final long WAIT_MILLIS = TimeUnit.MINUTES.toMillis(1);
  /**
   * How long a chunk waits for predecessors that are not yet arriving to start: a client
   * sends chunks in order, but the threads receiving them may run in another.
   */
  private static final long GRACE_MILLIS = TimeUnit.SECONDS.toMillis(2);

  private final Map<String, Running> uploads;

  RunningHashes(int maxUploads) {
    this.uploads = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Running> eldest) {
        return size() > maxUploads;
      }
    };
  }

  /**
   * Called when chunk {@code n} starts arriving; returns the handle to call {@link
   * Running#stored} or {@link Running#failed} on.
   */
  Running arriving(String upload, int n) {
    Running running;
    synchronized (uploads) {
      // Created by whichever chunk comes first: with chunks sent two at a time, chunk 1 may
      // get here before chunk 0. If chunk 0 was stored long ago (a resumed upload), the
      // grace below runs out once and the upload goes without.
      running = uploads.computeIfAbsent(upload, id -> new Running());
    }
    running.arriving(n);
    return running;
  }

  /** The hash of every chunk, if all were hashed here in order; forgets the upload. */
  Optional<String> take(String upload, int chunks) {
    Running running;
    synchronized (uploads) {
      running = uploads.remove(upload);
    }
    return running == null ? Optional.empty() : running.finish(chunks);
  }

  /** One upload's running hash: chunks before {@code next} are in it. */
  static final class Running {
    private final MessageDigest digest = sha256();
    private final Set<Integer> arriving = new HashSet<>();
    private int next;
    private boolean broken;

    private synchronized void arriving(int n) {
      if (!arriving.add(n)) {
        broken = true; // the same chunk twice at once: which bytes get stored is a race
      }
      notifyAll();
    }

    /**
     * Chunk {@code n}, now stored with exactly {@code data}, joins the hash once the chunks
     * before it have: those on their way are waited for, and those not yet on their way
     * are given a short grace to start.
     */
    synchronized void stored(int n, byte[] data) {
      long now = System.currentTimeMillis();
      long deadline = now + WAIT_MILLIS;
      long grace = now + GRACE_MILLIS;
      try {
        while (!broken && n > next) {
          long left = (predecessorsArriving(n) ? deadline : grace) - System.currentTimeMillis();
          if (left <= 0) {
            broken = true;
            break;
          }
          wait(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        broken = true;
      }
      if (!broken && n == next) {
        digest.update(data);
        next++;
      } else if (n > next) {
        broken = true; // a gap that nothing is filling
      }
      // n < next: stored before, and chunks are written once, so already in the hash.
      arriving.remove(n);
      notifyAll();
    }

    /** Chunk {@code n} did not arrive after all (refused, or the connection dropped). */
    synchronized void failed(int n) {
      arriving.remove(n);
      notifyAll();
    }

    private boolean predecessorsArriving(int n) {
      for (int i = next; i < n; i++) {
        if (!arriving.contains(i)) {
          return false;
        }
      }
      return true;
    }

    private synchronized Optional<String> finish(int chunks) {
      if (broken || next != chunks) {
        return Optional.empty();
      }
      return Optional.of(java.util.HexFormat.of().formatHex(digest.digest()));
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
