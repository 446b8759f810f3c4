package io.quayctl.runtime.containerd;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quayctl.api.Digest;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.MediaTypes;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.ContainerRuntime;
import io.quayctl.runtime.ImageConfig;
import io.quayctl.runtime.ImportResult;
import io.quayctl.runtime.RuntimeUnavailableException;
import io.quayctl.runtime.TarStream;
import io.quayctl.store.BlobStore;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports images into containerd so that kubelet sees them as if the CRI plugin had pulled them.
 *
 * <p>The image goes in as an OCI image-layout archive streamed from the blob store into {@code ctr
 * images import}: the registry's own manifest (and index) bytes are kept, so the digests are the
 * registry's; blobs already in containerd's content store are left out of the archive; the import
 * unpacks into the snapshotter. It is imported under a private name first and only then given its
 * real names (with the CRI plugin's label), so a name never points at an image that is not complete
 * and unpacked.
 */
public final class ContainerdRuntime implements ContainerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerdRuntime.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where containerd listens by default. */
  public static final String DEFAULT_ADDRESS = "/run/containerd/containerd.sock";

  /** The namespace the CRI plugin, and so kubelet, uses. */
  public static final String DEFAULT_NAMESPACE = "k8s.io";

  /** The label the CRI plugin puts on images it manages. */
  public static final String CRI_IMAGE_LABEL = "io.cri-containerd.image";

  private static final String CRI_IMAGE_LABEL_VALUE = "managed";
  private static final String NAME_ANNOTATION = "io.containerd.image.name";
  private static final String PENDING_PREFIX = "import.quayctl.io/pending:";
  private static final Duration SHORT = Duration.ofSeconds(60);
  private static final Duration IMPORT = Duration.ofHours(2);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path address;
  private final String namespace;
  private final String configuredSnapshotter;
  private final Ctr ctr;
  private volatile String addressFlag = "--containerd-address";
  private volatile String snapshotter;

  private ContainerdRuntime(Path address, String namespace, String snapshotter, Ctr ctr) {
    this.address = address;
    this.namespace = namespace;
    this.configuredSnapshotter = snapshotter;
    this.ctr = ctr;
  }

  /**
   * A runtime for the containerd at {@code address} (null: {@value #DEFAULT_ADDRESS}), importing
   * into {@code namespace} (null: {@value #DEFAULT_NAMESPACE}) and unpacking for {@code
   * snapshotter} (null or {@code auto}: overlayfs where containerd reports it usable, else native).
   * Needs containerd's {@code ctr} on the PATH.
   */
  public static ContainerdRuntime connect(String address, String namespace, String snapshotter)
      throws IOException {
    Path ctr =
        Ctr.find()
            .orElseThrow(
                () ->
                    new IOException(
                        "ctr not found on the PATH: install the containerd package, which ships"
                            + " it"));
    Path socket = Path.of(address == null || address.isBlank() ? DEFAULT_ADDRESS : address);
    String ns = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
    String snap = snapshotter == null || snapshotter.equals("auto") ? null : snapshotter;
    return new ContainerdRuntime(socket, ns, snap, new Ctr(ctr, socket.toString(), ns));
  }

  /** The daemon's socket. */
  public Path address() {
    return address;
  }

  /** The namespace images are imported into. */
  public String namespace() {
    return namespace;
  }

  @Override
  public String name() {
    return "containerd";
  }

  @Override
  public void ping() throws RuntimeUnavailableException {
    checkSocket();
    try {
      Ctr.Result version = ctr.run(SHORT, "version");
      if (!version.ok()) {
        throw new RuntimeUnavailableException(
            "cannot reach containerd at " + address + ": " + version.describe(), null);
      }
    } catch (RuntimeUnavailableException e) {
      throw e;
    } catch (IOException e) {
      throw new RuntimeUnavailableException(
          "cannot reach containerd at " + address + ": " + e.getMessage(), e);
    }
  }

  /**
   * The snapshotter images are unpacked for: the configured one, or overlayfs when containerd
   * loaded its overlayfs plugin (which checks that overlay mounts work under its root), else
   * native.
   */
  public String snapshotter() throws IOException {
    String chosen = snapshotter;
    if (chosen != null) {
      return chosen;
    }
    if (configuredSnapshotter != null) {
      chosen = configuredSnapshotter;
    } else {
      Map<String, String> plugins = plugins();
      if ("ok".equals(plugins.get("io.containerd.snapshotter.v1.overlayfs"))) {
        chosen = "overlayfs";
      } else if ("ok".equals(plugins.get("io.containerd.snapshotter.v1.native"))) {
        chosen = "native";
        LOG.info("containerd's overlayfs snapshotter is unavailable here; using native");
      } else {
        throw new IOException(
            "containerd at " + address + " has neither the overlayfs nor the native snapshotter");
      }
    }
    snapshotter = chosen;
    return chosen;
  }

  /** Whether the daemon runs the CRI plugin, that is serves a kubelet. */
  public boolean servesKubelet() throws IOException {
    return "ok".equals(plugins().get("io.containerd.grpc.v1.cri"));
  }

  /** Plugin id ({@code type.name}) to status ({@code ok}, {@code skip}, {@code error}). */
  private Map<String, String> plugins() throws IOException {
    checkSocket();
    Map<String, String> plugins = new HashMap<>();
    for (String line : ctr.run(SHORT, "plugins", "ls").orThrow().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && !f[0].equals("TYPE")) {
        plugins.put(f[0] + "." + f[1], f[f.length - 1]);
      }
    }
    return plugins;
  }

  @Override
  public boolean isPresent(ResolvedImage image) throws IOException {
    checkSocket();
    Set<String> names = names(image);
    Map<String, ImageRecord> existing = images(names);
    Set<String> ready = ready(names);
    for (String name : names) {
      ImageRecord record = existing.get(name);
      if (record == null || !record.target().equals(target(image, name)) || !ready.contains(name)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public ImportResult importImage(ResolvedImage image, BlobStore store) throws IOException {
    checkSocket();
    String id = image.config().digest().toString();
    int uniqueLayers = image.uniqueLayers().size();
    Set<String> names = names(image);
    Map<String, ImageRecord> existing = images(names);
    Set<String> ready = ready(names);
    boolean allNamed = true;
    boolean anyComplete = false;
    for (String name : names) {
      ImageRecord record = existing.get(name);
      boolean complete =
          record != null && record.target().equals(target(image, name)) && ready.contains(name);
      anyComplete |= complete;
      allNamed &= complete && record.criManaged();
    }
    if (allNamed) {
      return new ImportResult(ImportResult.Outcome.ALREADY_PRESENT, id, 0, uniqueLayers);
    }
    ImageConfig config = ImageConfig.read(image.config(), store);
    config.checkLayerCount(image.layers());
    Set<Digest> inContentStore = contentDigests();
    int sent;
    try {
      sent = importPending(image, store, inContentStore, names);
    } catch (ImportFailedException e) {
      if (image.uniqueLayers().stream().noneMatch(l -> inContentStore.contains(l.digest()))) {
        throw e;
      }
      // Content that was there may have been garbage-collected meanwhile: send everything.
      LOG.warn("import relying on existing content failed ({}); retrying with all blobs", e);
      sent = importPending(image, store, Set.of(), names);
    }
    ImportResult.Outcome outcome =
        anyComplete && sent == 0
            ? ImportResult.Outcome.ALREADY_PRESENT
            : ImportResult.Outcome.IMPORTED;
    return new ImportResult(outcome, id, sent, uniqueLayers - sent);
  }

  @Override
  public void close() {}

  /**
   * The names CRI gives a pulled image: the tag reference, the repo digest reference and the image
   * id ({@code sha256:<config>}); plus the platform manifest's digest reference when an index was
   * recorded, so a pod pinning either digest finds the image.
   */
  static Set<String> names(ResolvedImage image) {
    Set<String> names = new LinkedHashSet<>();
    String name = image.reference().name();
    image.reference().tag().ifPresent(tag -> names.add(name + ":" + tag));
    names.add(name + "@" + image.topDigest());
    if (image.index().isPresent()) {
      names.add(name + "@" + image.manifestDigest());
    }
    names.add(image.config().digest().toString());
    return names;
  }

  /**
   * What {@code name} must point at: the platform manifest for its own digest ref, else the top.
   */
  private static Digest target(ResolvedImage image, String name) {
    return name.endsWith("@" + image.manifestDigest()) ? image.manifestDigest() : image.topDigest();
  }

  /**
   * Streams the image (leaving out blobs containerd has) under pending names, lets ctr unpack it,
   * labels it as CRI-managed, and only then gives it its real names. Returns the layers sent.
   */
  private int importPending(
      ResolvedImage image, BlobStore store, Set<Digest> inContentStore, Set<String> names)
      throws IOException {
    String snap = snapshotter();
    String suffix = HexFormat.of().formatHex(RANDOM.generateSeed(8));
    String pendingTop = PENDING_PREFIX + suffix;
    String pendingManifest = image.index().isPresent() ? PENDING_PREFIX + suffix + "-m" : null;
    TarStream.Builder archive = TarStream.builder();
    archive.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
    if (!inContentStore.contains(image.config().digest())) {
      archive.blob(blobPath(image.config().digest()), image.config(), store);
    }
    // Manifest and index are small and kept exactly as the registry served them.
    archive.file(blobPath(image.manifestDigest()), image.manifestBytes());
    image.index().ifPresent(index -> archive.file(blobPath(index.digest()), index.bytes()));
    int sent = 0;
    for (Descriptor layer : image.uniqueLayers()) {
      if (!inContentStore.contains(layer.digest())) {
        archive.blob(blobPath(layer.digest()), layer, store);
        sent++;
      }
    }
    // index.json last: an archive cut short anywhere before it is no image to ctr.
    archive.file(
        "index.json", JSON.writeValueAsBytes(indexJson(image, pendingTop, pendingManifest)));

    List<String> args = new ArrayList<>(List.of("images", "import", "--snapshotter", snap));
    if (image.platform() != null) {
      args.add("--platform");
      args.add(image.platform().toString());
    }
    args.add("-");
    long start = System.nanoTime();
    try {
      Ctr.Result result;
      try (TarStream tar = archive.build()) {
        result = ctr.run(tar, IMPORT, args.toArray(String[]::new));
      }
      if (!result.ok()) {
        throw new ImportFailedException(
            "importing " + image.reference() + " into containerd failed: " + result.describe());
      }
      List<String> toTop = new ArrayList<>();
      List<String> toManifest = new ArrayList<>();
      for (String name : names) {
        (target(image, name).equals(image.topDigest()) ? toTop : toManifest).add(name);
      }
      name(pendingTop, toTop);
      if (pendingManifest != null) {
        name(pendingManifest, toManifest);
      }
      Set<String> ready = ready(names);
      if (!ready.containsAll(names)) {
        throw new IOException(
            "containerd does not report "
                + image.reference()
                + " complete and unpacked for "
                + snap
                + " after the import");
      }
    } finally {
      List<String> rm = new ArrayList<>(List.of("images", "rm", pendingTop));
      if (pendingManifest != null) {
        rm.add(pendingManifest);
      }
      ctr.run(SHORT, rm.toArray(String[]::new));
    }
    LOG.info(
        "{} is in containerd {} ({}) after {} ms (layer blobs: {} sent, {} already there)",
        image.reference(),
        namespace,
        snap,
        (System.nanoTime() - start) / 1_000_000,
        sent,
        image.uniqueLayers().size() - sent);
    return sent;
  }

  /** Labels {@code pending} as CRI-managed and copies it, label included, to {@code names}. */
  private void name(String pending, List<String> names) throws IOException {
    ctr.run(SHORT, "images", "label", pending, CRI_IMAGE_LABEL + "=" + CRI_IMAGE_LABEL_VALUE)
        .orThrow();
    if (!names.isEmpty()) {
      List<String> args = new ArrayList<>(List.of("images", "tag", "--force", pending));
      args.addAll(names);
      ctr.run(SHORT, args.toArray(String[]::new)).orThrow();
    }
  }

  private static ObjectNode indexJson(
      ResolvedImage image, String pendingTop, String pendingManifest) {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    if (image.index().isPresent()) {
      ResolvedImage.IndexManifest top = image.index().get();
      ObjectNode entry = manifests.addObject();
      entry.put("mediaType", top.mediaType());
      entry.put("digest", top.digest().toString());
      entry.put("size", top.bytes().length);
      entry.putObject("annotations").put(NAME_ANNOTATION, pendingTop);
    }
    ObjectNode entry = manifests.addObject();
    entry.put("mediaType", image.manifestMediaType());
    entry.put("digest", image.manifestDigest().toString());
    entry.put("size", image.manifestBytes().length);
    Platform platform = image.platform();
    if (platform != null) {
      ObjectNode p = entry.putObject("platform");
      p.put("architecture", platform.architecture());
      p.put("os", platform.os());
      if (platform.variant() != null) {
        p.put("variant", platform.variant());
      }
    }
    entry
        .putObject("annotations")
        .put(NAME_ANNOTATION, pendingManifest != null ? pendingManifest : pendingTop);
    return index;
  }

  private static String blobPath(Digest digest) {
    return "blobs/sha256/" + digest.hex();
  }

  /** An image record: its target digest and whether the CRI plugin's label is set. */
  record ImageRecord(Digest target, boolean criManaged) {}

  private Map<String, ImageRecord> images(Set<String> names) throws IOException {
    List<String> args = new ArrayList<>(List.of("images", "ls"));
    for (String name : names) {
      args.add("name==" + name);
    }
    Map<String, ImageRecord> records = new HashMap<>();
    String[] lines = ctr.run(SHORT, args.toArray(String[]::new)).orThrow().split("\n");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].trim().split("\\s+");
      if (f.length < 4) {
        continue;
      }
      String labels = f[f.length - 1];
      boolean managed =
          ("," + labels + ",").contains("," + CRI_IMAGE_LABEL + "=" + CRI_IMAGE_LABEL_VALUE + ",");
      records.put(f[0], new ImageRecord(Digest.parse(f[2]), managed));
    }
    return records;
  }

  /** The names among {@code names} whose content is complete and unpacked. */
  private Set<String> ready(Set<String> names) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("images", "check", "-q", "--snapshotter", snapshotter()));
    for (String name : names) {
      args.add("name==" + name);
    }
    Set<String> ready = new LinkedHashSet<>();
    for (String line : ctr.run(SHORT, args.toArray(String[]::new)).orThrow().split("\n")) {
      if (!line.isBlank()) {
        ready.add(line.strip());
      }
    }
    return ready;
  }

  private Set<Digest> contentDigests() throws IOException {
    Set<Digest> digests = new HashSet<>();
    for (String line : ctr.run(SHORT, "content", "ls", "-q").orThrow().split("\n")) {
      if (line.startsWith("sha256:")) {
        digests.add(Digest.parse(line.strip()));
      }
    }
    return digests;
  }

  /** Fails fast, naming the socket, when nothing listens there (ctr would wait 10 s). */
  /**
   * Names the option that gave the address in messages ({@code --containerd-socket} for the agent);
   * null keeps {@code --containerd-address}.
   */
  public ContainerdRuntime addressFrom(String flag) {
    if (flag != null) {
      this.addressFlag = flag;
    }
    return this;
  }

  private void checkSocket() throws RuntimeUnavailableException {
    if (!Files.exists(address)) {
      throw new RuntimeUnavailableException(
          "cannot reach containerd at "
              + address
              + ": no such socket (is containerd running? is "
              + addressFlag
              + " right?)",
          null);
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(address));
    } catch (SocketException e) {
      String reason = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
      throw new RuntimeUnavailableException(
          "cannot reach containerd at "
              + address
              + ": "
              + (reason.contains("refused")
                  ? "connection refused (is containerd running?)"
                  : e.getMessage()),
          e);
    } catch (IOException e) {
      throw new RuntimeUnavailableException(
          "cannot reach containerd at " + address + ": " + e.getMessage(), e);
    }
  }

  /** ctr import failed; no name of the image was created. */
  static final class ImportFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    ImportFailedException(String message) {
      super(message);
    }
  }
}
