package io.quayctl.testing;

import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real CNCF distribution registry ({@code /usr/bin/docker-registry}) on a free loopback port with
 * its storage in a temporary directory: anonymous, htpasswd Basic auth, or token auth against a
 * {@link TokenServer}. Its access log (stdout, combined log format) tells which blobs it served.
 *
 * <p>It can also run inside a {@link TestNetwork.Host}, listening on the host's address; this JVM
 * then reaches it (to push fixtures and read the log) through a {@link HostForward}.
 */
public final class RegistryServer implements AutoCloseable, PushTarget {
  private static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Pattern ACCESS_LINE =
      Pattern.compile("^\\S+ \\S+ \\S+ \\[[^]]+] \"(\\S+) (\\S+) [^\"]*\" (\\d{3}) (\\d+|-) .*$");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One served request. */
  public record Access(String method, String path, int status, long bytes) {
    /** Whether this was a GET of a blob answered with content (200 or 206). */
    public boolean servedBlob() {
      return method.equals("GET")
          && path.contains("/blobs/sha256:")
          && (status == 200 || status == 206);
    }
  }

  private final Path dir;
  private final Process process;
  private final int port;
  private final String host;
  private final HostForward forward;
  private final String basicUser;
  private final String basicPassword;
  private final TokenServer tokens;

