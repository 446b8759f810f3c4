package io.quayctl.testing;

import java.net.http.HttpClient;
import java.time.Duration;

/** A registry {@link ImageFixtures} can push to: its base URL and the credentials to push. */
public interface PushTarget {

  /** The registry's base URL as this JVM reaches it, e.g. {@code http://127.0.0.1:5000}. */
  String url();

  /** The {@code Authorization} header value for pushing to {@code repository}, or null. */
  String pushAuthorization(String repository);

  /** The client to push with; by default a shared one with the JVM's usual trust. */
  default HttpClient client() {
    return ImageFixtures.HTTP;
  }

  /** How long one push request may take. */
  default Duration timeout() {
    return Duration.ofSeconds(30);
  }

  /** An anonymous registry at {@code url}. */
  static PushTarget anonymous(String url) {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    return new PushTarget() {
      @Override
      public String url() {
        return base;
      }

      @Override
      public String pushAuthorization(String repository) {
        return null;
      }
    };
  }
}
