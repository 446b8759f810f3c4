package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One layer blob of a resolved image and the infohash of its torrent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Layer {
  public static final String DIGEST_PATTERN = "^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$";

  @Required
  @Pattern(DIGEST_PATTERN)
  private String digest;

  @Min(0)
  private Long size;

  @Pattern("^[0-9a-f]{40}$")
  private String infohash;

  public Layer() {}

  public Layer(String digest, Long size, String infohash) {
    this.digest = digest;
    this.size = size;
    this.infohash = infohash;
  }

  public String getDigest() {
    return digest;
  }

  public void setDigest(String digest) {
    this.digest = digest;
  }

  public Long getSize() {
    return size;
  }

  public void setSize(Long size) {
    this.size = size;
  }

  public String getInfohash() {
    return infohash;
  }

  public void setInfohash(String infohash) {
    this.infohash = infohash;
  }
}
