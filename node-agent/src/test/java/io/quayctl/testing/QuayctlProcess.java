package io.quayctl.testing;

import io.quayctl.testing.TestNetwork.Host;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code quayctl} CLI ({@code java -jar quayctl.jar}, path from the {@code
 * quayctl.jar} system property the build sets) running as its own process inside a {@link Host},
 * with stdout and stderr in files, as a user would run it there.
 */
public final class QuayctlProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path out;
  private final Path err;

  private QuayctlProcess(String name, Process process, Path out, Path err) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** The CLI jar the build produced; fails with how to build it. */
  public static Path jar() {
    String path = System.getProperty("quayctl.jar");
    if (path == null || !Files.isRegularFile(Path.of(path))) {
      throw new AssertionError(
          "quayctl.jar not found (system property quayctl.jar="
              + path
              + "): run the ITs through Maven (mvn verify), which packages it first");
    }
    return Path.of(path);
  }

  /**
   * Starts {@code quayctl args...} inside {@code host}; output goes to {@code logDir/name-host.out}
   * and {@code .err}.
   */
  public static QuayctlProcess start(Host host, Path logDir, String name, List<String> args)
      throws IOException {
    Files.createDirectories(logDir);
    Path out = logDir.resolve(name + "-" + host.name() + ".out");
    Path err = logDir.resolve(name + "-" + host.name() + ".err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    Process process =
        host.process(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    return new QuayctlProcess(name + "@" + host.name(), process, out, err);
  }

  /** Waits until stdout has a line containing {@code text}; fails with the output otherwise. */
  public void awaitOutput(String text, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (out().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            name
                + " exited with "
                + process.exitValue()
                + " before printing \""
                + text
                + "\"\n"
                + transcript());
      }
      sleep(100);
    }
    throw new AssertionError(
        name + " did not print \"" + text + "\" within " + timeout + "\n" + transcript());
  }

  /** Waits for the process to end and returns its exit code; fails with the output on timeout. */
  public int awaitExit(Duration timeout) throws IOException {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still running after " + timeout + "\n" + transcript());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
    return process.exitValue();
  }

  /** Sends SIGTERM, as {@code kill PID} or a service manager would. */
  public void terminate() {
    process.destroy();
  }

  /** The process id (the JVM's: nsenter replaces itself with it). */
  public long pid() {
    return process.pid();
  }

  /** Standard output so far. */
  public String out() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  /** Standard error so far. */
  public String err() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  /** Both outputs, labelled, for assertion messages. */
  public String transcript() {
    try {
      return "--- " + name + " stdout ---\n" + out() + "--- " + name + " stderr ---\n" + err();
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private static void sleep(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }

  /** Kills the process if it still runs (SIGTERM, then SIGKILL after 15 s). */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
