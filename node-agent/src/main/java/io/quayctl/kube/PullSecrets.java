package io.quayctl.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quayctl.api.v1alpha1.SecretRef;
import io.quayctl.registry.CredentialProvider;
import io.quayctl.registry.DockerCredentials;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads the pull secrets a bastion's NodeImage entry names ({@code get} by name only, as the
 * chart's RBAC allows) and turns them into registry credentials, asked in the order given.
 */
public final class PullSecrets {
  static final String DOCKER_CONFIG_JSON_TYPE = "kubernetes.io/dockerconfigjson";
  static final String DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";
  static final String DOCKERCFG_TYPE = "kubernetes.io/dockercfg";
  static final String DOCKERCFG_KEY = ".dockercfg";

  private final KubernetesClient client;

  /** Reads secrets through {@code client}. */
  public PullSecrets(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The credentials of every named secret, first match wins; {@link CredentialProvider#NONE} when
   * none is named. Fails with {@link PullSecretException} naming the first unusable secret.
   */
  public CredentialProvider credentials(List<SecretRef> refs) throws PullSecretException {
    if (refs == null || refs.isEmpty()) {
      return CredentialProvider.NONE;
    }
    List<CredentialProvider> providers = new ArrayList<>();
    for (SecretRef ref : refs) {
      providers.add(read(ref));
    }
    return CredentialProvider.firstOf(providers);
  }

  private DockerCredentials read(SecretRef ref) throws PullSecretException {
    String name = ref.getNamespace() + "/" + ref.getName();
    Secret secret;
    try {
      secret = client.secrets().inNamespace(ref.getNamespace()).withName(ref.getName()).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
        throw new PullSecretException(
            PullSecretException.NOT_FOUND,
            "pull secret "
                + name
                + " cannot be read: this bastion's ServiceAccount may not get Secrets in "
                + ref.getNamespace()
                + " (see the chart's bastion.secretNamespaces)");
      }
      throw e;
    }
    if (secret == null) {
      throw new PullSecretException(
          PullSecretException.NOT_FOUND, "pull secret " + name + " not found");
    }
    return parse(name, secret);
  }

  /** The Docker credentials in a {@code dockerconfigjson} or legacy {@code dockercfg} Secret. */
  static DockerCredentials parse(String name, Secret secret) throws PullSecretException {
    String type = secret.getType();
    String key;
    if (DOCKER_CONFIG_JSON_TYPE.equals(type)) {
      key = DOCKER_CONFIG_JSON_KEY;
    } else if (DOCKERCFG_TYPE.equals(type)) {
      key = DOCKERCFG_KEY;
    } else {
      throw new PullSecretException(
          PullSecretException.INVALID,
          "pull secret "
              + name
              + " has type "
              + type
              + "; expected "
              + DOCKER_CONFIG_JSON_TYPE
              + " (kubectl create secret docker-registry)");
    }
    Map<String, String> data = secret.getData();
    String encoded = data == null ? null : data.get(key);
    if (encoded == null) {
      throw new PullSecretException(
          PullSecretException.INVALID, "pull secret " + name + " has no " + key + " key");
    }
    byte[] content;
    try {
      content = Base64.getDecoder().decode(encoded.strip());
    } catch (IllegalArgumentException e) {
      throw new PullSecretException(
          PullSecretException.INVALID, "pull secret " + name + ": " + key + " is not base64");
    }
    try {
      return DockerCredentials.fromDockerConfigJson(content, "pull secret " + name);
    } catch (IOException e) {
      throw new PullSecretException(PullSecretException.INVALID, e.getMessage());
    }
  }
}
