package io.quayctl.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.MediaTypes;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds real test images: layer tars with files, dirs and symlinks, config and manifest. */
public final class ImageFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageFixtures() {}

  /** One gzip-compressed layer: its compressed bytes and the digest of the uncompressed tar. */
  public record Layer(byte[] gzipped, Digest digest, Digest diffId) {}

  /** A built image: all blobs plus the manifest bytes, ready to store or push. */
  public record Image(
      List<Layer> layers,
      byte[] config,
      Digest configDigest,
      byte[] manifest,
      Digest manifestDigest,
      String manifestMediaType,
      Platform platform) {

    /** The image as a {@link ResolvedImage} named {@code reference}. */
    public ResolvedImage resolved(ImageReference reference) {
      String layerType =
          manifestMediaType.equals(MediaTypes.OCI_MANIFEST)
              ? MediaTypes.OCI_LAYER_GZIP
              : MediaTypes.DOCKER_LAYER_GZIP;
      String configType =
          manifestMediaType.equals(MediaTypes.OCI_MANIFEST)
              ? MediaTypes.OCI_CONFIG
              : MediaTypes.DOCKER_CONFIG;
      List<Descriptor> descriptors = new ArrayList<>();
      for (Layer l : layers) {
        descriptors.add(Descriptor.of(layerType, l.digest(), l.gzipped().length));
      }
      return new ResolvedImage(
          reference,
          manifestDigest,
          manifestMediaType,
          manifest,
          Descriptor.of(configType, configDigest, config.length),
          descriptors,
          platform,
          Optional.empty());
    }

    /** Writes the config and every layer into the store (verified like any download). */
    public void storeBlobs(BlobStore store) throws IOException {
      store.write(configDigest, new ByteArrayInputStream(config));
      for (Layer l : layers) {
        store.write(l.digest(), new ByteArrayInputStream(l.gzipped()));
      }
    }

    /** Sum of the compressed layer sizes. */
    public long layerBytes() {
      return layers.stream().mapToLong(l -> l.gzipped().length).sum();
    }
  }

  /**
   * A layer tar with a directory, a few files of random content (incompressible) totalling about
   * {@code bytes}, and a symlink. {@code seed} makes it reproducible.
   */
  public static Layer layer(String name, long bytes, long seed) {
    try {
      Random random = new Random(seed);
      ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        TarArchiveEntry dir = new TarArchiveEntry(name + "/");
        dir.setMode(0755);
        tar.putArchiveEntry(dir);
        tar.closeArchiveEntry();
        int files = (int) Math.max(1, Math.min(4, bytes / 4096));
        long per = Math.max(1, bytes / files);
        for (int i = 0; i < files; i++) {
          byte[] data = new byte[(int) per];
          random.nextBytes(data);
          TarArchiveEntry file = new TarArchiveEntry(name + "/file-" + i + ".bin");
          file.setSize(data.length);
          file.setMode(0644);
          tar.putArchiveEntry(file);
          tar.write(data);
          tar.closeArchiveEntry();
        }
        TarArchiveEntry link = new TarArchiveEntry(name + "/latest", TarArchiveEntry.LF_SYMLINK);
        link.setLinkName("file-0.bin");
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
        byte[] text = ("layer " + name + "\n").getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry readme = new TarArchiveEntry(name + "/README");
        readme.setSize(text.length);
        tar.putArchiveEntry(readme);
        tar.write(text);
        tar.closeArchiveEntry();
      }
      return gzipped(tarBytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A layer of an uncompressed tar: gzipped, with both digests. */
  private static Layer gzipped(byte[] tar) throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    byte[] gzipped = gz.toByteArray();
    return new Layer(gzipped, Digest.of(gzipped), Digest.of(tar));
  }

  /**
   * A layer of the given entries, in order: {@code name, content} pairs; a name ending in {@code /}
   * is a directory (its content ignored), {@code .wh.NAME} a whiteout.
   */
  public static Layer layerOf(String... namesAndContents) {
    try {
      ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
        for (int i = 0; i < namesAndContents.length; i += 2) {
          TarArchiveEntry entry = new TarArchiveEntry(namesAndContents[i]);
          byte[] data =
              entry.isDirectory()
                  ? new byte[0]
                  : namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8);
          entry.setSize(data.length);
          entry.setMode(entry.isDirectory() ? 040755 : 0100644);
          tar.putArchiveEntry(entry);
          tar.write(data);
          tar.closeArchiveEntry();
        }
      }
      return gzipped(tarBytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Docker v2 schema 2 image of {@code layerCount} layers of about {@code layerBytes} each. */
  public static Image image(String name, int layerCount, long layerBytes, Platform platform) {
    return image(name, layerCount, layerBytes, platform, MediaTypes.DOCKER_MANIFEST_V2);
  }

  /** An image with the given manifest media type (Docker v2 or OCI). */
  public static Image image(
      String name, int layerCount, long layerBytes, Platform platform, String manifestMediaType) {
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < layerCount; i++) {
      layers.add(layer(name + "-" + i, layerBytes, (name + platform + i).hashCode()));
    }
    return image(layers, platform, manifestMediaType, name);
  }

  /** An image made of the given layers (which may repeat a digest). */
  public static Image image(
      List<Layer> layers, Platform platform, String manifestMediaType, String name) {
    boolean oci = manifestMediaType.equals(MediaTypes.OCI_MANIFEST);
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", platform.architecture());
    config.put("os", platform.os());
    if (platform.variant() != null) {
      config.put("variant", platform.variant());
    }
    config.put("created", "2026-01-01T00:00:00Z");
    ObjectNode cfg = config.putObject("config");
    cfg.putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    cfg.putArray("Cmd").add("/" + name + "-0/README");
    cfg.putObject("Labels").put("io.quayctl.fixture", name);
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    ArrayNode history = config.putArray("history");
    for (Layer l : layers) {
      diffIds.add(l.diffId().toString());
      history.addObject().put("created_by", "quayctl test fixture " + name);
    }
    byte[] configBytes = toJson(config);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", manifestMediaType);
    ObjectNode configDesc = manifest.putObject("config");
    configDesc.put("mediaType", oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG);
    configDesc.put("size", configBytes.length);
    configDesc.put("digest", Digest.of(configBytes).toString());
    ArrayNode layerDescs = manifest.putArray("layers");
    for (Layer l : layers) {
      ObjectNode d = layerDescs.addObject();
      d.put("mediaType", oci ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.DOCKER_LAYER_GZIP);
      d.put("size", l.gzipped().length);
      d.put("digest", l.digest().toString());
    }
    byte[] manifestBytes = toJson(manifest);
    return new Image(
        List.copyOf(layers),
        configBytes,
        Digest.of(configBytes),
        manifestBytes,
        Digest.of(manifestBytes),
        manifestMediaType,
        platform);
  }

  /** An OCI index (or Docker manifest list) over the given images. */
  public static byte[] index(String mediaType, List<Image> images) {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", mediaType);
    ArrayNode manifests = index.putArray("manifests");
    for (Image image : images) {
      ObjectNode d = manifests.addObject();
      d.put("mediaType", image.manifestMediaType());
      d.put("size", image.manifest().length);
      d.put("digest", image.manifestDigest().toString());
      ObjectNode p = d.putObject("platform");
      p.put("os", image.platform().os());
      p.put("architecture", image.platform().architecture());
      if (image.platform().variant() != null) {
        p.put("variant", image.platform().variant());
      }
    }
    return toJson(index);
  }

  // -------------------------------------------------------------------------------------------
  // Pushing to a real registry

  /** The client {@link PushTarget#client()} defaults to. */
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * Pushes the config, the layers (each distinct digest once) and the manifest under {@code tag}.
   */
  public static void push(PushTarget registry, String repository, String tag, Image image)
      throws IOException {
    pushBlobs(registry, repository, image);
    pushManifest(registry, repository, tag, image.manifestMediaType(), image.manifest());
  }

  /**
   * Pushes every image by digest, then an index of them ({@link MediaTypes#OCI_INDEX} or {@link
   * MediaTypes#DOCKER_MANIFEST_LIST}) under {@code tag}; returns the index bytes.
   */
  public static byte[] pushIndex(
      PushTarget registry, String repository, String tag, String mediaType, List<Image> images)
      throws IOException {
    for (Image image : images) {
      pushBlobs(registry, repository, image);
      pushManifest(
          registry,
          repository,
          image.manifestDigest().toString(),
          image.manifestMediaType(),
          image.manifest());
    }
    byte[] index = index(mediaType, images);
    pushManifest(registry, repository, tag, mediaType, index);
    return index;
  }

  /** Pushes an image's config and distinct layers. */
  public static void pushBlobs(PushTarget registry, String repository, Image image)
      throws IOException {
    pushBlob(registry, repository, image.config());
    for (Layer l : image.layers()) {
      pushBlob(registry, repository, l.gzipped());
    }
  }

  /** Monolithic upload: {@code POST .../blobs/uploads/}, then {@code PUT <location>&digest=}. */
  public static Digest pushBlob(PushTarget registry, String repository, byte[] bytes)
      throws IOException {
    Digest digest = Digest.of(bytes);
    pushBlob(registry, repository, digest, HttpRequest.BodyPublishers.ofByteArray(bytes));
    return digest;
  }

  /**
   * Uploads {@code content}, whose digest is {@code digest}, in one monolithic upload unless the
   * repository has that blob already.
   */
  public static void pushBlob(
      PushTarget registry, String repository, Digest digest, HttpRequest.BodyPublisher content)
      throws IOException {
    String base = registry.url() + "/v2/" + repository;
    if (send(
                registry,
                repository,
                request(registry, base + "/blobs/" + digest).method("HEAD", noBody()))
            .statusCode()
        == 200) {
      return;
    }
    HttpResponse<String> started =
        send(registry, repository, request(registry, base + "/blobs/uploads/").POST(noBody()));
    expect(started, 202, "starting an upload to " + repository);
    URI location = URI.create(base).resolve(started.headers().firstValue("Location").orElseThrow());
    String sep = location.toString().contains("?") ? "&" : "?";
    HttpResponse<String> done =
        send(
            registry,
            repository,
            request(registry, location + sep + "digest=" + digest)
                .header("Content-Type", "application/octet-stream")
                .PUT(content));
    expect(done, 201, "uploading " + digest + " to " + repository);
  }

  /** {@code PUT /v2/<repository>/manifests/<reference>} with the manifest's media type. */
  public static Digest pushManifest(
      PushTarget registry, String repository, String reference, String mediaType, byte[] bytes)
      throws IOException {
    HttpResponse<String> response =
        send(
            registry,
            repository,
            request(registry, registry.url() + "/v2/" + repository + "/manifests/" + reference)
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    expect(response, 201, "pushing manifest " + reference + " to " + repository);
    return Digest.of(bytes);
  }

  private static HttpRequest.Builder request(PushTarget registry, String uri) {
    return HttpRequest.newBuilder(URI.create(uri)).timeout(registry.timeout());
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }

  private static HttpResponse<String> send(
      PushTarget registry, String repository, HttpRequest.Builder request) throws IOException {
    String auth = registry.pushAuthorization(repository);
    if (auth != null) {
      request.header("Authorization", auth);
    }
    try {
      return registry.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
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

  private static byte[] toJson(Object node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
