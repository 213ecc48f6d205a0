/** A runtime node: the program that mounts the log store, the object host and the gateway on a World. */
package dev.duro.runtime.node;
