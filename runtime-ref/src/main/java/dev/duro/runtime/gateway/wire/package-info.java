/**
 * The client↔gateway protocol: the messages ({@link dev.duro.runtime.gateway.wire.WireMessage}) and
 * their binary form ({@link dev.duro.runtime.gateway.wire.WireCodec}). Layout in {@code docs/gateway.md}.
 */
package dev.duro.runtime.gateway.wire;
