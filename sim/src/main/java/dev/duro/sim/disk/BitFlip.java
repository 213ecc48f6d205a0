package dev.duro.sim.disk;

/** One injected bit flip in durable data: byte {@code offset} of the file, bit {@code bit} (0 = least significant). */
public record BitFlip(String path, long offset, int bit) {}
