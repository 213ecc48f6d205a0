package dev.duro.deploy.http;

import dev.duro.model.async.Promise;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.TimerHandle;
import dev.duro.runtime.edge.EdgeSocket;
import dev.duro.runtime.edge.EdgeSocketSession;
import dev.duro.runtime.edge.FrontDoor;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One HTTP connection: its queue of requests (answered one at a time, in order), the hop of each
 * to the target's loop and back, and, after an upgrade, the WebSocket's frames. Fields without a
 * note are touched only on the channel's thread.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
    /** Hop-by-hop headers: the connection's business, never copied between a request and a response. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "content-length",
            "upgrade", "te", "trailer", "proxy-connection");
    private static final int WS_NORMAL_CLOSURE = 1000;
    private static final int WS_NO_STATUS = 1005;
    private static final int WS_ABNORMAL_CLOSURE = 1006;

    private final HttpEdge edge;
    private final EdgeTarget target;
    private final HttpOptions options;
    private final Consumer<String> log;
    /** A request that was not received in time: answered 408 when it reaches the head of the queue. */
    private static final Object SLOW = new Object();
    /** Requests read and not answered, the head in progress. Holds FullHttpRequest (retained), Oversized or SLOW. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private Channel channel;
    private boolean busy;
    private boolean closing;
    /** Set on the target's loop before the 101 is written, read on the channel's thread afterwards. */
    private volatile EdgeSocketSession session;
    private boolean closeSeen;
    /** The object closed the socket (set on the target's loop). */
    private volatile boolean closedByObject;

    HttpConnection(HttpEdge edge, EdgeTarget target, HttpOptions options, Consumer<String> log) {
        this.edge = edge;
        this.target = target;
        this.options = options;
        this.log = log;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel(); // before any event, so a drain that reaches a new connection finds it
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame) {
            try {
                onFrame(frame);
            } finally {
                frame.release();
            }
            return;
        }
        if (!(msg instanceof FullHttpRequest) && !(msg instanceof HttpEdge.Oversized)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ReceiveDeadline deadline = ctx.pipeline().get(ReceiveDeadline.class);
        if (deadline != null) deadline.received();
        if (closing || session != null) { // after a close was decided, or bytes after an upgrade's request
            ReferenceCountUtil.release(msg);
            return;
        }
        queue.add(msg);
        // Back pressure on pipelining: stop reading while too many requests wait, so one client's
        // pipelined burst is bounded by the read buffer, not by the node's memory.
        if (queue.size() >= options.maxQueuedRequests()) channel.config().setAutoRead(false);
        if (!busy) next();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        switch (evt) {
            case ReceiveDeadline.TimedOut t -> {
                if (session != null || closing) return;
                if (busy) { // an answer is due first on this connection: no room for a 408 before it
                    closing = true;
                    channel.close();
                    return;
                }
                queue.add(SLOW); // answered at once, in order, by next()
                next();
            }
            case IdleStateEvent idle -> {
                if (!busy && session == null && queue.isEmpty()) {
                    closing = true;
                    channel.close();
                }
            }
            default -> super.userEventTriggered(ctx, evt);
        }
    }

    /** Starts the request at the head of the queue. */
    private void next() {
        Object head = queue.peek();
        if (head == null || closing) return;
        busy = true;
        edge.started();
        if (head instanceof HttpEdge.Oversized) {
            answerError(ErrorReply.tooLarge(options.maxBodyBytes()), false);
            return;
        }
        if (head == SLOW) {
            answerError(ErrorReply.slowRequest(options.receiveTimeoutMillis()), false);
            return;
        }
        FullHttpRequest http = (FullHttpRequest) head;
        if (http.decoderResult().isFailure()) {
            Throwable cause = http.decoderResult().cause();
            answerError(ErrorReply.malformed("the request could not be read as HTTP/1.1: "
                    + (cause == null || cause.getMessage() == null ? "malformed" : cause.getMessage())), false);
            return;
        }
        if (edge.draining()) {
            answerError(ErrorReply.draining(target.name()), false);
            return;
        }
        Request request;
        try {
            request = toRequest(http);
        } catch (IllegalArgumentException e) {
            answerError(ErrorReply.malformed(e.getMessage()), HttpUtil.isKeepAlive(http));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(http);
        boolean upgrade = request.isWebSocketUpgrade();
        String badUpgrade = upgrade ? badUpgrade(http) : null;
        if (badUpgrade != null) { // refused before any object accepts a socket it could never use
            answerError(ErrorReply.malformed(badUpgrade), false);
            return;
        }
        target.loop().execute(() -> onLoop(request, keepAlive, upgrade));
    }

    // ---------------------------------------------------------------- on the target's loop

    private void onLoop(Request request, boolean keepAlive, boolean upgrade) {
        boolean[] answered = {false};
        TimerHandle timer = target.loop().schedule(options.requestTimeoutMillis() * 1_000_000L, () -> {
            if (answered[0]) return;
            answered[0] = true;
            channel.eventLoop().execute(() -> answerError(ErrorReply.timeout(options.requestTimeoutMillis()), false));
        });
        Promise<Response> answer;
        try {
            answer = target.worker().fetch(request, target.door().workerEnv());
        } catch (RuntimeException e) {
            answer = Promise.failed(target.loop(), e);
        }
        if (answer == null) answer = Promise.failed(target.loop(), new IllegalStateException("the worker returned no promise"));
        answer.whenComplete((response, failure) -> {
            if (answered[0]) return;
            answered[0] = true;
            timer.cancel();
            if (failure != null) {
                channel.eventLoop().execute(() -> answerError(ErrorReply.of(failure), keepAlive));
            } else if (upgrade && response.status() == 101) {
                adopt(response);
            } else {
                channel.eventLoop().execute(() -> answer(response, keepAlive));
            }
        });
    }

    /** The worker returned the object's 101: the door adopts the socket, then the handshake is written. */
    private void adopt(Response response) {
        EdgeSocketSession s;
        try {
            s = target.door().adoptSocket(response, new ToClient());
        } catch (RuntimeException e) {
            channel.eventLoop().execute(() -> answerError(ErrorReply.of(e), false));
            return;
        }
        session = s;
        channel.eventLoop().execute(this::handshake); // before any send of the object, which also hops there
    }

    // ---------------------------------------------------------------- answers, on the channel's thread

    private void answer(Response response, boolean keepAlive) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
                Unpooled.wrappedBuffer(response.body()));
        response.headers().forEach((k, v) -> {
            if (!HOP_BY_HOP.contains(k)) out.headers().set(k, v);
        });
        if (response.body().length > 0 && !out.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        send(out, keepAlive);
    }

    private void answerError(ErrorReply error, boolean keepAlive) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(error.status()),
                Unpooled.copiedBuffer(error.json(), StandardCharsets.UTF_8));
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        if (error.retryAfter()) out.headers().set(HttpHeaderNames.RETRY_AFTER, options.retryAfterSeconds());
        send(out, keepAlive);
    }

    private void send(FullHttpResponse out, boolean keepAlive) {
        Object head = queue.poll();
        ReferenceCountUtil.release(head);
        endRequest();
        boolean keep = keepAlive && !edge.draining() && channel.isActive();
        HttpUtil.setContentLength(out, out.content().readableBytes());
        out.headers().set(HttpHeaderNames.CONNECTION, keep ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        if (!keep) {
            closing = true;
            channel.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            drop();
            return;
        }
        channel.writeAndFlush(out);
        if (!channel.config().isAutoRead() && queue.size() < options.maxQueuedRequests()) {
            channel.config().setAutoRead(true);
        }
        next();
    }

    /** The request in progress is over (answered, upgraded, or its connection gone); counted once. */
    private void endRequest() {
        if (!busy) return;
        busy = false;
        edge.finished();
    }

    /** Drain: closes the connection if no request is in progress. */
    void closeIfIdle() {
        if (!busy && session == null) {
            closing = true;
            channel.close();
        }
    }

    // ---------------------------------------------------------------- WebSocket

    /** Why an upgrade request cannot become a WebSocket (RFC 6455 section 4.2.1), or null. */
    static String badUpgrade(FullHttpRequest http) {
        String key = http.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null || key.isBlank()) return "a WebSocket upgrade needs a Sec-WebSocket-Key header";
        String version = http.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!"13".equals(version == null ? null : version.trim())) {
            return "this node speaks WebSocket version 13 (Sec-WebSocket-Version), got " + (version == null ? "none" : cut(version));
        }
        if (http.method() != io.netty.handler.codec.http.HttpMethod.GET) return "a WebSocket upgrade must be a GET, got " + http.method();
        return null;
    }

    private void handshake() {
        FullHttpRequest http = (FullHttpRequest) queue.poll();
        endRequest();
        if (http == null) return; // the connection closed meanwhile
        try {
            String location = "ws://" + http.headers().get(HttpHeaderNames.HOST, "localhost") + http.uri();
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null, true,
                    Math.max(options.maxBodyBytes(), 125)).newHandshaker(http);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(channel).addListener(ChannelFutureListener.CLOSE);
                closing = true;
                breakSession();
                return;
            }
            handshaker.handshake(channel, http);
            // A WebSocket may be quiet for hours: no receive deadline, no idle timeout.
            if (channel.pipeline().get("deadline") != null) channel.pipeline().remove("deadline");
            if (channel.pipeline().get("idle") != null) channel.pipeline().remove("idle");
            channel.pipeline().addBefore("edge", "ws-aggregate", new WebSocketFrameAggregator(Math.max(options.maxBodyBytes(), 125)));
        } catch (RuntimeException e) {
            edge.clientFault(); // a malformed upgrade request: the client's fault, counted
            closing = true;
            channel.close();
            breakSession();
        } finally {
            http.release();
            drop();
        }
    }

    private void onFrame(WebSocketFrame frame) {
        EdgeSocketSession s = session;
        if (s == null || closeSeen) return;
        switch (frame) {
            case TextWebSocketFrame t -> {
                String text = t.text();
                target.loop().execute(() -> s.message(new WebSocketMessage.Text(text)));
            }
            case BinaryWebSocketFrame b -> {
                byte[] bytes = ByteBufUtil.getBytes(b.content());
                target.loop().execute(() -> s.message(new WebSocketMessage.Binary(bytes)));
            }
            case PingWebSocketFrame p -> channel.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
            case CloseWebSocketFrame c -> {
                closeSeen = true;
                int code = c.statusCode() < 0 ? WS_NO_STATUS : c.statusCode();
                String reason = c.reasonText();
                if (!closedByObject) {
                    target.loop().execute(() -> s.close(code, reason, true));
                    channel.writeAndFlush(new CloseWebSocketFrame(code == WS_NO_STATUS ? WS_NORMAL_CLOSURE : code, reason))
                            .addListener(ChannelFutureListener.CLOSE);
                } else {
                    channel.close(); // the answer to the object's close: the handshake is complete
                }
            }
            default -> { } // pong: nothing to do
        }
    }

    /** The socket broke before a close handshake: the object hears 1006. */
    private void breakSession() {
        EdgeSocketSession s = session;
        if (s == null || closeSeen || closedByObject) return;
        closeSeen = true;
        target.loop().execute(() -> s.close(WS_ABNORMAL_CLOSURE, "", false));
    }

    /** The client's end as the door holds it: called on the target's loop. */
    private final class ToClient implements EdgeSocket {
        @Override
        public void send(WebSocketMessage message) {
            if (closedByObject) return;
            WebSocketFrame frame = switch (message) {
                case WebSocketMessage.Text t -> new TextWebSocketFrame(t.text());
                case WebSocketMessage.Binary b -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b.bytes()));
            };
            channel.writeAndFlush(frame);
        }

        @Override
        public void close(int code, String reason) {
            if (closedByObject) return;
            closedByObject = true;
            // 1005, 1006 and 1015 name states, not codes a close frame may carry
            boolean sendable = code >= 1000 && code <= 4999 && code != WS_NO_STATUS && code != WS_ABNORMAL_CLOSURE && code != 1015;
            channel.writeAndFlush(new CloseWebSocketFrame(sendable ? code : 1011, reason));
            // the client answers with its close frame, after which the channel closes (onFrame)
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        breakSession();
        endRequest(); // the answer, if it comes, goes nowhere
        drop();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset connection or a codec failure outside a request: the connection ends, the node goes on.
        // What a client did wrong (a broken frame, a request cut short) is counted, not logged: a
        // client must not be able to fill the node's log.
        if (cause instanceof java.io.IOException || cause instanceof io.netty.handler.codec.CodecException) {
            edge.clientFault();
        } else {
            log.accept(target.name() + ": HTTP connection closed: " + cause);
        }
        ctx.close();
    }

    /** Releases queued requests that will not be answered. */
    private void drop() {
        if (!closing && channel.isActive()) return;
        while (!queue.isEmpty()) {
            Object o = queue.poll();
            if (o == null) break;
            ReferenceCountUtil.release(o);
        }
    }

    // ---------------------------------------------------------------- conversion

    /** The model's request for an HTTP request; IllegalArgumentException with a reason for what it cannot carry. */
    static Request toRequest(FullHttpRequest http) {
        String uri = http.uri();
        String path;
        if (uri.startsWith("/")) {
            path = uri;
        } else if (uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8)) {
            URI u;
            try {
                u = new URI(uri);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("the request target is not a URI: " + e.getMessage());
            }
            path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        } else {
            throw new IllegalArgumentException("the request target must be a path starting with '/', got '" + cut(uri) + "'");
        }
        Map<String, String> headers = new TreeMap<>();
        for (Map.Entry<String, String> h : http.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) && !name.equals("upgrade")) continue;
            headers.merge(name, h.getValue(), (a, b) -> a + ", " + b);
        }
        byte[] body = ByteBufUtil.getBytes(http.content());
        return new Request(http.method().name(), path, new TreeMap<>(headers), body);
    }

    private static String cut(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
