package io.acquire.services.storage;

import io.acquire.services.http.WatchedStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Each upload's whole-file checksums ({@link FileSums}), computed as its chunks stream in, in order, so that
 * completing an upload need not read every chunk back. A memo of this process only: the
 * store stays the truth. Whenever a chunk cannot be hashed in its turn (it arrived at
 * another process, its predecessor is not on its way, too many uploads are open, this
 * process restarted, a chunk failed after it was hashed) the upload's running hash is
 * dropped and completion reads the chunks.
 *
 * <p>The next chunk to hash is hashed as it streams in; chunks arriving meanwhile (a client
 * sends several at once) stream in alongside, untouched, and are hashed from the store once
 * their turn comes, so receiving is never held up by hashing. Sound because chunks are
 * written once and a chunk hashed here that then fails to be stored breaks the hash: bytes
 * hashed here are the bytes stored.
 */
final class RunningHashes {
  /** How long a chunk waits for its predecessors, which are being received, to stream past. */
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

  /** Called when chunk {@code n} starts arriving; returns the handle to take its {@link Running#turn} on. */
  Running arriving(String upload, int n) {
    Running running;
    synchronized (uploads) {
      // Created by whichever chunk comes first: with chunks sent several at a time, chunk 1
      // may get here before chunk 0. If chunk 0 was stored long ago (a resumed upload), the
      // grace below runs out once and the upload goes without.
      running = uploads.computeIfAbsent(upload, id -> new Running());
    }
    running.arriving(n);
    return running;
  }

  /**
   * What this process hashed of an upload, and forgets it: the whole file's checksums if
   * every chunk was hashed here in order, and each chunk's SHA-256 if every chunk was stored
   * here.
   */
  Sums take(String upload, int chunks) {
    Running running;
    synchronized (uploads) {
      running = uploads.remove(upload);
    }
    return running == null ? new Sums(Optional.empty(), Optional.empty()) : running.finish(chunks);
  }

  /** @param file the whole file's checksums, if every chunk was hashed in order */
  record Sums(Optional<FileSums> file, Optional<List<String>> chunkSha256) {}

  /** A chunk's passage: read its bytes from {@link #stream}, then {@link #end} it, stored or not. */
  interface Turn {
    InputStream stream();

    /** @param storedBytes the chunk as stored, read only if it must be hashed after the fact */
    void end(boolean stored, Supplier<byte[]> storedBytes);
  }

  /** One upload's running hash: chunks before {@code next} are in it. */
  static final class Running {
    private final FileSums.Hasher digest = new FileSums.Hasher();
    private final Set<Integer> arriving = new HashSet<>();
    private final Map<Integer, String> chunkSha256 = new HashMap<>();
    private int next;
    private boolean broken;

    private synchronized void arriving(int n) {
      if (!arriving.add(n)) {
        broken = true; // the same chunk twice at once: which bytes get stored is a race
      }
      notifyAll();
    }

    /**
     * Chunk {@code n}'s passage, without waiting: if it is the next chunk to hash, its bytes
     * join the hash as {@code body} is read; otherwise it streams in untouched, in parallel
     * with the one being hashed, and {@link Turn#end} catches it up from the stored bytes.
     */
    Turn turn(int n, InputStream body, long length) {
      boolean inTurn;
      synchronized (this) {
        inTurn = !broken && n == next;
      }
      if (inTurn && length == 0) {
        passed(n); // an empty file's only chunk: nothing to stream past
      }
      if (!inTurn) {
        return new Turn() {
          @Override
          public InputStream stream() {
            return body;
          }

          @Override
          public void end(boolean stored, Supplier<byte[]> storedBytes) {
            if (stored) {
              catchUp(n, storedBytes);
            }
            left(n, false);
          }
        };
      }
      return new Turn() {
        private long hashed;

        @Override
        public InputStream stream() {
          return new WatchedStream(body) {
            @Override
            public int read(byte[] buffer, int offset, int wanted) throws IOException {
              int count = in.read(buffer, offset, wanted);
              if (count > 0) {
                digest.update(buffer, offset, count); // only the chunk in turn touches the digest
                hashed += count;
                if (hashed == length) {
                  passed(n);
                }
              }
              return count;
            }
          };
        }

        @Override
        public void end(boolean stored, Supplier<byte[]> storedBytes) {
          // Bytes that joined the hash but were not stored (refused, cut off, conflicting) spoil it.
          left(n, !stored);
        }
      };
    }

    /**
     * Hashes a chunk that streamed in out of turn, once the chunks before it have joined: those
     * on their way are waited for, and those not yet on their way are given a short grace to
     * start. Its response waits, not its bytes, which are already stored.
     */
    private void catchUp(int n, Supplier<byte[]> storedBytes) {
      if (!awaitTurn(n)) {
        return;
      }
      digest.update(storedBytes.get()); // n == next: no other chunk touches the digest until n passes
      passed(n);
    }

    private synchronized boolean awaitTurn(int n) {
      long now = System.currentTimeMillis();
      long deadline = now + WAIT_MILLIS;
      long grace = now + GRACE_MILLIS;
      try {
        while (!broken && n > next) {
          long left = (predecessorsArriving(n) ? deadline : grace) - System.currentTimeMillis();
          if (left <= 0) {
            broken = true; // a gap that nothing is filling
            break;
          }
          wait(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        broken = true;
      }
      // n < next: hashed before, and chunks are written once, so already in the hash.
      return !broken && n == next;
    }

    /** Chunk {@code n}'s bytes are all in the hash: the next chunk may take its turn. */
    private synchronized void passed(int n) {
      next = n + 1;
      notifyAll();
    }

    /** Chunk {@code n}'s request is over; {@code spoiled} if bytes it hashed were not stored. */
    private synchronized void left(int n, boolean spoiled) {
      if (spoiled || n == next) { // n == next: its turn came, but its bytes never all did
        broken = true;
      }
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

    /** Chunk {@code n} is stored with these bytes' SHA-256. */
    synchronized void stored(int n, String sha256) {
      chunkSha256.put(n, sha256);
    }

    private synchronized Sums finish(int chunks) {
      Optional<FileSums> file = broken || next != chunks ? Optional.empty() : Optional.of(digest.finish());
      List<String> sums = new ArrayList<>();
      for (int n = 0; n < chunks && chunkSha256.containsKey(n); n++) {
        sums.add(chunkSha256.get(n));
      }
      return new Sums(file, sums.size() == chunks ? Optional.of(sums) : Optional.empty());
    }
  }
}
