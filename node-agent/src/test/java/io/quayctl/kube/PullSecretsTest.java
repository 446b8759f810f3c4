package io.quayctl.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.quayctl.api.v1alpha1.SecretRef;
import io.quayctl.registry.CredentialProvider;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class PullSecretsTest {
  KubernetesClient client;

  @Test
  void readsDockerConfigJsonSecretsInOrder() throws Exception {
    secret("first", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", auths("a.io", "u1:p1"));
    secret("second", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", auths("b.io", "u2:p2"));
    CredentialProvider c =
        new PullSecrets(client)
            .credentials(List.of(new SecretRef("apps", "first"), new SecretRef("apps", "second")));
    assertThat(c.find("a.io")).isPresent();
    assertThat(c.find("b.io")).isPresent();
    assertThat(c.find("c.io")).isEmpty();
    assertThat(new PullSecrets(client).credentials(List.of())).isSameAs(CredentialProvider.NONE);
  }

  @Test
  void aMissingSecretIsSecretNotFoundAndAnUnusableOnePullSecretInvalid() {
    PullSecrets secrets = new PullSecrets(client);
    assertThatThrownBy(() -> secrets.credentials(List.of(new SecretRef("apps", "nope"))))
        .isInstanceOfSatisfying(
            PullSecretException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("SecretNotFound");
              assertThat(e.getMessage()).contains("apps/nope");
            });
    secret("opaque", "Opaque", "password", "hunter2");
    assertThatThrownBy(() -> secrets.credentials(List.of(new SecretRef("apps", "opaque"))))
        .isInstanceOfSatisfying(
            PullSecretException.class, e -> assertThat(e.reason()).isEqualTo("PullSecretInvalid"));
    secret("garbled", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", "{not json");
    assertThatThrownBy(() -> secrets.credentials(List.of(new SecretRef("apps", "garbled"))))
        .isInstanceOfSatisfying(
            PullSecretException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("PullSecretInvalid");
              assertThat(e.getMessage()).doesNotContain("not json");
            });
  }

  private void secret(String name, String type, String key, String content) {
    client
        .secrets()
        .inNamespace("apps")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("apps")
                .endMetadata()
                .withType(type)
                .addToData(
                    key,
                    Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
  }

  private static String auths(String registry, String userPassword) {
    String auth = Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
    return "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}";
  }
}
