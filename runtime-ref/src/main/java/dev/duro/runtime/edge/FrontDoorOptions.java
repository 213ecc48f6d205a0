package dev.duro.runtime.edge;

/**
 * How a {@link NodeFrontDoor} remembers calls and sockets.
 *
 * @param dedupWindow          how many recent dedup keys are remembered, so a duplicated call runs once
 * @param maxErrorMessageChars longer error messages are cut before they leave the door
 * @param adoptTimeoutNanos    a WebSocket the object accepted but no edge adapter adopted within
 *                             this long is closed towards the object with 1006 (the client is gone)
 */
public record FrontDoorOptions(int dedupWindow, int maxErrorMessageChars, long adoptTimeoutNanos) {
    public FrontDoorOptions {
        if (dedupWindow < 1 || maxErrorMessageChars < 16 || adoptTimeoutNanos <= 0) {
            throw new IllegalArgumentException("need dedupWindow >= 1, maxErrorMessageChars >= 16 and a positive adopt timeout");
        }
    }

    /** 65,536 remembered calls, 4,096-char messages, 15 s to adopt a socket. */
    public static FrontDoorOptions defaults() {
        return new FrontDoorOptions(65_536, 4096, 15_000_000_000L);
    }
}
