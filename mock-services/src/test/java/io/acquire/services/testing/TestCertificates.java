package io.acquire.services.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A private certificate authority and a server certificate it signed for {@code 127.0.0.1}
 * and {@code localhost}, made with the JDK's own {@code keytool}, as an institution's CA
 * would issue them. The files are PEM, as the backend's {@code --tls-cert} and {@code
 * --tls-key} take them.
 *
 * @param caCertificate the CA's certificate: what clients must trust
 * @param chain the server's certificate followed by the CA's
 * @param key the server's private key, PKCS#8
 * @param caKey the CA's private key, PKCS#8: a key that does not belong to {@code chain}'s first certificate
 * @param expiredChain a certificate for {@code key} that expired yesterday, and the CA's
 */
public record TestCertificates(Path caCertificate, Path chain, Path key, Path caKey, Path expiredChain) {
  private static final String PASSWORD = "test-only-store";

  /** Makes a CA and a server certificate valid for two days in {@code directory}. */
  public static TestCertificates create(Path directory) {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path ca = directory.resolve("ca.p12");
    Path server = directory.resolve("server.p12");
    Path request = directory.resolve("server.csr");
    Path serverCertificate = directory.resolve("server-cert.pem");
    Path caCertificate = directory.resolve("ca.pem");
    keytool(keytool, "-genkeypair", "-keystore", ca.toString(), "-alias", "ca", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=Acquire Test CA", "-ext", "bc:c", "-validity", "2");
    keytool(keytool, "-genkeypair", "-keystore", server.toString(), "-alias", "server", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-validity", "2");
    keytool(keytool, "-certreq", "-keystore", server.toString(), "-alias", "server", "-file", request.toString());
    keytool(keytool, "-gencert", "-keystore", ca.toString(), "-alias", "ca", "-infile", request.toString(),
        "-outfile", serverCertificate.toString(), "-rfc", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost",
        "-ext", "ku:c=digitalSignature", "-ext", "eku=serverAuth");
    Path expired = directory.resolve("expired-cert.pem");
    keytool(keytool, "-gencert", "-keystore", ca.toString(), "-alias", "ca", "-infile", request.toString(),
        "-outfile", expired.toString(), "-rfc", "-startdate", "-3d", "-validity", "2", "-ext",
        "san=ip:127.0.0.1,dns:localhost");
    keytool(keytool, "-exportcert", "-keystore", ca.toString(), "-alias", "ca", "-rfc", "-file",
        caCertificate.toString());
    try {
      Path chain = Files.writeString(directory.resolve("fullchain.pem"),
          Files.readString(serverCertificate) + Files.readString(caCertificate));
      Path key = writeKey(directory.resolve("key.pem"), privateKey(server, "server"));
      Path caKey = writeKey(directory.resolve("ca-key.pem"), privateKey(ca, "ca"));
      Path expiredChain = Files.writeString(directory.resolve("expired-fullchain.pem"),
          Files.readString(expired) + Files.readString(caCertificate));
      return new TestCertificates(caCertificate, chain, key, caKey, expiredChain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void keytool(Path keytool, String... args) {
    List<String> command = new ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-noprompt"));
    Tools.run(command);
  }

  private static PrivateKey privateKey(Path store, String alias) {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, PASSWORD.toCharArray());
      return (PrivateKey) keys.getKey(alias, PASSWORD.toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read " + alias + "'s key from " + store, e);
    }
  }

  /** Writes {@code key} as PEM PKCS#8, readable by this user only (as the backend requires). */
  private static Path writeKey(Path file, PrivateKey key) throws IOException {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(file, pem);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
