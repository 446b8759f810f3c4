package io.quayctl.registry;

import java.util.Objects;

/**
 * A login for one registry: a username and password, or an identity (refresh) token. {@link
 * #toString()} never shows the secret.
 *
 * @param username the user name; {@code null} with an identity token only
 * @param password the password or personal access token; {@code null} with an identity token
 * @param identityToken an OAuth2 refresh token for the registry's token server, or {@code null}
 * @param origin where the credentials came from, for messages (never secret)
 */
public record Credentials(String username, String password, String identityToken, String origin) {

  public Credentials {
    Objects.requireNonNull(origin, "origin");
    if (identityToken == null && (username == null || password == null)) {
      throw new IllegalArgumentException(
          "credentials from " + origin + " need a username and password, or an identity token");
    }
  }

  /** A username and password. */
  public static Credentials basic(String username, String password, String origin) {
    return new Credentials(username, password, null, origin);
  }

  /** Whether these are an identity token rather than a password. */
  public boolean hasIdentityToken() {
    return identityToken != null;
  }

  @Override
  public String toString() {
    return "Credentials[user="
        + (username == null ? "<identity token>" : username)
        + ", from "
        + origin
        + "]";
  }
}
