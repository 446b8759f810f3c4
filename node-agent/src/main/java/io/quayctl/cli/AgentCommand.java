package io.quayctl.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.quayctl.agent.Agent;
import io.quayctl.agent.AgentConfig;
import io.quayctl.agent.AgentMetrics;
import io.quayctl.agent.BlobEvictor;
import io.quayctl.agent.DistributionPuller;
import io.quayctl.agent.RuntimeConnector;
import io.quayctl.api.v1alpha1.NodeRole;
import io.quayctl.distribution.DataDir;
import io.quayctl.kube.KubeClients;
import io.quayctl.kube.PullSecrets;
import io.quayctl.registry.TransferRateLimit;
import io.quayctl.runtime.ContainerRuntimes;
import io.quayctl.squash.Squasher;
import io.quayctl.store.FileBlobStore;
import io.quayctl.torrent.EngineConfig;
import io.quayctl.torrent.LibtorrentEngine;
import io.quayctl.torrent.NativeLibrary;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quayctl agent}: the node agent DaemonSet's process. Watches this node's NodeImage, pulls
 * what it asks for (bastions from the registry, workers from peers only), imports into the
 * container runtime, seeds, and reports in the NodeImage's status. Serves {@code /healthz} and
 * {@code /metrics}.
 */
@Command(
    name = "agent",
    description =
        "Run the node agent: keep this node's images as its NodeImage asks, seed them to peers,"
            + " and report progress in the NodeImage status.",
    mixinStandardHelpOptions = true)
