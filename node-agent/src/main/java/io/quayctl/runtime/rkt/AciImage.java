package io.quayctl.runtime.rkt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.ImageConfig;
import io.quayctl.store.BlobStore;
import io.quayctl.store.TempFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An App Container Image (appc spec 0.8.11, what rkt runs) made from a squashed image: its one
 * layer under {@code rootfs/}, and a {@code manifest} that carries the image config (entrypoint and
 * command as {@code exec}, user, working directory, environment, volumes, ports) and the os/arch
 * labels appc knows. Written gzipped, streamed from the store, to a temporary file beside the
 * target that is renamed into place only when complete.
 */
public final class AciImage {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AC_VERSION = "0.8.11";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  /** Docker architecture (and variant) to appc's {@code arch} label, for {@code os=linux}. */
  private static final Map<String, String> ARCH =
      Map.of(
          "amd64", "amd64",
          "386", "i386",
          "arm64", "aarch64",
          "arm/v7", "armv7l",
          "arm/v6", "armv6l",
          "ppc64le", "ppc64le",
          "ppc64", "ppc64",
          "s390x", "s390x");

  private AciImage() {}

  /**
   * A written ACI.
   *
   * @param file where it is
   * @param name its appc name
   * @param imageId {@code sha512-<hex>} of the uncompressed archive, as rkt names images
   * @param bytes size of the file
   */
  public record Written(Path file, String name, String imageId, long bytes) {}

  /**
   * Writes the ACI of {@code squashed} (one layer, its blobs in the store) to {@code output},
   * replacing it. Nothing is left at {@code output} or beside it if this fails.
   */
  public static Written write(ResolvedImage squashed, BlobStore store, Path output)
      throws IOException {
    if (squashed.layers().size() != 1) {
      throw new IllegalArgumentException(
          "an ACI is made from a squashed image, this one has " + squashed.layers().size());
    }
    JsonNode config = JSON.readTree(ImageConfig.read(squashed.config(), store).bytes());
    ObjectNode manifest = manifest(squashed.reference(), squashed.platform(), config);
    byte[] manifestBytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);

