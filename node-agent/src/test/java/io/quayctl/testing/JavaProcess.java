package io.quayctl.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM started by a test with the test's own classpath, running one main class (the mock API
 * server, the operator, an agent) as a separate process, its output in a log file.
 */
public final class JavaProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private JavaProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code mainClass} with {@code jvmOptions} (system properties) and {@code args}, logging
   * to {@code dir/<name>.log}.
   */
  public static JavaProcess start(
      String name, Path dir, List<String> jvmOptions, String mainClass, List<String> args)
      throws IOException {
    Files.createDirectories(dir);
    Path log = dir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new JavaProcess(name, process, log);
  }

  /** Waits for a line matching {@code pattern} and returns its first group (or the whole line). */
  public String awaitLine(Pattern pattern, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> found = find(pattern);
      if (found.isPresent()) {
        return found.get();
      }
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + ":\n" + logTail(40));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    }
    throw new IOException(name + ": no line matching " + pattern + ":\n" + logTail(40));
  }

  private Optional<String> find(Pattern pattern) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    for (String line : lines) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return Optional.of(m.groupCount() > 0 ? m.group(1) : line);
      }
    }
    return Optional.empty();
  }

  /** Whether the process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process's whole log. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The last {@code n} lines of the log, headed by the process's name. */
  public String logTail(int n) {
    return "--- " + name + " ---\n" + LogFiles.tail(log, n);
  }

  /** SIGKILL, as an OOM kill or a node crash ends a process: no shutdown hook runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " survived SIGKILL");
    }
  }

  /** SIGTERM (shutdown hooks run), SIGKILL after 15 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
