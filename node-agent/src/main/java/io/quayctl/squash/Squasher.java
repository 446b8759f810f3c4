package io.quayctl.squash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quayctl.api.Digest;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.ImageManifests;
import io.quayctl.registry.MediaTypes;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.ImageConfig;
import io.quayctl.squash.LayerPlan.Kind;
import io.quayctl.store.BlobStore;
import io.quayctl.store.TempFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Squashes an image into one layer: the filesystem its layers build, as one gzipped tar, with a
 * config and an OCI manifest for it. The result is a function of the original manifest alone (same
 * entries in the same order, fixed gzip header and level), so every host that squashes the same
 * image gets the same digests; the index publishes it under {@link #indexKey}.
 *
 * <p>Two streaming passes over the layers in the store, never an image in memory: the first reads
 * headers and decides which entries survive ({@link LayerPlan}), the second writes them. The layer
 * is written beside the store and enters it by {@link BlobStore#commit}, verified; a failure leaves
 * nothing behind. Squashed manifests are remembered in {@code squashed/} under the store's root, so
 * a second squash of the same image is a lookup.
 */
public final class Squasher {
  private static final Logger log = LoggerFactory.getLogger(Squasher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Manifest annotation naming the manifest an image was squashed from. */
  public static final String SQUASHED_FROM = "io.quayctl.squashed-from";

  private final BlobStore store;
  private final Path dir;

  /** A squasher over {@code store}; creates {@code squashed/} under the store's root. */
  public Squasher(BlobStore store) throws IOException {
    this.store = store;
    this.dir = directory(store);
    Files.createDirectories(dir);
  }

  private static Path directory(BlobStore store) {
    return store.root().resolve("squashed");
  }

  /**
   * Removes what squashes of processes that died (killed, crashed) left under {@code store}: run
   * once when a process starts using a data dir.
   */
  public static void removeAbandoned(BlobStore store) {
    TempFiles.removeAbandoned(directory(store));
  }

  /**
   * The key under which the index keeps the squashed form of {@code original}: named by the
   * original manifest's digest, so a tag that moves never mixes two images.
   */
  public static String indexKey(ResolvedImage original) {
    return "squashed/" + original.manifestDigest();
  }

  /**
   * The squashed image a manifest describes, checked to be one for {@code original}: one layer, and
   * the annotation naming {@code original}'s manifest. Named like the original.
   */
  public static ResolvedImage parse(ResolvedImage original, byte[] manifest) throws IOException {
    ResolvedImage squashed =
        ImageManifests.parse(
            original.reference(), manifest, MediaTypes.OCI_MANIFEST, original.platform());
    JsonNode from = JSON.readTree(manifest).path("annotations").path(SQUASHED_FROM);
    if (squashed.layers().size() != 1
        || !original.manifestDigest().toString().equals(from.asText())) {
      throw new IOException(
          "manifest "
              + squashed.manifestDigest()
              + " is not a squashed form of "
              + original.manifestDigest()
              + " (it has "
              + squashed.layers().size()
              + " layers and "
              + SQUASHED_FROM
              + " \""
              + from.asText()
              + "\")");
    }
    return squashed;
  }

  /** The squashed form of {@code original} if it was made here before and its blobs are stored. */
  public Optional<ResolvedImage> cached(ResolvedImage original) throws IOException {
    Path file = manifestFile(original);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    ResolvedImage squashed;
    try {
      squashed = parse(original, Files.readAllBytes(file));
    } catch (IOException e) {
      log.warn("{} is unreadable, squashing again: {}", file, e.getMessage());
      Files.deleteIfExists(file);
      return Optional.empty();
    }
    if (!store.contains(squashed.config().digest())
        || !store.contains(squashed.layers().get(0).digest())) {
      return Optional.empty();
    }
    return Optional.of(squashed);
  }

  /** Remembers a squashed manifest (made here or taken from the index). */
  public void remember(ResolvedImage original, ResolvedImage squashed) throws IOException {
    Path file = manifestFile(original);
    Path tmp = TempFiles.create(dir, "manifest");
    try {
      Files.write(tmp, squashed.manifestBytes());
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      TempFiles.release(tmp);
    }
  }

  private Path manifestFile(ResolvedImage original) {
    return dir.resolve(original.manifestDigest().hex() + ".json");
  }

  /**
   * What a squash did.
   *
   * @param squashed the squashed image
   * @param layers layers squashed
   * @param inputBytes their compressed size
   * @param layerBytes the squashed layer's compressed size
   * @param entriesRead tar entries read, whiteouts included
   * @param entriesKept entries in the squashed layer
   * @param whiteouts whiteouts and opaque markers applied
   * @param brokenLinks hard links to missing files, dropped
   * @param took how long it took
   */
  public record Report(
      ResolvedImage squashed,
      int layers,
      long inputBytes,
      long layerBytes,
      int entriesRead,
      int entriesKept,
      int whiteouts,
      int brokenLinks,
      Duration took) {}

  /**
   * Squashes {@code original}, whose config and layers must be in the store, and stores the result;
   * {@code done} receives what it did. Returns the squashed image, named like the original.
   */
  public ResolvedImage squash(ResolvedImage original, Consumer<Report> done) throws IOException {
    Instant started = Instant.now();
    ImageConfig imageConfig = ImageConfig.read(original.config(), store);
    imageConfig.checkLayerCount(original.layers());
    byte[] configBytes = imageConfig.bytes();
    List<Descriptor> layers = original.layers();
    long inputBytes = layers.stream().mapToLong(Descriptor::size).sum();

    LayerPlan plan = new LayerPlan();
    for (int i = 0; i < layers.size(); i++) {
      try (TarArchiveInputStream tar = openLayer(layers.get(i))) {
        int ordinal = 0;
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          String path = normalize(e, layers.get(i));
          if (e.isSparse()) {
            throw new UnsupportedLayerException(
                "layer "
                    + layers.get(i).digest()
                    + " holds sparse file "
                    + path
                    + "; squashing does not support sparse files");
          }
          if (!path.isEmpty()) {
            plan.add(
                i, ordinal, path, kind(e), e.isLink() ? normalizeLink(e, layers.get(i)) : null);
          }
          ordinal++;
        }
      }
    }
    LayerPlan.Result result = plan.result();

    Path layerFile = TempFiles.create(dir, "layer");
    Map<Long, Path> captured = new HashMap<>();
    Map<Long, TarArchiveEntry> capturedHeaders = new HashMap<>();
    // Contents that materialised hard links carry, kept aside when pass 2 reads them.
    Set<Long> captures = new HashSet<>(result.materialized().values());
    try {
      MessageDigest uncompressed = Digest.newSha256();
      MessageDigest compressed = Digest.newSha256();
      try (OutputStream file = Files.newOutputStream(layerFile);
          DigestOutputStream gzBytes =
              new DigestOutputStream(new BufferedOutputStream(file, 1 << 16), compressed);
          GZIPOutputStream gzip = new FastGzip(gzBytes);
          DigestOutputStream tarBytes = new DigestOutputStream(gzip, uncompressed);
          TarArchiveOutputStream out = new TarArchiveOutputStream(tarBytes)) {
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        out.setAddPaxHeadersForNonAsciiNames(true);
        for (int i = 0; i < layers.size(); i++) {
          try (TarArchiveInputStream tar = openLayer(layers.get(i))) {
            int ordinal = 0;
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
              long ref = LayerPlan.ref(i, ordinal);
              boolean emit = result.emits(i, ordinal);
              boolean capture = captures.contains(ref);
              ordinal++;
              if (!emit && !capture) {
                continue;
              }
              if (capture) {
                Path copy = TempFiles.create(dir, "link");
                captured.put(ref, copy);
                capturedHeaders.put(ref, e);
                Files.copy(tar, copy, StandardCopyOption.REPLACE_EXISTING);
              }
              if (!emit) {
                continue;
              }
              String path = normalize(e, layers.get(i));
              Long source = result.materialized().get(ref);
              if (source != null) {
                writeFile(out, path, capturedHeaders.get(source), captured.get(source));
              } else if (capture) {
                writeFile(out, path, e, captured.get(ref));
              } else {
                e.setName(e.isDirectory() ? path + "/" : path);
                if (e.isLink()) {
                  e.setLinkName(normalizeLink(e, layers.get(i)));
                }
                out.putArchiveEntry(e);
                tar.transferTo(out);
                out.closeArchiveEntry();
              }
            }
          }
        }
        out.finish();
      }
      Digest diffId = Digest.fromSha256(uncompressed.digest());
      Digest layerDigest = Digest.fromSha256(compressed.digest());
      long layerSize = Files.size(layerFile);
      store.commit(layerDigest, layerFile);

      byte[] config = squashedConfig(configBytes, original, diffId, layers.size());
      Digest configDigest = Digest.of(config);
      store.write(configDigest, new java.io.ByteArrayInputStream(config));
      byte[] manifest =
          manifest(
              original,
              Descriptor.of(MediaTypes.OCI_CONFIG, configDigest, config.length),
              Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layerDigest, layerSize));
      ResolvedImage squashed = parse(original, manifest);
      remember(original, squashed);
      done.accept(
          new Report(
              squashed,
              layers.size(),
              inputBytes,
              layerSize,
              result.entriesRead(),
              result.entriesKept(),
              result.whiteouts(),
              result.brokenLinks(),
              Duration.between(started, Instant.now())));
      return squashed;
    } finally {
      TempFiles.release(layerFile);
      for (Path p : captured.values()) {
        TempFiles.release(p);
      }
    }
  }

  /**
   * Writes a regular file named {@code path} with {@code header}'s metadata and {@code content}.
   */
  private static void writeFile(
      TarArchiveOutputStream out, String path, TarArchiveEntry header, Path content)
      throws IOException {
    TarArchiveEntry file = new TarArchiveEntry(path, TarArchiveEntry.LF_NORMAL);
    file.setMode(header.getMode());
    file.setUserId(header.getLongUserId());
    file.setGroupId(header.getLongGroupId());
    file.setUserName(header.getUserName());
    file.setGroupName(header.getGroupName());
    file.setModTime(header.getModTime());
    header.getExtraPaxHeaders().forEach(file::addPaxHeader);
    file.setSize(Files.size(content));
    out.putArchiveEntry(file);
    Files.copy(content, out);
    out.closeArchiveEntry();
  }

  private static Kind kind(TarArchiveEntry e) {
    if (e.isDirectory()) {
      return Kind.DIRECTORY;
    }
    if (e.isLink()) {
      return Kind.HARD_LINK;
    }
    if (e.isFile()) {
      return Kind.FILE;
    }
    return Kind.OTHER;
  }

  private static String normalize(TarArchiveEntry e, Descriptor layer) throws IOException {
    try {
      return LayerPlan.normalize(e.getName());
    } catch (IllegalArgumentException x) {
      throw new IOException("layer " + layer.digest() + ": " + x.getMessage());
    }
  }

  private static String normalizeLink(TarArchiveEntry e, Descriptor layer) throws IOException {
    try {
      return LayerPlan.normalize(e.getLinkName());
    } catch (IllegalArgumentException x) {
      throw new IOException("layer " + layer.digest() + ": hard link " + x.getMessage());
    }
  }

  /** A layer's tar, gunzipped if it is gzipped (by its bytes, whatever the media type says). */
  private TarArchiveInputStream openLayer(Descriptor layer) throws IOException {
    InputStream raw = new BufferedInputStream(store.open(layer.digest()), 1 << 16);
    try {
      raw.mark(4);
      byte[] magic = raw.readNBytes(4);
      raw.reset();
      InputStream tar;
      if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        tar = new GZIPInputStream(raw, 1 << 16);
      } else if (magic.length == 4
          && (magic[0] & 0xff) == 0x28
          && (magic[1] & 0xff) == 0xb5
          && (magic[2] & 0xff) == 0x2f
          && (magic[3] & 0xff) == 0xfd) {
        throw new UnsupportedLayerException(
            "layer "
                + layer.digest()
                + " is zstd-compressed; squashing supports gzip and plain tar");
      } else {
        tar = raw;
      }
      return new TarArchiveInputStream(tar);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * The original config with one diff id and one history entry; everything else (entrypoint, env,
   * labels, created) kept as it was.
   */
  private static byte[] squashedConfig(
      byte[] original, ResolvedImage image, Digest diffId, int layerCount) throws IOException {
    ObjectNode config = (ObjectNode) JSON.readTree(original);
    ObjectNode rootfs = JSON.createObjectNode();
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids").add(diffId.toString());
    config.set("rootfs", rootfs);
    ArrayNode history = JSON.createArrayNode();
    ObjectNode entry = history.addObject();
    if (config.hasNonNull("created")) {
      entry.set("created", config.get("created"));
    }
    entry.put("created_by", "quayctl squash of " + image.manifestDigest());
    entry.put("comment", layerCount + (layerCount == 1 ? " layer" : " layers") + " squashed");
    config.set("history", history);
    return JSON.writeValueAsBytes(config);
  }

  private static byte[] manifest(ResolvedImage original, Descriptor config, Descriptor layer)
      throws IOException {
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    descriptor(m.putObject("config"), config);
    descriptor(m.putArray("layers").addObject(), layer);
    m.putObject("annotations").put(SQUASHED_FROM, original.manifestDigest().toString());
    return JSON.writeValueAsBytes(m);
  }

  private static void descriptor(ObjectNode node, Descriptor d) {
    node.put("mediaType", d.mediaType());
    node.put("digest", d.digest().toString());
    node.put("size", d.size());
  }

  /** gzip at level 1: the swarm is a LAN, where squashing time matters more than a few percent. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
