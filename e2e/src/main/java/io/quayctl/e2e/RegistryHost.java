package io.quayctl.e2e;

import io.quayctl.api.Digest;
import io.quayctl.testing.HostCommand;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.LogFiles;
import io.quayctl.testing.PushTarget;
import io.quayctl.testing.RegistryServer;
import io.quayctl.testing.RegistryServer.Access;
import io.quayctl.testing.TestNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Debian's {@code docker-registry} (CNCF distribution) on the registry host, serving TLS with a
 * certificate made for this run, optionally behind htpasswd Basic auth. Only the bastion has a
 * route to it. Its access log (stdout, combined format) tells which blobs it served and how often.
 */
public final class RegistryHost implements AutoCloseable {
  /** The port the registry listens on inside its host. */
  public static final int PORT = 5000;

  private static final String TRUST_PASSWORD = "changeit";

  private final TestNetwork.Host host;
  private final Path dir;
  private final HostProcess process;
  private final Path trustStore;
  private final String user;
  private final String password;
  private final HttpClient http;
  private final PushTarget pushTarget;

  private RegistryHost(
      TestNetwork.Host host,
      Path dir,
      HostProcess process,
      Path trustStore,
      String user,
      String password,
      HttpClient http,
      int pushPort) {
    this.host = host;
    this.dir = dir;
    this.process = process;
    this.trustStore = trustStore;
    this.user = user;
    this.password = password;
    this.http = http;
    this.pushTarget = pushTarget(pushPort, Duration.ofSeconds(60));
  }

  /**
   * Starts the registry in {@code host} with its storage under {@code dir}; with a non-null {@code
   * user}, every request needs that user's Basic credentials. {@code tunnel} lets the harness push.
   */
  public static RegistryHost start(
      TestNetwork.Host host, Path dir, String user, String password, Tunnel tunnel)
      throws IOException {
    Path registry = HostCommand.require("docker-registry", "docker-registry");
    Files.createDirectories(dir);
    Path cert = dir.resolve("registry.crt");
    Path key = dir.resolve("registry.key");
    HostCommand.require("openssl", "openssl");
    HostCommand.run(
            Duration.ofSeconds(60),
            List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=quayctl-e2e-registry",
                "-addext",
                "subjectAltName=IP:" + host.address() + ",IP:127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString()))
        .orThrow();
    Path trustStore = dir.resolve("truststore.p12");
    SSLContext ssl = writeTrustStore(cert, trustStore);
    String auth = "";
    if (user != null) {
      HostCommand.require("htpasswd", "apache2-utils");
      Path htpasswd = dir.resolve("htpasswd");
      Files.writeString(
          htpasswd,
          HostCommand.run(Duration.ofSeconds(30), List.of("htpasswd", "-Bbn", user, password))
              .orThrow());
      auth = "auth:\n  htpasswd:\n    realm: quayctl-e2e\n    path: " + htpasswd + "\n";
    }
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        "version: 0.1\n"
            + "log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n"
            + "storage:\n  filesystem:\n    rootdirectory: "
            + dir.resolve("data")
            + "\n"
            + "http:\n  addr: 0.0.0.0:"
            + PORT
            + "\n  secret: "
            + UUID.randomUUID()
            + "\n  tls:\n    certificate: "
            + cert
            + "\n    key: "
            + key
            + "\n"
            + auth);
    HostProcess process =
        HostProcess.start(
            "docker-registry",
            host,
            List.of(
                "bash",
                "-c",
                "exec \"$0\" serve \"$1\" >>\"$2\" 2>>\"$3\"",
                registry.toString(),
                config.toString(),
                dir.resolve("access.log").toString(),
                dir.resolve("registry.log").toString()),
            Map.of(),
            dir.resolve("registry.out"));
    int local = tunnel.forward(host.address(), PORT);
    HttpClient http =
        HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    RegistryHost registryHost =
        new RegistryHost(host, dir, process, trustStore, user, password, http, local);
    process.awaitReady(registryHost::answers, Duration.ofSeconds(30));
    return registryHost;
  }

  private static SSLContext writeTrustStore(Path cert, Path trustStore) throws IOException {
    try (InputStream in = Files.newInputStream(cert)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry(
          "quayctl-e2e-registry", CertificateFactory.getInstance("X.509").generateCertificate(in));
      try (var out = Files.newOutputStream(trustStore)) {
        store.store(out, TRUST_PASSWORD.toCharArray());
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the registry's trust store", e);
    }
  }

  private boolean answers() {
    try {
      int status =
          http.send(
                  HttpRequest.newBuilder(URI.create(pushTarget.url() + "/v2/"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      return status == 200 || status == 401;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code ADDRESS:5000}: the registry as image references on the bastion name it. */
  public String hostPort() {
    return host.address() + ":" + PORT;
  }

  /** The registry's host. */
  public TestNetwork.Host host() {
    return host;
  }

  /**
   * JVM flags that make a Java process trust this registry's certificate (what installing the
   * registry's CA on a bastion does).
   */
  public List<String> trustFlags() {
    return List.of(
        "-Djavax.net.ssl.trustStore=" + trustStore,
        "-Djavax.net.ssl.trustStoreType=PKCS12",
        "-Djavax.net.ssl.trustStorePassword=" + TRUST_PASSWORD);
  }

  /** The {@code .dockerconfigjson} of a pull secret with these credentials. */
  public String dockerConfigJson(String user, String password) {
    String auth = base64(user + ":" + password);
    return "{\"auths\":{\""
        + hostPort()
        + "\":{\"username\":\""
        + user
        + "\",\"password\":\""
        + password
        + "\",\"auth\":\""
        + auth
        + "\"}}}";
  }

  /** Pushes the image's blobs and manifest as {@code repository:tag}. */
  public void push(String repository, String tag, ImageFixtures.Image image) throws IOException {
    ImageFixtures.push(pushTarget, repository, tag, image);
  }

  /**
   * This registry as {@link ImageFixtures} pushes to it, reached at {@code
   * https://127.0.0.1:<localPort>} (the end of a tunnel into its host), with this registry's
   * certificate trusted, its credentials sent, and {@code timeout} for each request.
   */
  public PushTarget pushTarget(int localPort, Duration timeout) {
    String url = "https://127.0.0.1:" + localPort;
    String authorization = user == null ? null : "Basic " + base64(user + ":" + password);
    return new PushTarget() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public String pushAuthorization(String repository) {
        return authorization;
      }

      @Override
      public HttpClient client() {
        return http;
      }

      @Override
      public Duration timeout() {
        return timeout;
      }
    };
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Every request answered so far, the harness's own pushes included. */
  public List<Access> accessLog() throws IOException {
    return RegistryServer.parseAccessLog(dir.resolve("access.log"));
  }

  /** GETs of blobs answered with content (200 or 206): what the registry actually served. */
  public List<Access> blobGets() throws IOException {
    return accessLog().stream().filter(Access::servedBlob).toList();
  }

  /** GETs of one blob answered with content. */
  public List<Access> blobGets(Digest digest) throws IOException {
    return blobGets().stream().filter(a -> a.path().endsWith("/blobs/" + digest)).toList();
  }

  /** The registry's own log tail, for failure messages. */
  public String logTail() {
    return LogFiles.tail(dir.resolve("registry.log"), 20);
  }

  @Override
  public void close() {
    process.close();
  }
}
