package io.quayctl.operator.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class TrackerEndpointSliceTest {
  KubernetesClient client;

  @Test
  void theLeaderPointsTheTrackerServiceAtItselfAndANewLeaderTakesItOver() {
    new TrackerEndpointSlice(client, "quayctl", "quayctl-tracker", "10.1.2.3", 6969, "op-0")
        .publish();
    EndpointSlice first = get();
    assertThat(first.getMetadata().getLabels())
        .containsEntry("kubernetes.io/service-name", "quayctl-tracker")
        .containsEntry("endpointslice.kubernetes.io/managed-by", "quayctl.io-operator");
    assertThat(first.getEndpoints().get(0).getAddresses()).containsExactly("10.1.2.3");
    assertThat(first.getPorts().get(0).getName()).isEqualTo("tracker");
    assertThat(first.getPorts().get(0).getPort()).isEqualTo(6969);

    new TrackerEndpointSlice(client, "quayctl", "quayctl-tracker", "10.1.2.4", 6969, "op-1")
        .publish();
    EndpointSlice second = get();
    assertThat(second.getEndpoints()).singleElement();
    assertThat(second.getEndpoints().get(0).getAddresses()).containsExactly("10.1.2.4");
    assertThat(second.getEndpoints().get(0).getTargetRef().getName()).isEqualTo("op-1");
  }

  private EndpointSlice get() {
    return client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("quayctl")
        .withName("quayctl-tracker")
        .get();
  }
}
