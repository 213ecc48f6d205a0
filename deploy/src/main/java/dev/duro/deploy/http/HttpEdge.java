package dev.duro.deploy.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An HTTP/1.1 listener in front of one or more nodes: keep-alive, WebSocket upgrades, Netty's
 * codecs. Each accepted connection is given to one {@link EdgeTarget} (in turn, so a listener in
 * front of several nodes spreads connections over them), and each of its requests is answered by
 * {@code worker.fetch(request, door.workerEnv())} on that target's loop.
 *
 * <p>Threads: sockets are read and written on the I/O group's threads (shared by every listener of
 * the process); a request crosses to the target's loop with {@code Loop.execute}, and the answer is
 * written from there (Netty hands the write to the channel's thread). Requests of one connection
 * are answered one at a time, in order (pipelined requests wait their turn).
 *
 * <p>{@link #drain()}: the listener closes, idle connections close, requests that arrive later on
 * open connections get 503 {@code UNAVAILABLE}, and requests in flight are answered as they finish
 * (the door decides whether they finish or fail with a retryable error).
 */
public final class HttpEdge implements AutoCloseable {
    private final Channel server;
    private final ChannelGroup channels = new DefaultChannelGroup("duro-http", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong refusedConnections = new AtomicLong();
    private final AtomicLong clientFaults = new AtomicLong();
    private volatile boolean draining;

    private HttpEdge(InetSocketAddress address, List<EdgeTarget> targets, HttpOptions options, EventLoopGroup io,
                     Consumer<String> log) {
        List<EdgeTarget> pick = List.copyOf(targets);
        if (pick.isEmpty()) throw new IllegalArgumentException("an HTTP listener needs at least one target");
        AtomicLong accepted = new AtomicLong();
        ServerBootstrap b = new ServerBootstrap()
                .group(io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (channels.size() >= options.maxConnections()) {
                            refusedConnections.incrementAndGet();
                            ch.close(); // over the limit: no handler, no buffer, nothing held
                            return;
                        }
                        EdgeTarget target = pick.get((int) Math.floorMod(accepted.getAndIncrement(), (long) pick.size()));
                        channels.add(ch);
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, options.idleTimeoutMillis(), TimeUnit.MILLISECONDS))
                                .addLast("deadline", new ReceiveDeadline(options.receiveTimeoutMillis()))
                                .addLast("http", new HttpServerCodec(options.maxInitialLineBytes(), options.maxHeaderBytes(), 8192))
                                .addLast("aggregate", new Aggregator(options.maxBodyBytes()))
                                .addLast("edge", new HttpConnection(HttpEdge.this, target, options, log));
                    }
                });
        try {
            server = b.bind(address).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the HTTP listener " + address, e);
        } catch (Exception e) { // Netty rethrows the bind's IOException undeclared
            throw new IllegalStateException("cannot listen for HTTP on " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * Listens on {@code address} (port 0: any free port) and serves every request through one of
     * {@code targets}. Blocks until bound.
     *
     * @throws IllegalStateException when the address cannot be bound (in use, no permission)
     */
    public static HttpEdge bind(InetSocketAddress address, List<EdgeTarget> targets, HttpOptions options, EventLoopGroup io,
                                Consumer<String> log) {
        return new HttpEdge(Objects.requireNonNull(address, "address"), targets, Objects.requireNonNull(options, "options"),
                Objects.requireNonNull(io, "io"), Objects.requireNonNull(log, "log"));
    }

    /** An I/O group for HTTP listeners: {@code threads} NIO threads named {@code duro-http-*}, daemons. */
    public static EventLoopGroup newIoGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("duro-http", true), NioIoHandler.newFactory());
    }

    /** Where it listens (the chosen port when 0 was asked). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Stops accepting: see the class comment. Any thread. */
    public void drain() {
        draining = true;
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (Channel ch : channels) {
            HttpConnection c = ch.pipeline().get(HttpConnection.class);
            if (c != null) ch.eventLoop().execute(c::closeIfIdle);
        }
    }

    /** Whether the listener still accepts connections. */
    public boolean listening() {
        return server.isActive();
    }

    boolean draining() {
        return draining;
    }

    /** Requests read and not answered yet, over every connection. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Requests read so far. */
    public long requests() {
        return requests.get();
    }

    /** Connections closed on arrival because {@link HttpOptions#maxConnections()} were open. */
    public long refusedConnections() {
        return refusedConnections.get();
    }

    /** Connections ended because the client broke the protocol (bad frames, requests cut short, resets). */
    public long clientFaults() {
        return clientFaults.get();
    }

    void clientFault() {
        clientFaults.incrementAndGet();
    }

    /** Connections open now. */
    public int openConnections() {
        return channels.size();
    }

    void started() {
        requests.incrementAndGet();
        inFlight.incrementAndGet();
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    /** Closes the listener and every connection. */
    @Override
    public void close() {
        draining = true;
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** A body over the limit becomes an {@link Oversized} marker in the connection's queue, answered 413 in turn. */
    private static final class Aggregator extends HttpObjectAggregator {
        Aggregator(int maxBodyBytes) {
            super(maxBodyBytes);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.fireChannelRead(new Oversized());
        }
    }

    /** A request whose body was over the limit. */
    record Oversized() {
    }
}
