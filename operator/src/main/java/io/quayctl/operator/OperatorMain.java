package io.quayctl.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.quayctl.operator.metrics.OperatorMetrics;
import io.quayctl.operator.planning.PlanDefaults;
import io.quayctl.operator.reconciler.ImagePullReconciler;
import io.quayctl.operator.tracker.NodeZones;
import io.quayctl.operator.tracker.OperatorTracker;
import io.quayctl.operator.tracker.TrackerEndpointSlice;
import io.quayctl.operator.tracker.ZonePeerSelector;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's composition root: a Fabric8 client on the JDK HTTP client, the JOSDK operator (no
 * server-side apply, leader election on a Lease), the embedded tracker and index with zone-aware
 * peer selection, and HTTP servers for {@code /healthz}, {@code /readyz} and {@code /metrics}. The
 * leader points the tracker Service at itself; without leader election that happens at start.
 */
public final class OperatorMain implements AutoCloseable {
  private final Operator operator;
  private final List<HttpServer> servers;
  private final HttpServer health;
  private final HttpServer metrics;
  private final Optional<OperatorTracker> tracker;
  private final Optional<NodeZones> zones;

  private OperatorMain(
      Operator operator,
      HttpServer health,
      HttpServer metrics,
      Optional<OperatorTracker> tracker,
      Optional<NodeZones> zones) {
    this.operator = operator;
    this.health = health;
    this.metrics = metrics;
    this.servers = health == metrics ? List.of(health) : List.of(health, metrics);
    this.tracker = tracker;
    this.zones = zones;
  }

  private static Logger log() {
    // Not a static field: the log level is set from the flags before the first logger exists.
    return LoggerFactory.getLogger(OperatorMain.class);
  }

  /** Runs the operator until the JVM is stopped. */
  public static void main(String[] args) throws IOException {
    OperatorOptions options;
    try {
      options = OperatorOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", options.logLevel());
    }
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    // Without a format slf4j-simple prints milliseconds since start; the agents print this.
    if (System.getProperty("org.slf4j.simpleLogger.dateTimeFormat") == null) {
      System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    }
    // The client warns that quayctl.io/v1alpha1 is not a stable version: our own API.
    System.setProperty(
        "org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils",
        "error");
    KubernetesClient client =
        new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory()).build();
    OperatorMain main;
    try {
      main = start(client, options, Clock.systemUTC());
    } catch (RuntimeException e) {
      log().error("operator failed to start", e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(main::close, "operator-shutdown"));
  }

  /** Wires and starts everything against {@code client}. */
  public static OperatorMain start(KubernetesClient client, OperatorOptions options, Clock clock)
      throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    OperatorMetrics operatorMetrics = new OperatorMetrics(registry);
    String identity = options.identity();

    Optional<TrackerEndpointSlice> slice = Optional.empty();
    if (options.trackerService().isPresent()) {
      if (options.trackerPort().isEmpty() || options.podIp().isEmpty()) {
        throw new IllegalArgumentException(
            "--tracker-service needs --tracker-port and the POD_IP environment variable");
      }
      slice =
          Optional.of(
              new TrackerEndpointSlice(
                  client,
                  options.leaseNamespace(),
                  options.trackerService().get(),
                  options.podIp().get(),
                  options.trackerPort().getAsInt(),
                  identity));
    }
    Optional<NodeZones> zones = Optional.empty();
    Optional<OperatorTracker> tracker = Optional.empty();
    List<String> defaultTrackers = options.defaultTrackers();
    if (options.trackerPort().isPresent()) {
      NodeZones z = new NodeZones(client);
      Optional<String> advertised = options.trackerAnnounceUrl();
      OperatorTracker t =
          new OperatorTracker(
              InetAddress.getByName(options.trackerBind()),
              options.trackerPort().getAsInt(),
              new ZonePeerSelector(z::zoneOf),
              advertised.orElse(null),
              registry,
              clock);
      z.start();
      t.start();
      zones = Optional.of(z);
      tracker = Optional.of(t);
      if (advertised.isEmpty()) {
        log()
            .warn(
                "the embedded tracker is advertised as {}, which agents on other hosts cannot"
                    + " reach: set POD_IP (the chart does), --tracker-service or"
                    + " --tracker-advertise-url",
                t.announceUrl());
      }
      if (defaultTrackers.isEmpty()) {
        defaultTrackers = List.of(t.announceUrl());
      }
    }
    PlanDefaults defaults =
        new PlanDefaults(
            options.bastionSelector(),
            defaultTrackers,
            options.defaultSeedDuration().orElse(null),
            options.defaultParallelism().orElse(null));

