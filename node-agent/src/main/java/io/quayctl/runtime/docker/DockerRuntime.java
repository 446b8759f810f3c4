package io.quayctl.runtime.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.LoadResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.ContainerRuntime;
import io.quayctl.runtime.ImageConfig;
import io.quayctl.runtime.ImportResult;
import io.quayctl.runtime.RuntimeUnavailableException;
import io.quayctl.runtime.TarStream;
import io.quayctl.store.BlobStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports images into a Docker engine by streaming a docker-archive ({@code manifest.json}, the
 * config, gzipped layer tars) straight from the blob store into the engine's load API; nothing is
 * staged on the client's disk.
 *
 * <p>{@code docker load} has no "which layers do you have" exchange, but it does not open a layer
 * file whose chain (the layer plus everything below it) is already in the engine's layer store. The
 * importer therefore learns the chains the engine holds from its images' {@code RootFS} and leaves
 * those layers out of the archive.
 */
public final class DockerRuntime implements ContainerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DockerClient client;
  private final URI host;
  private final String hostSource;

  private DockerRuntime(DockerClient client, URI host, String hostSource) {
    this.client = client;
    this.host = host;
    this.hostSource = hostSource;
  }

  /**
   * Connects to the engine named by {@code host} ({@code unix:///path} or {@code tcp://h:p}), or,
   * when it is null, by {@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH}
   * as the docker CLI reads them (default {@code unix:///var/run/docker.sock}). Nothing is sent
   * until the first call.
   */
  public static DockerRuntime connect(String host) {
    return connect(host, null);
  }

  /**
   * As {@link #connect(String)}; {@code hostSource} names where {@code host} came from (a flag such
   * as {@code --docker-host}, or {@code DOCKER_HOST}), for the hint when the engine cannot be
   * reached there.
   */
  public static DockerRuntime connect(String host, String hostSource) {
    DefaultDockerClientConfig.Builder builder =
        DefaultDockerClientConfig.createDefaultConfigBuilder();
    if (host != null && !host.isBlank()) {
      builder.withDockerHost(host);
    }
    DockerClientConfig config = builder.build();
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .connectionTimeout(Duration.ofSeconds(5))
            .maxConnections(8)
            .build();
    return new DockerRuntime(
        DockerClientImpl.getInstance(config, http), config.getDockerHost(), hostSource);
  }

  /** The engine's address, for messages. */
  public URI host() {
    return host;
  }

  @Override
  public String name() {
    return "docker";
  }

  @Override
  public void ping() throws RuntimeUnavailableException {
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
  }

  @Override
  public boolean isPresent(ResolvedImage image) throws IOException {
    Optional<InspectImageResponse> existing = inspect(image.config().digest().toString());
    return existing.isPresent() && hasTag(existing.get(), image.reference());
  }

  @Override
  public ImportResult importImage(ResolvedImage image, BlobStore store) throws IOException {
    String id = image.config().digest().toString();
    int uniqueLayers = image.uniqueLayers().size();
    Optional<InspectImageResponse> existing = inspect(id);
    if (existing.isPresent()) {
      if (!hasTag(existing.get(), image.reference())) {
        tag(id, image.reference());
        LOG.info("{} already in Docker as {}; tagged it", image.reference(), id);
      }
      return new ImportResult(ImportResult.Outcome.ALREADY_PRESENT, id, 0, uniqueLayers);
    }
    ImageConfig config = ImageConfig.read(image.config(), store);
    config.checkLayerCount(image.layers());
    Set<Digest> engineChains = engineChains();
    Plan plan = plan(image, config, engineChains);
    try {
      load(image, config, plan, store);
    } catch (LoadFailedException e) {
      if (plan.skipped() == 0 || !e.getMessage().contains("no such file or directory")) {
        throw e;
      }
      // A layer the engine had was removed between the check and the load: send everything.
      LOG.warn("docker load without known layers failed ({}); retrying with all layers", e);
      plan = plan(image, config, Set.of());
      load(image, config, plan, store);
    }
    verifyLoaded(image, config);
    return new ImportResult(ImportResult.Outcome.IMPORTED, id, plan.sent(), plan.skipped());
  }

  @Override
  public void close() throws IOException {
    client.close();
  }

  /**
   * Which layer blobs go into the archive: docker load opens layer {@code i} only when chain {@code
   * i} is missing, and once one chain is missing all chains above it are too.
   */
  record Plan(Set<Digest> blobsToSend, int sent, int skipped) {}

  static Plan plan(ResolvedImage image, ImageConfig config, Set<Digest> engineChains) {
    List<Digest> chains = config.chainIds();
    int firstMissing = 0;
    while (firstMissing < chains.size() && engineChains.contains(chains.get(firstMissing))) {
      firstMissing++;
    }
    Set<Digest> send = new HashSet<>();
    for (int i = firstMissing; i < image.layers().size(); i++) {
      send.add(image.layers().get(i).digest());
    }
    int unique = image.uniqueLayers().size();
    return new Plan(Set.copyOf(send), send.size(), unique - send.size());
  }

  private void load(ResolvedImage image, ImageConfig config, Plan plan, BlobStore store)
      throws IOException {
    String configName = image.config().digest().hex() + ".json";
    TarStream.Builder archive = TarStream.builder();
    archive.file(configName, config.bytes());
    Set<Digest> written = new HashSet<>();
    ArrayNode layerPaths = JSON.createArrayNode();
    for (Descriptor layer : image.layers()) {
      String path = layer.digest().hex() + "/layer.tar";
      layerPaths.add(path);
      if (plan.blobsToSend().contains(layer.digest()) && written.add(layer.digest())) {
        // Docker decompresses gzipped layer tars inside an archive, so the blob goes as stored.
        archive.blob(path, layer, store);
      }
    }
    ObjectNode entry = JSON.createObjectNode();
    entry.put("Config", configName);
    ArrayNode tags = entry.putArray("RepoTags");
    image.reference().tag().ifPresent(t -> tags.add(familiarTag(image.reference())));
    entry.set("Layers", layerPaths);
    archive.file("manifest.json", JSON.writeValueAsBytes(JSON.createArrayNode().add(entry)));

    LoadCallback callback = new LoadCallback();
    long start = System.nanoTime();
    Throwable failure;
    try (TarStream tar = archive.build()) {
      client.loadImageAsyncCmd(tar).exec(callback);
      callback.awaitCompletion();
      failure = callback.failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while loading " + image.reference());
    } catch (RuntimeException e) {
      failure = e;
    }
    if (failure != null) {
      Optional<TarStream.SourceException> source = sourceFailure(failure);
      if (source.isPresent()) {
        // The request was aborted mid-body, so the engine saw a broken archive and loaded nothing.
        throw new IOException(
            "docker load of " + image.reference() + " aborted: " + source.get().getMessage(),
            source.get());
      }
      if (isConnectionFailure(failure)) {
        throw unavailable(failure);
      }
      callback.errors.add(describe(failure));
    }
    if (!callback.errors.isEmpty()) {
      throw new LoadFailedException(
          "docker load of " + image.reference() + " failed: " + String.join("; ", callback.errors));
    }
    LOG.info(
        "loaded {} into Docker at {} in {} ms (layer blobs: {} sent, {} already there)",
        image.reference(),
        host,
        (System.nanoTime() - start) / 1_000_000,
        plan.sent(),
        plan.skipped());
  }

  private void verifyLoaded(ResolvedImage image, ImageConfig config) throws IOException {
    String id = image.config().digest().toString();
    InspectImageResponse loaded =
        inspect(id)
            .orElseThrow(
                () -> new IOException("docker load reported success but " + id + " is missing"));
    List<String> layers =
        loaded.getRootFS() == null || loaded.getRootFS().getLayers() == null
            ? List.of()
            : loaded.getRootFS().getLayers();
    List<String> expected = config.diffIds().stream().map(Digest::toString).toList();
    if (!layers.equals(expected)) {
      throw new IOException(
          "Docker holds " + id + " with layers " + layers + " instead of " + expected);
    }
    if (!hasTag(loaded, image.reference())) {
      throw new IOException("Docker holds " + id + " but not under " + image.reference());
    }
  }

  /** The chain ids of every layer stack the engine's images use. */
  private Set<Digest> engineChains() throws IOException {
    Set<Digest> chains = new HashSet<>();
    List<Image> images;
    try {
      images = client.listImagesCmd().withShowAll(true).exec();
    } catch (RuntimeException e) {
      throw failure("list images", e);
    }
    for (Image summary : images) {
      Optional<InspectImageResponse> image = inspect(summary.getId());
      if (image.isEmpty() || image.get().getRootFS() == null) {
        continue;
      }
      List<String> layers = image.get().getRootFS().getLayers();
      if (layers != null) {
        chains.addAll(ImageConfig.chainIds(layers.stream().map(Digest::parse).toList()));
      }
    }
    return chains;
  }

  private Optional<InspectImageResponse> inspect(String id) throws IOException {
    try {
      return Optional.of(client.inspectImageCmd(id).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw failure("inspect image " + id, e);
    }
  }

  private void tag(String id, ImageReference reference) throws IOException {
    Optional<String> tag = reference.tag();
    if (tag.isEmpty()) {
      return;
    }
    try {
      client.tagImageCmd(id, familiarName(reference), tag.get()).withForce(true).exec();
    } catch (RuntimeException e) {
      throw failure("tag " + id + " as " + reference, e);
    }
  }

  private static boolean hasTag(InspectImageResponse image, ImageReference reference) {
    if (reference.tag().isEmpty()) {
      return true;
    }
    List<String> tags = image.getRepoTags();
    return tags != null && tags.contains(familiarTag(reference));
  }

  /** The name as Docker shows it: {@code bash} for {@code docker.io/library/bash}. */
  static String familiarName(ImageReference reference) {
    if (reference.registry().equals(ImageReference.DOCKER_HUB)) {
      String repository = reference.repository();
      return repository.startsWith("library/") && repository.indexOf('/', 8) < 0
          ? repository.substring("library/".length())
          : repository;
    }
    return reference.name();
  }

  /** {@code name:tag} as it appears in Docker's {@code RepoTags}. */
  static String familiarTag(ImageReference reference) {
    return familiarName(reference) + ":" + reference.tag().orElseThrow();
  }

  private IOException failure(String what, RuntimeException e) {
    if (isConnectionFailure(e)) {
      return unavailable(e);
    }
    return new IOException("Docker at " + host + ": " + what + " failed: " + describe(e), e);
  }

  private RuntimeUnavailableException unavailable(Throwable e) {
    return new RuntimeUnavailableException(
        "cannot reach Docker at " + host + ": " + reason(e, hostSource), e);
  }

  private static Optional<TarStream.SourceException> sourceFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TarStream.SourceException source) {
        return Optional.of(source);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code e} means the engine could not be reached (not that a request failed). */
  private static boolean isConnectionFailure(Throwable e) {
    if (sourceFailure(e).isPresent()) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (t instanceof ConnectException
          || t instanceof NoSuchFileException
          || message.contains("connection refused")
          || message.contains("no such file or directory")
          || message.contains("connect timed out")) {
        return true;
      }
    }
    return false;
  }

  /** Why the engine is unreachable; {@code hostSource}, when known, is named as a suspect. */
  private static String reason(Throwable e, String hostSource) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (message.contains("connection refused")) {
        return "connection refused (is dockerd running?)";
      }
      if (t instanceof NoSuchFileException || message.contains("no such file or directory")) {
        return hostSource == null
            ? "no such socket (is dockerd running?)"
            : "no such socket (is dockerd running? is " + hostSource + " right?)";
      }
    }
    return describe(e);
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return root == e ? message : message + " (" + e.getClass().getSimpleName() + ")";
  }

  /** Collects the error messages of docker load's JSON stream (sent with HTTP 200). */
  private static final class LoadCallback extends ResultCallback.Adapter<LoadResponseItem> {
    final List<String> errors = new CopyOnWriteArrayList<>();
    volatile Throwable failure;

    /** Records the failure for the caller instead of logging it as the template does. */
    @Override
    public void onError(Throwable throwable) {
      failure = throwable;
      try {
        close();
      } catch (IOException e) {
        LOG.debug("closing the docker load callback", e);
      }
    }

    @Override
    public void onNext(LoadResponseItem item) {
      if (item.isErrorIndicated()) {
        errors.add(
            item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                ? item.getErrorDetail().getMessage()
                : item.toString());
      } else if (item.getStream() != null) {
        LOG.debug("docker load: {}", item.getStream().strip());
      }
    }
  }

  /** docker load answered with an error; nothing was loaded. */
  static final class LoadFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    LoadFailedException(String message) {
      super(message);
    }
  }
}
