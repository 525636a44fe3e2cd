package io.acquire.services.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateCacheTest {
  private final SigningKey issuer = SigningKey.generate();
  private final SessionCertificate certificate = SessionCertificate.issue(new SessionClaims("identity", "ada", "s1",
      SigningKey.generate().verifyingKey().toBase64Url(), SessionClaims.SCOPE_USER, Instant.now(),
      Instant.now().plusSeconds(3600)), issuer);

  @Test
  void aCachedCertificateIsStillRefusedUnderAnotherIssuerKey() {
    CertificateCache cache = new CertificateCache();
    assertEquals("ada", cache.verify(certificate.token(), name -> java.util.List.of(issuer.verifyingKey())).claims().user());
    assertThrows(IllegalArgumentException.class,
        () -> cache.verify(certificate.token(), name -> java.util.List.of(SigningKey.generate().verifyingKey())));
  }

  @Test
  void aTokenWithAnotherSignatureIsCheckedAfresh() {
    CertificateCache cache = new CertificateCache();
    cache.verify(certificate.token(), name -> java.util.List.of(issuer.verifyingKey()));
    String token = certificate.token();
    String forged = token.substring(0, token.indexOf('.') + 1)
        + io.acquire.client.wire.Base64Url.encode(SigningKey.generate().sign(new byte[] {1}));
    assertThrows(IllegalArgumentException.class, () -> cache.verify(forged, name -> java.util.List.of(issuer.verifyingKey())));
  }

  @Test
  void aCachedCertificateIsRefusedOnceItsIssuerIsNoLongerTrusted() {
    CertificateCache cache = new CertificateCache();
    cache.verify(certificate.token(), name -> java.util.List.of(issuer.verifyingKey()));
    assertThrows(IllegalArgumentException.class, () -> cache.verify(certificate.token(), name -> {
      throw new IllegalArgumentException("its issuer '" + name + "' is not trusted");
    }));
  }
}
