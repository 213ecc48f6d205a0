package dev.duro.deploy.net;

import dev.duro.deploy.faults.LinkFaults;
import dev.duro.deploy.world.NettyLoop;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@link Transport} over TCP: one outbound connection per peer, made on demand and again after it
 * drops (exponential backoff from {@link TransportConfig#reconnectMinNanos()} to
 * {@link TransportConfig#reconnectMaxNanos()}, with jitter); frames as {@link FrameCodec} writes
 * them; every channel on the node's own event loop, so a received message is handed to the loop
 * without crossing threads.
 *
 * <p><b>Loss, never unbounded memory.</b> A message is dropped and counted ({@link #stats()}) when
 * its connection is above the high water mark, when it is larger than the frame limit, and when
 * the peer cannot be reached (messages queued during a failed attempt go with it). The runtime
 * sees these as the network loss the {@link Transport} contract already allows.
 *
 * <p><b>Authentication.</b> Every frame carries an HMAC-SHA256 keyed by the cluster secret and is
 * checked before its message is handed on; a peer whose frame fails the check, announces a frame
 * over the limit, or sends a frame meant for another node is refused: the connection is closed and
 * the reason logged. A damaged frame (CRC mismatch) is only dropped. An attacker who can record
 * traffic can replay frames: the runtime tolerates that as duplicated, late delivery, which the
 * contract allows; frames are not encrypted.
 *
 * <p>All state is confined to the event loop; {@link #send} and {@link #close} may be called from
 * any thread.
 */
public final class TcpTransport implements Transport {
    private static final long REFUSAL_LOG_NANOS = 10_000_000_000L;
    private final TransportConfig config;
    /** Refusal log lines, event loop only: when the last was written and how many were left out since. */
    private long lastRefusalLogNanos;
    private long refusalsUnlogged;
    private final NettyLoop loop;
    private final EventLoop eventLoop;
    private final FrameCodec codec;
    private final Entropy jitter;
    private final Consumer<String> log;
    /** Test-only frame faults ({@code duro node --fault-admin-port}); null in every other node. */
    private final LinkFaults faults;
    private final Map<NodeId, Peer> outbound = new HashMap<>();
    /** The last authenticated connection each node opened to us: how nodes without an address are answered. */
    private final Map<NodeId, Channel> inbound = new HashMap<>();
    private final Counters counters = new Counters();
    private volatile Receiver receiver;
    private Channel server;
    private boolean closed;

    private TcpTransport(TransportConfig config, NettyLoop loop, Entropy jitter, Consumer<String> log, LinkFaults faults) {
        this.config = config;
        this.faults = faults;
        this.loop = loop;
        this.eventLoop = loop.eventLoop();
        this.codec = new FrameCodec(config.clusterSecret(), config.maxPayloadBytes());
        this.jitter = jitter;
        this.log = log;
    }

    /**
     * Binds the listening socket (blocking the caller, which must not be the event loop) and
     * returns the transport; connections to peers are made on the first send to each.
     *
     * @throws IllegalStateException with a one-line reason when the address cannot be bound
     */
    public static TcpTransport bind(TransportConfig config, NettyLoop loop, Entropy jitter, Consumer<String> log) {
        return bind(config, loop, jitter, log, null);
    }

    /** {@link #bind(TransportConfig, NettyLoop, Entropy, Consumer)} with test-only frame faults ({@code faults} may be null: none). */
    public static TcpTransport bind(TransportConfig config, NettyLoop loop, Entropy jitter, Consumer<String> log, LinkFaults faults) {
        Objects.requireNonNull(config, "config");
        Invariants.check(!loop.inLoop(), "bind blocks: call it from outside the node's loop");
        TcpTransport t = new TcpTransport(config, loop, Objects.requireNonNull(jitter, "jitter"), Objects.requireNonNull(log, "log"),
                faults);
        ServerBootstrap b = new ServerBootstrap()
                .group(t.eventLoop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, t.waterMark())
                .childHandler(t.initializer(null));
        ChannelFuture bound = b.bind(config.listen()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException(config.self() + " cannot listen on " + config.listen() + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        t.server = bound.channel();
        return t;
    }

    /** Where this node actually listens (the port chosen when the configured one was 0). */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public NodeId self() {
        return config.self();
    }

    @Override
    public void onReceive(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void send(NodeId to, byte[] message) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(message, "message");
        if (!eventLoop.inEventLoop()) {
            try {
                eventLoop.execute(() -> send(to, message));
            } catch (RejectedExecutionException e) {
                // the node is shutting down: the message is lost with it
            }
            return;
        }
        if (closed) return;
        if (faults != null && !to.equals(self()) && faults.dropsTo(to)) return; // counted by the faults, not sent
        counters.sent.incrementAndGet();
        if (message.length > config.maxPayloadBytes()) {
            long n = counters.droppedOversize.incrementAndGet();
            if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, ...: visible, never a flood
                log.accept(self() + ": dropped a message of " + message.length + " bytes to " + to
                        + ": it exceeds the frame limit of " + config.maxPayloadBytes() + " bytes (" + n + " so far)");
            }
            return;
        }
        if (to.equals(self())) {
            counters.local.incrementAndGet();
            deliver(to, message);
            return;
        }
        InetSocketAddress address = config.peers().get(to);
        if (address == null) {
            Channel back = inbound.get(to);
            if (back == null || !back.isActive()) {
                counters.droppedUnreachable.incrementAndGet();
            } else {
                write(back, to, message);
            }
            return;
        }
        Peer peer = outbound.computeIfAbsent(to, Peer::new);
        if (peer.channel != null) {
            write(peer.channel, to, message);
            return;
        }
        int frameBytes = FrameCodec.frameBytes(message.length);
        if (peer.queuedBytes + frameBytes > config.writeHighBytes()) {
            counters.droppedOverflow.incrementAndGet();
            return;
        }
        peer.queue.add(message);
        peer.queuedBytes += frameBytes;
        counters.queued.incrementAndGet();
        if (!peer.connecting && peer.retry == null) connect(peer);
    }

    /** Counters so far; any thread. */
    public TransportStats stats() {
        Counters c = counters;
        return new TransportStats(c.sent.get(), c.local.get(), c.written.get(), c.queued.get(), c.droppedOverflow.get(),
                c.droppedUnreachable.get(), c.droppedOversize.get(), c.received.get(), c.damagedFrames.get(),
                c.refusedConnections.get(), c.connects.get(), c.connectFailures.get());
    }

    /** Closes the listener and every connection, and drops queued messages; waits up to 10 s. Any thread but the loop's. */
    public void close() {
        Invariants.check(!eventLoop.inEventLoop(), "close waits for the event loop: call it from another thread");
        io.netty.util.concurrent.Promise<Void> done = eventLoop.newPromise();
        try {
            eventLoop.execute(() -> {
                closeOnLoop();
                done.setSuccess(null);
            });
        } catch (RejectedExecutionException e) {
            return; // the event loop is already gone, and every channel with it
        }
        done.awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private void closeOnLoop() {
        if (closed) return;
        closed = true;
        if (server != null) server.close();
        for (Peer p : outbound.values()) {
            if (p.retry != null) p.retry.cancel(false);
            if (p.channel != null) p.channel.close();
            counters.queued.addAndGet(-p.queue.size());
            counters.droppedUnreachable.addAndGet(p.queue.size());
            p.queue.clear();
        }
        List<Channel> accepted = List.copyOf(inbound.values()); // closing one removes it from the map
        inbound.clear();
        for (Channel c : accepted) c.close();
    }

    // ---------------------------------------------------------------- outbound

    private void write(Channel channel, NodeId to, byte[] message) {
        if (!channel.isWritable()) {
            counters.droppedOverflow.incrementAndGet();
            return;
        }
        counters.written.incrementAndGet();
        channel.writeAndFlush(codec.encode(channel.alloc(), self(), to, message), channel.voidPromise());
    }

    private void connect(Peer peer) {
        peer.retry = null;
        if (closed) return;
        InetSocketAddress address = config.peers().get(peer.id);
        if (address == null) {
            connectFailed(peer, "no address is configured");
            return;
        }
        peer.connecting = true;
        Bootstrap b = new Bootstrap()
                .group(eventLoop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeoutMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .handler(initializer(peer.id));
        b.connect(address).addListener((ChannelFuture f) -> {
            peer.connecting = false;
            if (!f.isSuccess()) {
                connectFailed(peer, f.cause() == null ? "cancelled" : f.cause().getMessage());
                return;
            }
            Channel ch = f.channel();
            if (closed) {
                ch.close();
                return;
            }
            counters.connects.incrementAndGet();
            peer.failures = 0;
            peer.channel = ch;
            ch.closeFuture().addListener(cf -> onOutboundClosed(peer, ch));
            while (!peer.queue.isEmpty()) {
                counters.queued.decrementAndGet();
                write(ch, peer.id, peer.queue.poll());
            }
            peer.queuedBytes = 0;
        });
    }

    private void connectFailed(Peer peer, String why) {
        counters.connectFailures.incrementAndGet();
        counters.queued.addAndGet(-peer.queue.size());
        counters.droppedUnreachable.addAndGet(peer.queue.size());
        peer.queue.clear();
        peer.queuedBytes = 0;
        peer.failures++;
        if (peer.failures == 1) log.accept(self() + ": cannot reach " + peer.id + " (" + why + "); retrying with backoff");
        scheduleReconnect(peer);
    }

    private void onOutboundClosed(Peer peer, Channel ch) {
        if (peer.channel != ch) return;
        peer.channel = null;
        if (!closed) scheduleReconnect(peer);
    }

    /** Keeps a connection to every peer once used: heartbeats flow both ways all the time anyway. */
    private void scheduleReconnect(Peer peer) {
        if (closed || peer.retry != null) return;
        long base = config.reconnectMinNanos() << Math.min(Math.max(peer.failures - 1, 0), 20);
        long delay = Math.min(config.reconnectMaxNanos(), base);
        delay = delay / 2 + jitter.nextLong(delay / 2 + 1); // in [delay/2, delay]: peers restarted together spread out
        peer.retry = eventLoop.schedule(() -> connect(peer), delay, TimeUnit.NANOSECONDS);
    }

    private WriteBufferWaterMark waterMark() {
        return new WriteBufferWaterMark(config.writeLowBytes(), config.writeHighBytes());
    }

    // ---------------------------------------------------------------- inbound (both directions read)

    private ChannelInitializer<SocketChannel> initializer(NodeId dialed) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new FrameReader(dialed));
            }
        };
    }

    private void deliver(NodeId from, byte[] payload) {
        loop.execute(() -> {
            Receiver r = receiver;
            if (r != null) r.receive(from, payload);
        });
    }

    /**
     * Closes a connection that broke the frame rules. At most one log line per
     * {@link #REFUSAL_LOG_NANOS}, naming how many were left out: anyone who can reach the port
     * can cause refusals, and must not be able to fill the node's log (every refusal is counted).
     */
    private void refuse(ChannelHandlerContext ctx, String why) {
        counters.refusedConnections.incrementAndGet();
        long now = System.nanoTime();
        if (lastRefusalLogNanos != 0 && now - lastRefusalLogNanos < REFUSAL_LOG_NANOS) {
            refusalsUnlogged++;
        } else {
            SocketAddress remote = ctx.channel().remoteAddress();
            String more = refusalsUnlogged == 0 ? "" : " (and " + refusalsUnlogged + " more refused since the last such line)";
            log.accept(self() + ": refused the connection with " + remote + ": " + why + more);
            refusalsUnlogged = 0;
            lastRefusalLogNanos = now;
        }
        ctx.close();
    }

    /** Splits the stream into frames and checks each before anything reaches the loop. */
    private final class FrameReader extends ByteToMessageDecoder {
        /** The peer this connection was dialed to, or null for an accepted one. */
        private final NodeId dialed;
        private boolean refused;

        FrameReader(NodeId dialed) {
            this.dialed = dialed;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (!refused && in.readableBytes() >= FrameCodec.LENGTH_BYTES) {
                int bodyBytes = in.getInt(in.readerIndex());
                if (bodyBytes < FrameCodec.OVERHEAD_BYTES || bodyBytes - FrameCodec.OVERHEAD_BYTES > config.maxPayloadBytes()) {
                    refused = true;
                    refuse(ctx, "announced a frame of " + bodyBytes + " bytes; frames carry " + FrameCodec.OVERHEAD_BYTES
                            + " bytes of header and checks plus at most " + config.maxPayloadBytes() + " bytes of message");
                    break;
                }
                if (in.readableBytes() < FrameCodec.LENGTH_BYTES + bodyBytes) return;
                in.skipBytes(FrameCodec.LENGTH_BYTES);
                switch (codec.decode(in, bodyBytes)) {
                    case FrameCodec.Message m -> accept(ctx, m);
                    case FrameCodec.Damaged d -> counters.damagedFrames.incrementAndGet();
                    case FrameCodec.Forged f -> {
                        refused = true;
                        refuse(ctx, f.why());
                    }
                }
            }
            if (refused) in.skipBytes(in.readableBytes());
        }

        private void accept(ChannelHandlerContext ctx, FrameCodec.Message m) {
            if (!m.to().equals(self())) {
                refused = true;
                refuse(ctx, "sent a frame for " + m.to() + " to " + self() + " (are the peer addresses right?)");
                return;
            }
            if (dialed != null && !m.from().equals(dialed)) {
                refused = true;
                refuse(ctx, "dialed " + dialed + " but it answers as " + m.from() + " (are the peer addresses right?)");
                return;
            }
            if (dialed == null) {
                Channel previous = inbound.put(m.from(), ctx.channel());
                if (previous != ctx.channel()) {
                    Channel ch = ctx.channel();
                    ch.closeFuture().addListener(f -> inbound.remove(m.from(), ch));
                }
            }
            if (faults != null) {
                if (faults.dropsFrom(m.from())) return; // counted by the faults, not received
                long delayMs = faults.delayMs();
                if (delayMs > 0) {
                    counters.received.incrementAndGet();
                    eventLoop.schedule(() -> deliver(m.from(), m.payload()), delayMs, TimeUnit.MILLISECONDS);
                    return;
                }
            }
            counters.received.incrementAndGet();
            deliver(m.from(), m.payload());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset or a broken pipe: the peer went away; reconnection handles the rest
        }
    }

    private static final class Peer {
        final NodeId id;
        final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        long queuedBytes;
        Channel channel;
        boolean connecting;
        int failures;
        ScheduledFuture<?> retry;

        Peer(NodeId id) {
            this.id = id;
        }
    }

    private static final class Counters {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong local = new AtomicLong();
        final AtomicLong written = new AtomicLong();
        final AtomicLong queued = new AtomicLong();
        final AtomicLong droppedOverflow = new AtomicLong();
        final AtomicLong droppedUnreachable = new AtomicLong();
        final AtomicLong droppedOversize = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong damagedFrames = new AtomicLong();
        final AtomicLong refusedConnections = new AtomicLong();
        final AtomicLong connects = new AtomicLong();
        final AtomicLong connectFailures = new AtomicLong();
    }
}
