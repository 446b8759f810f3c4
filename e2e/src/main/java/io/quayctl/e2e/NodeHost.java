package io.quayctl.e2e;

import io.quayctl.testing.ContainerdDaemon;
import io.quayctl.testing.HostCommand;
import io.quayctl.testing.TestNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Kubernetes node: a host with its own containerd (own root, state and socket, CRI plugin off)
 * and a {@code quayctl agent} process, as the chart's DaemonSet would run it there.
 */
public final class NodeHost implements AutoCloseable {
  /** The containerd namespace kubelet reads images from. */
  public static final String K8S_NAMESPACE = "k8s.io";

  /** The agent's ports, the chart's defaults; every host has its own network stack. */
  public static final int PEER_PORT = 6881;

  public static final int HEALTH_PORT = 8081;
  public static final int METRICS_PORT = 9090;

  /** What the agent is started with besides its node's own facts. */
  public record AgentSettings(
      Launcher launcher,
      Path kubeconfig,
      String trackerUrl,
      String indexUrl,
      List<String> jvmFlags,
      List<String> extraArgs) {}

  private final TestNetwork.Host host;
  private final boolean bastion;
  private final String zone;
  private final Path dir;
  private final ContainerdDaemon containerd;
  private final AgentSettings settings;
  private HostProcess agent;
  private int agentStarts;

  private NodeHost(
      TestNetwork.Host host,
      boolean bastion,
      String zone,
      Path dir,
      ContainerdDaemon containerd,
      AgentSettings settings) {
    this.host = host;
    this.bastion = bastion;
    this.zone = zone;
    this.dir = dir;
    this.containerd = containerd;
    this.settings = settings;
  }

  /** Starts containerd in {@code host}; the agent starts with {@link #startAgent()}. */
  public static NodeHost start(
      TestNetwork.Host host, boolean bastion, String zone, Path dir, AgentSettings settings)
      throws IOException {
    ContainerdDaemon containerd =
        ContainerdDaemon.start(host, dir.resolve("containerd"), dir.resolve("logs/containerd.log"));
    return new NodeHost(host, bastion, zone, dir, containerd, settings);
  }

  /** The node's name (the host's name). */
  public String name() {
    return host.name();
  }

  /** The host. */
  public TestNetwork.Host host() {
    return host;
  }

  /** Whether the node is labelled as a bastion. */
  public boolean isBastion() {
    return bastion;
  }

  /** Its {@code topology.kubernetes.io/zone}. */
  public String zone() {
    return zone;
  }

  /** The containerd socket. */
  public Path containerdSocket() {
    return containerd.socket();
  }

  /** Starts the agent (again, after {@link #killAgent()}); waits until /healthz answers. */
  public synchronized void startAgent() throws IOException {
    if (agent != null && agent.isAlive()) {
      throw new IllegalStateException("the agent on " + name() + " is running");
    }
    agentStarts++;
    List<String> args =
        new ArrayList<>(
            List.of(
                "agent",
                "--role=" + (bastion ? "bastion" : "worker"),
                "--node-name=" + name(),
                "--advertise-address=" + host.address(),
                "--peer-port=" + PEER_PORT,
                "--health-port=" + HEALTH_PORT,
                "--metrics-port=" + METRICS_PORT,
                "--runtime=containerd",
                "--containerd-socket=" + containerdSocket(),
                "--containerd-namespace=" + K8S_NAMESPACE,
                "--data-dir=" + dir.resolve("agent-data"),
                "--index-url=" + settings.indexUrl(),
                "--tracker=" + settings.trackerUrl()));
    args.addAll(settings.extraArgs());
    Map<String, String> env = new HashMap<>();
    env.put("NODE_NAME", name());
    env.put("POD_IP", host.address());
    env.put("POD_NAMESPACE", Cluster.SYSTEM_NAMESPACE);
    env.put("KUBECONFIG", settings.kubeconfig().toString());
    env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    List<String> jvm = new ArrayList<>(settings.jvmFlags());
    jvm.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    agent =
        HostProcess.start(
            "agent on " + name(),
            host,
            settings.launcher().quayctl(jvm, args),
            env,
            dir.resolve("logs/agent.log"));
    agent.awaitReady(
        () -> HostNet.ok(host, "127.0.0.1", HEALTH_PORT, "/healthz"), Duration.ofSeconds(90));
  }

  /** SIGKILL to the agent, as an OOM kill or a node crash would end it. */
  public synchronized void killAgent() {
    if (agent != null) {
      agent.kill();
    }
  }

  /** Stops the agent gracefully (SIGTERM). */
  public synchronized void stopAgent() {
    if (agent != null) {
      agent.stop(Duration.ofSeconds(20));
    }
  }

  /** Whether the agent process runs. */
  public synchronized boolean agentAlive() {
    return agent != null && agent.isAlive();
  }

  /** How often the agent was started. */
  public synchronized int agentStarts() {
    return agentStarts;
  }

  /** The agent's log tail, for failure messages. */
  public synchronized String agentLogTail(int lines) {
    return agent == null ? "(agent not started)" : agent.logTail(lines);
  }

  /** The agent's Prometheus metrics text, read from inside the host; empty if unreachable. */
  public String agentMetrics() throws IOException {
    return HostNet.get(host, "127.0.0.1", METRICS_PORT, "/metrics");
  }

  /** Runs ctr against this node's containerd in the {@code k8s.io} namespace. */
  public HostCommand.Result ctr(String... args) throws IOException {
    return containerd.ctr(K8S_NAMESPACE, args);
  }

  /**
   * The manifest digest containerd holds for {@code reference} ({@code ctr images ls}), if it has
   * the image.
   */
  public Optional<String> imageDigest(String reference) throws IOException {
    String out = ctr("images", "ls").orThrow();
    for (String line : out.lines().skip(1).toList()) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length >= 3 && cols[0].equals(reference)) {
        return Optional.of(cols[2]);
      }
    }
    return Optional.empty();
  }

  /** Every image reference in containerd's {@code k8s.io} namespace. */
  public List<String> images() throws IOException {
    return ctr("images", "ls", "-q").orThrow().lines().filter(l -> !l.isBlank()).toList();
  }

  /** The link counters of this host. */
  public HostNet.Counters counters() throws IOException {
    return HostNet.counters(host);
  }

  @Override
  public synchronized void close() {
    if (agent != null) {
      agent.stop(Duration.ofSeconds(10));
    }
    containerd.close();
  }
}
