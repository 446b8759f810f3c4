package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** The images this node must have, one entry per ImagePull. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeImageSpec {
  private List<NodeImageEntry> images = new ArrayList<>();

  public List<NodeImageEntry> getImages() {
    return images;
  }

  public void setImages(List<NodeImageEntry> images) {
    this.images = images;
  }
}
