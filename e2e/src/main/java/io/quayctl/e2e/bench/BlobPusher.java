package io.quayctl.e2e.bench;

import io.quayctl.api.Digest;
import io.quayctl.e2e.Cluster;
import io.quayctl.e2e.Launcher;
import io.quayctl.e2e.RegistryHost;
import io.quayctl.e2e.Tunnel;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.PushTarget;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Pushes a {@link RandomImage} to the cluster's registry, streaming each blob from its file in one
 * monolithic upload, through a tunnel of its own into the registry host (so the pushes never cross
 * the shaped link whose counters the benchmark reads).
 */
public final class BlobPusher implements AutoCloseable {
  private final Tunnel tunnel;
  private final PushTarget registry;

  private BlobPusher(Tunnel tunnel, PushTarget registry) {
    this.tunnel = tunnel;
    this.registry = registry;
  }

  /** Opens a tunnel into the registry host of {@code cluster}; trusts its certificate. */
  public static BlobPusher open(Cluster cluster, Path dir) throws IOException {
    Files.createDirectories(dir);
    Tunnel tunnel = Tunnel.into(cluster.registry().host(), dir, Launcher.fromEnvironment());
    int port = tunnel.forward(cluster.registry().host().address(), RegistryHost.PORT);
    return new BlobPusher(tunnel, cluster.registry().pushTarget(port, Duration.ofMinutes(10)));
  }

  /** The registry's certificate, which the harness writes into the registry's directory. */
  public static Path certificate(Cluster cluster) {
    return cluster.runDir().resolve("registry/registry.crt");
  }

  /** Pushes every blob, then the manifest as {@code repository:tag}. */
  public void push(String repository, String tag, RandomImage image) throws IOException {
    pushBlob(repository, image.config());
    for (RandomImage.Blob layer : image.layers()) {
      pushBlob(repository, layer);
    }
    ImageFixtures.pushManifest(
        registry, repository, tag, RandomImage.MANIFEST_TYPE, image.manifest());
  }

  private void pushBlob(String repository, RandomImage.Blob blob) throws IOException {
    ImageFixtures.pushBlob(
        registry,
        repository,
        Digest.parse(blob.digest()),
        HttpRequest.BodyPublishers.ofFile(blob.file()));
  }

  @Override
  public void close() {
    tunnel.close();
  }
}
