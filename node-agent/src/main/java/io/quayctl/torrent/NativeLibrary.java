package io.quayctl.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.libtorrent4j.swig.libtorrent_jni;

/**
 * Makes libtorrent4j's native library loadable. The {@code .so} ships inside the {@code
 * libtorrent4j-linux} jar at {@link #RESOURCE}, where {@code System.loadLibrary} cannot see it: it
 * is unpacked once into a per-user cache directory keyed by its sha256 (so upgrades never reuse a
 * stale copy, and concurrent processes agree), and {@code libtorrent4j.jni.path} is pointed at it
 * before any libtorrent4j class initialises.
 */
public final class NativeLibrary {
  /** Where the Linux x86_64 library sits inside the {@code libtorrent4j-linux} jar. */
  public static final String RESOURCE = "lib/x86_64/libtorrent4j.so";

  /** System property libtorrent4j reads the library path from. */
  public static final String PATH_PROPERTY = "libtorrent4j.jni.path";

  private static Path loaded;

  private NativeLibrary() {}

  /**
   * Unpacks (if needed) and loads the library; idempotent. An explicitly set {@code
   * libtorrent4j.jni.path} is respected. Returns the library's path.
   */
  public static synchronized Path load() {
    if (loaded != null) {
      return loaded;
    }
    String preset = System.getProperty(PATH_PROPERTY, "");
    Path path;
    try {
      path = preset.isEmpty() ? unpack(cacheDir()) : Path.of(preset);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the libtorrent native library", e);
    }
    System.setProperty(PATH_PROPERTY, path.toString());
    // Initialising the JNI class runs System.load on the property's path.
    libtorrent_jni.version();
    loaded = path;
    return path;
  }

  /** {@code $XDG_CACHE_HOME/quayctl/native}, else {@code ~/.cache/quayctl/native}. */
  static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("quayctl").resolve("native");
  }

  /** Unpacks the library under {@code dir}/{@code <sha256 prefix>}/ unless already there. */
  static Path unpack(Path dir) throws IOException {
    byte[] lib;
    try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(
            RESOURCE
                + " is not on the classpath: add the org.libtorrent4j:libtorrent4j-linux jar"
                + " (only Linux x86_64 is supported)");
      }
      lib = in.readAllBytes();
    }
    String hash;
    try {
      hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(lib));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Path target = dir.resolve(hash.substring(0, 16)).resolve("libtorrent4j.so");
    if (Files.isRegularFile(target) && Files.size(target) == lib.length) {
      return target;
    }
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), "libtorrent4j", ".tmp");
    try {
      Files.write(tmp, lib);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }
}
