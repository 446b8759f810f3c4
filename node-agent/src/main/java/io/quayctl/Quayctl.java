package io.quayctl;

/** Entry point of the {@code quayctl} command line. */
public final class Quayctl {
  private Quayctl() {}

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.out.println("quayctl");
  }
}
