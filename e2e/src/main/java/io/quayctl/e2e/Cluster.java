package io.quayctl.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullSpec;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.registry.Platform;
import io.quayctl.testing.FileTrees;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.TestNetwork;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A cluster in a box: hosts in network namespaces on one bridge — a control host (API stand-in,
 * operator, tracker), bastion and worker nodes (containerd and agent each), and a registry host
 * reachable only from the bastion over a private link. Everything runs as separate processes and
 * talks over the bridge, as it would across machines.
 */
public final class Cluster implements AutoCloseable {
  /** Where the agents and the operator "run" (their POD_NAMESPACE). */
  public static final String SYSTEM_NAMESPACE = "quayctl-system";

  /** Where the harness creates ImagePulls and pull secrets. */
  public static final String NAMESPACE = "default";

  /** Labels the nodes carry. */
  public static final String BASTION_LABEL = "quayctl.io/bastion";

  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  /** The pull secret the harness creates when the registry needs credentials. */
  public static final String PULL_SECRET = "registry-credentials";

  /** System property: keep the run directory (logs, stores) after shutdown, for debugging. */
  public static final String KEEP_RUN_DIR = "quayctl.e2e.keep";

  private static final Platform PLATFORM = Platform.parse("linux/amd64");

  /**
   * How to build the cluster.
   *
   * @param workers worker nodes (no registry access)
   * @param registryUser with a password: the registry requires these Basic credentials, and the
   *     harness creates {@link #PULL_SECRET} with them; null: anonymous registry
   * @param bastionEgress tc rate of the bastion's link (e.g. {@code 40mbit}), null for none: a slow
   *     bastion makes the workers' sharing visible
   * @param trackerOnOperator the operator's embedded tracker (as the chart runs it) instead of a
   *     standalone {@code quayctl tracker} on the control host
   * @param agents start the agents (off: only the infrastructure, to test the harness itself)
   * @param agentArgs extra agent arguments
   * @param runDir where logs, stores and containerd roots go; null for a fresh temporary one
   */
  public record Options(
      int workers,
      String registryUser,
      String registryPassword,
      String bastionEgress,
      boolean trackerOnOperator,
      boolean agents,
      List<String> agentArgs,
      Path runDir) {

    /**
     * One bastion and {@code workers} workers, anonymous registry, the operator's embedded tracker
     * (as the chart deploys it); {@code withTrackerOnOperator(false)} runs a standalone {@code
     * quayctl tracker} on the control host instead (the chart's {@code tracker.external}).
     */
    public static Options of(int workers) {
      return new Options(workers, null, null, null, true, true, List.of(), null);
    }

    public Options withRegistryAuth(String user, String password) {
      return new Options(
          workers, user, password, bastionEgress, trackerOnOperator, agents, agentArgs, runDir);
    }

    public Options withBastionEgress(String rate) {
      return new Options(
          workers,
          registryUser,
          registryPassword,
          rate,
          trackerOnOperator,
          agents,
          agentArgs,
          runDir);
    }

    public Options withTrackerOnOperator(boolean on) {
      return new Options(
          workers, registryUser, registryPassword, bastionEgress, on, agents, agentArgs, runDir);
    }

    public Options withAgents(boolean on) {
      return new Options(
          workers,
          registryUser,
          registryPassword,
          bastionEgress,
          trackerOnOperator,
          on,
          agentArgs,
          runDir);
    }

    public Options withAgentArgs(List<String> args) {
      return new Options(
          workers,
          registryUser,
          registryPassword,
          bastionEgress,
          trackerOnOperator,
          agents,
          List.copyOf(args),
          runDir);
    }

    public Options withRunDir(Path dir) {
      return new Options(
          workers,
          registryUser,
          registryPassword,
          bastionEgress,
          trackerOnOperator,
          agents,
          agentArgs,
          dir);
    }
  }

  private final Options options;
  private final Path runDir;
  private final Launcher launcher;
  private final TestNetwork network;
  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
  private final List<NodeHost> nodes = new CopyOnWriteArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private ControlHost control;
  private RegistryHost registry;
  private Tunnel registryTunnel;
  private volatile boolean closed;

  private Cluster(Options options, Path runDir, Launcher launcher, TestNetwork network) {
    this.options = options;
    this.runDir = runDir;
    this.launcher = launcher;
    this.network = network;
  }

