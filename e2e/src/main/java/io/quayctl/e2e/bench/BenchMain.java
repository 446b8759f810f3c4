package io.quayctl.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quayctl.e2e.Cluster;
import io.quayctl.e2e.Launcher;
import io.quayctl.e2e.NodeHost;
import io.quayctl.e2e.Prerequisites;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fan-out benchmark: for each worker count and layer count, a fresh cluster in a box with the
 * registry behind a shaped link; the workers first pull straight from the registry together, then
 * the same workers get another image of the same size through an ImagePull. Prints the tables,
 * writes {@code results.json}, {@code completion.png} and {@code timeline.png}.
 */
public final class BenchMain {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final BenchOptions options;
  private final PrintStream out;
  private final AtomicReference<Cluster> current = new AtomicReference<>();
  private final List<PhaseResult> phases = new ArrayList<>();
  private final Map<String, Object> machine = new LinkedHashMap<>();

  private BenchMain(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Runs the benchmark; exit code 0 when every mode of every cluster completed. */
  public static void main(String[] argv) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    List<String> missing = new ArrayList<>(Prerequisites.missing());
    if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
      missing.add("/usr/bin/time (Debian package time)");
    }
    if (!missing.isEmpty()) {
      System.err.println("bench: cannot run; missing:\n  " + String.join("\n  ", missing));
      System.exit(1);
      return;
    }
    BenchMain bench = new BenchMain(options, System.out);
    Thread hook = new Thread(bench::closeCurrent, "bench-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int code;
    try {
      code = bench.run();
    } catch (IOException | RuntimeException | AssertionError e) {
      System.err.println("bench: " + e);
      code = 1;
    }
    bench.closeCurrent();
    System.exit(code);
  }

  private void closeCurrent() {
    Cluster c = current.getAndSet(null);
    if (c != null) {
      System.err.println("bench: stopping the cluster's processes, removing its namespaces");
      c.close();
    }
  }

  private int run() throws IOException {
    Files.createDirectories(options.out());
    System.setProperty(Launcher.AGENT_JVM_FLAGS, options.agentJvmFlags());
    describeMachine();
    boolean allOk = true;
    for (int layers : options.layers()) {
      for (int workers : options.workers()) {
        allOk &= runCluster(workers, layers);
        writeResults();
        BenchReport.printTables(phases, out);
      }
    }
    machine.put("loadAtEnd", Files.readString(Path.of("/proc/loadavg")).strip());
    writeResults();
    out.println();
    out.printf(
        Locale.ROOT,
        "S = %s in %s layer(s) (uncompressed OCI tar layers of random bytes), B_reg = %s,"
            + " B_node = %s, floor S/B_reg = %.1f s%n",
        mib(phases.isEmpty() ? options.size() : phases.get(0).imageBytes()),
        options.layers(),
        options.registryRate(),
        options.nodeRate() == null ? "unlimited" : options.nodeRate(),
        options.registryRate().seconds(options.size()));
    out.println("machine: " + machine);
    BenchReport.printTables(phases, out);
    BenchReport.printSwarmBreakdown(phases, out);
    BenchReport.printTargets(phases, out);
    Path png = BenchPlot.completion(phases, options, options.out());
    Path timeline = BenchPlot.timeline(phases, options, options.out());
    out.println();
    out.println("results: " + options.out().resolve("results.json").toAbsolutePath());
    out.println("plot:    " + png.toAbsolutePath());
    if (timeline != null) {
      out.println("         " + timeline.toAbsolutePath());
    }
    return allOk ? 0 : 1;
  }

