package io.quayctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullSpec;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.testing.FileTrees;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The control-plane half of the cluster scenario against a real Kubernetes API server (k3s in
 * Docker, via Testcontainers): the generated CRDs install and are accepted by a real API server's
 * structural-schema validation, the operator runs as its own process with leader election on a real
 * Lease, and an ImagePull is planned onto the k3s node labelled as a bastion. Skipped, with the
 * reason, where Docker cannot start the k3s image.
 */
class K3sClusterE2E {
  /** The k3s image; override with {@code -Dquayctl.e2e.k3s.image=rancher/k3s:vX.Y.Z-k3s1}. */
  private static final String IMAGE =
      System.getProperty("quayctl.e2e.k3s.image", "rancher/k3s:v1.31.4-k3s1");

  private static K3sContainer k3s;
  private static KubernetesClient client;
  private static Process operator;
  private static Path dir;

  /**
   * The assumption sits here rather than in a {@code @BeforeAll}: Maven's report counts a test
   * skipped by an assumption, but not a class aborted before its first test.
   */
  @BeforeEach
  void requireDockerAndStartK3s() throws Exception {
    assumeTrue(
        DockerClientFactory.instance().isDockerAvailable(),
        "no Docker daemon reachable (DOCKER_HOST or /var/run/docker.sock), so k3s ("
            + IMAGE
            + ") cannot run here; the namespace cluster suites cover the same scenario against"
            + " Fabric8's mock API server");
    if (k3s == null) {
      start();
    }
  }

  private static void start() throws Exception {
    k3s = new K3sContainer(DockerImageName.parse(IMAGE));
    k3s.start();
    dir = Files.createTempDirectory("quayctl-k3s-");
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build();
    for (String crd : List.of("imagepulls.quayctl.io-v1.yml", "nodeimages.quayctl.io-v1.yml")) {
      try (InputStream in = K3sClusterE2E.class.getResourceAsStream("/META-INF/fabric8/" + crd)) {
        CustomResourceDefinition definition =
            client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(definition).create();
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(definition.getMetadata().getName())
            .waitUntilCondition(K3sClusterE2E::established, 60, TimeUnit.SECONDS);
      }
    }
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(Cluster.SYSTEM_NAMESPACE)
                .endMetadata()
                .build())
        .create();
    for (Node node : client.nodes().list().getItems()) {
      client
          .nodes()
          .withName(node.getMetadata().getName())
          .edit(
              n -> {
                n.getMetadata().getLabels().put(Cluster.BASTION_LABEL, "true");
                return n;
              });
    }
    operator = startOperator(kubeconfig);
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Process startOperator(Path kubeconfig) throws Exception {
    Launcher launcher = Launcher.fromEnvironment();
    List<String> args = new ArrayList<>();
    if (ControlHost.operatorTakesChartFlags()) {
      args.addAll(
          List.of(
              "--health-port=0",
              "--metrics-port=0",
              "--leader-election=true",
              "--leader-election-namespace=" + Cluster.SYSTEM_NAMESPACE,
              "--tracker-port=" + ControlHost.TRACKER_PORT));
    } else {
      args.addAll(List.of("--http-port", "0", "--lease-namespace", Cluster.SYSTEM_NAMESPACE));
    }
    ProcessBuilder builder =
        new ProcessBuilder(launcher.java(List.of(), "io.quayctl.operator.OperatorMain", args))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("operator.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("POD_NAMESPACE", Cluster.SYSTEM_NAMESPACE);
    builder.environment().put("HOSTNAME", "quayctl-operator-k3s-e2e");
    return builder.start();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.destroy();
    }
    if (client != null) {
      client.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
    if (dir != null) {
      FileTrees.delete(dir);
    }
  }

  @Test
  void theOperatorPlansAnImagePullOntoTheRealClustersBastion() {
    String node = client.nodes().list().getItems().get(0).getMetadata().getName();
    ImagePull pull = new ImagePull();
    pull.getMetadata().setName("k3s");
    pull.getMetadata().setNamespace(Cluster.NAMESPACE);
    ImagePullSpec spec = new ImagePullSpec();
    spec.setImage("registry.example.com/e2e/app:v1");
    pull.setSpec(spec);
    client.resources(ImagePull.class).resource(pull).create();

    NodeImage planned =
        client
            .resources(NodeImage.class)
            .withName(node)
            .waitUntilCondition(
                ni ->
                    ni != null
                        && ni.getSpec() != null
                        && ni.getSpec().getImages().stream()
                            .anyMatch(e -> "default/k3s".equals(e.getKey())),
                Duration.ofSeconds(90).toSeconds(),
                TimeUnit.SECONDS);
    NodeImageEntry entry =
        planned.getSpec().getImages().stream()
            .filter(e -> "default/k3s".equals(e.getKey()))
            .findFirst()
            .orElseThrow();
    assertThat(entry.getResolver()).isTrue();
    assertThat(entry.getImage()).isEqualTo(spec.getImage());
    assertThat(operator.isAlive()).isTrue();
  }
}
