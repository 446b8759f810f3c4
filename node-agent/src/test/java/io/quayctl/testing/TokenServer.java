package io.quayctl.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A Docker token server for the registry's {@code auth: token:} mode: issues RS256 JWTs whose
 * {@code x5c} header carries a self-signed certificate, which the registry trusts through its
 * {@code rootcertbundle}. Users in {@code users} get what they ask for; anonymous clients get
 * {@code pull} when {@code anonymousPull}, nothing otherwise (the registry then answers 401).
 */
public final class TokenServer implements AutoCloseable {
  public static final String SERVICE = "quayctl-test-registry";
  public static final String ISSUER = "quayctl-test-issuer";

  /** The distribution registry accepts a token up to this long after its {@code exp}. */
  private static final Duration REGISTRY_LEEWAY = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final KeyPair keys;
  private final X509Certificate cert;
  private final Map<String, String> users;
  private final boolean anonymousPull;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger issued = new AtomicInteger();
  private volatile Duration validFor = Duration.ofMinutes(5);
  private volatile long advertisedExpiresIn = 300;

  /** What a client asked: the user (or null), the scopes, whether it sent Basic auth. */
  public record Request(String user, List<String> scopes, int status) {}

  private TokenServer(Map<String, String> users, boolean anonymousPull) throws IOException {
    this.users = Map.copyOf(users);
    this.anonymousPull = anonymousPull;
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      keys = gen.generateKeyPair();
      Instant now = Instant.now();
      X500Principal name = new X500Principal("CN=quayctl test token issuer");
      cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  new JcaX509v3CertificateBuilder(
                          name,
                          BigInteger.valueOf(now.toEpochMilli()),
                          Date.from(now.minus(Duration.ofHours(1))),
                          Date.from(now.plus(Duration.ofDays(1))),
                          name,
                          keys.getPublic())
                      .build(
                          new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IOException("cannot make the token signing key", e);
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::handle);
    server.start();
  }

  /** Starts a token server on a free loopback port. */
  public static TokenServer start(Map<String, String> users, boolean anonymousPull)
      throws IOException {
    return new TokenServer(users, anonymousPull);
  }

  /** The realm URL for the registry config. */
  public String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** Writes the certificate the registry must trust, as PEM. */
  public Path writeRootCertBundle(Path file) throws IOException {
    try {
      String pem =
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(cert.getEncoded())
              + "\n-----END CERTIFICATE-----\n";
      return Files.writeString(file, pem);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException(e);
    }
  }

  /**
   * Tokens issued from now on are accepted by the registry for only {@code validFor}, while the
   * response claims {@code expires_in} (so a client keeps using an expired token and meets 401).
   */
  public void tokenLifetime(Duration validFor, long advertisedExpiresIn) {
    this.validFor = validFor;
    this.advertisedExpiresIn = advertisedExpiresIn;
  }

  /** Every token request so far. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** How many tokens were issued. */
  public int issued() {
    return issued.get();
  }

  /** A token granting {@code actions} on {@code repository}, for fixtures that push. */
  public String mint(String repository, String... actions) {
    return sign("fixture", List.of("repository:" + repository + ":" + String.join(",", actions)));
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String user = null;
      String header = ex.getRequestHeaders().getFirst("Authorization");
      if (header != null && header.startsWith("Basic ")) {
        String decoded =
            new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        String name = decoded.substring(0, colon);
        if (!decoded.substring(colon + 1).equals(users.get(name))) {
          requests.add(new Request(name, List.of(), 401));
          respond(ex, 401, "{\"details\":\"incorrect username or password\"}");
          return;
        }
        user = name;
      }
      List<String> scopes = new ArrayList<>();
      String query = ex.getRequestURI().getRawQuery();
      String service = null;
      for (String pair : query == null ? new String[0] : query.split("&")) {
        int eq = pair.indexOf('=');
        String key = pair.substring(0, eq);
        String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (key.equals("scope")) {
          scopes.add(value);
        } else if (key.equals("service")) {
          service = value;
        }
      }
      if (!SERVICE.equals(service)) {
        requests.add(new Request(user, scopes, 400));
        respond(ex, 400, "{\"details\":\"unknown service\"}");
        return;
      }
      List<String> granted = new ArrayList<>();
      for (String scope : scopes) {
        if (user != null) {
          granted.add(scope);
        } else if (anonymousPull) {
          granted.add(scope.substring(0, scope.lastIndexOf(':')) + ":pull");
        }
      }
      requests.add(new Request(user, scopes, 200));
      String token = sign(user == null ? "" : user, granted);
      issued.incrementAndGet();
      ObjectNode body = JSON.createObjectNode();
      body.put("token", token);
      body.put("access_token", token);
      body.put("expires_in", advertisedExpiresIn);
      body.put("issued_at", Instant.now().toString());
      respond(ex, 200, JSON.writeValueAsString(body));
    }
  }

  private String sign(String subject, List<String> scopes) {
    try {
      Instant now = Instant.now();
      ObjectNode header = JSON.createObjectNode();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      header.putArray("x5c").add(Base64.getEncoder().encodeToString(cert.getEncoded()));
      ObjectNode claims = JSON.createObjectNode();
      claims.put("iss", ISSUER);
      claims.put("sub", subject);
      claims.put("aud", SERVICE);
      // The registry adds a leeway to exp; take it off so validFor is what the registry enforces.
      claims.put("exp", now.plus(validFor).minus(REGISTRY_LEEWAY).getEpochSecond());
      claims.put("nbf", now.minusSeconds(1).getEpochSecond());
      claims.put("iat", now.getEpochSecond());
      claims.put("jti", UUID.randomUUID().toString());
      ArrayNode access = claims.putArray("access");
      for (String scope : scopes) {
        String[] parts = scope.split(":");
        if (parts.length != 3) {
          continue;
        }
        ObjectNode a = access.addObject();
        a.put("type", parts[0]);
        a.put("name", parts[1]);
        ArrayNode actions = a.putArray("actions");
        for (String action : parts[2].split(",")) {
          actions.add(action);
        }
      }
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String signingInput =
          b64.encodeToString(JSON.writeValueAsBytes(header))
              + "."
              + b64.encodeToString(JSON.writeValueAsBytes(claims));
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(keys.getPrivate());
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(rsa.sign());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
