package io.quayctl.operator.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.quayctl.api.v1alpha1.ImagePullSpec;
import io.quayctl.api.v1alpha1.NodeReason;
import io.quayctl.operator.testing.ClusterFixtures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeSelectionTest {
  private final Node a = ClusterFixtures.node("a", Map.of("pool", "gpu", "zone", "z1"));
  private final Node b = ClusterFixtures.node("b", Map.of("pool", "cpu", "zone", "z1"));
  private final Node c = ClusterFixtures.node("c", Map.of("pool", "gpu", "zone", "z2"));
  private final Node down = ClusterFixtures.notReady("down", Map.of("pool", "gpu"));
  private final Node cordoned = cordon(ClusterFixtures.node("cordoned", Map.of("pool", "gpu")));

  @Test
  void noSelectorAndNoNamesSelectsEveryNode() {
    NodeSelection s = NodeSelection.select(new ImagePullSpec(), List.of(c, a, b), Set.of());
    assertThat(names(s)).containsExactly("a", "b", "c");
    assertThat(s.skipped()).isEmpty();
  }

  @Test
  void selectorOrNamesEitherSelects() {
    ImagePullSpec spec = new ImagePullSpec();
    spec.setNodeSelector(
        new LabelSelectorBuilder()
            .addToMatchLabels("pool", "gpu")
            .addNewMatchExpression()
            .withKey("zone")
            .withOperator("In")
            .withValues("z1")
            .endMatchExpression()
            .build());
    spec.setNodeNames(List.of("b", "ghost"));
    NodeSelection s = NodeSelection.select(spec, List.of(a, b, c), Set.of());
    assertThat(names(s)).containsExactly("a", "b");
    assertThat(s.skipped())
        .extracting(NodeReason::getNode, NodeReason::getReason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ghost", "NodeNotFound"));
  }

  @Test
  void notReadyAndCordonedNodesAreSkippedWithTheReason() {
    ImagePullSpec spec = gpu();
    NodeSelection s = NodeSelection.select(spec, List.of(a, down, cordoned), Set.of());
    assertThat(names(s)).containsExactly("a");
    assertThat(s.skipped())
        .extracting(NodeReason::getNode, NodeReason::getReason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("cordoned", "Unschedulable"),
            org.assertj.core.groups.Tuple.tuple("down", "NotReady"));
  }

  @Test
  void aNodeThatAlreadyHasTheEntryStaysATargetWhileDown() {
    NodeSelection s = NodeSelection.select(gpu(), List.of(a, down), Set.of("down"));
    assertThat(names(s)).containsExactly("a", "down");
    assertThat(s.skipped()).isEmpty();
  }

  @Test
  void labelSelectorOperators() {
    Map<String, String> labels = Map.of("k", "v");
    assertThat(LabelSelectors.matches(expr("k", "NotIn", "x"), labels)).isTrue();
    assertThat(LabelSelectors.matches(expr("k", "NotIn", "v"), labels)).isFalse();
    assertThat(LabelSelectors.matches(expr("k", "Exists"), labels)).isTrue();
    assertThat(LabelSelectors.matches(expr("k", "DoesNotExist"), labels)).isFalse();
    assertThat(LabelSelectors.matches(expr("j", "DoesNotExist"), labels)).isTrue();
    assertThat(LabelSelectors.matches(new LabelSelectorBuilder().build(), labels)).isTrue();
  }

  private static io.fabric8.kubernetes.api.model.LabelSelector expr(
      String key, String op, String... values) {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(op)
        .withValues(values)
        .endMatchExpression()
        .build();
  }

  private static ImagePullSpec gpu() {
    ImagePullSpec spec = new ImagePullSpec();
    spec.setNodeSelector(new LabelSelectorBuilder().addToMatchLabels("pool", "gpu").build());
    return spec;
  }

  private static Node cordon(Node n) {
    n.getSpec().setUnschedulable(true);
    return n;
  }

  private static List<String> names(NodeSelection s) {
    return s.targets().stream().map(NodeFacts::name).toList();
  }
}
