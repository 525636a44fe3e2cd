package io.acquire.services.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Which S3 requests may send their bodies unsigned, and that the rest of SigV4 stays. */
class S3LoopbackSigningTest {
  private static final byte[] BODY = "chunk bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void aBodyToALoopbackAddressOverPlainHttpGoesUnsignedButTheRequestIsStillSigned() {
    SignedRequest signed = sign("http://127.0.0.1:9000/bucket/key");
    SdkHttpRequest request = signed.request();
    assertEquals("UNSIGNED-PAYLOAD", request.firstMatchingHeader("x-amz-content-sha256").orElseThrow());
    assertTrue(request.firstMatchingHeader("Authorization").orElseThrow().startsWith("AWS4-HMAC-SHA256 Credential=key-id/"));
    assertEquals("http", request.protocol(), "it still goes out over the plain HTTP it was built for");
    assertEquals(9000, request.port());
    assertEquals("127.0.0.1:9000", request.firstMatchingHeader("Host").orElse(request.host() + ":" + request.port()));
    assertTrue(request.firstMatchingHeader("Content-Encoding").isEmpty(), "no aws-chunked encoding");
  }

  @Test
  void aBodyToAnyOtherPlainHttpEndpointIsSignedAsTheSdkWould() {
    SignedRequest signed = sign("http://s3.example.org:9000/bucket/key");
    assertNotEquals("UNSIGNED-PAYLOAD", signed.request().firstMatchingHeader("x-amz-content-sha256").orElseThrow());
  }

  @Test
  void onlyPlainHttpToLiteralLoopbackAddressesOrLocalhostOnAnExplicitPortQualifies() {
    assertTrue(qualifies("http://127.0.0.1:9000/b/k"));
    assertTrue(qualifies("http://127.8.0.1:1234/b/k"));
    assertTrue(qualifies("http://localhost:9000/b/k"));
    assertTrue(qualifies("http://[::1]:9000/b/k"));
    assertFalse(qualifies("https://127.0.0.1:9000/b/k"), "over HTTPS the SDK already leaves bodies unsigned");
    assertFalse(qualifies("http://10.0.0.5:9000/b/k"));
    assertFalse(qualifies("http://s3.example.org:9000/b/k"));
    assertFalse(qualifies("http://127.0.0.1:80/b/k"), "the Host header would differ between the schemes");
  }

  private static boolean qualifies(String url) {
    return S3LoopbackSigning.unsignedPayload(request(url));
  }

  private static SignedRequest sign(String url) {
    AwsCredentialsIdentity credentials = AwsCredentialsIdentity.create("key-id", "secret");
    return S3LoopbackSigning.scheme().signer().sign(r -> r.identity(credentials).request(request(url))
        .payload(ContentStreamProvider.fromByteArray(BODY))
        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3"));
  }

  private static SdkHttpRequest request(String url) {
    return SdkHttpRequest.builder().uri(URI.create(url)).method(SdkHttpMethod.PUT)
        .putHeader("Content-Length", Integer.toString(BODY.length)).build();
  }
}
