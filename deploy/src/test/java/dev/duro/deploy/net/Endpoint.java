package dev.duro.deploy.net;

import dev.duro.deploy.world.NettyLoop;
import dev.duro.deploy.world.SecureEntropy;
import dev.duro.deploy.world.SystemClock;
import dev.duro.model.world.NodeId;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/** A transport on its own event loop, recording what it receives and logs (tests). */
final class Endpoint implements AutoCloseable {
    /** One received message and whether it arrived on the receiver's loop. */
    record Received(NodeId from, String text, boolean onLoop) {
    }

    final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final NettyLoop loop = new NettyLoop((EventLoop) group.next(), SystemClock.INSTANCE, failures::add);
    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    final TcpTransport transport;

    Endpoint(TransportConfig config) {
        this(config, null);
    }

    Endpoint(TransportConfig config, dev.duro.deploy.faults.LinkFaults faults) {
        transport = TcpTransport.bind(config, loop, SecureEntropy.fromSystem(), log::add, faults);
        transport.onReceive((from, message) -> received.add(new Received(from, new String(message), loop.inLoop())));
    }

    List<String> texts() {
        return received.stream().map(Received::text).toList();
    }

    @Override
    public void close() {
        loop.stop();
        transport.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
