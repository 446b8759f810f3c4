package io.quayctl.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An OCI image of incompressible layers, written to disk as it is generated: each layer is an
 * <em>uncompressed</em> tar ({@code application/vnd.oci.image.layer.v1.tar}) holding one file of
 * pseudo-random bytes, hashed while it is written, so nothing of its size is ever held in memory
 * and no time is spent gzipping data that cannot shrink. Uncompressed layers also make the diff id
 * equal to the blob digest.
 */
public final class RandomImage {
  /** The OCI media types used. */
  public static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

  public static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  public static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 1 << 20;

  /** One blob on disk. */
  public record Blob(Path file, String digest, long size, String mediaType) {}

  private final List<Blob> layers;
  private final Blob config;
  private final byte[] manifest;
  private final String manifestDigest;

  private RandomImage(List<Blob> layers, Blob config, byte[] manifest) {
    this.layers = layers;
    this.config = config;
    this.manifest = manifest;
    this.manifestDigest = "sha256:" + HexFormat.of().formatHex(sha256().digest(manifest));
  }

  /**
   * Writes {@code layerCount} layers whose blobs add up to about {@code totalBytes} (each layer's
   * file gets an equal share; tar headers add 1.5 KiB a layer) under {@code dir}, from {@code
   * seed}.
   */
  public static RandomImage generate(Path dir, long totalBytes, int layerCount, long seed)
      throws IOException {
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(seed);
    List<Blob> layers = new ArrayList<>();
    long share = totalBytes / layerCount;
    for (int i = 0; i < layerCount; i++) {
      long fileBytes = i == layerCount - 1 ? totalBytes - share * (layerCount - 1) : share;
      layers.add(layer(dir.resolve("layer-" + i + ".tar"), "data/layer-" + i, fileBytes, random));
    }
    ObjectNode configJson = JSON.createObjectNode();
    configJson.put("architecture", "amd64");
    configJson.put("os", "linux");
    configJson.putObject("config").putArray("Cmd").add("/bin/true");
    ObjectNode rootfs = configJson.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(l -> diffIds.add(l.digest()));
    byte[] configBytes = JSON.writeValueAsBytes(configJson);
    Path configFile = dir.resolve("config.json");
    Files.write(configFile, configBytes);
    Blob config =
        new Blob(
            configFile,
            "sha256:" + HexFormat.of().formatHex(sha256().digest(configBytes)),
            configBytes.length,
            CONFIG_TYPE);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MANIFEST_TYPE);
    manifest.set("config", descriptor(config));
    ArrayNode layerArray = manifest.putArray("layers");
    layers.forEach(l -> layerArray.add(descriptor(l)));
    return new RandomImage(List.copyOf(layers), config, JSON.writeValueAsBytes(manifest));
  }

  private static ObjectNode descriptor(Blob blob) {
    ObjectNode d = JSON.createObjectNode();
    d.put("mediaType", blob.mediaType());
    d.put("digest", blob.digest());
    d.put("size", blob.size());
    return d;
  }

  private static Blob layer(Path file, String name, long fileBytes, SplittableRandom random)
      throws IOException {
    MessageDigest digest = sha256();
    byte[] chunk = new byte[CHUNK];
    ByteBuffer longs = ByteBuffer.wrap(chunk);
    try (OutputStream raw = Files.newOutputStream(file);
        DigestOutputStream hashed = new DigestOutputStream(new BufferedOutputStream(raw), digest);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(hashed)) {
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setSize(fileBytes);
      entry.setMode(0644);
      entry.setModTime(0);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.putArchiveEntry(entry);
      long left = fileBytes;
      while (left > 0) {
        longs.clear();
        while (longs.remaining() >= Long.BYTES) {
          longs.putLong(random.nextLong());
        }
        int n = (int) Math.min(left, CHUNK);
        tar.write(chunk, 0, n);
        left -= n;
      }
      tar.closeArchiveEntry();
      tar.finish();
    }
    return new Blob(
        file, "sha256:" + HexFormat.of().formatHex(digest.digest()), Files.size(file), LAYER_TYPE);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The layer blobs, in manifest order. */
  public List<Blob> layers() {
    return layers;
  }

  /** The config blob. */
  public Blob config() {
    return config;
  }

  /** The digests of the config and every layer: what a pull fetches from the registry. */
  public Set<String> blobDigests() {
    Set<String> digests = new HashSet<>();
    layers.forEach(l -> digests.add(l.digest()));
    digests.add(config.digest());
    return digests;
  }

  /** The manifest's bytes. */
  public byte[] manifest() {
    return manifest;
  }

  /** {@code sha256:…} of the manifest. */
  public String manifestDigest() {
    return manifestDigest;
  }

  /** Sum of the layer blob sizes: the S of the benchmark. */
  public long layerBytes() {
    return layers.stream().mapToLong(Blob::size).sum();
  }

  /** Removes the local files (the registry keeps its copy). */
  public void deleteFiles() throws IOException {
    for (Blob b : layers) {
      Files.deleteIfExists(b.file());
    }
    Files.deleteIfExists(config.file());
  }
}
