package io.quayctl.testing;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command of the host (docker CLI, ctr) for tests that check a daemon independently. */
public final class HostCommand {
  private HostCommand() {}

  /** How a command ended. */
  public record Result(List<String> command, int exitCode, String out, String err) {
    /** The output; fails the calling test with the command and its errors when it failed. */
    public String orThrow() {
      if (exitCode != 0) {
        throw new AssertionError(
            String.join(" ", command) + " failed (exit " + exitCode + "): " + err + out);
      }
      return out;
    }
  }

  /**
   * Finds {@code binary} on the PATH, or fails with the Debian package that provides it: tests
   * never skip silently.
   */
  public static Path require(String binary, String debianPackage) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, binary);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        binary + " is not installed: apt-get install " + debianPackage + " (scripts/install-deps)");
  }

  /** Runs {@code command}, waiting up to {@code timeout}. */
  public static Result run(Duration timeout, List<String> command) throws IOException {
    Path out = Files.createTempFile("quayctl-cmd-", ".out");
    Path err = Files.createTempFile("quayctl-cmd-", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
      }
      return new Result(
          List.copyOf(command),
          process.exitValue(),
          new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
          new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted running " + command);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
