package io.quayctl.e2e.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's command line.
 *
 * @param workers the worker counts to measure, one cluster each
 * @param size total layer bytes of each generated image
 * @param layers the layer counts to measure (each with the same total size)
 * @param registryRate the registry link's rate (tbf on the registry host's egress)
 * @param nodeRate every node's link rate, null for unshaped
 * @param modes which modes to run
 * @param out where the JSON, the PNG and the logs of failures go
 * @param timeout how long one mode of one cluster may take
 * @param runDir where the clusters' run directories go
 * @param agentJvmFlags JVM flags for the agents after the harness's defaults
 */
public record BenchOptions(
    List<Integer> workers,
    long size,
    List<Integer> layers,
    Rate registryRate,
    Rate nodeRate,
    List<Mode> modes,
    Path out,
    Duration timeout,
    Path runDir,
    String agentJvmFlags) {

  /**
   * The agents' JIT as the agent image runs it (C2; the image's Jib flags only set heap sizing),
   * overriding the harness's C1-only default that is meant for quick starts, not throughput.
   */
  public static final String PRODUCTION_JIT = "-XX:TieredStopAtLevel=4";

  /** What is measured. */
  public enum Mode {
    /** Every worker pulls from the registry itself, with {@code ctr images pull}. */
    DIRECT("direct (ctr pull)"),
    /** An ImagePull through operator and agents; workers have no route to the registry. */
    P2P("P2P (ImagePull)");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    /** The name printed in tables and plots. */
    public String label() {
      return label;
    }
  }

  static final String USAGE =
      String.join(
          "\n",
          "usage: bench [--workers 1,2,4,8] [--size 512MiB] [--layers 4] [--registry-rate 200mbit]",
          "             [--node-rate unlimited] [--modes direct,p2p] [--out target/bench]",
          "             [--timeout 15m]",
          "  --workers LIST        worker counts, one fresh cluster each (default 1,2,4,8)",
          "  --size SIZE           total layer bytes of the image, e.g. 512MiB, 64MiB",
          "  --layers LIST         layer counts, e.g. 4 or 4,1 (default 4)",
          "  --registry-rate RATE  the registry link (tc tbf), e.g. 200mbit, 1gbit (default"
              + " 200mbit)",
          "  --node-rate RATE      every node's link (tc tbf), or unlimited (default)",
          "  --modes LIST          direct, p2p or both (default direct,p2p)",
          "  --out DIR             results.json, completion.png, logs (default target/bench)",
          "  --timeout DURATION    per mode and cluster (default 15m)",
          "  --agent-jvm-flags F   agents' extra JVM flags (default -XX:TieredStopAtLevel=4, the",
          "                        production JIT; \"\" keeps the harness's C1-only default)",
          "  --run-dir DIR         where the clusters run (scripts/bench passes one)");

  /** Parses the command line; {@link IllegalArgumentException} with the usage on errors. */
  public static BenchOptions parse(String... argv) {
    List<Integer> workers = List.of(1, 2, 4, 8);
    long size = 512L << 20;
    List<Integer> layers = List.of(4);
    Rate registryRate = Rate.parse("200mbit");
    Rate nodeRate = null;
    List<Mode> modes = List.of(Mode.DIRECT, Mode.P2P);
    Path out = Path.of("target/bench");
    Duration timeout = Duration.ofMinutes(15);
    Path runDir = null;
    String agentJvmFlags = PRODUCTION_JIT;
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      if (arg.equals("-h") || arg.equals("--help")) {
        throw new IllegalArgumentException(USAGE);
      }
      if (value == null) {
        if (i + 1 >= argv.length) {
          throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
        }
        value = argv[++i];
      }
      switch (arg) {
        case "--workers" -> workers = positives(arg, value);
        case "--size" -> size = size(value);
        case "--layers" -> layers = positives(arg, value);
        case "--registry-rate" -> registryRate = Rate.parse(value);
        case "--node-rate" ->
            nodeRate =
                value.equalsIgnoreCase("unlimited") || value.equalsIgnoreCase("none")
                    ? null
                    : Rate.parse(value);
        case "--modes" -> modes = modes(value);
        case "--out" -> out = Path.of(value);
        case "--timeout" -> timeout = duration(value);
        case "--run-dir" -> runDir = Path.of(value);
        case "--agent-jvm-flags" -> agentJvmFlags = value;
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    for (int l : layers) {
      if (size / l < 4096) {
        throw new IllegalArgumentException("--size must give every layer at least 4 KiB");
      }
    }
    return new BenchOptions(
        workers, size, layers, registryRate, nodeRate, modes, out, timeout, runDir, agentJvmFlags);
  }

  private static List<Integer> positives(String option, String text) {
    List<Integer> out = new ArrayList<>();
    for (String part : text.split(",")) {
      try {
        int n = Integer.parseInt(part.trim());
        if (n < 1) {
          throw new NumberFormatException();
        }
        out.add(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            option + ": \"" + text + "\" is not a list of positive numbers like 1,2,4,8");
      }
    }
    return List.copyOf(out);
  }

  private static List<Mode> modes(String text) {
    List<Mode> out = new ArrayList<>();
    for (String part : text.split(",")) {
      switch (part.trim().toLowerCase(Locale.ROOT)) {
        case "direct" -> out.add(Mode.DIRECT);
        case "p2p" -> out.add(Mode.P2P);
        default ->
            throw new IllegalArgumentException(
                "--modes: \"" + part + "\" is neither direct nor p2p");
      }
    }
    return List.copyOf(out);
  }

  /** {@code 512MiB}, {@code 64M}, {@code 1GiB}, {@code 4096}. */
  static long size(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    String[][] suffixes = {
      {"gib", "1073741824"},
      {"mib", "1048576"},
      {"kib", "1024"},
      {"g", "1073741824"},
      {"m", "1048576"},
      {"k", "1024"},
      {"b", "1"}
    };
    for (String[] suffix : suffixes) {
      if (t.endsWith(suffix[0])) {
        unit = Long.parseLong(suffix[1]);
        t = t.substring(0, t.length() - suffix[0].length()).trim();
        break;
      }
    }
    try {
      long bytes = Math.round(Double.parseDouble(t) * unit);
      if (bytes > 0) {
        return bytes;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--size: \"" + text + "\" is not a size like 512MiB");
  }

  /** {@code 90s}, {@code 15m}, {@code 1h}. */
  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException();
      };
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a duration like 90s or 15m");
    }
  }
}
