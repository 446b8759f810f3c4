package io.quayctl.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.api.Digest;
import io.quayctl.registry.Descriptor;
import io.quayctl.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a runtime needs from an image config blob: its verified bytes and the layer diff ids.
 *
 * @param bytes the config exactly as stored
 * @param diffIds the digests of the uncompressed layer tars, bottom first
 */
public record ImageConfig(byte[] bytes, List<Digest> diffIds) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_CONFIG_BYTES = 8 << 20;

  public ImageConfig {
    diffIds = List.copyOf(diffIds);
  }

  /** Reads the config blob from the store, checking its size and digest, and parses it. */
  public static ImageConfig read(Descriptor config, BlobStore store) throws IOException {
    if (config.size() > MAX_CONFIG_BYTES) {
      throw new IOException(
          "image config " + config.digest() + " is " + config.size() + " bytes; refusing > 8 MiB");
    }
    byte[] bytes;
    try (InputStream in = store.open(config.digest())) {
      bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
    }
    Digest actual = Digest.of(bytes);
    if (bytes.length != config.size() || !actual.equals(config.digest())) {
      throw new IOException(
          "image config "
              + config.digest()
              + " in the store is corrupt: "
              + bytes.length
              + " bytes hashing to "
              + actual);
    }
    return parse(bytes);
  }

  /** Parses config bytes. */
  public static ImageConfig parse(byte[] bytes) throws IOException {
    JsonNode root = JSON.readTree(bytes);
    JsonNode ids = root.path("rootfs").path("diff_ids");
    if (!ids.isArray()) {
      throw new IOException(
          "image config has no rootfs.diff_ids: "
              + new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8));
    }
    List<Digest> diffIds = new ArrayList<>();
    for (JsonNode id : ids) {
      diffIds.add(Digest.parse(id.asText()));
    }
    return new ImageConfig(bytes, diffIds);
  }

  /**
   * The chain ids of the layer stack (OCI image spec): the first is the first diff id; each next is
   * {@code sha256(previous + " " + diffId)}. Docker's layer store and containerd's snapshots are
   * keyed by them.
   */
  public List<Digest> chainIds() {
    return chainIds(diffIds);
  }

  /** The chain ids of {@code diffIds}. */
  public static List<Digest> chainIds(List<Digest> diffIds) {
    List<Digest> chain = new ArrayList<>(diffIds.size());
    Digest previous = null;
    for (Digest diffId : diffIds) {
      previous =
          previous == null
              ? diffId
              : Digest.of((previous + " " + diffId).getBytes(StandardCharsets.US_ASCII));
      chain.add(previous);
    }
    return chain;
  }

  /** Fails unless the config lists one diff id per manifest layer. */
  public void checkLayerCount(List<Descriptor> layers) throws IOException {
    if (diffIds.size() != layers.size()) {
      throw new IOException(
          "image config lists "
              + diffIds.size()
              + " diff ids but the manifest has "
              + layers.size()
              + " layers");
    }
  }
}
