package io.quayctl.testing;

import io.quayctl.registry.Platform;
import io.quayctl.testing.ImageFixtures.Image;
import io.quayctl.testing.ImageFixtures.Layer;

/**
 * Builds a test image of random (incompressible) layers and pushes it to an anonymous registry, for
 * scripts such as {@code scripts/demo-swarm}:
 *
 * <pre>
 * java -cp TEST_CLASSPATH io.quayctl.testing.PushTestImage http://HOST:PORT REPO:TAG LAYERS MIB
 * </pre>
 *
 * <p>Prints {@code manifest DIGEST}, {@code config DIGEST} and {@code layer DIGEST SIZE} lines.
 */
public final class PushTestImage {
  private PushTestImage() {}

  /** Entry point; exits 2 on bad arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length != 4 || !args[1].contains(":")) {
      System.err.println(
          "usage: PushTestImage http://HOST:PORT REPOSITORY:TAG LAYERS MIB_PER_LAYER");
      System.exit(2);
    }
    String repository = args[1].substring(0, args[1].lastIndexOf(':'));
    String tag = args[1].substring(args[1].lastIndexOf(':') + 1);
    int layers = Integer.parseInt(args[2]);
    long bytes = (long) (Double.parseDouble(args[3]) * 1024 * 1024);
    String name = repository.replaceAll("[^a-z0-9]+", "-") + "-" + tag;
    Image image = ImageFixtures.image(name, layers, bytes, Platform.current());
    ImageFixtures.push(PushTarget.anonymous(args[0]), repository, tag, image);
    System.out.println("manifest " + image.manifestDigest());
    System.out.println("config " + image.configDigest() + " " + image.config().length);
    for (Layer l : image.layers()) {
      System.out.println("layer " + l.digest() + " " + l.gzipped().length);
    }
  }
}
