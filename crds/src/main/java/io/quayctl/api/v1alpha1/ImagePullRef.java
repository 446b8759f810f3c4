package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** The ImagePull a NodeImage entry belongs to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImagePullRef {
  @Required private String namespace;
  @Required private String name;
  @Required private String uid;

  public ImagePullRef() {}

  public ImagePullRef(String namespace, String name, String uid) {
    this.namespace = namespace;
    this.name = name;
    this.uid = uid;
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

  public String getUid() {
    return uid;
  }

  public void setUid(String uid) {
    this.uid = uid;
  }
}