  /** Builds and starts everything; on failure, tears down what it started. */
  public static Cluster start(Options options) throws IOException {
    Prerequisites.check();
    Launcher launcher = Launcher.fromEnvironment();
    Path runDir =
        options.runDir() != null
            ? Files.createDirectories(options.runDir())
            : Files.createTempDirectory("quayctl-e2e-");
    TestNetwork network = TestNetwork.create();
    Cluster cluster = new Cluster(options, runDir, launcher, network);
    try {
      cluster.build();
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void build() throws IOException {
    Instant started = Instant.now();
    TestNetwork.Host controlHost = network.addHost("control");
    recordNamespacePrefix(controlHost);
    TestNetwork.Host bastionHost = network.addHost("bastion");
    List<TestNetwork.Host> workerHosts = new ArrayList<>();
    for (int i = 1; i <= options.workers(); i++) {
      workerHosts.add(network.addHost("worker-" + i));
    }
    TestNetwork.Host registryHost = network.addHostBehind(bastionHost, "registry");

    Future<ControlHost> controlStart =
        pool.submit(
            () ->
                ControlHost.start(
                    controlHost, runDir.resolve("control"), launcher, options.trackerOnOperator()));
    Future<RegistryHost> registryStart =
        pool.submit(
            () -> {
              registryTunnel = Tunnel.into(registryHost, runDir, launcher);
              resources.add(registryTunnel);
              return RegistryHost.start(
                  registryHost,
                  runDir.resolve("registry"),
                  options.registryUser(),
                  options.registryPassword(),
                  registryTunnel);
            });
    control = await(controlStart);
    resources.add(control);
    registry = await(registryStart);
    resources.add(registry);

    List<Future<NodeHost>> starts = new ArrayList<>();
    starts.add(pool.submit(() -> startNode(bastionHost, true, "zone-a")));
    for (int i = 0; i < workerHosts.size(); i++) {
      TestNetwork.Host h = workerHosts.get(i);
      String zone = i % 2 == 0 ? "zone-a" : "zone-b";
      starts.add(pool.submit(() -> startNode(h, false, zone)));
    }
    for (Future<NodeHost> f : starts) {
      nodes.add(await(f));
    }
    if (options.bastionEgress() != null) {
      HostNet.shapeEgress(bastionHost, options.bastionEgress());
    }

    KubernetesClient client = control.client();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .createOr(c -> c.update());
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(SYSTEM_NAMESPACE)
                .endMetadata()
                .build())
        .createOr(c -> c.update());
    if (options.registryUser() != null) {
      createPullSecret(PULL_SECRET, options.registryUser(), options.registryPassword());
    }
    for (NodeHost node : nodes) {
      registerNode(node);
    }
    control.startOperator();
    List<Future<?>> agents = new ArrayList<>();
    for (NodeHost node : options.agents() ? nodes : List.<NodeHost>of()) {
      agents.add(
          pool.submit(
              () -> {
                node.startAgent();
                return null;
              }));
    }
    for (Future<?> f : agents) {
      await(f);
    }
    System.err.printf(
        "cluster up in %.1f s: %s%n",
        Duration.between(started, Instant.now()).toMillis() / 1000.0, describe());
  }

  private NodeHost startNode(TestNetwork.Host host, boolean bastion, String zone)
      throws IOException {
    List<String> jvm = bastion ? registry().trustFlags() : List.of();
    NodeHost node =
        NodeHost.start(
            host,
            bastion,
            zone,
            runDir.resolve("nodes/" + host.name()),
            new NodeHost.AgentSettings(
                launcher,
                control.kubeconfig(),
                control.trackerUrl(),
                control.indexUrl(),
                jvm,
                options.agentArgs()));
    resources.add(node);
    return node;
  }

  /**
   * Adds a worker while the cluster runs (a node joining late): its host, containerd, Node object
   * and agent.
   */
  public NodeHost addWorker(String name, String zone) throws IOException {
    NodeHost node = startNode(network.addHost(name), false, zone);
    nodes.add(node);
    registerNode(node);
    node.startAgent();
    return node;
  }

  /** Creates the node's Node object: labels, InternalIP, Ready, as a kubelet would report. */
  private void registerNode(NodeHost node) {
    String now = Instant.now().toString();
    Node object =
        new NodeBuilder()
            .withNewMetadata()
            .withName(node.name())
            .addToLabels("kubernetes.io/hostname", node.name())
            .addToLabels("kubernetes.io/os", PLATFORM.os())
            .addToLabels("kubernetes.io/arch", PLATFORM.architecture())
            .addToLabels(ZONE_LABEL, node.zone())
            .addToLabels(BASTION_LABEL, node.isBastion() ? "true" : "false")
            .endMetadata()
            .withNewStatus()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress(node.host().address())
            .endAddress()
            .addNewAddress()
            .withType("Hostname")
            .withAddress(node.name())
            .endAddress()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .withMessage("kubelet is posting ready status")
            .withLastHeartbeatTime(now)
            .withLastTransitionTime(now)
            .endCondition()
            .withNewNodeInfo()
            .withOperatingSystem(PLATFORM.os())
            .withArchitecture(PLATFORM.architecture())
            .withContainerRuntimeVersion("containerd://1.6")
            .endNodeInfo()
            .endStatus()
            .build();
    Node created = control.client().nodes().resource(object).create();
    if (created.getStatus() == null || created.getStatus().getConditions().isEmpty()) {
      created.setStatus(object.getStatus());
      control.client().nodes().resource(created).updateStatus();
    }
  }

  /** Creates a {@code kubernetes.io/dockerconfigjson} Secret for the registry. */
  public void createPullSecret(String name, String user, String password) {
    control
        .client()
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(
                    ".dockerconfigjson",
                    Base64.getEncoder()
                        .encodeToString(
                            registry
                                .dockerConfigJson(user, password)
                                .getBytes(StandardCharsets.UTF_8)))
                .build())
        .createOr(c -> c.update());
  }

