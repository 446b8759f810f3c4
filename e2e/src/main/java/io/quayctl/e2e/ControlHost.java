package io.quayctl.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.quayctl.operator.OperatorOptions;
import io.quayctl.operator.testing.MockApiServerMain;
import io.quayctl.testing.TestNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The control-plane host: the Kubernetes API stand-in (Fabric8's mock server in CRUD mode with the
 * CRDs, as its own process), the tracker and metainfo index, and the operator (leader election off:
 * the mock server has no Lease semantics). The harness reaches the API through a {@link Tunnel}.
 */
public final class ControlHost implements AutoCloseable {
  /** The API server's port. */
  public static final int API_PORT = 6443;

  /** The tracker's port (the chart's default), whichever process serves it. */
  public static final int TRACKER_PORT = 6969;

  /** The operator's health (and, for builds with a single HTTP port, metrics) port. */
  public static final int OPERATOR_HEALTH_PORT = 8081;

  public static final int OPERATOR_METRICS_PORT = 8080;

  private final TestNetwork.Host host;
  private final Path dir;
  private final Launcher launcher;
  private final HostProcess api;
  private final Tunnel tunnel;
  private final KubernetesClient client;
  private final Path kubeconfig;
  private final boolean trackerOnOperator;
  private final boolean chartFlags;
  private HostProcess tracker;
  private HostProcess operator;

  private ControlHost(
      TestNetwork.Host host,
      Path dir,
      Launcher launcher,
      HostProcess api,
      Tunnel tunnel,
      KubernetesClient client,
      Path kubeconfig,
      boolean trackerOnOperator,
      boolean chartFlags) {
    this.host = host;
    this.dir = dir;
    this.launcher = launcher;
    this.api = api;
    this.tunnel = tunnel;
    this.client = client;
    this.kubeconfig = kubeconfig;
    this.trackerOnOperator = trackerOnOperator;
    this.chartFlags = chartFlags;
  }

