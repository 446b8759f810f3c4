package io.quayctl.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Who may do what: every binding of each ServiceAccount, resolved to its rules. */
class RbacTest {

  static Stream<Map<String, String>> secretScopes() {
    return Stream.of(
        Map.of(),
        Map.of("bastion.secretNamespaces[0]", "team-a", "bastion.secretNamespaces[1]", "team-b"));
  }

  @ParameterizedTest
  @MethodSource("secretScopes")
  void workerCannotReadSecrets(Map<String, String> values) {
    List<Grant> grants = grantsOf(RenderedChart.render(values), "quayctl-worker");

    assertThat(grants)
        .as("worker grants (sanity: it must at least read its NodeImage)")
        .anyMatch(g -> g.allows("quayctl.io", "nodeimages", "watch"));
    assertThat(grants).noneMatch(Grant::touchesSecrets);
  }

  @ParameterizedTest
  @MethodSource("secretScopes")
  void operatorCannotReadSecrets(Map<String, String> values) {
    List<Grant> grants = grantsOf(RenderedChart.render(values), "quayctl-operator");

    assertThat(grants).noneMatch(Grant::touchesSecrets);
  }

  @Test
  void bastionGetsSecretsByNameInEveryNamespaceByDefault() {
    List<Grant> secrets =
        grantsOf(RenderedChart.render(), "quayctl-bastion").stream()
            .filter(Grant::touchesSecrets)
            .toList();

    assertThat(secrets)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.namespace()).as("cluster-wide").isNull();
              assertThat(g.rule().getVerbs()).containsExactly("get");
            });
  }

  @Test
  void bastionSecretNamespacesBindOnlyThoseNamespaces() {
    List<Grant> secrets =
        grantsOf(
                RenderedChart.render(
                    Map.of(
                        "bastion.secretNamespaces[0]", "team-a",
                        "bastion.secretNamespaces[1]", "team-b")),
                "quayctl-bastion")
            .stream()
            .filter(Grant::touchesSecrets)
            .toList();

    assertThat(secrets).extracting(Grant::namespace).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(secrets).allSatisfy(g -> assertThat(g.rule().getVerbs()).containsExactly("get"));
  }

  @Test
  void operatorMayElectALeaderInItsNamespace() {
    List<Grant> grants = grantsOf(RenderedChart.render(), "quayctl-operator");

    for (String verb : List.of("get", "create", "update")) {
      assertThat(grants)
          .as("leases %s", verb)
          .anyMatch(
              g ->
                  RenderedChart.NAMESPACE.equals(g.namespace())
                      && g.allows("coordination.k8s.io", "leases", verb));
    }
  }

  @Test
  void operatorMayWriteOnlyTheTrackerEndpointSliceAfterCreatingIt() {
    List<Grant> slices =
        grantsOf(RenderedChart.render(), "quayctl-operator").stream()
            .filter(g -> g.rule().getResources().contains("endpointslices"))
            .toList();

    assertThat(slices).allMatch(g -> RenderedChart.NAMESPACE.equals(g.namespace()));
    assertThat(slices)
        .filteredOn(g -> g.rule().getVerbs().contains("update"))
        .singleElement()
        .satisfies(g -> assertThat(g.rule().getResourceNames()).containsExactly("quayctl-tracker"));
  }

  @Test
  void operatorManagesImagePullsAndNodeImages() {
    List<Grant> grants = grantsOf(RenderedChart.render(), "quayctl-operator");

    for (String verb : List.of("get", "list", "watch", "update", "patch")) {
      assertThat(grants).anyMatch(g -> g.allows("quayctl.io", "imagepulls", verb));
      assertThat(grants).anyMatch(g -> g.allows("quayctl.io", "imagepulls/status", verb));
    }
    assertThat(grants).anyMatch(g -> g.allows("quayctl.io", "imagepulls/finalizers", "update"));
    for (String verb : List.of("create", "delete", "watch")) {
      assertThat(grants).anyMatch(g -> g.allows("quayctl.io", "nodeimages", verb));
    }
    assertThat(grants).anyMatch(g -> g.allows("", "nodes", "watch"));
    assertThat(grants).anyMatch(g -> g.allows("", "events", "create"));
  }

  @Test
  void agentsMayUpdateNodeImageStatusButNotTheSpec() {
    for (String sa : List.of("quayctl-bastion", "quayctl-worker")) {
      List<Grant> grants = grantsOf(RenderedChart.render(), sa);

      assertThat(grants)
          .as(sa)
          .anyMatch(g -> g.allows("quayctl.io", "nodeimages/status", "update"));
      assertThat(grants).as(sa).noneMatch(g -> g.allows("quayctl.io", "nodeimages", "update"));
      assertThat(grants).as(sa).noneMatch(g -> g.allows("quayctl.io", "nodeimages", "create"));
    }
  }

  @Test
  void noRuleUsesWildcards() {
    RenderedChart chart = RenderedChart.render();
    Stream.concat(
            chart.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
            chart.all(Role.class).stream().flatMap(r -> r.getRules().stream()))
        .forEach(
            rule -> {
              assertThat(rule.getVerbs()).doesNotContain("*");
              assertThat(rule.getResources()).doesNotContain("*");
              assertThat(rule.getApiGroups()).doesNotContain("*");
            });
  }

  /** One rule that a ServiceAccount holds, and the namespace it holds it in (null: all). */
  record Grant(String namespace, PolicyRule rule) {
    boolean allows(String apiGroup, String resource, String verb) {
      return rule.getApiGroups().contains(apiGroup)
          && rule.getResources().contains(resource)
          && rule.getVerbs().contains(verb);
    }

    boolean touchesSecrets() {
      return (rule.getApiGroups().contains("") || rule.getApiGroups().contains("*"))
          && (rule.getResources().contains("secrets") || rule.getResources().contains("*"));
    }
  }

  /** Every rule bound to the ServiceAccount in the release namespace, by any binding. */
  static List<Grant> grantsOf(RenderedChart chart, String serviceAccount) {
    List<Grant> grants = new ArrayList<>();
    for (ClusterRoleBinding binding : chart.all(ClusterRoleBinding.class)) {
      if (binds(binding.getSubjects(), serviceAccount)) {
        grants.addAll(rules(chart, binding.getRoleRef(), null, null));
      }
    }
    for (RoleBinding binding : chart.all(RoleBinding.class)) {
      if (binds(binding.getSubjects(), serviceAccount)) {
        String namespace = binding.getMetadata().getNamespace();
        grants.addAll(rules(chart, binding.getRoleRef(), namespace, namespace));
      }
    }
    return grants;
  }

  private static boolean binds(List<Subject> subjects, String serviceAccount) {
    return subjects.stream()
        .anyMatch(
            s ->
                s.getKind().equals("ServiceAccount")
                    && s.getName().equals(serviceAccount)
                    && RenderedChart.NAMESPACE.equals(s.getNamespace()));
  }

  private static List<Grant> rules(
      RenderedChart chart, RoleRef ref, String bindingNamespace, String grantNamespace) {
    List<PolicyRule> rules =
        switch (ref.getKind()) {
          case "ClusterRole" -> chart.get(ClusterRole.class, ref.getName()).getRules();
          case "Role" ->
              chart.all(Role.class).stream()
                  .filter(r -> r.getMetadata().getName().equals(ref.getName()))
                  .filter(r -> r.getMetadata().getNamespace().equals(bindingNamespace))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError("No Role " + ref.getName()))
                  .getRules();
          default -> throw new AssertionError("Unknown roleRef kind " + ref.getKind());
        };
    return rules.stream().map(r -> new Grant(grantNamespace, r)).toList();
  }
}