  private RegistryServer(
      Path dir,
      Process process,
      String address,
      int port,
      HostForward forward,
      String user,
      String password,
      TokenServer tokens) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.host = address + ":" + port;
    this.forward = forward;
    this.basicUser = user;
    this.basicPassword = password;
    this.tokens = tokens;
  }

  /** A registry without authentication. */
  public static RegistryServer anonymous() throws IOException {
    return start(null, null, null, null);
  }

  /**
   * A registry without authentication inside {@code host}, listening on its address at port 5000
   * (plain HTTP, so clients elsewhere need their insecure-registry option).
   */
  public static RegistryServer anonymous(TestNetwork.Host host) throws IOException {
    return start(null, null, null, host);
  }

  /** A registry with htpasswd (bcrypt) Basic authentication for one user. */
  public static RegistryServer basic(String user, String password) throws IOException {
    return start(user, password, null, null);
  }

  /** A registry that trusts tokens from {@code tokens}. */
  public static RegistryServer token(TokenServer tokens) throws IOException {
    return start(null, null, tokens, null);
  }

  private static RegistryServer start(
      String user, String password, TokenServer tokens, TestNetwork.Host inside)
      throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: install Debian's docker-registry package (scripts/install-deps)");
    }
    Path dir = Files.createTempDirectory("quayctl-registry-");
    String auth = "";
    if (user != null) {
      Path htpasswd = dir.resolve("htpasswd");
      Files.writeString(htpasswd, bcryptLine(user, password));
      auth = "auth:\n  htpasswd:\n    realm: quayctl-test\n    path: " + htpasswd + "\n";
    } else if (tokens != null) {
      Path bundle = tokens.writeRootCertBundle(dir.resolve("token-root.pem"));
      auth =
          "auth:\n  token:\n    realm: "
              + tokens.realm()
              + "\n    service: "
              + TokenServer.SERVICE
              + "\n    issuer: "
              + TokenServer.ISSUER
              + "\n    rootcertbundle: "
              + bundle
              + "\n";
    }
    IOException last = null;
    String address = inside == null ? "127.0.0.1" : inside.address();
    for (int attempt = 0; attempt < 3; attempt++) {
      // A host's namespace is empty: its port is known to be free.
      int port = inside == null ? FreePort.find() : 5000;
      Path config = dir.resolve("config.yml");
      Files.writeString(
          config,
          "version: 0.1\n"
              + "log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n"
              + "storage:\n  filesystem:\n    rootdirectory: "
              + dir.resolve("data")
              + "\n  delete:\n    enabled: true\n"
              + "http:\n  addr: "
              + address
              + ":"
              + port
              + "\n  secret: "
              + UUID.randomUUID()
              + "\n"
              + auth);
      List<String> command = List.of(BINARY.toString(), "serve", config.toString());
      Process process =
          (inside == null ? new ProcessBuilder(command) : inside.process(command))
              .redirectOutput(dir.resolve("access.log").toFile())
              .redirectError(dir.resolve("registry.log").toFile())
              .start();
      HostForward forward = null;
      try {
        forward = inside == null ? null : HostForward.to(inside, address, port);
        RegistryServer server =
            new RegistryServer(dir, process, address, port, forward, user, password, tokens);
        server.awaitReady();
        return server;
      } catch (IOException e) {
        last = e;
        process.destroyForcibly();
        if (forward != null) {
          forward.close();
        }
      }
    }
    throw last;
  }

  private static String bcryptLine(String user, String password) throws IOException {
    Process p = new ProcessBuilder("htpasswd", "-Bbn", user, password).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException("htpasswd failed: " + new String(p.getErrorStream().readAllBytes()));
      }
      return out.strip() + "\n";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }

  private void awaitReady() throws IOException {
    Instant deadline = Instant.now().plusSeconds(15);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("docker-registry exited: " + log());
      }
      try {
        int status =
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + "/v2/"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    }
    throw new IOException("docker-registry did not answer within 15s: " + log());
  }

  /**
   * {@code address:port}, the registry as an image reference names it: {@code 127.0.0.1:port}, or
   * the address of the host it runs inside.
   */
  public String host() {
    return host;
  }

  /** The port. */
  public int port() {
    return port;
  }

  /**
   * The registry's base URL as this JVM reaches it: {@code http://127.0.0.1:port}, or the loopback
   * end of the forward into its host.
   */
  @Override
  public String url() {
    return forward == null ? "http://" + host : "http://127.0.0.1:" + forward.localPort();
  }

  /** An image reference on this registry, e.g. {@code ref("app:v1")}. */
  public ImageReference ref(String repositoryAndTag) {
    return ImageReference.parse(host() + "/" + repositoryAndTag);
  }

  /** The {@code Authorization} a fixture needs to push to {@code repository}, or null. */
  @Override
  public String pushAuthorization(String repository) {
    if (basicUser != null) {
      return "Basic "
          + Base64.getEncoder()
              .encodeToString((basicUser + ":" + basicPassword).getBytes(StandardCharsets.UTF_8));
    }
    if (tokens != null) {
      return "Bearer " + tokens.mint(repository, "pull", "push");
    }
    return null;
  }

  /**
   * The access log so far. A marker request is logged first and waited for, so every request
   * answered before this call is in the list.
   */
  public List<Access> accessLog() throws IOException {
    String marker = "/v2/quayctl-marker-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    try {
      HTTP.send(
          HttpRequest.newBuilder(URI.create(url() + marker)).build(),
          HttpResponse.BodyHandlers.discarding());
      Instant deadline = Instant.now().plusSeconds(5);
      while (Instant.now().isBefore(deadline)) {
        List<Access> all = parseLog();
        if (all.stream().anyMatch(a -> a.path().equals(marker))) {
          Thread.sleep(20);
          return parseLog().stream()
              .filter(a -> !a.path().startsWith("/v2/quayctl-marker-"))
              .toList();
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
    throw new IOException("the registry never logged the marker request " + marker);
  }

  /** The GETs of a blob that the registry answered with content (200 or 206). */
  public List<Access> blobGets(Digest digest) throws IOException {
    return accessLog().stream()
        .filter(Access::servedBlob)
        .filter(a -> a.path().endsWith("/blobs/" + digest))
        .toList();
  }

  private List<Access> parseLog() throws IOException {
    return parseAccessLog(dir.resolve("access.log"));
  }

  /**
   * Reads a docker-registry access log (combined log format): one entry per answered request, query
   * strings dropped. A missing file means no requests yet.
   */
  public static List<Access> parseAccessLog(Path file) throws IOException {
    List<Access> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      Matcher m = ACCESS_LINE.matcher(line);
      if (m.matches()) {
        out.add(
            new Access(
                m.group(1),
                m.group(2).split("\\?", 2)[0],
                Integer.parseInt(m.group(3)),
                m.group(4).equals("-") ? 0 : Long.parseLong(m.group(4))));
      }
    }
    return out;
  }

  /** The registry's own log, for failure messages. */
  public String log() {
    return LogFiles.tail(dir.resolve("registry.log"), 20);
  }

  @Override
  public void close() throws IOException {
    if (forward != null) {
      forward.close();
    }
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
