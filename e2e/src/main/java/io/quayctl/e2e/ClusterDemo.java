package io.quayctl.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.api.Digest;
import io.quayctl.api.v1alpha1.ImageFormat;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.testing.HostCommand;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.RegistryServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The demo: builds the cluster in a box, pushes a generated image to the registry behind the
 * bastion, applies an ImagePull for it, shows each node's progress as its agent reports it, and
 * ends with a table of times, bytes by source, the digest each node's containerd holds, and what
 * the registry served. {@code scripts/demo-cluster} runs it.
 */
public final class ClusterDemo {
  private static final String USAGE =
      String.join(
          "\n",
          "usage: demo-cluster [--workers N] [--layers L] [--size SIZE] [--bastion-rate RATE]",
          "                    [--anonymous] [--squashed] [--timeout DURATION] [--keep]",
          "  --workers N          worker hosts without registry access (default 3)",
          "  --layers L           image layers (default 4)",
          "  --size SIZE          total image size, e.g. 64MiB, 512KiB (default 64MiB)",
          "  --bastion-rate RATE  shape the bastion's link, tc syntax, e.g. 200mbit (default:"
              + " none)",
          "  --anonymous          registry without credentials (default: htpasswd + pull secret)",
          "  --squashed           ImagePull format squashed: the bastion squashes the image into",
          "                       one layer, the workers pull that from peers",
          "  --timeout DURATION   give up after this long, e.g. 5m (default 10m)",
          "  --keep               keep the cluster up after the pull until Ctrl-C",
          "  --terminal           redraw the progress table in place (default on a terminal)",
          "  --run-dir DIR        where logs and stores go (scripts/demo-cluster passes one)");

  private ClusterDemo() {}

  /** Parsed command line. */
  record Args(
      int workers,
      int layers,
      long size,
      String bastionRate,
      boolean anonymous,
      boolean squashed,
      Duration timeout,
      boolean keep,
      boolean terminal,
      Path runDir) {

    static Args parse(String... argv) {
      int workers = 3;
      int layers = 4;
      long size = 64L << 20;
      String rate = null;
      boolean anonymous = false;
      boolean squashed = false;
      Duration timeout = Duration.ofMinutes(10);
      boolean keep = false;
      boolean terminal = System.console() != null;
      Path runDir = null;
      for (int i = 0; i < argv.length; i++) {
        String arg = argv[i];
        String value = null;
        int eq = arg.indexOf('=');
        if (eq > 0) {
          value = arg.substring(eq + 1);
          arg = arg.substring(0, eq);
        }
        switch (arg) {
          case "--workers" -> workers = positive(arg, value != null ? value : next(argv, ++i, arg));
          case "--layers" -> layers = positive(arg, value != null ? value : next(argv, ++i, arg));
          case "--size" -> size = size(value != null ? value : next(argv, ++i, arg));
          case "--bastion-rate" -> rate = value != null ? value : next(argv, ++i, arg);
          case "--anonymous" -> anonymous = true;
          case "--squashed" -> squashed = true;
          case "--timeout" -> timeout = duration(value != null ? value : next(argv, ++i, arg));
          case "--keep" -> keep = true;
          case "--terminal" -> terminal = true;
          case "--run-dir" -> runDir = Path.of(value != null ? value : next(argv, ++i, arg));
          case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
          default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
        }
      }
      if (size / layers < 1024) {
        throw new IllegalArgumentException("--size must give every layer at least 1 KiB");
      }
      return new Args(
          workers, layers, size, rate, anonymous, squashed, timeout, keep, terminal, runDir);
    }

    private static String next(String[] argv, int i, String option) {
      if (i >= argv.length) {
        throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
      }
      return argv[i];
    }

    private static int positive(String option, String text) {
      try {
        int n = Integer.parseInt(text);
        if (n < 1) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + ": \"" + text + "\" is not a positive number");
      }
    }

