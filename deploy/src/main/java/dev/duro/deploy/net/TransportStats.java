package dev.duro.deploy.net;

/**
 * Counters of one {@link TcpTransport}, since it was built. Every message handed to
 * {@link TcpTransport#send} ends in exactly one of {@code written}, {@code droppedOverflow},
 * {@code droppedUnreachable}, {@code droppedOversize} or {@code local}, except those still queued
 * for a connection being made ({@code queued}).
 *
 * @param sent               messages handed to send
 * @param local              messages to this node itself, delivered through its loop
 * @param written            frames handed to a connection (TCP may still lose them if the peer dies)
 * @param queued             messages waiting for a connection now
 * @param droppedOverflow    messages dropped because the connection's buffer was above its high water mark
 * @param droppedUnreachable messages dropped because no connection to the peer could be made (or no address is known)
 * @param droppedOversize    messages dropped because they exceed the frame limit
 * @param received           frames that passed CRC and HMAC and were handed to the loop
 * @param damagedFrames      frames dropped because their CRC32C did not match
 * @param refusedConnections connections closed because a frame failed its HMAC, was too large, or was for another node
 * @param connects           outbound connections made
 * @param connectFailures    outbound connection attempts that failed
 */
public record TransportStats(long sent, long local, long written, long queued, long droppedOverflow,
                             long droppedUnreachable, long droppedOversize, long received, long damagedFrames,
                             long refusedConnections, long connects, long connectFailures) {
}