    Path target = output.toAbsolutePath();
    String prefix = "." + target.getFileName();
    TempFiles.removeAbandoned(target.getParent(), prefix);
    Path tmp = TempFiles.create(target.getParent(), prefix);
    // The archive is a function of the image: its own two entries get the image's time, no owner.
    Date created = created(config);
    try {
      MessageDigest sha512 = sha512();
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
          GZIPOutputStream gzip = new GZIPOutputStream(file, 1 << 16);
          DigestOutputStream tarBytes = new DigestOutputStream(gzip, sha512);
          TarArchiveOutputStream out = new TarArchiveOutputStream(tarBytes);
          TarArchiveInputStream layer =
              new TarArchiveInputStream(
                  new GZIPInputStream(
                      new BufferedInputStream(
                          store.open(squashed.layers().get(0).digest()), 1 << 16),
                      1 << 16))) {
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        out.setAddPaxHeadersForNonAsciiNames(true);
        TarArchiveEntry m = fixed(new TarArchiveEntry("manifest"), created);
        m.setSize(manifestBytes.length);
        m.setMode(0100644);
        out.putArchiveEntry(m);
        out.write(manifestBytes);
        out.closeArchiveEntry();
        TarArchiveEntry rootfs = fixed(new TarArchiveEntry("rootfs/"), created);
        rootfs.setMode(040755);
        out.putArchiveEntry(rootfs);
        out.closeArchiveEntry();
        for (TarArchiveEntry e = layer.getNextEntry(); e != null; e = layer.getNextEntry()) {
          e.setName("rootfs/" + e.getName());
          if (e.isLink()) {
            e.setLinkName("rootfs/" + e.getLinkName());
          }
          out.putArchiveEntry(e);
          layer.transferTo(out);
          out.closeArchiveEntry();
        }
        out.finish();
      }
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Written(
          target,
          manifest.get("name").asText(),
          "sha512-" + HexFormat.of().formatHex(sha512.digest()),
          Files.size(target));
    } finally {
      TempFiles.release(tmp);
    }
  }

  private static TarArchiveEntry fixed(TarArchiveEntry e, Date time) {
    e.setModTime(time);
    e.setUserId(0);
    e.setGroupId(0);
    e.setUserName("");
    e.setGroupName("");
    return e;
  }

  /** The config's {@code created}, else the epoch. */
  private static Date created(JsonNode config) {
    try {
      return Date.from(Instant.parse(config.path("created").asText("")));
    } catch (DateTimeParseException e) {
      return new Date(0);
    }
  }

  /** The default file name: {@code <last repository component>-<tag>-<os>-<arch>.aci}. */
  public static String defaultFileName(ImageReference reference, Platform platform) {
    String repo = reference.repository();
    String last = repo.substring(repo.lastIndexOf('/') + 1);
    String version = version(reference);
    return identifier(last)
        + "-"
        + version.replaceAll("[^A-Za-z0-9._-]", "-")
        + "-"
        + platform.os()
        + "-"
        + arch(platform)
        + ".aci";
  }

  /** The image manifest: name, labels, app, annotations. */
  static ObjectNode manifest(ImageReference reference, Platform platform, JsonNode config) {
    ObjectNode m = JSON.createObjectNode();
    m.put("acKind", "ImageManifest");
    m.put("acVersion", AC_VERSION);
    m.put("name", identifier(reference.registry() + "/" + reference.repository()));
    ArrayNode labels = m.putArray("labels");
    label(labels, "version", version(reference));
    label(labels, "os", platform.os());
    label(labels, "arch", arch(platform));

    JsonNode c = config.path("config");
    ObjectNode app = m.putObject("app");
    ArrayNode exec = app.putArray("exec");
    c.path("Entrypoint").forEach(a -> exec.add(a.asText()));
    c.path("Cmd").forEach(a -> exec.add(a.asText()));
    if (exec.isEmpty()) {
      app.remove("exec");
    }
    String user = c.path("User").asText("");
    int colon = user.indexOf(':');
    app.put("user", user.isEmpty() ? "0" : colon < 0 ? user : user.substring(0, colon));
    app.put("group", colon < 0 ? "0" : user.substring(colon + 1));
    String workdir = c.path("WorkingDir").asText("");
    if (workdir.startsWith("/")) {
      app.put("workingDirectory", workdir);
    }
    ArrayNode env = JSON.createArrayNode();
    for (JsonNode e : c.path("Env")) {
      String text = e.asText();
      int eq = text.indexOf('=');
      String name = eq < 0 ? text : text.substring(0, eq);
      if (ENV_NAME.matcher(name).matches()) {
        env.addObject().put("name", name).put("value", eq < 0 ? "" : text.substring(eq + 1));
      }
    }
    if (!env.isEmpty()) {
      app.set("environment", env);
    }
    ArrayNode mounts = JSON.createArrayNode();
    for (Iterator<String> it = c.path("Volumes").fieldNames(); it.hasNext(); ) {
      String path = it.next();
      mounts.addObject().put("name", acName("volume-" + path)).put("path", path);
    }
    if (!mounts.isEmpty()) {
      app.set("mountPoints", mounts);
    }
    ArrayNode ports = JSON.createArrayNode();
    for (Iterator<String> it = c.path("ExposedPorts").fieldNames(); it.hasNext(); ) {
      String spec = it.next();
      String[] parts = spec.split("/", 2);
      String protocol = parts.length > 1 ? parts[1] : "tcp";
      try {
        int port = Integer.parseInt(parts[0]);
        if (port >= 1 && port <= 65535) {
          ports
              .addObject()
              .put("name", acName(port + "-" + protocol))
              .put("protocol", protocol)
              .put("port", port);
        }
      } catch (NumberFormatException ignored) {
        // A port range or a name: appc wants a number; such a port is left out.
      }
    }
    if (!ports.isEmpty()) {
      app.set("ports", ports);
    }

    ArrayNode annotations = m.putArray("annotations");
    if (config.hasNonNull("created")) {
      label(annotations, "created", config.get("created").asText());
    }
    label(annotations, "appc.io/docker/registryurl", reference.registry());
    label(annotations, "appc.io/docker/repository", reference.repository());
    reference.tag().ifPresent(t -> label(annotations, "appc.io/docker/tag", t));
    return m;
  }

  private static void label(ArrayNode list, String name, String value) {
    list.addObject().put("name", name).put("value", value);
  }

  private static String version(ImageReference reference) {
    return reference
        .tag()
        .orElseGet(
            () -> reference.digest().map(d -> d.algorithm() + "-" + d.hex()).orElse("latest"));
  }

  /** appc's arch label for a platform; fails for one appc has no name for. */
  static String arch(Platform platform) {
    String key =
        platform.variant() == null || !platform.architecture().equals("arm")
            ? platform.architecture()
            : platform.architecture() + "/" + platform.variant();
    String arch = ARCH.get(key);
    if (arch == null || !platform.os().equals("linux")) {
      throw new IllegalArgumentException(
          "appc has no os/arch for platform "
              + platform
              + "; ACIs are made for linux on "
              + ARCH.keySet());
    }
    return arch;
  }

  /** An AC Identifier: lowercase, {@code [a-z0-9]} separated by single {@code -._~/}. */
  static String identifier(String text) {
    String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._~/-]", "-");
    s = s.replaceAll("([-._~/])[-._~/]+", "$1").replaceAll("^[-._~/]+|[-._~/]+$", "");
    return s.isEmpty() ? "image" : s;
  }

  /** An AC Name: lowercase, {@code [a-z0-9]} separated by single {@code -}. */
  static String acName(String text) {
    String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    s = s.replaceAll("^-+|-+$", "");
    return s.isEmpty() ? "unnamed" : s;
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
