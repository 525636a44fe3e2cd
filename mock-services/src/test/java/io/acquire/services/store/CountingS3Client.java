package io.acquire.services.store;

import io.acquire.services.testing.S3Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * For benchmarks: an S3 client configured as {@link S3ObjectStore}'s own (its transport,
 * unsigned loopback payloads, no SDK retries, no extra checksums) that counts its requests by operation and
 * answer, such as {@code GetObject 404}, so a figure can say how many requests it took.
 */
public final class CountingS3Client implements AutoCloseable {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  /** Body bytes sent in requests and received in answers, as their Content-Length headers say. */
  private final LongAdder bytes = new LongAdder();
  private final S3Client client;

  public CountingS3Client(S3Proxy s3) {
    client = S3Client.builder()
        .httpClient(new S3JdkTransport(Duration.ofSeconds(10), Duration.ofSeconds(60)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            count(context.request().getClass().getSimpleName(), Integer.toString(context.httpResponse().statusCode()));
            context.httpRequest().firstMatchingHeader("Content-Length").ifPresent(n -> bytes.add(Long.parseLong(n)));
            if (!context.httpRequest().method().name().equals("HEAD")) {
              context.httpResponse().firstMatchingHeader("Content-Length").ifPresent(n -> bytes.add(Long.parseLong(n)));
            }
          }

          @Override
          public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            count(context.request().getClass().getSimpleName(), context.httpResponse()
                .map(r -> Integer.toString(r.statusCode())).orElse("failed"));
          }
        }))
        .putAuthScheme(S3LoopbackSigning.scheme())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .region(Region.US_EAST_1)
        .endpointOverride(s3.endpoint())
        .forcePathStyle(true)
        .build();
  }

  private void count(String request, String status) {
    counts.computeIfAbsent(request.replaceFirst("Request$", "") + " " + status, k -> new LongAdder()).increment();
  }

  public S3Client client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
  }

  /** The body bytes sent and received since the last call, and starts again from zero. */
  public long takeBytes() {
    return bytes.sumThenReset();
  }

  /** The counts since the last call, by operation and status, and starts again from zero. */
  public Map<String, Long> take() {
    Map<String, Long> taken = new TreeMap<>();
    counts.forEach((k, v) -> {
      long n = v.sumThenReset();
      if (n > 0) {
        taken.put(k, n);
      }
    });
    return taken;
  }
}