    /** {@code 64MiB}, {@code 64M}, {@code 512KiB}, {@code 1GiB} or plain bytes. */
    static long size(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      long unit = 1;
      for (String[] suffix :
          new String[][] {
            {"gib", "1073741824"},
            {"mib", "1048576"},
            {"kib", "1024"},
            {"g", "1073741824"},
            {"m", "1048576"},
            {"k", "1024"},
            {"b", "1"}
          }) {
        if (t.endsWith(suffix[0])) {
          unit = Long.parseLong(suffix[1]);
          t = t.substring(0, t.length() - suffix[0].length()).trim();
          break;
        }
      }
      try {
        return Math.round(Double.parseDouble(t) * unit);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--size: \"" + text + "\" is not a size like 64MiB");
      }
    }

    /** {@code 90s}, {@code 5m}, {@code 1h}. */
    static Duration duration(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      try {
        if (t.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          default -> throw new NumberFormatException();
        };
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        throw new IllegalArgumentException("\"" + text + "\" is not a duration like 90s or 5m");
      }
    }
  }

  /** Runs the demo; exit code 0 when every node has the image. */
  public static void main(String[] argv) {
    // The harness's own client would warn about the v1alpha1 API on every first use.
    System.setProperty(
        "org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils",
        "error");
    if (List.of(argv).contains("-h") || List.of(argv).contains("--help")) {
      System.out.println(USAGE);
      System.exit(0);
      return;
    }
    Args args;
    try {
      args = Args.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    List<String> missing = Prerequisites.missing();
    if (!missing.isEmpty()) {
      System.err.println(
          "demo-cluster: cannot run; missing:\n  "
              + String.join("\n  ", missing)
              + "\n(scripts/install-deps installs the packages)");
      System.exit(1);
      return;
    }
    System.exit(run(args, System.out));
  }

  static int run(Args args, PrintStream out) {
    Cluster.Options options = Cluster.Options.of(args.workers()).withRunDir(args.runDir());
    if (!args.anonymous()) {
      options = options.withRegistryAuth("demo", "demo-" + Long.toHexString(System.nanoTime()));
    }
    if (args.bastionRate() != null) {
      options = options.withBastionEgress(args.bastionRate());
    }
    out.printf(
        "Starting the cluster: 1 bastion, %d worker%s, a registry only the bastion can reach%n",
        args.workers(), args.workers() == 1 ? "" : "s");
    Cluster cluster;
    try {
      cluster = Cluster.start(options);
    } catch (IOException | RuntimeException e) {
      System.err.println("demo-cluster: the cluster did not start: " + e.getMessage());
      return 1;
    }
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              out.println("\nShutting down: stopping processes, removing namespaces…");
              cluster.close();
              done.countDown();
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return demo(cluster, args, out);
    } catch (IOException | RuntimeException | AssertionError e) {
      if (cluster.isClosed()) {
        return 130; // interrupted: the shutdown hook is tearing the cluster down
      }
      System.err.println("demo-cluster: " + e.getMessage());
      System.err.println(cluster.diagnostics());
      return 1;
    } finally {
      // Once interrupted, the shutdown hook owns the teardown.
      if (!cluster.isClosed() && args.keep()) {
        out.println("The cluster stays up (logs under " + cluster.runDir() + "); Ctrl-C to stop.");
        try {
          done.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else if (!cluster.isClosed()) {
        Runtime.getRuntime().removeShutdownHook(hook);
        hook.run();
      }
    }
  }

  private static int demo(Cluster cluster, Args args, PrintStream out) throws IOException {
    out.println("Hosts: " + cluster.describe());
    long layerBytes = Math.max(1024, args.size() / args.layers());
    out.printf(
        "Pushing a generated image: %d layer%s of %s%n",
        args.layers(), args.layers() == 1 ? "" : "s", ProgressView.bytes(layerBytes));
    Cluster.PushedImage image = cluster.pushImage("demo/app", "v1", args.layers(), layerBytes);
    out.println("Image " + image.reference() + " " + image.digest());

    Map<String, HostNet.Counters> before = new HashMap<>();
    for (NodeHost node : cluster.nodes()) {
      before.put(node.name(), node.counters());
    }
    int blobGetsBefore = cluster.registry().blobGets().size();
    Instant start = Instant.now();
    ImagePull pull =
        cluster.applyImagePull(
            "demo",
            image.reference(),
            spec -> {
              if (args.squashed()) {
                spec.setFormat(ImageFormat.SQUASHED);
              }
            });
    out.println("Applied ImagePull " + pull.key() + "\n");

    ProgressView view = new ProgressView(out, args.terminal(), start);
    Instant deadline = start.plus(args.timeout());
    ImagePull now = pull;
    while (Instant.now().isBefore(deadline)) {
      now = cluster.imagePull("demo");
      view.update(now, ProgressView.rows(cluster, pull.key()), Instant.now());
      ImagePullPhase phase =
          now == null || now.getStatus() == null ? null : now.getStatus().getPhase();
      if (phase == ImagePullPhase.Complete || phase == ImagePullPhase.Failed) {
        break;
      }
      HostProcess.sleep(Duration.ofMillis(500));
    }
    Duration elapsed = Duration.between(start, Instant.now());
    view.update(now, ProgressView.rows(cluster, pull.key()), Instant.now());
    out.println();
    printSummary(cluster, image, view, before, blobGetsBefore, elapsed, now, out);
    ImagePullPhase phase =
        now == null || now.getStatus() == null ? null : now.getStatus().getPhase();
    return phase == ImagePullPhase.Complete ? 0 : 1;
  }

  /** What a digest in containerd is: the registry's, or a squashed form of it. */
  private static String provenance(NodeHost node, String digest, Cluster.PushedImage image)
      throws IOException {
    if (digest.equals(image.digest())) {
      return "(= registry's)";
    }
    HostCommand.Result manifest = node.ctr("content", "get", digest);
    if (manifest.exitCode() == 0) {
      JsonNode json = new ObjectMapper().readTree(manifest.out());
      if (image
          .digest()
          .equals(json.path("annotations").path("io.quayctl.squashed-from").asText())) {
        return "(registry's, squashed into " + json.path("layers").size() + " layer)";
      }
    }
    return "(DIFFERS)";
  }

  private static void printSummary(
      Cluster cluster,
      Cluster.PushedImage image,
      ProgressView view,
      Map<String, HostNet.Counters> before,
      int blobGetsBefore,
      Duration elapsed,
      ImagePull pull,
      PrintStream out)
      throws IOException {
    out.printf(
        Locale.ROOT,
        "ImagePull %s after %.1f s (image %s in %d layer%s)%n%n",
        pull == null || pull.getStatus() == null ? "?" : pull.getStatus().getPhase(),
        elapsed.toMillis() / 1000.0,
        ProgressView.bytes(image.layerBytes()),
        image.image().layers().size(),
        image.image().layers().size() == 1 ? "" : "s");
    out.printf(
        "%-10s %-8s %9s %12s %14s %10s %10s  %s%n",
        "NODE",
        "ROLE",
        "TIME",
        "FROM PEERS",
        "FROM REGISTRY",
        "LINK IN",
        "LINK OUT",
        "DIGEST IN CONTAINERD (k8s.io)");
    Map<String, Optional<NodeImageEntryStatus>> statuses = cluster.nodeStatuses(pull.key());
    Map<String, Duration> times = view.timeToImage();
    for (NodeHost node : cluster.nodes()) {
      NodeImageEntryStatus s = statuses.getOrDefault(node.name(), Optional.empty()).orElse(null);
      HostNet.Counters traffic = node.counters().since(before.get(node.name()));
      Optional<String> digest = node.imageDigest(image.reference());
      String digestText =
          digest.isPresent()
              ? digest.get() + "  " + provenance(node, digest.get(), image)
              : "(not imported)";
      Duration t = times.get(node.name());
      out.printf(
          Locale.ROOT,
          "%-10s %-8s %9s %12s %14s %10s %10s  %s%n",
          node.name(),
          node.isBastion() ? "bastion" : "worker",
          t == null ? "-" : String.format(Locale.ROOT, "%.1f s", t.toMillis() / 1000.0),
          s == null || s.getBytesFromPeers() == null
              ? "-"
              : ProgressView.bytes(s.getBytesFromPeers()),
          s == null || s.getBytesFromRegistry() == null
              ? "-"
              : ProgressView.bytes(s.getBytesFromRegistry()),
          ProgressView.bytes(traffic.rxBytes()),
          ProgressView.bytes(traffic.txBytes()),
          digestText);
    }
    List<RegistryServer.Access> gets = cluster.registry().blobGets();
    gets = gets.subList(Math.min(blobGetsBefore, gets.size()), gets.size());
    long served = gets.stream().mapToLong(RegistryServer.Access::bytes).sum();
    out.printf(
        "%nRegistry (access log): %d blob GET%s, %s served, for %d blobs of %s (config included)%n",
        gets.size(),
        gets.size() == 1 ? "" : "s",
        ProgressView.bytes(served),
        image.image().layers().size() + 1,
        ProgressView.bytes(image.layerBytes() + image.image().config().length));
    Digest config = image.image().configDigest();
    out.printf(
        "  %s  %s  served %d time(s)  (config)%n",
        config,
        ProgressView.bytes(image.image().config().length),
        gets.stream().filter(a -> a.path().endsWith("/blobs/" + config)).count());
    for (ImageFixtures.Layer layer : image.image().layers()) {
      Digest d = layer.digest();
      long n = gets.stream().filter(a -> a.path().endsWith("/blobs/" + d)).count();
      out.printf("  %s  %s  served %d time(s)%n", d, ProgressView.bytes(layer.gzipped().length), n);
    }
  }
}