  /** A generated image pushed to the registry. */
  public record PushedImage(String reference, ImageFixtures.Image image) {
    /** The manifest digest, {@code sha256:…}. */
    public String digest() {
      return image.manifestDigest().toString();
    }

    /** Sum of the layer sizes. */
    public long layerBytes() {
      return image.layerBytes();
    }
  }

  /** Generates an image of {@code layers} layers of about {@code layerBytes} each and pushes it. */
  public PushedImage pushImage(String repository, String tag, int layers, long layerBytes)
      throws IOException {
    ImageFixtures.Image image =
        ImageFixtures.image(repository.replace('/', '-') + "-" + tag, layers, layerBytes, PLATFORM);
    registry.push(repository, tag, image);
    return new PushedImage(registry.hostPort() + "/" + repository + ":" + tag, image);
  }

  /**
   * Creates an ImagePull for {@code image} on every node (the pull secret attached when the
   * registry has one), after {@code customize} had its say.
   */
  public ImagePull applyImagePull(String name, String image, Consumer<ImagePullSpec> customize) {
    ImagePull pull = new ImagePull();
    pull.getMetadata().setName(name);
    pull.getMetadata().setNamespace(NAMESPACE);
    ImagePullSpec spec = new ImagePullSpec();
    spec.setImage(image);
    if (options.registryUser() != null) {
      spec.setPullSecrets(List.of(PULL_SECRET));
    }
    if (control.imagePullsNameTracker()) {
      spec.setTrackers(List.of(control.trackerUrl()));
    }
    customize.accept(spec);
    pull.setSpec(spec);
    return client().resources(ImagePull.class).inNamespace(NAMESPACE).resource(pull).create();
  }

