package io.acquire.services.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 as the SDK does it, except that bodies sent over plain HTTP to a loopback address go
 * with {@code UNSIGNED-PAYLOAD}, as the SDK already sends them over HTTPS. Over plain HTTP the
 * SDK insists on signing every byte (aws-chunked, a SHA-256 and an HMAC per 128 KiB chunk and
 * a copy of each): the store's largest cost on uploads. A payload's signature guards it on the
 * wire, and on loopback there is no wire to guard: another local user can neither read nor
 * change a connection's bytes. Headers, path and query stay signed either way, so the server
 * still authenticates every request; any other plain-HTTP endpoint keeps signed payloads.
 */
final class S3LoopbackSigning implements AuthScheme<AwsCredentialsIdentity> {
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  /** The SigV4 scheme, with unsigned payloads to loopback endpoints. */
  static AuthScheme<AwsCredentialsIdentity> scheme() {
    return new S3LoopbackSigning();
  }

  @Override
  public String schemeId() {
    return AwsV4AuthScheme.SCHEME_ID;
  }

  @Override
  public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
    return providers.identityProvider(AwsCredentialsIdentity.class);
  }

  @Override
  public HttpSigner<AwsCredentialsIdentity> signer() {
    return new HttpSigner<>() {
      @Override
      public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        SdkHttpRequest http = request.request();
        if (!unsignedPayload(http) || request.payload().isEmpty()) {
          return signer.sign(request);
        }
        // The SDK decides "may the payload go unsigned" by the scheme alone, which no part of
        // the signature covers (the Host header, port included, is signed as sent): so it
        // signs as for HTTPS and the request then goes out over the HTTP it was built for.
        SignRequest<? extends AwsCredentialsIdentity> asIfEncrypted = request.copy(b -> b
            .request(http.toBuilder().protocol("https").build())
            .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
            .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false));
        SignedRequest signed = signer.sign(asIfEncrypted);
        return signed.copy(b -> b.request(signed.request().toBuilder().protocol(http.protocol()).port(http.port()).build()));
      }

      @Override
      public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return signer.signAsync(request); // the store's client is synchronous
      }
    };
  }

  /**
   * Plain HTTP to a literal loopback address or {@code localhost}, on a port that is not
   * HTTP's or HTTPS's default (so the Host header reads the same under either scheme).
   */
  static boolean unsignedPayload(SdkHttpRequest http) {
    if (!"http".equals(http.protocol()) || http.port() == 80 || http.port() == 443 || http.port() <= 0) {
      return false;
    }
    String host = http.host();
    if (host.equals("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
      return false; // only literal addresses: a name could resolve elsewhere tomorrow
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
