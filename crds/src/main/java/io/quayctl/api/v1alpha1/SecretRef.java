package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A pull secret by namespace and name; only bastion agents may read it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretRef {
  @Required private String namespace;
  @Required private String name;

  public SecretRef() {}

  public SecretRef(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
