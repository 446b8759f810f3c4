/**
 * The node agent's only contact with the Kubernetes API server: it watches the NodeImage named
 * after its node, writes that NodeImage's status, and (on bastions) reads the pull secrets the
 * NodeImage names.
 */
package io.quayctl.kube;
