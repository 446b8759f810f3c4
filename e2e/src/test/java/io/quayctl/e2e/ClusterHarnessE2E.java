package io.quayctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.quayctl.testing.TestNetwork;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster in a box itself, without agents: the hosts, who can reach the registry, the Node
 * objects, the daemons on every node. Everything else builds on these facts.
 */
class ClusterHarnessE2E {
  private static Cluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster =
        Cluster.start(Cluster.Options.of(2).withRegistryAuth("e2e", "s3cret").withAgents(false));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.copyLogs(Path.of("target/e2e-logs/ClusterHarnessE2E"));
      cluster.close();
    }
  }

  @Test
  void onlyTheBastionReachesTheRegistry() throws Exception {
    String registry = cluster.registry().host().address();
    assertThat(TestNetwork.canConnect(cluster.bastion().host(), registry, RegistryHost.PORT))
        .as("bastion -> registry")
        .isTrue();
    for (NodeHost worker : cluster.workers()) {
      assertThat(TestNetwork.canConnect(worker.host(), registry, RegistryHost.PORT))
          .as(worker.name() + " -> registry")
          .isFalse();
    }
    assertThat(TestNetwork.canConnect(cluster.control().host(), registry, RegistryHost.PORT))
        .as("control -> registry")
        .isFalse();
  }

  @Test
  void nodesAreRegisteredAsAKubeletWouldRegisterThem() {
    for (NodeHost host : cluster.nodes()) {
      Node node = cluster.client().nodes().withName(host.name()).get();
      assertThat(node).as(host.name()).isNotNull();
      assertThat(node.getMetadata().getLabels())
          .containsEntry(Cluster.BASTION_LABEL, host.isBastion() ? "true" : "false")
          .containsEntry(Cluster.ZONE_LABEL, host.zone());
      assertThat(node.getStatus().getAddresses())
          .extracting(NodeAddress::getType, NodeAddress::getAddress)
          .contains(org.assertj.core.groups.Tuple.tuple("InternalIP", host.host().address()));
      assertThat(node.getStatus().getConditions())
          .anySatisfy(
              c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("True");
              });
    }
  }

  @Test
  void everyNodeRunsItsOwnContainerd() throws Exception {
    for (NodeHost node : cluster.nodes()) {
      assertThat(node.ctr("version").exitCode()).as(node.name()).isZero();
      assertThat(node.images()).as(node.name()).isEmpty();
    }
  }

  @Test
  void imagesPushedByTheHarnessAreInTheRegistry() throws Exception {
    Cluster.PushedImage image = cluster.pushImage("harness/app", "v1", 2, 64 * 1024);
    assertThat(image.reference()).isEqualTo(cluster.registry().hostPort() + "/harness/app:v1");
    assertThat(cluster.registry().accessLog())
        .anySatisfy(
            a -> {
              assertThat(a.method()).isEqualTo("PUT");
              assertThat(a.path()).isEqualTo("/v2/harness/app/manifests/v1");
              assertThat(a.status()).isEqualTo(201);
            });
  }
}
