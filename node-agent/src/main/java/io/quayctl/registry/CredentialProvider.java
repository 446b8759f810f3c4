package io.quayctl.registry;

import io.quayctl.api.ImageReference;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Finds the login to use for a registry. */
public interface CredentialProvider {

  /**
   * The credentials for {@code registry} as {@link ImageReference#registry()} names it ({@code
   * docker.io}, {@code myreg:5000}), if any.
   */
  Optional<Credentials> find(String registry) throws IOException;

  /** Where this provider looks, for messages when nothing was found or access was denied. */
  String describe();

  /** Anonymous access only. */
  CredentialProvider NONE =
      new CredentialProvider() {
        @Override
        public Optional<Credentials> find(String registry) {
          return Optional.empty();
        }

        @Override
        public String describe() {
          return "no credentials configured";
        }
      };

  /** Asks each provider in turn and returns the first answer (pull secrets, then config). */
  static CredentialProvider firstOf(List<? extends CredentialProvider> providers) {
    List<CredentialProvider> copy = List.copyOf(providers);
    return new CredentialProvider() {
      @Override
      public Optional<Credentials> find(String registry) throws IOException {
        for (CredentialProvider p : copy) {
          Optional<Credentials> found = p.find(registry);
          if (found.isPresent()) {
            return found;
          }
        }
        return Optional.empty();
      }

      @Override
      public String describe() {
        return copy.isEmpty()
            ? NONE.describe()
            : String.join("; ", copy.stream().map(CredentialProvider::describe).toList());
      }
    };
  }
}
