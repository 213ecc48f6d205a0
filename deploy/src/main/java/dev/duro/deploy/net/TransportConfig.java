package dev.duro.deploy.net;

import dev.duro.model.world.NodeId;
import dev.duro.wire.WireCodec;
import dev.duro.runtime.replication.MessageCodec;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * How one node's {@link TcpTransport} listens and reaches its peers.
 *
 * @param self               this node
 * @param listen             where it accepts peers' connections (port 0: any free port, see {@link TcpTransport#boundAddress()})
 * @param peers              where each other node listens; read at every connection attempt, so a concurrent map
 *                           may be filled after start. A node that is not in it (a client that does not listen) is
 *                           answered over the connection it opened, if that is still up.
 * @param clusterSecret      key of every frame's HMAC-SHA256; at least {@link FrameCodec#MIN_SECRET_BYTES} bytes
 * @param maxPayloadBytes    largest message sent or accepted; larger ones are dropped (sending) or close the
 *                           connection (receiving)
 * @param writeLowBytes      Netty's low write-buffer water mark: the channel is writable again below it
 * @param writeHighBytes     Netty's high water mark: at or above it the channel is not writable and messages are
 *                           dropped; also the bound of messages queued while a connection is being made
 * @param reconnectMinNanos  first delay before a failed connection is tried again
 * @param reconnectMaxNanos  the delay doubles per failure up to this
 * @param connectTimeoutMillis how long one connection attempt may take
 */
public record TransportConfig(NodeId self, InetSocketAddress listen, Map<NodeId, InetSocketAddress> peers,
                              byte[] clusterSecret, int maxPayloadBytes, int writeLowBytes, int writeHighBytes,
                              long reconnectMinNanos, long reconnectMaxNanos, int connectTimeoutMillis) {
    /** Large enough for the largest message the runtime encodes (a replication frame or a gateway frame). */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = Math.max(MessageCodec.MAX_FRAME_BYTES, WireCodec.MAX_FRAME_BYTES);
    public static final int DEFAULT_WRITE_LOW_BYTES = 1 << 20;
    public static final int DEFAULT_WRITE_HIGH_BYTES = 4 << 20;
    public static final long DEFAULT_RECONNECT_MIN_NANOS = 50_000_000L;
    public static final long DEFAULT_RECONNECT_MAX_NANOS = 2_000_000_000L;
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 2_000;

    public TransportConfig {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(peers, "peers");
        Objects.requireNonNull(clusterSecret, "clusterSecret");
        if (clusterSecret.length < FrameCodec.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the cluster secret must be at least " + FrameCodec.MIN_SECRET_BYTES
                    + " bytes, got " + clusterSecret.length);
        }
        clusterSecret = clusterSecret.clone();
        if (maxPayloadBytes <= 0) throw new IllegalArgumentException("maxPayloadBytes must be > 0, got " + maxPayloadBytes);
        if (writeLowBytes <= 0 || writeHighBytes < writeLowBytes) {
            throw new IllegalArgumentException("need 0 < writeLowBytes <= writeHighBytes, got " + writeLowBytes + " and " + writeHighBytes);
        }
        if (reconnectMinNanos <= 0 || reconnectMaxNanos < reconnectMinNanos) {
            throw new IllegalArgumentException("need 0 < reconnectMinNanos <= reconnectMaxNanos, got " + reconnectMinNanos
                    + " and " + reconnectMaxNanos);
        }
        if (connectTimeoutMillis <= 0) throw new IllegalArgumentException("connectTimeoutMillis must be > 0");
    }

    /** The defaults above for everything but addresses and secret. */
    public static TransportConfig of(NodeId self, InetSocketAddress listen, Map<NodeId, InetSocketAddress> peers,
                                     byte[] clusterSecret) {
        return new TransportConfig(self, listen, peers, clusterSecret, DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_WRITE_LOW_BYTES,
                DEFAULT_WRITE_HIGH_BYTES, DEFAULT_RECONNECT_MIN_NANOS, DEFAULT_RECONNECT_MAX_NANOS,
                DEFAULT_CONNECT_TIMEOUT_MILLIS);
    }

    public TransportConfig withMaxPayloadBytes(int bytes) {
        return new TransportConfig(self, listen, peers, clusterSecret, bytes, writeLowBytes, writeHighBytes,
                reconnectMinNanos, reconnectMaxNanos, connectTimeoutMillis);
    }

    public TransportConfig withWriteBuffer(int lowBytes, int highBytes) {
        return new TransportConfig(self, listen, peers, clusterSecret, maxPayloadBytes, lowBytes, highBytes,
                reconnectMinNanos, reconnectMaxNanos, connectTimeoutMillis);
    }

    public TransportConfig withListen(InetSocketAddress address) {
        return new TransportConfig(self, address, peers, clusterSecret, maxPayloadBytes, writeLowBytes, writeHighBytes,
                reconnectMinNanos, reconnectMaxNanos, connectTimeoutMillis);
    }

    public TransportConfig withSecret(byte[] secret) {
        return new TransportConfig(self, listen, peers, secret, maxPayloadBytes, writeLowBytes, writeHighBytes,
                reconnectMinNanos, reconnectMaxNanos, connectTimeoutMillis);
    }

    @Override
    public String toString() { // never the secret
        return "TransportConfig[" + self + " listen=" + listen + " peers=" + peers.keySet() + " maxPayloadBytes="
                + maxPayloadBytes + " writeBuffer=" + writeLowBytes + ".." + writeHighBytes + "]";
    }
}
