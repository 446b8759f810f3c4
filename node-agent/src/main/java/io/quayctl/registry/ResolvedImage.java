package io.quayctl.registry;

import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An image reference resolved to one platform's manifest, with the exact bytes the registry
 * returned (runtimes must keep them so the manifest digest does not change).
 *
 * @param reference what the user asked for, normalised
 * @param manifestDigest sha256 of {@code manifestBytes}
 * @param manifestMediaType the media type of the platform manifest
 * @param manifestBytes the platform manifest exactly as served
 * @param config the config blob descriptor
 * @param layers the layer descriptors in order (a digest may appear more than once)
 * @param platform the platform of this manifest
 * @param index the index the manifest was chosen from, when the reference named one
 */
public record ResolvedImage(
    ImageReference reference,
    Digest manifestDigest,
    String manifestMediaType,
    byte[] manifestBytes,
    Descriptor config,
    List<Descriptor> layers,
    Platform platform,
    Optional<IndexManifest> index) {

  public ResolvedImage {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    index = index == null ? Optional.empty() : index;
  }

  /** The distinct layer blobs, first occurrence order; each is fetched once. */
  public List<Descriptor> uniqueLayers() {
    Map<Digest, Descriptor> unique = new LinkedHashMap<>();
    for (Descriptor layer : layers) {
      unique.putIfAbsent(layer.digest(), layer);
    }
    return List.copyOf(unique.values());
  }

  /** Total bytes of the distinct layers and the config. */
  public long totalBytes() {
    return config.size() + uniqueLayers().stream().mapToLong(Descriptor::size).sum();
  }

  /** The digest a runtime should record for the image: the index's when there was one. */
  public Digest topDigest() {
    return index.map(IndexManifest::digest).orElse(manifestDigest);
  }

  /**
   * The index an image was chosen from.
   *
   * @param digest sha256 of {@code bytes}
   * @param mediaType OCI index or Docker manifest list
   * @param bytes the index exactly as served
   */
  public record IndexManifest(Digest digest, String mediaType, byte[] bytes) {}
}