  /** The ImagePull as the API server has it now, or null. */
  public ImagePull imagePull(String name) {
    return client().resources(ImagePull.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /** Deletes the ImagePull (the operator's finalizer then clears the NodeImage entries). */
  public void deleteImagePull(String name) {
    client().resources(ImagePull.class).inNamespace(NAMESPACE).withName(name).delete();
  }

  /** Waits until the ImagePull satisfies {@code condition}; fails with a cluster report if not. */
  public ImagePull awaitImagePull(String name, Predicate<ImagePull> condition, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ImagePull last = null;
    while (System.nanoTime() < deadline) {
      last = imagePull(name);
      if (last != null && condition.test(last)) {
        return last;
      }
      HostProcess.sleep(Duration.ofMillis(250));
    }
    throw new AssertionError(
        "ImagePull "
            + name
            + " did not reach the expected state within "
            + timeout
            + "; last status: "
            + (last == null
                ? "(gone)"
                : client().getKubernetesSerialization().asJson(last.getStatus()))
            + "\n"
            + diagnostics());
  }

  /** Each node's status entry for {@code key} ({@code namespace/name}), if it reported one. */
  public Map<String, Optional<NodeImageEntryStatus>> nodeStatuses(String key) {
    Map<String, Optional<NodeImageEntryStatus>> out = new java.util.LinkedHashMap<>();
    for (NodeHost node : nodes) {
      NodeImage ni = client().resources(NodeImage.class).withName(node.name()).get();
      Optional<NodeImageEntryStatus> entry =
          ni == null || ni.getStatus() == null
              ? Optional.empty()
              : ni.getStatus().getImages().stream().filter(e -> key.equals(e.getKey())).findFirst();
      out.put(node.name(), entry);
    }
    return out;
  }

  /** The NodeImage of {@code node}, or null. */
  public NodeImage nodeImage(String node) {
    return client().resources(NodeImage.class).withName(node).get();
  }

  /** Logs' tails of every process, for failure messages. */
  public String diagnostics() {
    StringBuilder out = new StringBuilder("--- operator ---\n").append(control.operatorLogTail(15));
    for (NodeHost node : nodes) {
      out.append("\n--- agent on ").append(node.name()).append(" ---\n");
      out.append(node.agentLogTail(15));
    }
    out.append("\n--- logs: ").append(runDir).append(" ---");
    return out.toString();
  }

  public KubernetesClient client() {
    return control.client();
  }

  public RegistryHost registry() {
    return registry;
  }

  public ControlHost control() {
    return control;
  }

  public TestNetwork network() {
    return network;
  }

  public List<NodeHost> nodes() {
    return List.copyOf(nodes);
  }

  /** The bastion node. */
  public NodeHost bastion() {
    return nodes.stream().filter(NodeHost::isBastion).findFirst().orElseThrow();
  }

  /** The worker nodes. */
  public List<NodeHost> workers() {
    return nodes.stream().filter(n -> !n.isBastion()).toList();
  }

  /** A node by name. */
  public NodeHost node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  public Path runDir() {
    return runDir;
  }

  /** One line per host: name, address, role. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append("control ").append(control.host().address());
    out.append(", registry ").append(registry.hostPort()).append(" (behind the bastion)");
    for (NodeHost n : nodes) {
      out.append(", ").append(n.name()).append(' ').append(n.host().address());
    }
    return out.toString();
  }

  /**
   * The namespaces of this cluster all start with one prefix; it is written to {@code
   * runDir/netns-prefix} so that a wrapper script can remove them even if this JVM is killed.
   */
  private void recordNamespacePrefix(TestNetwork.Host first) throws IOException {
    String ns = first.namespace();
    String prefix = ns.substring(0, ns.length() - first.name().length());
    Files.writeString(runDir.resolve("netns-prefix"), prefix + "\n");
  }

  /** Copies every log of this run under {@code target} (for CI artifacts). */
  public void copyLogs(Path target) {
    try (var walk = Files.walk(runDir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String file = p.getFileName().toString();
        if (file.endsWith(".log") || file.equals("registry.out")) {
          Path to = target.resolve(runDir.relativize(p));
          Files.createDirectories(to.getParent());
          Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      System.err.println("could not copy the logs of " + runDir + ": " + e);
    }
  }

  /** Whether {@link #close()} has begun (e.g. from a shutdown hook). */
  public boolean isClosed() {
    return closed;
  }

  /** Stops every process, removes the namespaces and the run directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<Future<?>> stops = new ArrayList<>();
    for (AutoCloseable r : resources) {
      if (r instanceof NodeHost) {
        stops.add(pool.submit(() -> closeQuietly(r)));
      }
    }
    for (Future<?> f : stops) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // logged by closeQuietly
      }
    }
    List<AutoCloseable> rest = new ArrayList<>(resources);
    java.util.Collections.reverse(rest);
    for (AutoCloseable r : rest) {
      if (!(r instanceof NodeHost)) {
        closeQuietly(r);
      }
    }
    pool.shutdownNow();
    network.close();
    if (Boolean.getBoolean(KEEP_RUN_DIR)) {
      System.err.println("kept " + runDir + " (-D" + KEEP_RUN_DIR + ")");
    } else {
      FileTrees.delete(runDir);
    }
  }

  private static void closeQuietly(AutoCloseable r) {
    try {
      r.close();
    } catch (Exception e) {
      System.err.println("cluster shutdown: " + r + ": " + e);
    }
  }

  private static <T> T await(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }
}
