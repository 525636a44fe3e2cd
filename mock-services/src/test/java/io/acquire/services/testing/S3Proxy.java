package io.acquire.services.testing;

import io.acquire.services.store.S3ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: S3Proxy (from Maven Central, copied to
 * {@code target/s3proxy/s3proxy.jar} by the build) as a child JVM on a free loopback port,
 * keeping its buckets as files in a directory, with SigV4 credentials made up per run. It
 * bundles its own Jetty, which is why it runs in its own JVM rather than in the test's.
 *
 * <pre>{@code
 * try (S3Proxy s3 = S3Proxy.start(tempDir); S3ObjectStore store = s3.store("bucket", "prefix")) { ... }
 * }</pre>
 */
public final class S3Proxy implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);

  private final Process process;
  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;
  private final Path log;

  private S3Proxy(Process process, URI endpoint, String accessKey, String secretKey, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.log = log;
  }

  /** Starts S3Proxy with its buckets (and its log) in {@code directory}, and waits until it answers. */
  public static S3Proxy start(Path directory) {
    Path jar = jar();
    try {
      Path data = Files.createDirectories(directory.resolve("buckets"));
      String accessKey = "test-" + UUID.randomUUID().toString().substring(0, 8);
      String secretKey = UUID.randomUUID().toString();
      int port = freePort();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      Path properties = directory.resolve("s3proxy.properties");
      Files.writeString(properties, String.join("\n",
          "s3proxy.endpoint=" + endpoint,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + accessKey,
          "s3proxy.credential=" + secretKey,
          "jclouds.provider=filesystem-nio2",
          "jclouds.filesystem.basedir=" + data,
          "jclouds.identity=" + accessKey,
          "jclouds.credential=" + secretKey,
          ""), StandardCharsets.UTF_8);
      Path log = directory.resolve("s3proxy.log");
      Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar.toString(), "--properties", properties.toString()))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      S3Proxy proxy = new S3Proxy(process, endpoint, accessKey, secretKey, log);
      proxy.awaitReady();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start S3Proxy from " + jar, e);
    }
  }

  /** The jar the build copied, from this module's directory (tests), the repository root (benchmarks) or a sibling module. */
  public static Path jar() {
    for (String candidate : List.of("target/s3proxy/s3proxy.jar", "mock-services/target/s3proxy/s3proxy.jar",
        "../mock-services/target/s3proxy/s3proxy.jar")) {
      Path jar = Path.of(candidate).toAbsolutePath();
      if (Files.isRegularFile(jar)) {
        return jar;
      }
    }
    throw new IllegalStateException("S3Proxy's jar is missing: build with mvn -pl mock-services -am test-compile"
        + " (maven-dependency-plugin copies it to mock-services/target/s3proxy/s3proxy.jar)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Any HTTP answer (an anonymous request gets 403) means Jetty serves S3Proxy. */
  private void awaitReady() {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + "; its log: " + tail());
      }
      try {
        HttpURLConnection connection = (HttpURLConnection) endpoint.toURL().openConnection();
        connection.setConnectTimeout(500);
        connection.setReadTimeout(2000);
        connection.getResponseCode();
        connection.disconnect();
        return;
      } catch (IOException e) {
        // Not listening yet.
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("interrupted while waiting for S3Proxy", e);
      }
    }
    close();
    throw new IllegalStateException("S3Proxy did not answer within " + READY_WITHIN + "; its log: " + tail());
  }

  private String tail() {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** An SDK client for this server on the store's own transport, for checks; the caller closes it. */
  public S3Client client() {
    return S3ObjectStore.builder().endpoint(endpoint).region("us-east-1").credentials(accessKey, secretKey).buildClient();
  }

  /** Creates {@code bucket} (if new). */
  public void createBucket(String bucket) {
    try (S3Client s3 = client()) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
        s3.createBucket(b -> b.bucket(bucket));
      }
    }
  }

  /** A store builder pointed at this server, {@code s3://bucket/prefix}, with the bucket created. */
  public S3ObjectStore.Builder storeBuilder(String bucket, String prefix) {
    createBucket(bucket);
    return S3ObjectStore.builder().bucket(bucket).prefix(prefix).endpoint(endpoint).region("us-east-1")
        .credentials(accessKey, secretKey);
  }

  /** The server process's CPU time so far (user and system), for benchmarks' CPU per byte. */
  public java.time.Duration cpu() {
    return process.toHandle().info().totalCpuDuration().orElseThrow(() ->
        new IllegalStateException("this system does not report a process's CPU time"));
  }

  /** Stops the server; its files stay in the directory it was started with. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
