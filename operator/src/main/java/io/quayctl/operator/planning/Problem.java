package io.quayctl.operator.planning;

/** Something wrong with the ImagePull itself that only the operator can judge. */
public record Problem(String reason, String message) {}
