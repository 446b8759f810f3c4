package io.quayctl.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.quayctl.operator.metrics.OperatorMetrics;
import io.quayctl.operator.reconciler.ImagePullReconciler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's composition root: a Fabric8 client on the JDK HTTP client, the JOSDK operator (no
 * server-side apply, leader election on a Lease), and an HTTP server for {@code /healthz}, {@code
 * /readyz} and {@code /metrics}.
 */
public final class OperatorMain implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private final Operator operator;
  private final HttpServer http;

  private OperatorMain(Operator operator, HttpServer http) {
    this.operator = operator;
    this.http = http;
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
    if (options.trackerPort().isPresent()) {
      // The embedded tracker (io.quayctl.operator.tracker) arrives with the tracker module.
      System.err.println(
          "--tracker-port: this build has no embedded tracker; set spec.trackers on ImagePulls");
      System.exit(2);
      return;
    }
    KubernetesClient client =
        new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory()).build();
    OperatorMain main;
    try {
      main = start(client, options, Clock.systemUTC());
    } catch (RuntimeException e) {
      LOG.error("operator failed to start", e);
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
    OperatorMetrics metrics = new OperatorMetrics(registry);
    String identity = System.getenv().getOrDefault("HOSTNAME", "quayctl-operator");

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
                        .build());
              }
            });
    operator.register(
        new ImagePullReconciler(clock, metrics, identity),
        c -> {
          c.withFinalizer(ImagePullReconciler.FINALIZER);
          if (!options.namespaces().isEmpty()) {
            c.settingNamespaces(new HashSet<>(options.namespaces()));
          }
        });

    HttpServer http = HttpServer.create(new InetSocketAddress(options.httpPort()), 0);
    http.createContext("/metrics", new MetricsHandler(registry));
    http.createContext("/healthz", ex -> answer(ex, () -> true));
    http.createContext(
        "/readyz",
        ex ->
            answer(
                ex,
                () ->
                    operator.getRuntimeInfo().isStarted()
                        && operator.getRuntimeInfo().allEventSourcesAreHealthy()));
    http.start();
    try {
      operator.start();
    } catch (RuntimeException e) {
      http.stop(0);
      operator.stop();
      throw e;
    }
    LOG.info(
        "quayctl operator started; http on :{}, leader election {}",
        http.getAddress().getPort(),
        options.leaderElection()
            ? "on lease " + options.leaseNamespace() + "/" + options.leaseName()
            : "off");
    return new OperatorMain(operator, http);
  }

  /** The port the HTTP server listens on. */
  public int httpPort() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    operator.stop();
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
