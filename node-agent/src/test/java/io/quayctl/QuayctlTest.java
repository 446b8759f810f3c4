package io.quayctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the entry point sets up slf4j-simple before any logger exists. */
class QuayctlTest {
  private static final String PREFIX = "org.slf4j.simpleLogger.";
  private Properties saved;

  @BeforeEach
  void clearLoggingProperties() {
    saved = (Properties) System.getProperties().clone();
    System.getProperties().keySet().removeIf(k -> k.toString().startsWith(PREFIX));
  }

  @AfterEach
  void restoreProperties() {
    System.setProperties(saved);
  }

  @Test
  void aCommandsWarningsReadLikeItsErrors() {
    Quayctl.configureLogging(false, false);
    assertThat(System.getProperty(PREFIX + "warnLevelString")).isEqualTo("quayctl: warning:");
    assertThat(System.getProperty(PREFIX + "showDateTime")).isEqualTo("false");
    assertThat(System.getProperty(PREFIX + "showThreadName")).isEqualTo("false");
    assertThat(System.getProperty(PREFIX + "showLogName")).isEqualTo("false");
    assertThat(System.getProperty(PREFIX + "levelInBrackets")).isEqualTo("false");
  }

  @Test
  void debugKeepsTimeThreadAndLogger() {
    Quayctl.configureLogging(true, false);
    assertThat(System.getProperty(PREFIX + "showDateTime")).isEqualTo("true");
    assertThat(System.getProperty(PREFIX + "log.io.quayctl")).isEqualTo("debug");
    assertThat(System.getProperty(PREFIX + "warnLevelString")).isNull();
    assertThat(System.getProperty(PREFIX + "showLogName")).isNull();
  }

  @Test
  void theAgentKeepsTheDetailedFormat() {
    Quayctl.configureLogging(false, true);
    assertThat(System.getProperty(PREFIX + "showDateTime")).isEqualTo("true");
    assertThat(System.getProperty(PREFIX + "warnLevelString")).isNull();
  }

  @Test
  void aPropertyGivenToTheJvmWins() {
    System.setProperty(PREFIX + "showDateTime", "true");
    Quayctl.configureLogging(false, false);
    assertThat(System.getProperty(PREFIX + "showDateTime")).isEqualTo("true");
  }
}