  private boolean runCluster(int workers, int layers) throws IOException {
    Path runDir =
        (options.runDir() != null ? options.runDir() : Files.createTempDirectory("quayctl-bench-"))
            .resolve("n" + workers + "-l" + layers);
    out.printf(
        "%n== N=%d workers, L=%d layers: starting a cluster in %s%n", workers, layers, runDir);
    Cluster cluster =
        Cluster.start(Cluster.Options.of(workers).withTrackerOnOperator(true).withRunDir(runDir));
    current.set(cluster);
    boolean ok = true;
    try {
      BenchNetwork.shape(cluster.registry().host(), options.registryRate());
      if (options.nodeRate() != null) {
        for (NodeHost node : cluster.nodes()) {
          BenchNetwork.shape(node.host(), options.nodeRate());
        }
      }
      machine.put("registryQdisc", BenchNetwork.qdisc(cluster.registry().host()));
      BenchNetwork network = new BenchNetwork(cluster);
      Path benchDir = runDir.resolve("bench");
      try (BlobPusher pusher = BlobPusher.open(cluster, benchDir)) {
        for (BenchOptions.Mode mode : options.modes()) {
          ok &= runMode(cluster, network, pusher, mode, layers, benchDir);
        }
      }
    } catch (IOException | RuntimeException | AssertionError e) {
      out.println("  cluster N=" + workers + " L=" + layers + " failed: " + e);
      ok = false;
    } finally {
      if (!ok) {
        cluster.copyLogs(options.out().resolve("logs/n" + workers + "-l" + layers));
      }
      current.set(null);
      cluster.close();
    }
    return ok;
  }

  private boolean runMode(
      Cluster cluster,
      BenchNetwork network,
      BlobPusher pusher,
      BenchOptions.Mode mode,
      int layers,
      Path benchDir)
      throws IOException {
    long t = System.nanoTime();
    RandomImage image =
        RandomImage.generate(
            benchDir.resolve("image-" + mode.name().toLowerCase(Locale.ROOT)),
            options.size(),
            layers,
            new SecureRandom().nextLong());
    double generated = (System.nanoTime() - t) / 1e9;
    String repository = "bench/" + mode.name().toLowerCase(Locale.ROOT);
    String tag = "n" + cluster.workers().size() + "-l" + layers;
    pusher.push(repository, tag, image);
    image.deleteFiles();
    out.printf(
        Locale.ROOT,
        "  %s: image %s (%s) generated in %.1f s, pushed in %.1f s%n",
        mode.label(),
        image.manifestDigest().substring(0, 19),
        mib(image.layerBytes()),
        generated,
        (System.nanoTime() - t) / 1e9 - generated);
    String reference = cluster.registry().hostPort() + "/" + repository + ":" + tag;
    PhaseResult result;
    if (mode == BenchOptions.Mode.DIRECT) {
      network.routeWorkersToRegistry();
      try {
        result =
            DirectPulls.run(
                cluster, image, reference, options, layers, benchDir.resolve("direct-logs"));
      } finally {
        network.isolateWorkers();
      }
      DirectPulls.removeImage(cluster, reference);
    } else {
      network.isolateWorkers();
      result = SwarmPulls.run(cluster, image, reference, options, layers);
    }
    phases.add(result);
    out.printf(
        Locale.ROOT,
        "  %s: %s T_all %.1f s (%.2f x floor), registry sent %s (%.3f x S)%n",
        mode.label(),
        result.ok() ? "ok" : "FAILED",
        result.allSeconds(),
        result.overFloor(),
        mib(result.registryTxBytes()),
        result.egressRatio());
    if (!result.ok()) {
      out.println("  " + result.error());
    }
    return result.ok();
  }

  private void describeMachine() throws IOException {
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:") || line.startsWith("MemAvailable:")) {
        machine.put(
            line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1).strip());
      }
    }
    machine.put("loadAtStart", Files.readString(Path.of("/proc/loadavg")).strip());
    machine.put("started", Instant.now().toString());
    machine.put("agentJvmFlags", options.agentJvmFlags());
    machine.put("hashing", HashRate.measure(options.agentJvmFlags()));
    out.println("machine: " + machine);
  }

  private void writeResults() throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("workers", options.workers());
    opts.put("sizeBytes", options.size());
    opts.put("layers", options.layers());
    opts.put("layerMediaType", RandomImage.LAYER_TYPE);
    opts.put("registryRate", options.registryRate().tc());
    opts.put("nodeRate", options.nodeRate() == null ? "unlimited" : options.nodeRate().tc());
    opts.put("modes", options.modes().stream().map(BenchOptions.Mode::label).toList());
    opts.put("agentJvmFlags", options.agentJvmFlags());
    doc.put("options", opts);
    doc.put("machine", machine);
    doc.put("phases", phases);
    JSON.writeValue(options.out().resolve("results.json").toFile(), doc);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
