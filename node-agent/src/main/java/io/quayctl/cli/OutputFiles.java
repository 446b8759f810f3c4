package io.quayctl.cli;

import io.quayctl.store.TempFiles;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Files a command writes at its end ({@code --stats-file}, {@code --output}), checked at its start
 * so that a bad path fails before any transfer, by creating (and removing) a file where the output
 * will go: permissions, read-only or special filesystems all answer for themselves.
 */
final class OutputFiles {
  private OutputFiles() {}

  /**
   * Fails unless {@code file} can be created: not a directory, and a file can be made in its
   * nearest existing ancestor directory (missing ones are created when it is written).
   */
  static void check(CommandLine cmd, String flag, Path file) {
    Path target = file.toAbsolutePath().normalize();
    if (Files.isDirectory(target)) {
      throw new ParameterException(
          cmd, flag + " must be a file, not a directory, was \"" + file + "\"");
    }
    Path existing = target.getParent();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new ParameterException(
          cmd, flag + " \"" + file + "\" cannot be created: " + existing + " is not a directory");
    }
    try {
      TempFiles.release(TempFiles.create(existing, ".quayctl-probe"));
    } catch (IOException e) {
      throw new ParameterException(
          cmd, flag + " \"" + file + "\" cannot be created: " + describe(e));
    }
  }

  /** An I/O failure in words: {@code /x: Not a directory} rather than a bare path. */
  static String describe(Exception e) {
    if (e instanceof FileSystemException f) {
      String reason = f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
      return f.getFile() == null ? reason : f.getFile() + ": " + reason;
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Writing an output file failed after the work was done: names the flag and the file. */
  static final class WriteException extends IOException {
    private static final long serialVersionUID = 1L;

    WriteException(String flag, Path file, Exception cause) {
      super("cannot write " + flag + " " + file + ": " + describe(cause), cause);
    }
  }
}