  /**
   * Starts the API server and the tracker; the operator starts with {@link #startOperator()} once
   * the cluster's Nodes exist. With {@code trackerOnOperator} the operator's embedded tracker
   * serves {@link #TRACKER_PORT}, else a standalone {@code quayctl tracker} does.
   */
  public static ControlHost start(
      TestNetwork.Host host, Path dir, Launcher launcher, boolean trackerOnOperator)
      throws IOException {
    boolean chartFlags = operatorTakesChartFlags();
    if (trackerOnOperator && !chartFlags) {
      throw new IOException(
          "this operator build has no embedded tracker (it rejects the chart's flags)");
    }
    Files.createDirectories(dir.resolve("logs"));
    HostProcess api =
        HostProcess.start(
            "API server",
            host,
            launcher.java(
                List.of(),
                MockApiServerMain.class.getName(),
                List.of(host.address(), Integer.toString(API_PORT))),
            Map.of(),
            dir.resolve("logs/apiserver.log"));
    Tunnel tunnel = null;
    HostProcess tracker = null;
    try {
      if (!trackerOnOperator) {
        tracker =
            HostProcess.start(
                "tracker",
                host,
                launcher.quayctl(
                    List.of(), List.of("tracker", "--listen", "0.0.0.0:" + TRACKER_PORT)),
                Map.of(),
                dir.resolve("logs/tracker.log"));
      }
      tunnel = Tunnel.into(host, dir, launcher);
      api.awaitReady(
          () -> HostNet.ok(host, host.address(), API_PORT, "/version"), Duration.ofSeconds(60));
      if (tracker != null) {
        tracker.awaitReady(
            () -> HostNet.answers(host, "127.0.0.1", TRACKER_PORT, "/scrape"),
            Duration.ofSeconds(60));
      }
      int local = tunnel.forward(host.address(), API_PORT);
      KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder(Config.empty())
                      .withMasterUrl("http://127.0.0.1:" + local)
                      .withNamespace("default")
                      .withRequestTimeout(10_000)
                      .build())
              .withHttpClientFactory(new JdkHttpClientFactory())
              .build();
      Path kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(kubeconfig, kubeconfig(host.address()));
      ControlHost control =
          new ControlHost(
              host, dir, launcher, api, tunnel, client, kubeconfig, trackerOnOperator, chartFlags);
      control.tracker = tracker;
      return control;
    } catch (IOException | RuntimeException e) {
      if (tracker != null) {
        tracker.close();
      }
      if (tunnel != null) {
        tunnel.close();
      }
      api.close();
      throw e;
    }
  }

  /**
   * Whether this build's operator takes the Helm chart's flags ({@code --health-port}, {@code
   * --leader-election=false}, {@code --tracker}); older builds only know {@code --http-port} and
   * {@code --no-leader-election}, and no external tracker.
   */
  static boolean operatorTakesChartFlags() {
    try {
      OperatorOptions.parse(chartArgs(false, "http://127.0.0.1:1/announce").toArray(String[]::new));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static List<String> chartArgs(boolean trackerOnOperator, String trackerUrl) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--health-port=" + OPERATOR_HEALTH_PORT,
                "--metrics-port=" + OPERATOR_METRICS_PORT,
                "--leader-election=false",
                "--bastion-selector=quayctl.io/bastion=true"));
    if (trackerOnOperator) {
      args.add("--tracker-port=" + TRACKER_PORT);
    } else {
      args.add("--tracker=" + trackerUrl);
    }
    return args;
  }

  /** Starts the operator and waits until it is ready (caches synced). */
  public void startOperator() throws IOException {
    List<String> args =
        chartFlags
            ? chartArgs(trackerOnOperator, trackerUrl())
            : List.of(
                "--no-leader-election", "--http-port", Integer.toString(OPERATOR_HEALTH_PORT));
    operator =
        HostProcess.start(
            "operator",
            host,
            launcher.java(
                List.of("-Dorg.slf4j.simpleLogger.showDateTime=true"),
                "io.quayctl.operator.OperatorMain",
                args),
            Map.of(
                "KUBECONFIG",
                kubeconfig.toString(),
                "HOSTNAME",
                "quayctl-operator-e2e",
                "POD_NAMESPACE",
                Cluster.SYSTEM_NAMESPACE,
                // As the chart's downward API sets it: the embedded tracker advertises this
                // address.
                "POD_IP",
                host.address()),
            dir.resolve("logs/operator.log"));
    operator.awaitReady(
        () -> HostNet.ok(host, "127.0.0.1", OPERATOR_HEALTH_PORT, "/readyz"),
        Duration.ofSeconds(90));
    if (trackerOnOperator) {
      operator.awaitReady(
          () -> HostNet.answers(host, "127.0.0.1", TRACKER_PORT, "/scrape"),
          Duration.ofSeconds(30));
    }
  }

  /**
   * Whether ImagePulls must name the tracker themselves ({@code spec.trackers}): with an operator
   * that neither embeds one nor takes {@code --tracker}.
   */
  public boolean imagePullsNameTracker() {
    return !chartFlags;
  }

  /** The announce URL every agent uses. */
  public String trackerUrl() {
    return "http://" + host.address() + ":" + TRACKER_PORT + "/announce";
  }

  /** The metainfo index URL every agent uses. */
  public String indexUrl() {
    return "http://" + host.address() + ":" + TRACKER_PORT + "/";
  }

  /** The kubeconfig the operator and agents use (the API server's bridge address). */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The harness's client of the API server. */
  public KubernetesClient client() {
    return client;
  }

  /** The host. */
  public TestNetwork.Host host() {
    return host;
  }

  /** A tracker scrape of one infohash (hex), bencoded, read from inside the control host. */
  public String scrape(String infoHashHex) throws IOException {
    StringBuilder escaped = new StringBuilder();
    for (int i = 0; i < infoHashHex.length(); i += 2) {
      escaped.append('%').append(infoHashHex, i, i + 2);
    }
    return HostNet.get(host, "127.0.0.1", TRACKER_PORT, "/scrape?info_hash=" + escaped);
  }

  /** The operator's log tail, for failure messages. */
  public String operatorLogTail(int lines) {
    return operator == null ? "(operator not started)" : operator.logTail(lines);
  }

  private static String kubeconfig(String address) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: e2e",
        "  cluster:",
        "    server: http://" + address + ":" + API_PORT,
        "contexts:",
        "- name: e2e",
        "  context:",
        "    cluster: e2e",
        "    user: e2e",
        "    namespace: " + Cluster.SYSTEM_NAMESPACE,
        "current-context: e2e",
        "users:",
        "- name: e2e",
        "  user:",
        "    token: e2e",
        "");
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.stop(Duration.ofSeconds(10));
    }
    if (tracker != null) {
      tracker.close();
    }
    client.close();
    tunnel.close();
    api.close();
  }
}
