/**
 * The world SPIs: the only way node code touches time, randomness, the network and the disk. The
 * simulator implements them deterministically in one JVM; the deployment with Netty, the system
 * clock and the real filesystem. Code written against them cannot tell which world it is in.
 */
package dev.duro.model.world;
