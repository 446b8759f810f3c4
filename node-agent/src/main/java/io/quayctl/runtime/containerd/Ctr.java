package io.quayctl.runtime.containerd;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Runs containerd's {@code ctr} client against one daemon address and namespace. */
final class Ctr {
  private final Path binary;
  private final String address;
  private final String namespace;

  Ctr(Path binary, String address, String namespace) {
    this.binary = binary;
    this.address = address;
    this.namespace = namespace;
  }

  /** Finds {@code ctr} on the PATH. */
  static Optional<Path> find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "ctr");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** What a command printed and how it ended. */
  record Result(List<String> command, int exitCode, String out, String err) {
    boolean ok() {
      return exitCode == 0;
    }

    /** The output, or an exception quoting the command and its error output. */
    String orThrow() throws IOException {
      if (!ok()) {
        throw new IOException(describe());
      }
      return out;
    }

    String describe() {
      String why = err.isBlank() ? out.strip() : err.strip();
      return String.join(" ", command.subList(1, command.size()))
          + " failed (exit "
          + exitCode
          + "): "
          + why;
    }
  }

  /** Runs {@code ctr -a ADDRESS -n NAMESPACE args...} with no input. */
  Result run(Duration timeout, String... args) throws IOException {
    return run(null, timeout, args);
  }

  /**
   * Runs ctr with {@code input} copied to its stdin. If reading {@code input} fails, ctr is killed
   * before it sees a clean end of input, and the read failure is thrown.
   */
  Result run(InputStream input, Duration timeout, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--connect-timeout");
    command.add("5s");
    command.add("-a");
    command.add(address);
    command.add("-n");
    command.add(namespace);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (input == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    Process process = builder.start();
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try {
      if (input != null) {
        feed(process, input);
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IOException(
            String.join(" ", args) + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new Result(command, process.exitValue(), text(out), text(err));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while running ctr " + String.join(" ", args));
    }
  }

  private static String text(CompletableFuture<String> output) throws IOException {
    try {
      return output.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof UncheckedIOException u ? u.getCause() : new IOException(e);
    }
  }

  private static void feed(Process process, InputStream input)
      throws IOException, InterruptedException {
    byte[] buf = new byte[1 << 16];
    try (OutputStream stdin = process.getOutputStream()) {
      while (true) {
        int n;
        try {
          n = input.read(buf);
        } catch (IOException e) {
          // Kill first: closing stdin would look like a complete stream to ctr.
          process.destroyForcibly().waitFor();
          throw e;
        }
        if (n < 0) {
          return;
        }
        try {
          stdin.write(buf, 0, n);
        } catch (IOException e) {
          // ctr stopped reading (it failed); its exit code and stderr say why.
          return;
        }
      }
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (stream) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                stream.transferTo(bytes);
                result.complete(bytes.toString(StandardCharsets.UTF_8));
              } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
              }
            },
            "ctr-output");
    reader.setDaemon(true);
    reader.start();
    return result;
  }
}
