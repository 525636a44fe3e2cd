package io.acquire.client;

import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * How a user's own HTTP client holds its connections. OkHttp's defaults keep only 5 idle
 * connections, so 16 threads calling at once closed and reopened sockets on most calls
 * (about 100 sat in TIME_WAIT after a benchmark) and ran at a third of a bare client's rate.
 */
final class Connections {
  /** Idle connections kept: one per thread for as many threads as a program sensibly calls from. */
  static final int MAX_IDLE = 64;
  /**
   * How long an idle connection is kept: shorter than the backend's idle timeout (Jetty's 30 s),
   * so the client gives a connection up before the server closes it under a request.
   */
  static final long KEEP_ALIVE_SECONDS = 25;

  private Connections() {}

  static OkHttpClient.Builder sized(OkHttpClient.Builder builder) {
    Dispatcher dispatcher = new Dispatcher();
    // Only asynchronous calls queue here; sized like the pool so none waits behind OkHttp's 5 per host.
    dispatcher.setMaxRequests(MAX_IDLE);
    dispatcher.setMaxRequestsPerHost(MAX_IDLE);
    return builder.connectionPool(new ConnectionPool(MAX_IDLE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS))
        .dispatcher(dispatcher);
  }
}
