package io.quayctl.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.registry.RegistryException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to send as {@code Authorization} to a registry: learns the scheme from the registry's {@code
 * 401} challenge, then answers Basic with the credentials, or Bearer with a token fetched from the
 * challenge's realm and cached per registry and scope until it expires.
 */
final class RegistryAuth {
  private static final Logger log = LoggerFactory.getLogger(RegistryAuth.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
  private static final int MAX_TOKEN_RESPONSE = 1 << 20;

  private final HttpClient http;
  private final CredentialProvider credentials;
  private final Clock clock;
  private final Duration timeout;
  private final String userAgent;

  private final ConcurrentHashMap<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Optional<Credentials>> logins = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Object> tokenLocks = new ConcurrentHashMap<>();

  private record Token(String value, Instant refreshAt) {}

  RegistryAuth(
      HttpClient http,
      CredentialProvider credentials,
      Clock clock,
      Duration timeout,
      String userAgent) {
    this.http = http;
    this.credentials = credentials;
    this.clock = clock;
    this.timeout = timeout;
    this.userAgent = userAgent;
  }

  /**
   * The {@code Authorization} value for a request to {@code registry} needing {@code scope}, or
   * {@code null} while the registry has not asked for authentication.
   */
  String authorization(String registry, String scope) throws IOException {
    AuthChallenge challenge = challenges.get(registry);
    if (challenge == null) {
      return null;
    }
    if (challenge.scheme().equals("basic")) {
      Credentials login = login(registry).orElse(null);
      return login == null ? null : basic(login);
    }
    String key = registry + " " + scope;
    Token token = tokens.get(key);
    if (token != null && clock.instant().isBefore(token.refreshAt())) {
      return "Bearer " + token.value();
    }
    synchronized (tokenLocks.computeIfAbsent(key, k -> new Object())) {
      token = tokens.get(key);
      if (token == null || !clock.instant().isBefore(token.refreshAt())) {
        token = fetchToken(registry, scope, challenge);
        tokens.put(key, token);
      }
      return "Bearer " + token.value();
    }
  }

  /**
   * Records a {@code 401} answer to a request that carried {@code sent} ({@code null}: none).
   * Returns normally when a retry may succeed; throws {@link RegistryException} when the request
   * cannot be authorised.
   */
  void unauthorized(String registry, String scope, List<String> wwwAuthenticate, String sent)
      throws IOException {
    AuthChallenge challenge = null;
    for (AuthChallenge c : AuthChallenge.parse(wwwAuthenticate)) {
      if (c.scheme().equals("bearer") && c.param("realm") != null) {
        challenge = c;
        break;
      }
      if (c.scheme().equals("basic") && challenge == null) {
        challenge = c;
      }
    }
    if (challenge == null) {
      throw new RegistryException(
          Kind.PROTOCOL,
          "registry "
              + registry
              + " answered 401 without a Basic or Bearer challenge (WWW-Authenticate: "
              + String.join(", ", wwwAuthenticate)
              + ")");
    }
    AuthChallenge previous = challenges.put(registry, challenge);
    if (challenge.scheme().equals("basic")) {
      if (login(registry).isEmpty()) {
        throw new RegistryException(
            Kind.UNAUTHORIZED,
            "registry " + registry + " requires a login and there is none: " + describe(registry));
      }
      if (sent != null && sent.startsWith("Basic ")) {
        throw new RegistryException(
            Kind.UNAUTHORIZED, "registry " + registry + " rejected " + describe(registry));
      }
      return;
    }
    if (previous == null || !previous.scheme().equals("bearer")) {
      log.debug("registry {} uses bearer tokens from {}", registry, challenge.param("realm"));
    }
    // The token we sent expired or was revoked: drop it so the next request fetches a new one.
    String key = registry + " " + scope;
    Token cached = tokens.get(key);
    if (cached != null && sent != null && sent.equals("Bearer " + cached.value())) {
      tokens.remove(key, cached);
    }
  }

  /** "credentials for X from Y" or "no credentials for X in Y", for messages. */
  String describe(String registry) {
    Optional<Credentials> login;
    try {
      login = login(registry);
    } catch (IOException e) {
      return "credentials for " + registry + " could not be read: " + e.getMessage();
    }
    return login
        .map(c -> "credentials for " + registry + " from " + c.origin())
        .orElse("no credentials for " + registry + " in " + credentials.describe());
  }

  private Optional<Credentials> login(String registry) throws IOException {
    Optional<Credentials> cached = logins.get(registry);
    if (cached != null) {
      return cached;
    }
    Optional<Credentials> found = credentials.find(registry);
    logins.put(registry, found);
    return found;
  }

  private static String basic(Credentials c) {
    String user = c.username() == null ? "" : c.username();
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
  }

  private Token fetchToken(String registry, String scope, AuthChallenge challenge)
      throws IOException {
    String realm = challenge.param("realm");
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          Kind.PROTOCOL,
          "registry " + registry + " names an invalid token realm \"" + realm + "\"");
    }
    String service = challenge.param("service");
    Credentials login = login(registry).orElse(null);
    HttpRequest.Builder request =
        HttpRequest.newBuilder().timeout(timeout).header("User-Agent", userAgent);
    if (login != null && login.hasIdentityToken()) {
      // OAuth2 refresh-token grant, as the Docker CLI does with an identity token.
      StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=quayctl");
      form.append("&refresh_token=").append(encode(login.identityToken()));
      if (service != null) {
        form.append("&service=").append(encode(service));
      }
      form.append("&scope=").append(encode(scope));
      request
          .uri(realmUri)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
    } else {
      StringBuilder query = new StringBuilder();
      if (service != null) {
        query.append("service=").append(encode(service));
      }
      query.append(query.length() == 0 ? "" : "&").append("scope=").append(encode(scope));
      String sep = realm.contains("?") ? "&" : "?";
      request.uri(URI.create(realm + (query.length() == 0 ? "" : sep + query))).GET();
      if (login != null) {
        request.header("Authorization", basic(login));
      }
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException e) {
      throw new RegistryException(
          Kind.UNREACHABLE,
          "cannot reach the token server "
              + realmUri.getHost()
              + " of registry "
              + registry
              + ": "
              + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching a token for " + registry);
    }
    byte[] body;
    try (InputStream in = response.body()) {
      body = RegistryClient.readBounded(in, MAX_TOKEN_RESPONSE, "token response of " + realm);
    }
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new RegistryException(
          Kind.UNAUTHORIZED,
          "access denied to "
              + scope
              + ": the token server "
              + realmUri.getHost()
              + " refused "
              + describe(registry)
              + " (HTTP "
              + status
              + ")");
    }
    if (status != 200) {
      throw new RegistryException(
          Kind.PROTOCOL,
          "token server " + realm + " answered HTTP " + status + " for registry " + registry);
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      throw new RegistryException(
          Kind.PROTOCOL, "token server " + realm + " answered something that is not JSON");
    }
    String value = json == null ? null : text(json, "token");
    if (value == null && json != null) {
      value = text(json, "access_token");
    }
    if (value == null) {
      throw new RegistryException(
          Kind.PROTOCOL, "token server " + realm + " answered without a token or access_token");
    }
    Duration lifetime = DEFAULT_TOKEN_LIFETIME;
    JsonNode expiresIn = json.get("expires_in");
    if (expiresIn != null && expiresIn.canConvertToLong() && expiresIn.asLong() > 0) {
      lifetime = Duration.ofSeconds(expiresIn.asLong());
    }
    // Refresh a little early so a token does not expire between check and use.
    Duration margin =
        lifetime.dividedBy(10).compareTo(Duration.ofSeconds(10)) < 0
            ? lifetime.dividedBy(10)
            : Duration.ofSeconds(10);
    log.debug("got a token for {} {} valid {}s", registry, scope, lifetime.toSeconds());
    return new Token(value, clock.instant().plus(lifetime).minus(margin));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || !v.isTextual() || v.asText().isEmpty() ? null : v.asText();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
