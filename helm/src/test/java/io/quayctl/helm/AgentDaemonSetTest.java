package io.quayctl.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The bastion and worker DaemonSets: where they run, what they mount, what they are told. */
class AgentDaemonSetTest {

  @Test
  void bastionsRunOnlyOnBastionNodes() {
    NodeSelectorRequirement requirement = bastionRequirement(RenderedChart.render(), "bastion");

    assertThat(requirement.getKey()).isEqualTo("quayctl.io/bastion");
    assertThat(requirement.getOperator()).isEqualTo("In");
    assertThat(requirement.getValues()).containsExactly("true");
  }

  @Test
  void workersRunEverywhereElse() {
    NodeSelectorRequirement requirement = bastionRequirement(RenderedChart.render(), "worker");

    // NotIn ["true"] also matches nodes that do not have the label at all.
    assertThat(requirement.getKey()).isEqualTo("quayctl.io/bastion");
    assertThat(requirement.getOperator()).isEqualTo("NotIn");
    assertThat(requirement.getValues()).containsExactly("true");
  }

  @Test
  void bastionLabelIsConfigurable() {
    RenderedChart chart =
        RenderedChart.render(
            Map.of(
                "bastion.nodeSelectorLabel", "example.com/egress",
                "bastion.nodeSelectorValue", "allowed"));

    for (String role : List.of("bastion", "worker")) {
      NodeSelectorRequirement requirement = bastionRequirement(chart, role);
      assertThat(requirement.getKey()).isEqualTo("example.com/egress");
      assertThat(requirement.getValues()).containsExactly("allowed");
    }
    assertThat(
            chart
                .get(io.fabric8.kubernetes.api.model.apps.Deployment.class, "quayctl-operator")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs())
        .contains("--bastion-selector=example.com/egress=allowed");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "containerd, /run/containerd/containerd.sock",
    "containerd, /run/k3s/containerd/containerd.sock",
    "docker, /var/run/docker.sock",
    "docker, /run/user/1000/docker.sock",
  })
  void runtimeSocketMountFollowsTheValues(String runtime, String socket) {
    RenderedChart chart =
        RenderedChart.render(
            Map.of("agent.runtime", runtime, "agent." + runtime + ".socket", socket));

    for (String role : List.of("bastion", "worker")) {
      PodSpec pod = pod(chart, role);
      Container agent = pod.getContainers().get(0);
      Volume volume =
          pod.getVolumes().stream()
              .filter(v -> v.getHostPath() != null && v.getHostPath().getPath().equals(socket))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no hostPath volume for " + socket));
      assertThat(volume.getHostPath().getType()).isEqualTo("Socket");
      VolumeMount mount = mount(agent, volume.getName());
      assertThat(mount.getMountPath()).isEqualTo("/host" + socket);
      assertThat(agent.getArgs())
          .contains("--runtime=" + runtime, "--" + runtime + "-socket=/host" + socket);
      String other = runtime.equals("docker") ? "containerd" : "docker";
      assertThat(agent.getArgs()).noneMatch(a -> a.startsWith("--" + other + "-socket="));
      assertThat(pod.getVolumes())
          .filteredOn(v -> v.getHostPath() != null && "Socket".equals(v.getHostPath().getType()))
          .hasSize(1);
    }
  }

  @Test
  void autoRuntimeMountsTheDirectoriesHoldingBothSockets() {
    RenderedChart chart = RenderedChart.render(Map.of("agent.runtime", "auto"));

    PodSpec pod = pod(chart, "worker");
    Container agent = pod.getContainers().get(0);
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().startsWith("runtime-socket-dir-"))
        .extracting(v -> v.getHostPath().getPath())
        .containsExactly("/run/containerd", "/var/run");
    assertThat(agent.getVolumeMounts())
        .filteredOn(m -> m.getName().startsWith("runtime-socket-dir-"))
        .allMatch(VolumeMount::getReadOnly)
        .extracting(VolumeMount::getMountPath)
        .containsExactly("/host/run/containerd", "/host/var/run");
    assertThat(agent.getArgs())
        .contains(
            "--runtime=auto",
            "--containerd-socket=/host/run/containerd/containerd.sock",
            "--docker-socket=/host/var/run/docker.sock");
  }

  @Test
  void peersReachAgentsOnTheNodeNetworkByDefault() {
    for (String role : List.of("bastion", "worker")) {
      PodSpec pod = pod(RenderedChart.render(), role);

      assertThat(pod.getHostNetwork()).isTrue();
      assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
      assertThat(peerPort(pod).getContainerPort()).isEqualTo(6881);
      assertThat(peerPort(pod).getHostPort()).isNull();
    }
  }

  @Test
  void hostPortReplacesHostNetworkWhenAsked() {
    RenderedChart chart =
        RenderedChart.render(Map.of("agent.hostNetwork", "false", "agent.peerPort", "7000"));

    for (String role : List.of("bastion", "worker")) {
      PodSpec pod = pod(chart, role);
      assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
      assertThat(pod.getDnsPolicy()).isNull();
      assertThat(peerPort(pod).getContainerPort()).isEqualTo(7000);
      assertThat(peerPort(pod).getHostPort()).isEqualTo(7000);
      assertThat(pod.getContainers().get(0).getArgs()).contains("--peer-port=7000");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bastion", "worker"})
  void agentKnowsItsNodeAndRunsEverywhereItMust(String role) {
    DaemonSet ds = RenderedChart.render().get(DaemonSet.class, "quayctl-" + role);
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    Container agent = pod.getContainers().get(0);

    assertThat(agent.getImage()).isEqualTo("ghcr.io/quayctl/quayctl-agent:0.1.0");
    assertThat(agent.getArgs().get(0)).isEqualTo("agent");
    assertThat(agent.getArgs()).contains("--role=" + role, "--node-name=$(NODE_NAME)");
    assertThat(fieldPath(agent, "NODE_NAME")).isEqualTo("spec.nodeName");
    assertThat(fieldPath(agent, "POD_IP")).isEqualTo("status.podIP");
    assertThat(pod.getServiceAccountName()).isEqualTo("quayctl-" + role);
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getOperator()).isEqualTo("Exists");
              assertThat(t.getKey()).isNull();
            });
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getStrVal())
        .isEqualTo("10%");
    assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(agent.getPorts()).extracting(ContainerPort::getName).contains("metrics", "health");
    assertThat(agent.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(agent.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
  }

  @Test
  void blobStoreLivesOnTheHostWithItsLimit() {
    RenderedChart chart =
        RenderedChart.render(Map.of("agent.dataDir", "/data/quayctl", "agent.storeLimit", "500Gi"));

    PodSpec pod = pod(chart, "worker");
    Container agent = pod.getContainers().get(0);
    Volume data =
        pod.getVolumes().stream().filter(v -> v.getName().equals("data")).findFirst().orElseThrow();
    assertThat(data.getHostPath().getPath()).isEqualTo("/data/quayctl");
    assertThat(data.getHostPath().getType()).isEqualTo("DirectoryOrCreate");
    assertThat(mount(agent, "data").getMountPath()).isEqualTo("/data/quayctl");
    assertThat(agent.getArgs()).contains("--data-dir=/data/quayctl", "--store-limit=500Gi");
  }

  @Test
  void agentsAnnounceToTheOperatorOrToTheExternalTracker() {
    List<String> own = pod(RenderedChart.render(), "worker").getContainers().get(0).getArgs();
    List<String> external =
        pod(
                RenderedChart.render(
                    Map.of(
                        "tracker.external[0]", "http://t1.infra:6969/announce",
                        "tracker.external[1]", "udp://t2.infra:6969/announce")),
                "worker")
            .getContainers()
            .get(0)
            .getArgs();

    String operator = "http://quayctl-tracker.quayctl-system.svc:6969";
    assertThat(own).contains("--index-url=" + operator, "--tracker=" + operator + "/announce");
    assertThat(external)
        .contains(
            "--index-url=" + operator,
            "--tracker=http://t1.infra:6969/announce",
            "--tracker=udp://t2.infra:6969/announce")
        .doesNotContain("--tracker=" + operator + "/announce");
  }

  @Test
  void rateLimitsWrittenInFullEvenWhenGivenAsNumbers() {
    List<String> args =
        pod(
                RenderedChart.render(
                    Map.of(
                        "agent.rateLimits.download", "104857600",
                        "agent.rateLimits.upload", "50Mi")),
                "bastion")
            .getContainers()
            .get(0)
            .getArgs();

    assertThat(args).contains("--max-download-rate=104857600", "--max-upload-rate=50Mi");
  }

  @Test
  void roleResourcesOverrideTheAgentDefaults() {
    RenderedChart chart = RenderedChart.render(Map.of("bastion.resources.limits.memory", "4Gi"));

    assertThat(
            pod(chart, "bastion").getContainers().get(0).getResources().getLimits().get("memory"))
        .hasToString("4Gi");
    assertThat(pod(chart, "worker").getContainers().get(0).getResources().getLimits().get("memory"))
        .hasToString("1Gi");
  }

  private static PodSpec pod(RenderedChart chart, String role) {
    return chart.get(DaemonSet.class, "quayctl-" + role).getSpec().getTemplate().getSpec();
  }

  private static NodeSelectorRequirement bastionRequirement(RenderedChart chart, String role) {
    var terms =
        pod(chart, role)
            .getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    assertThat(terms).hasSize(1);
    assertThat(terms.get(0).getMatchExpressions()).hasSize(1);
    return terms.get(0).getMatchExpressions().get(0);
  }

  private static VolumeMount mount(Container container, String volume) {
    return container.getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no mount of volume " + volume));
  }

  private static ContainerPort peerPort(PodSpec pod) {
    return pod.getContainers().get(0).getPorts().stream()
        .filter(p -> p.getName().equals("peer"))
        .findFirst()
        .orElseThrow();
  }

  private static String fieldPath(Container container, String env) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(env))
        .map(EnvVar::getValueFrom)
        .map(v -> v.getFieldRef().getFieldPath())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env " + env));
  }
}
