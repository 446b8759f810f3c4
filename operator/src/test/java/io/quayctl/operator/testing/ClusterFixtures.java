package io.quayctl.operator.testing;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullSpec;
import io.quayctl.api.v1alpha1.Layer;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.api.v1alpha1.NodeImageSpec;
import io.quayctl.api.v1alpha1.NodeImageStatus;
import io.quayctl.operator.planning.NodeFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders for the Nodes, ImagePulls and NodeImages the operator tests use. */
public final class ClusterFixtures {
  public static final String DIGEST =
      "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  public static final List<Layer> LAYERS =
      List.of(
          new Layer(
              "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
              1000L,
              "0123456789abcdef0123456789abcdef01234567"),
          new Layer(
              "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
              2000L,
              "89abcdef0123456789abcdef0123456789abcdef"));

  private ClusterFixtures() {}

  /** A Ready linux/amd64 node with {@code labels}. */
  public static Node node(String name, Map<String, String> labels) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withUid("uid-" + name)
        .addToLabels(labels)
        .addToLabels("kubernetes.io/os", "linux")
        .addToLabels("kubernetes.io/arch", "amd64")
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  /** A Ready bastion node. */
  public static Node bastion(String name) {
    return node(name, Map.of(NodeFacts.BASTION_LABEL, "true"));
  }

  /** A node whose Ready condition is False. */
  public static Node notReady(String name, Map<String, String> labels) {
    Node n = node(name, labels);
    n.getStatus().getConditions().get(0).setStatus("False");
    return n;
  }

  /** An ImagePull of the app image in {@code namespace} selecting nodes labelled pool=workers. */
  public static ImagePull imagePull(String namespace, String name) {
    ImagePull pull = new ImagePull();
    pull.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withUid("uid-" + name)
            .withGeneration(1L)
            .build());
    ImagePullSpec spec = new ImagePullSpec();
    spec.setImage("registry.example.com/team/app:1.2");
    spec.setNodeSelector(new LabelSelectorBuilder().addToMatchLabels("pool", "workers").build());
    pull.setSpec(spec);
    return pull;
  }

  /** Sets parallelism to an integer. */
  public static ImagePull withParallelism(ImagePull pull, IntOrString parallelism) {
    pull.getSpec().setParallelism(parallelism);
    return pull;
  }

  /** A NodeImage holding {@code entries}, without status. */
  public static NodeImage nodeImage(String node, NodeImageEntry... entries) {
    NodeImage ni = new NodeImage();
    ni.setMetadata(new ObjectMetaBuilder().withName(node).build());
    NodeImageSpec spec = new NodeImageSpec();
    spec.setImages(new ArrayList<>(List.of(entries)));
    ni.setSpec(spec);
    return ni;
  }

  /** What an agent reports for {@code entry} in {@code phase}. */
  public static NodeImageEntryStatus report(NodeImageEntry entry, NodeImagePhase phase) {
    NodeImageEntryStatus s = new NodeImageEntryStatus();
    s.setKey(entry.getKey());
    s.setUid(entry.getImagePull().getUid());
    s.setAttempt(entry.getAttempt());
    s.setPhase(phase);
    if (Boolean.TRUE.equals(entry.getResolver()) && phase != NodeImagePhase.Failed) {
      s.setResolvedDigest(DIGEST);
      s.setLayers(new ArrayList<>(LAYERS));
      s.setBytesFromRegistry(3000L);
    } else if (phase.hasImage()) {
      s.setBytesFromPeers(3000L);
    }
    return s;
  }

  /** Sets {@code reports} as the status of {@code ni}. */
  public static NodeImage withStatus(NodeImage ni, NodeImageEntryStatus... reports) {
    NodeImageStatus status = new NodeImageStatus();
    status.setImages(new ArrayList<>(List.of(reports)));
    ni.setStatus(status);
    return ni;
  }
}
