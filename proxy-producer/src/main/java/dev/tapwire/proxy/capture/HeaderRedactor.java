package dev.tapwire.proxy.capture;

import dev.tapwire.avro.Header;
import dev.tapwire.proxy.ca.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces credential header values by keyed fingerprints before anything is captured (DESIGN.md
 * invariant 5): {@code fp:<kind>:<hex HMAC-SHA256(secret, credential)>}.
 *
 * <p>Kinds: {@code api_key} ({@code x-api-key}), {@code bearer} ({@code Bearer} scheme of {@code
 * authorization} / {@code proxy-authorization}; the HMAC covers the token only), {@code basic}
 * ({@code Basic} scheme), {@code cookie} ({@code cookie}, {@code set-cookie}) and {@code other}
 * (any other scheme or an extra configured header). The per-install secret (32 random bytes, hex)
 * lives in a file with mode 0600; the same credential always gives the same fingerprint under one
 * install, so an auditor can group calls by credential without knowing it.
 */
public final class HeaderRedactor {
  /** Header names always treated as credentials (lower case). */
  public static final Set<String> DEFAULT_NAMES =
      Set.of("authorization", "x-api-key", "cookie", "set-cookie", "proxy-authorization");

  private final Set<String> names;
  private final ThreadLocal<Mac> mac;

  /**
   * @param secret the HMAC key
   * @param extraNames additional credential header names (any case)
   */
  public HeaderRedactor(byte[] secret, Collection<String> extraNames) {
    Set<String> all = new TreeSet<>(DEFAULT_NAMES);
    for (String name : extraNames) {
      if (!name.isBlank()) {
        all.add(name.trim().toLowerCase(Locale.ROOT));
      }
    }
    this.names = Set.copyOf(all);
    byte[] key = secret.clone();
    this.mac =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(key, "HmacSHA256"));
                return m;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
              }
            });
  }

  /**
   * Loads the per-install secret from {@code secretFile}, creating it (mode 0600) on first use.
   *
   * @throws IOException if the file cannot be read or written, or is not 64 hex digits
   */
  public static HeaderRedactor loadOrCreate(Path secretFile, Collection<String> extraNames)
      throws IOException {
    byte[] secret;
    if (Files.exists(secretFile)) {
      String hex = Files.readString(secretFile, StandardCharsets.US_ASCII).trim();
      if (!hex.matches("[0-9a-f]{64}")) {
        throw new IOException(
            "redaction secret " + secretFile + " is not 64 lower-case hex digits");
      }
      secret = HexFormat.of().parseHex(hex);
    } else {
      secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      PemFiles.writeOwnerOnly(secretFile, HexFormat.of().formatHex(secret) + "\n");
    }
    return new HeaderRedactor(secret, extraNames);
  }

  /** Whether a header name is treated as a credential. */
  public boolean isCredential(String name) {
    return names.contains(name.toLowerCase(Locale.ROOT));
  }

  /** The value to capture for one header: unchanged, or its fingerprint. */
  public String redact(String name, String value) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!names.contains(lower)) {
      return value;
    }
    switch (lower) {
      case "x-api-key":
        return fingerprint("api_key", value.trim());
      case "cookie":
      case "set-cookie":
        return fingerprint("cookie", value);
      case "authorization":
      case "proxy-authorization":
        String v = value.trim();
        int space = v.indexOf(' ');
        if (space > 0) {
          String scheme = v.substring(0, space).toLowerCase(Locale.ROOT);
          String token = v.substring(space + 1).trim();
          if (scheme.equals("bearer")) {
            return fingerprint("bearer", token);
          }
          if (scheme.equals("basic")) {
            return fingerprint("basic", token);
          }
        }
        return fingerprint("other", v);
      default:
        return fingerprint("other", value);
    }
  }

  /** Redacts headers given in wire order, keeping that order. */
  public List<Header> redactAll(Iterable<Map.Entry<String, String>> headers) {
    List<Header> out = new ArrayList<>();
    for (Map.Entry<String, String> e : headers) {
      out.add(new Header(e.getKey(), redact(e.getKey(), e.getValue())));
    }
    return out;
  }

  private String fingerprint(String kind, String credential) {
    byte[] digest = mac.get().doFinal(credential.getBytes(StandardCharsets.UTF_8));
    return "fp:" + kind + ":" + HexFormat.of().formatHex(digest);
  }
}
