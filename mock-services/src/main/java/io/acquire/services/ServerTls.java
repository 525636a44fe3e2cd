package io.acquire.services;

import io.acquire.services.store.PrivateFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The backend's TLS identity: a PEM certificate chain (leaf first, as certbot's {@code
 * fullchain.pem}) and its unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}),
 * checked when loaded so that a missing, unreadable, expired or mismatched pair stops
 * the server with a sentence rather than failing every handshake later. Like the master
 * key, a key file other users may read is refused.
 */
final class ServerTls {
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final Pattern OTHER_KEY = Pattern.compile("-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----");

  private final List<X509Certificate> chain;
  private final PrivateKey key;

  private ServerTls(List<X509Certificate> chain, PrivateKey key) {
    this.chain = chain;
    this.key = key;
  }

  /**
   * Reads and checks the pair.
   *
   * @throws IllegalArgumentException saying which file is wrong and how to fix it
   */
  static ServerTls load(Path certificateChain, Path privateKey) {
    List<X509Certificate> chain = readChain(certificateChain);
    PrivateKey key = readKey(privateKey);
    X509Certificate leaf = chain.get(0);
    if (!matches(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException("The TLS private key " + privateKey + " does not belong to the certificate "
          + leaf.getSubjectX500Principal().getName() + " (first in " + certificateChain + "): give the key the "
          + "certificate was issued for.");
    }
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new IllegalArgumentException("The TLS certificate in " + certificateChain + " expired at "
          + leaf.getNotAfter().toInstant() + "; renew it (clients refuse an expired certificate).");
    } catch (CertificateNotYetValidException e) {
      throw new IllegalArgumentException("The TLS certificate in " + certificateChain + " is not valid before "
          + leaf.getNotBefore().toInstant() + "; check this machine's clock, or wait.");
    }
    return new ServerTls(chain, key);
  }

  /** The subject of the certificate served, for the log. */
  String subject() {
    return chain.get(0).getSubjectX500Principal().getName();
  }

  /**
   * A connector speaking HTTP/1.1 over TLS 1.2 or 1.3 only, with Jetty's default cipher
   * exclusions; requests on it are marked secure and carry the https scheme.
   */
  Connector connector(Server server, HttpConfiguration base, String host, int port) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    char[] password = randomPassword();
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("acquire", key, password, chain.toArray(new Certificate[0]));
      ssl.setKeyStore(store);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Cannot hold the TLS key in memory: " + e.getMessage(), e);
    }
    String secret = new String(password);
    ssl.setKeyStorePassword(secret);
    ssl.setKeyManagerPassword(secret);
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    HttpConfiguration https = new HttpConfiguration(base);
    https.addCustomizer(new SecureRequestCustomizer());
    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
        new HttpConnectionFactory(https));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }

  /** The in-memory key store's password: it never leaves this process, so any random one does. */
  private static char[] randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes).toCharArray();
  }

  private static List<X509Certificate> readChain(Path file) {
    byte[] bytes = read(file, "certificate chain");
    try {
      List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes)).stream().map(c -> (X509Certificate) c).toList();
      if (chain.isEmpty()) {
        throw new CertificateException("no certificate");
      }
      return chain;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("The TLS certificate file " + file + " holds no PEM certificate "
          + "(-----BEGIN CERTIFICATE-----): give the server's certificate first, then any intermediates.");
    }
  }

  private static PrivateKey readKey(Path file) {
    String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
    try {
      PrivateFiles.requirePrivate(file);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("Refusing the TLS key: " + e.getMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read the permissions of the TLS key file " + file + ": " + e.getMessage());
    }
    Matcher pem = PRIVATE_KEY.matcher(text);
    if (!pem.find()) {
      Matcher other = OTHER_KEY.matcher(text);
      String found = other.find() ? "a " + other.group(1) + " block" : "no PEM private key";
      throw new IllegalArgumentException("The TLS key file " + file + " holds " + found + ", not an unencrypted PKCS#8 "
          + "key (-----BEGIN PRIVATE KEY-----). Convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file
          + " -out key.pem");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("The TLS key file " + file + " is not valid base64 inside its PEM block.");
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Not this algorithm; try the next.
      }
    }
    throw new IllegalArgumentException("The TLS key file " + file + " holds a PKCS#8 key of an algorithm Java cannot "
        + "use for TLS; use an RSA, EC (P-256 or P-384) or Ed25519 key.");
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("The TLS " + what + " file " + file + " does not exist.");
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read the TLS " + what + " file " + file + ": " + e.getMessage()
          + " (the backend's user must be able to read it).");
    }
  }

  /** Whether {@code key} is the private half of {@code publicKey}: it signs, the certificate's key verifies. */
  private static boolean matches(PrivateKey key, PublicKey publicKey) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> "EdDSA"; // Ed25519; a key of another kind than the certificate's fails initVerify
    };
    try {
      byte[] probe = "acquire-tls-key-check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
