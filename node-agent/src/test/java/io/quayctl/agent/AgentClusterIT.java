package io.quayctl.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quayctl.Quayctl;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.api.v1alpha1.ImagePullSpec;
import io.quayctl.api.v1alpha1.ImagePullStatus;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.kube.KubeClients;
import io.quayctl.operator.OperatorMain;
import io.quayctl.operator.testing.ClusterFixtures;
import io.quayctl.operator.testing.MockApiServerMain;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.testing.DockerDaemon;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.JavaProcess;
import io.quayctl.testing.RegistryServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The must-show, every part a separate process: the mock API server (CRUD, CRDs installed),
 * the operator with its embedded tracker, a bastion agent that may read a real {@code
 * docker-registry}, and a worker agent that imports into a real dockerd. An ImagePull selecting the
 * worker reaches Complete; the worker holds the image, got every byte from peers, and the registry
 * served each blob exactly once.
 */
class AgentClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(60);
  private static final List<String> NO_KUBECONFIG =
      List.of("-Dkubernetes.auth.tryKubeConfig=false", "-Dkubernetes.auth.tryServiceAccount=false");

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<JavaProcess> processes = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        System.err.println("closing " + resources.get(i) + ": " + e);
      }
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    if (resource instanceof JavaProcess p) {
      processes.add(p);
    }
    return resource;
  }

  @Test
  void anImagePullReachesCompleteWithABastionAndAWorkerAgent(@TempDir Path tmp) throws Exception {
    RegistryServer registry = keep(RegistryServer.anonymous());
    ImageFixtures.Image image =
        ImageFixtures.image("cluster-app", 3, 3 * 1024 * 1024, Platform.parse("linux/amd64"));
    ImageFixtures.push(registry, "team/app", "v1", image);
    String reference = registry.host() + "/team/app:v1";
    DockerDaemon docker = keep(DockerDaemon.start());

    JavaProcess api =
        keep(
            JavaProcess.start(
                "api-server",
                tmp,
                List.of(),
                MockApiServerMain.class.getName(),
                List.of("127.0.0.1", "0")));
    String apiUrl = api.awaitLine(Pattern.compile("listening on (\\S+)"), START);

    JavaProcess operator =
        keep(
            JavaProcess.start(
                "operator",
                tmp,
                kubeProperties(apiUrl),
                OperatorMain.class.getName(),
                List.of(
                    "--leader-election=false",
                    "--health-port=0",
                    "--metrics-port=0",
                    "--tracker-port=0",
                    "--log-level=info")));
    String trackerPort = operator.awaitLine(Pattern.compile("tracker on :(\\d+)"), START);
    String trackerBase = "http://127.0.0.1:" + trackerPort + "/";

    try (KubernetesClient client = KubeClients.create(apiUrl)) {
      client.resource(node("bastion-1", Map.of("quayctl.io/bastion", "true"))).create();
      client.resource(node("worker-1", Map.of("pool", "workers"))).create();

      JavaProcess bastion =
          keep(agent(tmp, "bastion", "bastion-1", apiUrl, trackerBase, List.of()));
      JavaProcess worker =
          keep(
              agent(
                  tmp,
                  "worker",
                  "worker-1",
                  apiUrl,
                  trackerBase,
                  List.of("--runtime=docker", "--docker-socket=" + docker.socket())));
      Pattern ready = Pattern.compile("metrics on :(\\d+)");
      String bastionMetrics = bastion.awaitLine(ready, START);
      String workerMetrics = worker.awaitLine(ready, START);

      Instant applied = Instant.now();
      client.resource(imagePull("default", "app", reference)).create();
      ImagePullStatus done;
      try {
        done =
            await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> status(client, "default", "app"), s -> s != null && isFinal(s));
      } catch (RuntimeException e) {
        throw new AssertionError("ImagePull did not finish:\n" + diagnostics(client), e);
      }
      Duration toComplete = Duration.between(applied, Instant.now());
      System.out.println(
          "ImagePull Complete " + toComplete.toMillis() + " ms after it was applied");
      assertThat(done.getPhase()).as(diagnostics(client)).isEqualTo(ImagePullPhase.Complete);
      assertThat(done.getReady()).isEqualTo("1/1");
      assertThat(done.getResolvedDigest()).isEqualTo(image.manifestDigest().toString());

      // The worker's runtime holds the image: same config digest (Docker's image id), and name.
      ResolvedImage resolved = image.resolved(io.quayctl.api.ImageReference.parse(reference));
      JsonNode inspect =
          JSON.readTree(
              docker.docker("image", "inspect", "--format", "{{json .}}", reference).orThrow());
      assertThat(inspect.path("Id").asText()).isEqualTo(image.configDigest().toString());
      assertThat(inspect.path("RepoTags").toString()).contains(reference);

      // Every byte of the worker came from peers; the bastion's from the registry.
      NodeImageEntryStatus w = element(client, "worker-1").orElseThrow();
      assertThat(w.getPhase()).isEqualTo(NodeImagePhase.Seeding);
      assertThat(w.getBytesFromPeers()).isGreaterThan(0L);
      assertThat(w.getBytesFromRegistry()).isZero();
      assertThat(w.getBytesDone()).isEqualTo(w.getBytesTotal());
      NodeImageEntryStatus b = element(client, "bastion-1").orElseThrow();
      assertThat(b.getResolvedDigest()).isEqualTo(image.manifestDigest().toString());
      assertThat(b.getLayers()).hasSize(3).allSatisfy(l -> assertThat(l.getInfohash()).hasSize(40));
      assertThat(b.getBytesFromRegistry()).isGreaterThan(0L);

      // The registry served each blob once: to the bastion.
      for (Descriptor blob : io.quayctl.distribution.ImageDistributor.blobs(resolved)) {
        assertThat(registry.blobGets(blob.digest())).as("GETs of " + blob.digest()).hasSize(1);
      }

      // Both agents export their metrics.
      assertThat(get("http://127.0.0.1:" + workerMetrics + "/metrics"))
          .contains("quayctl_agent_downloaded_bytes_total{source=\"peer\"}")
          .contains("quayctl_agent_pull_duration_seconds_count 1")
          .contains("jvm_memory_used_bytes");
      assertThat(get("http://127.0.0.1:" + bastionMetrics + "/metrics"))
          .contains("quayctl_agent_downloaded_bytes_total{source=\"registry\"}")
          .contains("quayctl_agent_uploaded_bytes_total");
      System.out.println(
          "worker: "
              + w.getBytesFromPeers()
              + " bytes from peers, "
              + w.getBytesFromRegistry()
              + " from the registry; bastion: "
              + b.getBytesFromRegistry()
              + " from the registry");
    } finally {
      for (JavaProcess p : processes) {
        if (!p.isAlive()) {
          System.err.println(p.logTail(60));
        }
      }
    }
  }

  private static boolean isFinal(ImagePullStatus s) {
    return s.getPhase() == ImagePullPhase.Complete || s.getPhase() == ImagePullPhase.Failed;
  }

  private JavaProcess agent(
      Path tmp, String role, String nodeName, String apiUrl, String trackerBase, List<String> extra)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "agent",
            "--role=" + role,
            "--node-name=" + nodeName,
            "--advertise-address=127.0.0.1",
            "--peer-port=0",
            "--health-port=0",
            "--metrics-port=0",
            "--log-level=info",
            "--data-dir=" + tmp.resolve(nodeName),
            "--index-url=" + trackerBase,
            "--tracker=" + trackerBase + "announce",
            "--kube-api-server=" + apiUrl));
    args.addAll(extra);
    return JavaProcess.start(nodeName, tmp, NO_KUBECONFIG, Quayctl.class.getName(), args);
  }

  private static List<String> kubeProperties(String apiUrl) {
    List<String> p = new ArrayList<>(NO_KUBECONFIG);
    p.add("-Dkubernetes.master=" + apiUrl);
    p.add("-Dkubernetes.namespace=default");
    return p;
  }

  /** A Ready linux/amd64 node whose agent is reached on the loopback address. */
  private static Node node(String name, Map<String, String> labels) {
    return new NodeBuilder(ClusterFixtures.node(name, labels))
        .editStatus()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress("127.0.0.1")
        .endAddress()
        .endStatus()
        .build();
  }

  private static ImagePull imagePull(String namespace, String name, String reference) {
    ImagePull pull = new ImagePull();
    pull.getMetadata().setNamespace(namespace);
    pull.getMetadata().setName(name);
    ImagePullSpec spec = new ImagePullSpec();
    spec.setImage(reference);
    spec.setNodeSelector(new LabelSelectorBuilder().addToMatchLabels("pool", "workers").build());
    pull.setSpec(spec);
    return pull;
  }

  private static ImagePullStatus status(KubernetesClient client, String ns, String name) {
    ImagePull p = client.resources(ImagePull.class).inNamespace(ns).withName(name).get();
    return p == null ? null : p.getStatus();
  }

  private static Optional<NodeImageEntryStatus> element(KubernetesClient client, String node) {
    NodeImage ni = client.resources(NodeImage.class).withName(node).get();
    if (ni == null || ni.getStatus() == null) {
      return Optional.empty();
    }
    return ni.getStatus().getImages().stream().findFirst();
  }

  private String diagnostics(KubernetesClient client) {
    StringBuilder out = new StringBuilder();
    var json = client.getKubernetesSerialization();
    out.append("ImagePull status: ")
        .append(json.asJson(status(client, "default", "app")))
        .append('\n');
    for (NodeImage ni : client.resources(NodeImage.class).list().getItems()) {
      out.append("NodeImage ").append(json.asJson(ni)).append('\n');
    }
    for (JavaProcess p : processes) {
      out.append(p.logTail(40)).append('\n');
    }
    return out.toString();
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
