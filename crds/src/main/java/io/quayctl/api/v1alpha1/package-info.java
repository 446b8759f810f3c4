/**
 * The {@code quayctl.io/v1alpha1} API: {@link io.quayctl.api.v1alpha1.ImagePull}, which users
 * write, and {@link io.quayctl.api.v1alpha1.NodeImage}, through which the operator talks to each
 * node's agent.
 */
package io.quayctl.api.v1alpha1;