    Optional<TrackerEndpointSlice> publish = slice;
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withCloseClientOnStop(true);
              if (options.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            options.leaseName())
                        .withLeaseNamespace(options.leaseNamespace())
                        .withIdentity(identity)
                        .withLeaderCallbacks(
                            new LeaderCallbacks(
                                () -> publish.ifPresent(TrackerEndpointSlice::publish),
                                () -> log().info("lost the lease {}", options.leaseName()),
                                leader -> log().info("leader is {}", leader)))
                        .build());
              }
            });
    operator.register(
        new ImagePullReconciler(clock, operatorMetrics, identity, defaults),
        c -> {
          c.withFinalizer(ImagePullReconciler.FINALIZER);
          if (!options.namespaces().isEmpty()) {
            c.settingNamespaces(new HashSet<>(options.namespaces()));
          }
        });

    List<HttpServer> started = new ArrayList<>();
    HttpServer health = HttpServer.create(new InetSocketAddress(options.healthPort()), 0);
    started.add(health);
    HttpServer metricsServer = health;
    if (options.metricsPort() != options.healthPort() || options.healthPort() == 0) {
      metricsServer = HttpServer.create(new InetSocketAddress(options.metricsPort()), 0);
      started.add(metricsServer);
    }
    metricsServer.createContext("/metrics", new MetricsHandler(registry));
    health.createContext("/healthz", ex -> answer(ex, () -> true));
    health.createContext(
        "/readyz",
        ex ->
            answer(
                ex,
                () ->
                    operator.getRuntimeInfo().isStarted()
                        && operator.getRuntimeInfo().allEventSourcesAreHealthy()));
    started.forEach(HttpServer::start);
    try {
      operator.start();
      if (!options.leaderElection()) {
        slice.ifPresent(TrackerEndpointSlice::publish);
      }
    } catch (RuntimeException e) {
      started.forEach(s -> s.stop(0));
      operator.stop();
      tracker.ifPresent(OperatorTracker::close);
      zones.ifPresent(NodeZones::close);
      throw e;
    }
    log()
        .info(
            "quayctl operator started; health on :{}, metrics on :{}, tracker {}, leader"
                + " election {}, entries announce to {}",
            health.getAddress().getPort(),
            metricsServer.getAddress().getPort(),
            tracker.map(t -> "on :" + t.port()).orElse("off"),
            options.leaderElection()
                ? "on lease " + options.leaseNamespace() + "/" + options.leaseName()
                : "off",
            defaultTrackers);
    return new OperatorMain(operator, health, metricsServer, tracker, zones);
  }

  /** The port of {@code /healthz} and {@code /readyz}. */
  public int healthPort() {
    return health.getAddress().getPort();
  }

  /** The port of {@code /metrics}. */
  public int metricsPort() {
    return metrics.getAddress().getPort();
  }

  /** The embedded tracker's port, if it runs. */
  public Optional<Integer> trackerPort() {
    return tracker.map(OperatorTracker::port);
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
    operator.stop();
    tracker.ifPresent(OperatorTracker::close);
    zones.ifPresent(NodeZones::close);
  }

  private static void answer(HttpExchange ex, BooleanSupplier ok) throws IOException {
    boolean good;
    try {
      good = ok.getAsBoolean();
    } catch (RuntimeException e) {
      good = false;
    }
    byte[] body = (good ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(good ? 200 : 503, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
