package io.quayctl.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary files of work in progress (a squashed layer, an ACI) that never outlive it: each is
 * named after this process ({@code PREFIX-PID-RANDOM.tmp}), {@link #deleteAll} removes the live
 * ones when the process stops on a signal, and {@link #removeAbandoned} removes those of a process
 * that died (killed, crashed) the next time a directory is used.
 */
public final class TempFiles {
  private static final Pattern NAME = Pattern.compile(".*-(\\d+)-\\d+\\.tmp");
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  private TempFiles() {}

  /** Creates an empty temporary file in {@code dir}, deleted if the process stops. */
  public static Path create(Path dir, String prefix) throws IOException {
    Path file =
        Files.createTempFile(dir, prefix + "-" + ProcessHandle.current().pid() + "-", ".tmp");
    LIVE.add(file);
    return file;
  }

  /** Deletes a temporary file if it is still there (it may have been moved into place). */
  public static void release(Path file) throws IOException {
    try {
      Files.deleteIfExists(file);
    } finally {
      LIVE.remove(file);
    }
  }

  /** Deletes every temporary file this process has not released (at shutdown). */
  public static void deleteAll() {
    for (Path file : LIVE) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // Best effort while stopping; removeAbandoned catches it next time.
      }
      LIVE.remove(file);
    }
  }

  /**
   * Deletes the temporary files in {@code dir} whose process is gone; returns how many. Files of
   * live processes (this one included) are left alone.
   */
  public static int removeAbandoned(Path dir) {
    return removeAbandoned(dir, "");
  }

  /** {@link #removeAbandoned(Path)} for the files whose name starts with {@code prefix} only. */
  public static int removeAbandoned(Path dir, String prefix) {
    int removed = 0;
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.tmp")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (!name.startsWith(prefix) || !m.matches()) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
          continue;
        }
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive && Files.deleteIfExists(file)) {
          removed++;
        }
      }
    } catch (IOException ignored) {
      // A directory that cannot be listed keeps its files; nothing depends on their removal.
    }
    return removed;
  }
}
