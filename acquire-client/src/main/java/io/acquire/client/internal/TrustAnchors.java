package io.acquire.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * The certificate authorities an HTTPS connection may chain to, when they are not the
 * JVM's defaults: an institution's own CA, say. Verification is never turned off; the
 * host name is still checked against the certificate by OkHttp.
 */
public final class TrustAnchors {
  private final X509TrustManager trustManager;
  private final SSLContext context;

  private TrustAnchors(X509TrustManager trustManager, SSLContext context) {
    this.trustManager = trustManager;
    this.context = context;
  }

  /**
   * The CA certificates in {@code file}, PEM ({@code -----BEGIN CERTIFICATE-----}, any
   * number) or DER.
   *
   * @throws IllegalArgumentException if the file is missing, unreadable or holds no certificate
   */
  public static TrustAnchors fromCertificates(Path file) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(file)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("The trusted certificates file " + file + " does not exist.");
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read the trusted certificates file " + file + ": " + e.getMessage());
    } catch (CertificateException e) {
      throw new IllegalArgumentException("The trusted certificates file " + file + " is not PEM or DER X.509: "
          + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("The trusted certificates file " + file + " holds no certificate "
          + "(-----BEGIN CERTIFICATE-----).");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + n++, certificate);
      }
      return fromKeyStore(store);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Cannot build a trust store: " + e.getMessage(), e);
    }
  }

  /** The trusted certificate entries of {@code store}, such as a PKCS#12 file the caller loaded. */
  public static TrustAnchors fromKeyStore(KeyStore store) {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      X509TrustManager trustManager = null;
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          trustManager = x509;
        }
      }
      if (trustManager == null) {
        throw new IllegalStateException("The JVM offers no X.509 trust manager.");
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      return new TrustAnchors(trustManager, context);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("Cannot trust the certificates of this key store: " + e.getMessage(), e);
    }
  }

  /** {@code builder} made to verify servers against these anchors only. */
  public OkHttpClient.Builder applyTo(OkHttpClient.Builder builder) {
    return builder.sslSocketFactory(context.getSocketFactory(), trustManager);
  }
}
