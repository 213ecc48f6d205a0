package dev.duro.model.world;

/**
 * The code a node runs. {@link #start(World)} is called on the node's loop when the node boots and
 * again after every restart, with a fresh {@link World} whose disk holds whatever survived the
 * crash. Everything the program keeps in memory is lost on a crash; it recovers from its disk.
 */
@FunctionalInterface
public interface NodeProgram {
    void start(World world);
}
