package io.quayctl.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Lints the chart and renders it with the values people change, parsing every document. */
class ChartTest {

  /** The value sets every rendering test runs with; each must render and parse cleanly. */
  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("defaults", Map.of()),
        Arguments.of("docker runtime", Map.of("agent.runtime", "docker")),
        Arguments.of("auto runtime", Map.of("agent.runtime", "auto")),
        Arguments.of("hostPort instead of hostNetwork", Map.of("agent.hostNetwork", "false")),
        Arguments.of(
            "NetworkPolicy",
            Map.of(
                "networkPolicy.enabled", "true",
                "networkPolicy.apiServerCIDRs[0]", "10.96.0.1/32",
                "networkPolicy.peerCIDRs[0]", "10.0.0.0/16")),
        Arguments.of("ServiceMonitor", Map.of("metrics.serviceMonitor.enabled", "true")),
        Arguments.of(
            "external tracker",
            Map.of("tracker.external[0]", "http://opentracker.infra:6969/announce")),
        Arguments.of(
            "namespaced pull secrets",
            Map.of(
                "bastion.secretNamespaces[0]", "team-a",
                "bastion.secretNamespaces[1]", "team-b")),
        Arguments.of(
            "single operator, tracker by pod selector",
            Map.of("operator.replicas", "1", "tracker.routing", "podSelector")),
        Arguments.of(
            "operator defaults for ImagePulls",
            Map.of("seed.defaultDuration", "1h30m", "defaults.parallelism", "25%")),
        Arguments.of("no bastions", Map.of("bastion.enabled", "false")));
  }

  @Test
  void lintsWithoutErrors() {
    LintResult result = new Helm(RenderedChart.CHART_DIR).lint().call();

    result.getMessages().forEach(m -> System.out.println("helm lint: " + m));
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]"));
    assertThat(result.isFailed()).as("helm lint failed: %s", result.getMessages()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void rendersOnlyObjectsTheApiKnows(String variant, Map<String, String> values) {
    RenderedChart chart = RenderedChart.render(values);

    assertThat(chart.all()).isNotEmpty();
    assertThat(chart.all())
        .allSatisfy(
            r ->
                assertThat(r.getMetadata().getName())
                    .as("%s name", r.getKind())
                    .hasSizeLessThanOrEqualTo(63));
    assertThat(chart.all(Deployment.class)).hasSize(1);
    assertThat(chart.all(DaemonSet.class))
        .hasSize(Boolean.parseBoolean(values.getOrDefault("bastion.enabled", "true")) ? 2 : 1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void namespacedObjectsLiveInTheReleaseNamespace(String variant, Map<String, String> values) {
    RenderedChart chart = RenderedChart.render(values);

    List<String> namespaces =
        chart.all().stream()
            .map(HasMetadata::getMetadata)
            .map(m -> m.getNamespace())
            .filter(ns -> ns != null)
            .distinct()
            .toList();

    List<String> expected = new ArrayList<>(List.of(RenderedChart.NAMESPACE));
    if (values.containsKey("bastion.secretNamespaces[0]")) {
      expected.addAll(List.of("team-a", "team-b"));
    }
    assertThat(namespaces).containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyServicePortReachesAContainerPort(String variant, Map<String, String> values) {
    RenderedChart chart = RenderedChart.render(values);

    for (Service service : chart.all(Service.class)) {
      Map<String, String> selector = service.getSpec().getSelector();
      if (selector == null || selector.isEmpty()) {
        // The tracker's endpoints are written by the leading operator.
        assertThat(service.getMetadata().getName()).isEqualTo("quayctl-tracker");
        continue;
      }
      List<PodTemplateSpec> pods =
          podTemplates(chart).stream()
              .filter(p -> RenderedChart.selects(selector, RenderedChart.labels(p.getMetadata())))
              .toList();
      assertThat(pods)
          .as("pods selected by Service %s", service.getMetadata().getName())
          .isNotEmpty();
      for (ServicePort port : service.getSpec().getPorts()) {
        for (PodTemplateSpec pod : pods) {
          List<String> names =
              pod.getSpec().getContainers().stream()
                  .flatMap(c -> c.getPorts().stream())
                  .map(ContainerPort::getName)
                  .toList();
          assertThat(names)
              .as("ports of pods behind %s", service.getMetadata().getName())
              .contains(port.getTargetPort().getStrVal());
        }
      }
    }
  }

  @Test
  void daemonSetAndDeploymentSelectorsMatchTheirPods() {
    RenderedChart chart = RenderedChart.render();

    for (DaemonSet ds : chart.all(DaemonSet.class)) {
      assertThat(
              RenderedChart.selects(
                  ds.getSpec().getSelector().getMatchLabels(),
                  RenderedChart.labels(ds.getSpec().getTemplate().getMetadata())))
          .as("selector of %s", ds.getMetadata().getName())
          .isTrue();
    }
    Deployment operator = chart.get(Deployment.class, "quayctl-operator");
    assertThat(
            RenderedChart.selects(
                operator.getSpec().getSelector().getMatchLabels(),
                RenderedChart.labels(operator.getSpec().getTemplate().getMetadata())))
        .isTrue();
    // The two DaemonSets must not select each other's pods.
    DaemonSet bastion = chart.get(DaemonSet.class, "quayctl-bastion");
    DaemonSet worker = chart.get(DaemonSet.class, "quayctl-worker");
    assertThat(
            RenderedChart.selects(
                bastion.getSpec().getSelector().getMatchLabels(),
                RenderedChart.labels(worker.getSpec().getTemplate().getMetadata())))
        .isFalse();
  }

  @Test
  void operatorRunsTwoHardenedReplicasWithProbes() {
    RenderedChart chart = RenderedChart.render();
    Deployment operator = chart.get(Deployment.class, "quayctl-operator");

    assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
    var pod = operator.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("ghcr.io/quayctl/quayctl-operator:0.1.0");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getPorts())
        .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .contains(
            org.assertj.core.groups.Tuple.tuple("tracker", 6969),
            org.assertj.core.groups.Tuple.tuple("metrics", 8080),
            org.assertj.core.groups.Tuple.tuple("health", 8081));
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getArgs())
        .contains(
            "--leader-election=true",
            "--leader-election-namespace=$(POD_NAMESPACE)",
            "--tracker-service=quayctl-tracker",
            "--bastion-selector=quayctl.io/bastion=true");
    assertThat(
            chart
                .get(PodDisruptionBudget.class, "quayctl-operator")
                .getSpec()
                .getMaxUnavailable()
                .getIntVal())
        .isEqualTo(1);
  }

  @Test
  void operatorPassesImagePullDefaultsOnlyWhenSet() {
    var defaults = operatorArgs(RenderedChart.render());
    var set =
        operatorArgs(
            RenderedChart.render(
                Map.of("seed.defaultDuration", "1h30m", "defaults.parallelism", "25%")));

    assertThat(defaults).noneMatch(a -> a.startsWith("--default-"));
    assertThat(set).contains("--default-seed-duration=1h30m", "--default-parallelism=25%");
  }

  @Test
  void trackerServiceIsFedByTheLeaderUnlessPodSelectorIsChosen() {
    Service byLeader = RenderedChart.render().get(Service.class, "quayctl-tracker");
    Service bySelector =
        RenderedChart.render(Map.of("operator.replicas", "1", "tracker.routing", "podSelector"))
            .get(Service.class, "quayctl-tracker");

    assertThat(byLeader.getSpec().getSelector()).isNullOrEmpty();
    assertThat(byLeader.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("tracker");
              assertThat(p.getPort()).isEqualTo(6969);
            });
    assertThat(bySelector.getSpec().getSelector())
        .containsEntry("app.kubernetes.io/component", "operator");
  }

  @Test
  void serviceMonitorScrapesBothMetricsServicesOnlyWhenEnabled() {
    assertThat(RenderedChart.render().all()).noneMatch(r -> r.getKind().equals("ServiceMonitor"));

    RenderedChart chart = RenderedChart.render(Map.of("metrics.serviceMonitor.enabled", "true"));
    HasMetadata monitor =
        chart.all().stream()
            .filter(r -> r.getKind().equals("ServiceMonitor"))
            .findFirst()
            .orElseThrow();
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    @SuppressWarnings("unchecked")
    Map<String, String> selector =
        (Map<String, String>)
            ((Map<String, Object>)
                    ((io.fabric8.kubernetes.api.model.GenericKubernetesResource) monitor)
                        .get("spec", "selector"))
                .get("matchLabels");
    List<String> scraped =
        chart.all(Service.class).stream()
            .filter(s -> RenderedChart.selects(selector, RenderedChart.labels(s.getMetadata())))
            .map(s -> s.getMetadata().getName())
            .toList();
    assertThat(scraped)
        .containsExactlyInAnyOrder("quayctl-operator-metrics", "quayctl-agent-metrics");
  }

  @Test
  void networkPoliciesOnlyWhenEnabled() {
    assertThat(RenderedChart.render().all(NetworkPolicy.class)).isEmpty();
    assertThat(
            RenderedChart.render(
                    Map.of(
                        "networkPolicy.enabled", "true",
                        "networkPolicy.apiServerCIDRs[0]", "10.96.0.1/32",
                        "networkPolicy.peerCIDRs[0]", "10.0.0.0/16"))
                .all(NetworkPolicy.class))
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "quayctl-agent-ingress",
            "quayctl-worker-egress",
            "quayctl-bastion-egress",
            "quayctl-operator");
  }

  @Test
  void parsingRejectsAMisspelledField() {
    String pod =
        """
        # Source: quayctl/templates/example.yaml
        apiVersion: v1
        kind: Pod
        metadata:
          name: example
        spec:
          containers:
            - name: app
              image: example
              readinessProbe:
                httpGett:
                  path: /readyz
        """;

    assertThatThrownBy(() -> RenderedChart.parse(pod))
        .hasMessageContaining("quayctl/templates/example.yaml")
        .hasMessageContaining("httpGett");
  }

  @Test
  void parsingRejectsAnUnknownKind() {
    String unknown =
        """
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: example
        """;

    assertThatThrownBy(() -> RenderedChart.parse(unknown)).hasMessageContaining("Widget");
  }

  private static List<String> operatorArgs(RenderedChart chart) {
    return chart
        .get(Deployment.class, "quayctl-operator")
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getArgs();
  }

  private static List<PodTemplateSpec> podTemplates(RenderedChart chart) {
    List<PodTemplateSpec> templates = new ArrayList<>();
    chart.all(Deployment.class).forEach(d -> templates.add(d.getSpec().getTemplate()));
    chart.all(DaemonSet.class).forEach(d -> templates.add(d.getSpec().getTemplate()));
    return templates;
  }
}
