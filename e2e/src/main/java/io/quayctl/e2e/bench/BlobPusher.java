package io.quayctl.e2e.bench;

import io.quayctl.e2e.Cluster;
import io.quayctl.e2e.Launcher;
import io.quayctl.e2e.RegistryHost;
import io.quayctl.e2e.Tunnel;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Pushes a {@link RandomImage} to the cluster's registry, streaming each blob from its file in one
 * monolithic upload, through a tunnel of its own into the registry host (so the pushes never cross
 * the shaped link whose counters the benchmark reads).
 */
public final class BlobPusher implements AutoCloseable {
  private final Tunnel tunnel;
  private final HttpClient http;
  private final String base;

  private BlobPusher(Tunnel tunnel, HttpClient http, String base) {
    this.tunnel = tunnel;
    this.http = http;
    this.base = base;
  }

  /** Opens a tunnel into the registry host of {@code cluster}; trusts its certificate. */
  public static BlobPusher open(Cluster cluster, Path dir) throws IOException {
    Files.createDirectories(dir);
    Tunnel tunnel = Tunnel.into(cluster.registry().host(), dir, Launcher.fromEnvironment());
    int port = tunnel.forward(cluster.registry().host().address(), RegistryHost.PORT);
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(trusting(certificate(cluster)))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return new BlobPusher(tunnel, http, "https://127.0.0.1:" + port);
  }

  /** The registry's certificate, which the harness writes into the registry's directory. */
  public static Path certificate(Cluster cluster) {
    return cluster.runDir().resolve("registry/registry.crt");
  }

  private static SSLContext trusting(Path cert) throws IOException {
    try (InputStream in = Files.newInputStream(cert)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry(
          "registry", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust the registry's certificate " + cert, e);
    }
  }

  /** Pushes every blob, then the manifest as {@code repository:tag}. */
  public void push(String repository, String tag, RandomImage image) throws IOException {
    pushBlob(repository, image.config());
    for (RandomImage.Blob layer : image.layers()) {
      pushBlob(repository, layer);
    }
    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(URI.create(base + "/v2/" + repository + "/manifests/" + tag))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", RandomImage.MANIFEST_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(image.manifest())));
    expect(put, 201, "pushing the manifest of " + repository + ":" + tag);
  }

  private void pushBlob(String repository, RandomImage.Blob blob) throws IOException {
    String path = "/v2/" + repository + "/blobs/";
    HttpResponse<String> started =
        send(
            HttpRequest.newBuilder(URI.create(base + path + "uploads/"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()));
    expect(started, 202, "starting an upload to " + repository);
    URI location =
        URI.create(base + path).resolve(started.headers().firstValue("Location").orElseThrow());
    String sep = location.toString().contains("?") ? "&" : "?";
    HttpResponse<String> done =
        send(
            HttpRequest.newBuilder(URI.create(location + sep + "digest=" + blob.digest()))
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(blob.file())));
    expect(done, 201, "uploading " + blob.digest() + " to " + repository);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }

  private static void expect(HttpResponse<String> response, int status, String what)
      throws IOException {
    if (response.statusCode() != status) {
      throw new IOException(
          what + " failed: HTTP " + response.statusCode() + " " + response.body());
    }
  }

  @Override
  public void close() {
    tunnel.close();
  }
}