final class AgentCommand implements Callable<Integer> {

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      required = true,
      description = "bastion (may read registries) or worker (peers only).")
  String role;

  @Option(
      names = "--node-name",
      paramLabel = "NAME",
      required = true,
      description = "This node's name; the agent watches the NodeImage of that name.")
  String nodeName;

  @Option(
      names = "--advertise-address",
      paramLabel = "IP",
      description = "Address peers reach this node at; peers listen there (default: all).")
  String advertiseAddress;

  @Option(
      names = "--peer-port",
      paramLabel = "PORT",
      defaultValue = "6881",
      description = "TCP port for BitTorrent peers, 0 for any (default: ${DEFAULT-VALUE}).")
  int peerPort;

  @Option(
      names = "--health-port",
      paramLabel = "PORT",
      defaultValue = "9880",
      description = "Port of /healthz, 0 for any (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "9881",
      description = "Port of /metrics, 0 for any (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "info",
      description = "trace, debug, info, warn or error (default: ${DEFAULT-VALUE}).")
  String logLevel;

  @Option(
      names = "--runtime",
      paramLabel = "RUNTIME",
      defaultValue = "auto",
      description = "Container runtime: auto, docker or containerd (default: ${DEFAULT-VALUE}).")
  String runtime;

  @Option(
      names = "--containerd-socket",
      paramLabel = "SOCKET",
      defaultValue = "/run/containerd/containerd.sock",
      description = "containerd socket (default: ${DEFAULT-VALUE}).")
  Path containerdSocket;

  @Option(
      names = "--containerd-namespace",
      paramLabel = "NAMESPACE",
      defaultValue = "k8s.io",
      description = "containerd namespace; k8s.io is kubelet's (default: ${DEFAULT-VALUE}).")
  String containerdNamespace;

  @Option(
      names = "--docker-socket",
      paramLabel = "PATH",
      description = "Docker engine socket (default: $DOCKER_HOST, else /var/run/docker.sock).")
  Path dockerSocket;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "/var/lib/quayctl",
      description = "Blob store and torrent resume data (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--store-limit",
      paramLabel = "QUANTITY",
      description =
          "Largest size of the blob store, e.g. 20Gi: blobs no NodeImage entry needs are evicted,"
              + " least recently used first (default: no limit).")
  String storeLimit;

  @Option(
      names = "--max-download-rate",
      defaultValue = "0",
      paramLabel = "QUANTITY",
      description =
          "Download limit in bytes per second, e.g. 100Mi; 0 = none. Applies to peers and, on a"
              + " bastion, to the registry.")
  String maxDownloadRate;

  @Option(
      names = "--max-upload-rate",
      defaultValue = "0",
      paramLabel = "QUANTITY",
      description = "Upload limit in bytes per second, e.g. 100Mi; 0 = none.")
  String maxUploadRate;

  @Option(
      names = "--index-url",
      paramLabel = "URL",
      description =
          "Metainfo index base URL, http://HOST:PORT/ (a trailing /index is accepted too)."
              + " Default: the first tracker's http://HOST:PORT/.")
  String indexUrl;

  @Option(
      names = "--tracker",
      paramLabel = "URL",
      description = "Announce URL, used for entries that name no tracker (repeatable).")
  List<String> trackerUrls = new ArrayList<>();

  @Option(
      names = "--kube-api-server",
      paramLabel = "URL",
      description =
          "API server URL without credentials (tests, kubectl proxy). Default: in-cluster"
              + " service account, else KUBECONFIG or ~/.kube/config.")
  String kubeApiServer;

  @Option(
      names = "--swarm-wait",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "How long a worker waits for the index or a peer to offer a blob; a bastion may still"
              + " be fetching it from the registry (default:"
              + " ${DEFAULT-VALUE}).")
  Duration swarmWait;

  @Override
  public Integer call() throws Exception {
    String level = logLevel(logLevel);
    NodeRole nodeRole = role(role);
    long downloadKiB = kib(maxDownloadRate, "--max-download-rate");
    long uploadKiB = kib(maxUploadRate, "--max-upload-rate");
    Long storeLimitBytes = storeLimit == null ? null : bytes(storeLimit, "--store-limit");
    URI index = index();
    List<URI> trackers = trackers();
    // debug and trace are for the agent's own loggers: the libraries' (docker-java's HTTP wire
    // log, the Kubernetes client's) would drown them; those stay at info.
    boolean verbose = level.equals("debug") || level.equals("trace");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : level);
    System.setProperty("org.slf4j.simpleLogger.log.io.quayctl", level);
    // The client warns that quayctl.io/v1alpha1 is not a stable version: quayctl's own API.
    System.setProperty(
        "org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils",
        "error");
    DataDir data = new DataDir(dataDir);
    FileBlobStore store = data.openStore();
    // What a squash interrupted by the agent's last stop left behind.
    Squasher.removeAbandoned(store);
    EngineConfig engineConfig =
        EngineConfig.defaults(data.resumeDir())
            .withListen(advertiseAddress == null ? "0.0.0.0" : advertiseAddress, peerPort)
            .withRateLimits((int) downloadKiB, (int) uploadKiB);
    // LibtorrentEngine's class initialisation already touches the JNI classes.
    NativeLibrary.load();
    LibtorrentEngine engine = new LibtorrentEngine(engineConfig, store, Clock.systemUTC());
    KubernetesClient client = KubeClients.create(kubeApiServer);
    RuntimeConnector runtimes =
        new RuntimeConnector(
            new ContainerRuntimes.Options(
                ContainerRuntimes.Kind.parse(runtime),
                containerdSocket.toString(),
                containerdNamespace,
                null,
                dockerSocket == null ? null : "unix://" + dockerSocket.toAbsolutePath(),
                dockerSocket == null ? null : "--docker-socket",
                "--containerd-socket"),
            System.getenv());
    DistributionPuller puller =
        new DistributionPuller(
            new DistributionPuller.Settings(
                nodeRole,
                trackers,
                index,
                swarmWait,
                Duration.ofHours(1),
                downloadKiB > 0 ? TransferRateLimit.of(downloadKiB * 1024) : null),
            store,
            engine,
            new PullSecrets(client),
            runtimes,
            Clock.systemUTC());
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    AgentMetrics metrics = new AgentMetrics(registry);
    BlobEvictor evictor =
        storeLimitBytes == null
            ? null
            : new BlobEvictor(
                store,
                engine::remove,
                storeLimitBytes,
                BlobEvictor.DEFAULT_INTERVAL,
                Clock.systemUTC());
    Agent agent =
        new Agent(AgentConfig.of(nodeName), client, puller, metrics, Clock.systemUTC(), evictor);

    CountDownLatch stopped = new CountDownLatch(1);
    List<HttpServer> servers = new ArrayList<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  servers.forEach(s -> s.stop(0));
                  agent.close();
                  client.close();
                  stopped.countDown();
                },
                "agent-shutdown"));
    agent.start();
    HttpServer health = HttpServer.create(new InetSocketAddress(healthPort), 0);
    health.createContext("/healthz", ex -> answer(ex, agent::healthy));
    servers.add(health);
    HttpServer metricsServer = health;
    if (metricsPort != healthPort || healthPort == 0) {
      metricsServer = HttpServer.create(new InetSocketAddress(metricsPort), 0);
      servers.add(metricsServer);
    }
    metricsServer.createContext("/metrics", new MetricsHandler(registry));
    servers.forEach(HttpServer::start);
    System.out.println(
        "quayctl agent on node "
            + nodeName
            + " ("
            + nodeRole.name().toLowerCase(Locale.ROOT)
            + "): healthz on :"
            + health.getAddress().getPort()
            + ", metrics on :"
            + metricsServer.getAddress().getPort());
    System.out.flush();
    stopped.await();
    return ExitCode.OK;
  }

  /** {@code --index-url} as the index's base URL, normalised and checked as pull's --index. */
  URI index() {
    return indexUrl == null ? null : TorrentOptions.indexBase(indexUrl, "--index-url");
  }

  /** {@code --tracker}'s announce URLs, checked as pull's. */
  List<URI> trackers() {
    return TorrentOptions.announceUrls(trackerUrls, "--tracker");
  }

  private static NodeRole role(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "bastion" -> NodeRole.Bastion;
      case "worker" -> NodeRole.Worker;
      default ->
          throw new IllegalArgumentException(
              "--role must be bastion or worker, was \"" + text + "\"");
    };
  }

  private static String logLevel(String text) {
    String level = text.toLowerCase(Locale.ROOT);
    if (!List.of("trace", "debug", "info", "warn", "error").contains(level)) {
      throw new IllegalArgumentException(
          "--log-level must be trace, debug, info, warn or error, was \"" + text + "\"");
    }
    return level;
  }

  /** A Kubernetes quantity in bytes. */
  static long bytes(String quantity, String option) {
    try {
      BigDecimal b = Quantity.getAmountInBytes(new Quantity(quantity));
      if (b.signum() < 0) {
        throw new IllegalArgumentException("negative");
      }
      return b.longValue();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(
          option + " must be a quantity such as 100Mi or 104857600, was \"" + quantity + "\"");
    }
  }

  /** A rate quantity in KiB/s for the engine, rounding a non-zero rate up to at least 1. */
  static long kib(String quantity, String option) {
    long b = bytes(quantity, option);
    long k = (b + 1023) / 1024;
    if (k > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(option + " is too large: " + quantity);
    }
    return k;
  }

  private static void answer(HttpExchange ex, BooleanSupplier ok) throws IOException {
    boolean good;
    try {
      good = ok.getAsBoolean();
    } catch (RuntimeException e) {
      good = false;
    }
    byte[] body = (good ? "ok\n" : "unhealthy\n").getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(good ? 200 : 503, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
