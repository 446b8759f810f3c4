package io.quayctl.e2e;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How the harness starts Java processes: the operator and the API stand-in from this module's
 * classpath, the agent from the shipped {@code quayctl.jar}. Small heaps and C1 only, so a dozen
 * JVMs start quickly on two cores.
 */
public final class Launcher {
  /** System property naming node-agent's {@code quayctl.jar} (with its {@code lib/} beside it). */
  public static final String AGENT_JAR = "quayctl.e2e.agent.jar";

  /**
   * System property: extra JVM flags for the agent, space-separated, placed after the defaults so
   * they win (e.g. {@code -XX:TieredStopAtLevel=4} for the production JIT).
   */
  public static final String AGENT_JVM_FLAGS = "quayctl.e2e.agent.jvmFlags";

  /** System property naming a file with this module's runtime classpath (Maven's output). */
  public static final String CLASSPATH_FILE = "quayctl.e2e.classpath";

  private static final List<String> JVM_FLAGS =
      List.of("-Xmx192m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final Path java;
  private final String classpath;
  private final Path agentJar;

  private Launcher(Path java, String classpath, Path agentJar) {
    this.java = java;
    this.classpath = classpath;
    this.agentJar = agentJar;
  }

  /** From the system properties, else from the layout of a source checkout. */
  public static Launcher fromEnvironment() throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Set<String> entries = new LinkedHashSet<>();
    entries.add(ownLocation().toString());
    String file = System.getProperty(CLASSPATH_FILE);
    if (file != null && Files.isReadable(Path.of(file))) {
      for (String e : Files.readString(Path.of(file)).strip().split(File.pathSeparator)) {
        if (!e.isBlank()) {
          entries.add(e);
        }
      }
    } else {
      for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
        entries.add(e);
      }
    }
    Path jar =
        Path.of(
            System.getProperty(
                AGENT_JAR, checkoutRoot().resolve("node-agent/target/quayctl.jar").toString()));
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          "the agent jar "
              + jar
              + " is missing: build it with mvn -B -ntp install -DskipTests -pl e2e -am");
    }
    return new Launcher(java, String.join(File.pathSeparator, entries), jar.toAbsolutePath());
  }

  /** {@code java FLAGS -cp CLASSPATH MAIN ARGS}. */
  public List<String> java(List<String> jvmFlags, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(JVM_FLAGS);
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  /** {@code java FLAGS -jar quayctl.jar ARGS}. */
  public List<String> quayctl(List<String> jvmFlags, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(JVM_FLAGS);
    for (String flag : System.getProperty(AGENT_JVM_FLAGS, "").trim().split("\\s+")) {
      if (!flag.isEmpty()) {
        command.add(flag);
      }
    }
    command.addAll(jvmFlags);
    command.add("-jar");
    command.add(agentJar.toString());
    command.addAll(args);
    return command;
  }

  /** The agent jar in use. */
  public Path agentJar() {
    return agentJar;
  }

  private static Path ownLocation() throws IOException {
    try {
      return Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  /** The directory holding {@code node-agent/}, searched upwards from the working directory. */
  private static Path checkoutRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("node-agent"))) {
        return d;
      }
    }
    return dir;
  }
}
