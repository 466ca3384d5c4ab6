package dev.tapwire.proxy.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A minted leaf certificate with its private key and the issuing CA certificate.
 *
 * @param host the host name or IP literal in the subjectAltName
 * @param privateKey the leaf's EC P-256 private key (never logged)
 * @param certificate the leaf certificate
 * @param issuer the CA certificate that signed it
 */
public record LeafCertificate(
    String host, PrivateKey privateKey, X509Certificate certificate, X509Certificate issuer) {

  @Override
  public String toString() {
    return "LeafCertificate[host="
        + host
        + ", subject="
        + certificate.getSubjectX500Principal()
        + "]";
  }
}
