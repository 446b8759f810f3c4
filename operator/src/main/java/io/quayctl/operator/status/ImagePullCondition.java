package io.quayctl.operator.status;

/** The condition types an ImagePull reports. */
public final class ImagePullCondition {
  /** The reference is resolved to a digest and layers. */
  public static final String RESOLVED = "Resolved";

  /** Nodes are resolving or pulling. */
  public static final String PROGRESSING = "Progressing";

  /** Every desired node has the image. */
  public static final String COMPLETE = "Complete";

  /** The ImagePull cannot complete: invalid, resolve failed, or nodes failed for good. */
  public static final String FAILED = "Failed";

  private ImagePullCondition() {}
}
