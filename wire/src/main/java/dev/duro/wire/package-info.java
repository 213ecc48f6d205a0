/**
 * The client↔gateway protocol: the messages ({@link dev.duro.wire.WireMessage}) and
 * their binary form ({@link dev.duro.wire.WireCodec}). Layout in {@code docs/gateway.md}.
 */
package dev.duro.wire;
