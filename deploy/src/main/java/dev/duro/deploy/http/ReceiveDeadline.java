package dev.duro.deploy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The time a client has to send a whole request: armed by the first bytes read while no request is
 * being received, disarmed by {@link #received()} when the decoder has produced the request. A
 * client that sends a request line and then a header byte now and then (slowloris) is cut off here
 * rather than holding the connection forever. Sits before the HTTP decoder; removed on a WebSocket
 * upgrade, whose frames have no such deadline. Runs on the channel's event loop only.
 */
final class ReceiveDeadline extends ChannelDuplexHandler {
    /** Fired down the pipeline when a request was not received in time. */
    record TimedOut(long millis) {
    }

    private final long timeoutMillis;
    private ScheduledFuture<?> armed;

    ReceiveDeadline(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (armed == null && msg instanceof ByteBuf b && b.isReadable()) {
            armed = ctx.executor().schedule(() -> {
                armed = null;
                ctx.fireUserEventTriggered(new TimedOut(timeoutMillis));
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    /** The request being received is complete: the next bytes start a new deadline. */
    void received() {
        if (armed != null) {
            armed.cancel(false);
            armed = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        received();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        received();
        super.channelInactive(ctx);
    }
}
