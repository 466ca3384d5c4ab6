package dev.tapwire.proxy.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tapwire's own certificate authority: an EC P-256 root (SHA256withECDSA, valid 10 years) that
 * signs leaf certificates for the hosts the proxy decrypts.
 *
 * <p>Files in the CA directory ({@code <proxy.data.dir>/ca/}): {@value #CERT_FILE} (public, the
 * file users add to their trust store) and {@value #KEY_FILE} (PKCS#8 PEM, mode 0600). The key is
 * never logged. Leaves are EC P-256 with the host as subjectAltName (DNS or IP, RFC 5280 §4.2.1.6),
 * extended key usage serverAuth, valid from one hour before now (clock-skew allowance) for 365 days
 * — inside the 398-day limit that Apple and browsers enforce.
 */
public final class CertificateAuthority {
  /** File name of the CA certificate (PEM). */
  public static final String CERT_FILE = "tapwire-ca.pem";

  /** File name of the CA private key (PEM, mode 0600). */
  public static final String KEY_FILE = "tapwire-ca-key.pem";

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(365);
  static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofHours(1);
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final Logger log = LoggerFactory.getLogger(CertificateAuthority.class);

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Path certificatePath;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private CertificateAuthority(
      X509Certificate certificate, PrivateKey privateKey, Path certificatePath, Clock clock) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.certificatePath = certificatePath;
    this.clock = clock;
  }

  /**
   * Loads the CA from {@code caDir}, or creates it there on first start.
   *
   * @throws IOException if the directory cannot be read or written, or holds a certificate without
   *     its key (or the other way round)
   */
  public static CertificateAuthority loadOrCreate(Path caDir, Clock clock) throws IOException {
    Path certPath = caDir.resolve(CERT_FILE);
    Path keyPath = caDir.resolve(KEY_FILE);
    boolean certExists = Files.exists(certPath);
    boolean keyExists = Files.exists(keyPath);
    if (certExists && keyExists) {
      List<X509Certificate> certs = PemFiles.readCertificates(certPath);
      if (certs.isEmpty()) {
        throw new IOException("no certificate in " + certPath);
      }
      log.info("Loaded Tapwire CA {} from {}", certs.get(0).getSubjectX500Principal(), certPath);
      return new CertificateAuthority(
          certs.get(0), PemFiles.readPrivateKey(keyPath), certPath, clock);
    }
    if (certExists || keyExists) {
      throw new IOException(
          "incomplete CA in "
              + caDir
              + ": both "
              + CERT_FILE
              + " and "
              + KEY_FILE
              + " must exist; move the remaining file away to create a new CA");
    }
    Files.createDirectories(caDir);
    try {
      KeyPair keyPair = newEcKeyPair();
      X509Certificate cert = selfSign(keyPair, clock.instant(), new SecureRandom());
      // PKCS#8 ("PRIVATE KEY"): the SEC1 form JcaPEMWriter picks for a JDK EC key drops the
      // curve parameters and cannot be read back.
      PemFiles.writeOwnerOnly(
          keyPath,
          PemFiles.toPem(
              new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keyPair.getPrivate(), null)));
      Files.writeString(certPath, PemFiles.toPem(cert));
      log.info("Created Tapwire CA {} in {}", cert.getSubjectX500Principal(), certPath);
      return new CertificateAuthority(cert, keyPair.getPrivate(), certPath, clock);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot create CA", e);
    }
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate as PEM text, for export ({@code tapwire ca export}). */
  public String certificatePem() {
    return PemFiles.toPem(certificate);
  }

  /** Path of the CA certificate PEM file (for {@code NODE_EXTRA_CA_CERTS} and friends). */
  public Path certificatePath() {
    return certificatePath;
  }

  /**
   * Mints a leaf certificate for one host. CPU-bound (about a millisecond): call it off the event
   * loop.
   *
   * @param host a DNS name or an IPv4/IPv6 literal
   * @throws IllegalArgumentException if the host is empty
   * @throws IllegalStateException if the JCA providers cannot generate or sign (not expected)
   */
  public LeafCertificate mintLeaf(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    try {
      KeyPair keyPair = newEcKeyPair();
      Instant notBefore = clock.instant().minus(CLOCK_SKEW_ALLOWANCE);
      Instant notAfter = notBefore.plus(LEAF_VALIDITY);
      if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
        notAfter = certificate.getNotAfter().toInstant();
      }
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      GeneralName san =
          isIpLiteral(host)
              ? new GeneralName(GeneralName.iPAddress, host)
              : new GeneralName(GeneralName.dNSName, host);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serial(random),
                  Date.from(notBefore),
                  Date.from(notAfter),
                  new X500NameBuilder(BCStyle.INSTANCE)
                      .addRDN(BCStyle.CN, host)
                      .addRDN(BCStyle.O, "Tapwire")
                      .build(),
                  keyPair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(keyPair.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  utils.createAuthorityKeyIdentifier(certificate));
      X509Certificate leaf = sign(builder, privateKey);
      return new LeafCertificate(host, keyPair.getPrivate(), leaf, certificate);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot mint a leaf certificate for " + host, e);
    }
  }

  private static X509Certificate selfSign(KeyPair keyPair, Instant now, SecureRandom random)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    byte[] id = new byte[4];
    random.nextBytes(id);
    X500Name name = new X500Name("CN=Tapwire CA " + HexFormat.of().formatHex(id) + ",O=Tapwire");
    Instant notBefore = now.minus(CLOCK_SKEW_ALLOWANCE);
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    PublicKey publicKey = keyPair.getPublic();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
                name,
                serial(random),
                Date.from(notBefore),
                Date.from(notBefore.plus(CA_VALIDITY)),
                name,
                publicKey)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
            .addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
            .addExtension(
                Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
    return sign(builder, keyPair.getPrivate());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static KeyPair newEcKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") && parsesAsAddress(host);
  }

  private static boolean parsesAsAddress(String host) {
    try {
      InetAddress.getByName(host);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
