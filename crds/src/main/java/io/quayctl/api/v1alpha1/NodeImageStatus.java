package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** The agent's report on each image of its node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeImageStatus {
  private List<NodeImageEntryStatus> images = new ArrayList<>();

  public List<NodeImageEntryStatus> getImages() {
    return images;
  }

  public void setImages(List<NodeImageEntryStatus> images) {
    this.images = images;
  }
}
