package io.acquire.client.internal;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * The read timeout of a streamed download: cancels its call once a read (or the wait for the
 * answer's headers) has been waiting for the client's read timeout, checking four times per
 * timeout. As with OkHttp's, only waiting counts: a caller may pause between reads.
 *
 * <p>Why not OkHttp's own read timeout: it arms Okio's watchdog around every socket read,
 * 8 KiB at a time, and each arming wakes the watchdog thread; receiving 1 GiB through
 * OkHttp from a loopback server cost the process 1.5 to 2.5 CPU s with a read timeout and
 * 0.8 to 1.2 s without (measured on a two-core machine). Here a read notes when it
 * starts and that it ended, and a shared timer looks now and then.
 */
final class StallWatch implements Runnable {
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final Call call;
  private final long timeoutNanos;
  private final long timeoutMillis;
  /** When the current wait began; meaningful while {@link #waiting}. */
  private volatile long since = System.nanoTime();
  private volatile boolean waiting = true; // for the answer's headers
  private volatile boolean fired;
  private final ScheduledFuture<?> check;

  private StallWatch(Call call, long timeoutMillis) {
    this.call = call;
    this.timeoutMillis = timeoutMillis;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    long period = Math.max(1, timeoutMillis / 4);
    this.check = timeoutMillis <= 0 ? null : TIMER.scheduleAtFixedRate(this, period, period, TimeUnit.MILLISECONDS);
  }

  /** Watches {@code call} from now; a timeout of 0 means none, as OkHttp's does. */
  static StallWatch start(Call call, long timeoutMillis) {
    return new StallWatch(call, timeoutMillis);
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "acquire-stall-watch");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  void waiting() {
    since = System.nanoTime();
    waiting = true;
  }

  void idle() {
    waiting = false;
  }

  void stop() {
    if (check != null) {
      check.cancel(false);
    }
  }

  @Override
  public void run() {
    if (waiting && System.nanoTime() - since >= timeoutNanos) {
      fired = true;
      stop();
      call.cancel(); // the blocked read fails at once: its socket is closed
    }
  }

  /** The failure to report: a timeout, as OkHttp's would be, if this watch cancelled the call. */
  IOException explain(IOException e) {
    if (!fired) {
      return e;
    }
    SocketTimeoutException timeout = new SocketTimeoutException("read timed out: nothing arrived for "
        + timeoutMillis + " ms");
    timeout.initCause(e);
    return timeout;
  }

  /** {@code body}, with every read watched, the watch's timeout reported as such, and the watch stopped on close. */
  ResponseBody watch(ResponseBody body) {
    BufferedSource source = Okio.buffer(new ForwardingSource(body.source()) {
      @Override
      public long read(Buffer sink, long byteCount) throws IOException {
        waiting();
        try {
          return super.read(sink, byteCount);
        } catch (IOException e) {
          throw explain(e);
        } finally {
          idle();
        }
      }

      @Override
      public void close() throws IOException {
        stop();
        super.close();
      }
    });
    return new ResponseBody() {
      @Override
      public MediaType contentType() {
        return body.contentType();
      }

      @Override
      public long contentLength() {
        return body.contentLength();
      }

      @Override
      public BufferedSource source() {
        return source;
      }
    };
  }
}
