package dev.tapwire.testkit.upstream;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for tests (EC P-256, SHA256withECDSA), with one server
 * certificate for {@code localhost}, {@code 127.0.0.1} and {@code api.anthropic.com} (for tests
 * that resolve that name to 127.0.0.1). Each instance is a new, unrelated CA, so a client that was
 * not given {@link #caCertificate()} rejects the server: that is how tests get an "untrusted
 * upstream".
 */
public final class TestCertificateAuthority {
  private static final String SIGNATURE = "SHA256withECDSA";
  private final X509Certificate caCertificate;
  private final X509Certificate serverCertificate;
  private final KeyPair serverKeys;

  /** Creates the CA and the server certificate. */
  public TestCertificateAuthority() {
    try {
      SecureRandom random = new SecureRandom();
      KeyPair caKeys = ecKeyPair();
      Instant now = Instant.now().minus(Duration.ofHours(1));
      X500Name caName = new X500Name("CN=Tapwire Test Upstream CA " + random.nextInt(1 << 30));
      X509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(
                  caName,
                  new BigInteger(64, random).add(BigInteger.ONE),
                  Date.from(now),
                  Date.from(now.plus(Duration.ofDays(30))),
                  caName,
                  caKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      caCertificate = sign(ca, caKeys);
      serverKeys = ecKeyPair();
      X509v3CertificateBuilder server =
          new JcaX509v3CertificateBuilder(
                  caCertificate,
                  new BigInteger(64, random).add(BigInteger.ONE),
                  Date.from(now),
                  Date.from(now.plus(Duration.ofDays(30))),
                  new X500Name("CN=localhost"),
                  serverKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(
                      new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        // lets end-to-end tests map api.anthropic.com to 127.0.0.1 (hosts file)
                        new GeneralName(GeneralName.dNSName, "api.anthropic.com")
                      }));
      serverCertificate = sign(server, caKeys);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IllegalStateException("cannot create test CA", e);
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot create test CA", e);
    }
  }

  /** The CA certificate clients must trust. */
  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /** Writes the CA certificate as PEM into {@code file} and returns it. */
  public Path writeCaPem(Path file) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(caCertificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.writeString(file, out.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** A server SSLContext presenting the localhost certificate (chain: leaf, CA). */
  public SSLContext serverSslContext() {
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      char[] password = "test-only".toCharArray();
      keyStore.setKeyEntry(
          "server",
          serverKeys.getPrivate(),
          password,
          new X509Certificate[] {serverCertificate, caCertificate});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build server SSLContext", e);
    }
  }

  /** A client SSLContext trusting exactly the given CA certificates. */
  public static SSLContext clientSslContextTrusting(X509Certificate... cas) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < cas.length; i++) {
        trust.setCertificateEntry("ca" + i, cas[i]);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build client SSLContext", e);
    }
  }

  private static KeyPair ecKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys)
      throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKeys.getPrivate())));
  }
}
