package io.quayctl.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.RegistryException.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads image manifests into {@link ResolvedImage}s, from a registry or from the index. */
public final class ImageManifests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageManifests() {}

  /**
   * Parses a platform manifest's exact bytes (as kept by the index) into a resolved image; the
   * manifest digest is computed from the bytes.
   */
  public static ResolvedImage parse(
      ImageReference reference, byte[] bytes, String mediaType, Platform platform)
      throws IOException {
    if (!MediaTypes.isImageManifest(mediaType)) {
      throw new RegistryException(
          Kind.UNSUPPORTED,
          "the manifest of image "
              + reference
              + " has media type "
              + mediaType
              + ", not an image manifest");
    }
    JsonNode json;
    try {
      json = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new RegistryException(
          Kind.PROTOCOL, "the manifest of image " + reference + " is not valid JSON", e);
    }
    return image(reference, bytes, json, mediaType, platform, Optional.empty());
  }

  static ResolvedImage image(
      ImageReference reference,
      byte[] bytes,
      JsonNode json,
      String mediaType,
      Platform platform,
      Optional<ResolvedImage.IndexManifest> index)
      throws RegistryException {
    JsonNode configNode = json == null ? null : json.get("config");
    JsonNode layersNode = json == null ? null : json.get("layers");
    if (configNode == null
        || !configNode.isObject()
        || layersNode == null
        || !layersNode.isArray()) {
      throw new RegistryException(
          Kind.PROTOCOL, "the manifest of image " + reference + " lacks \"config\" or \"layers\"");
    }
    Descriptor config = descriptor(reference, configNode, "config");
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode layer : layersNode) {
      layers.add(descriptor(reference, layer, "layer"));
    }
    return new ResolvedImage(
        reference, Digest.of(bytes), mediaType, bytes, config, layers, platform, index);
  }

  static Descriptor descriptor(ImageReference reference, JsonNode node, String role)
      throws RegistryException {
    try {
      JsonNode digest = node.get("digest");
      JsonNode size = node.get("size");
      if (digest == null || size == null || !size.canConvertToLong()) {
        throw new IllegalArgumentException("missing digest or size");
      }
      JsonNode mediaType = node.get("mediaType");
      JsonNode p = node.get("platform");
      Platform platform = null;
      if (p != null && p.isObject() && p.hasNonNull("os") && p.hasNonNull("architecture")) {
        platform =
            new Platform(
                p.get("os").asText(),
                p.get("architecture").asText(),
                p.hasNonNull("variant") ? p.get("variant").asText() : null);
      }
      return new Descriptor(
          mediaType == null ? null : mediaType.asText(),
          Digest.parse(digest.asText()),
          size.asLong(),
          platform);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          Kind.PROTOCOL,
          "a " + role + " descriptor of image " + reference + " is invalid: " + e.getMessage());
    }
  }
}
