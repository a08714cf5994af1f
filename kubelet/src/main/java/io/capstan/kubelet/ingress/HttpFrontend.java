package io.capstan.kubelet.ingress;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the ingress proxy. Requests (aggregated whole) are served one at a time
 * in their order; each is routed with the route table of the moment it arrived, so a rule change
 * never moves a request under way. A client that pipelines may have up to {@value #MAX_QUEUED}
 * requests waiting; then the connection stops reading until half of them are served.
 *
 * <p>Forwarding: the next ready endpoint in turn, over a kept-alive pooled connection; hop-by-hop
 * headers removed, X-Forwarded-For (appended), X-Forwarded-Host and X-Forwarded-Proto set, the Host
 * header kept. An idempotent request (GET, HEAD, OPTIONS, PUT, DELETE) is tried once more when the
 * connect is refused (on another endpoint) or a reused connection closes before answering (the
 * backend dropped an idle connection). Answers of its own: 400 (no Host), 404 (no route), 503 (no
 * ready endpoint), 502 (the backend failed), 504 (no answer within the response timeout).
 */
final class HttpFrontend extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpFrontend.class);
    private static final Set<HttpMethod> IDEMPOTENT =
            Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE);
    /**
     * Pipelined requests kept waiting before the connection stops reading. Below it reading goes on,
     * so a client that sends one request at a time costs no change of the socket's read interest
     * (two epoll_ctl calls per request otherwise).
     */
    private static final int MAX_QUEUED = 16;

    private final Supplier<RouteTable> routes;
    private final Backends backends;
    private final BackendPool pool;
    private final IngressConfig config;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean busy;
    private boolean readingPaused;
    private boolean closed;

    HttpFrontend(Supplier<RouteTable> routes, Backends backends, BackendPool pool, IngressConfig config) {
        this.routes = routes;
        this.backends = backends;
        this.pool = pool;
        this.config = config;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queued.addLast(request);
        if (!busy) {
            next(ctx);
        } else if (queued.size() >= MAX_QUEUED && !readingPaused) {
            readingPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        FullHttpRequest request;
        while ((request = queued.pollFirst()) != null) {
            request.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Ingress client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && !busy) {
            ctx.close();
        }
    }

    private void next(ChannelHandlerContext ctx) {
        FullHttpRequest request = queued.pollFirst();
        if (request == null || closed) {
            busy = false;
            if (request != null) {
                request.release();
            }
            return;
        }
        busy = true;
        if (readingPaused && queued.size() < MAX_QUEUED / 2) {
            readingPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
        serve(ctx, request);
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            request.release();
            answer(ctx, HttpVersion.HTTP_1_1, false, HttpResponseStatus.BAD_REQUEST, "malformed request");
            return;
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null || host.isBlank()) {
            request.release();
            answer(ctx, request.protocolVersion(), keepAlive, HttpResponseStatus.BAD_REQUEST, "no Host header");
            return;
        }
        Optional<Route> route = routes.get().match(host, request.uri());
        if (route.isEmpty()) {
            request.release();
            answer(ctx, request.protocolVersion(), keepAlive, HttpResponseStatus.NOT_FOUND, "no rule matches " + host);
            return;
        }
        HttpVersion clientVersion = request.protocolVersion();
        prepare(ctx, request, host);
        new Forward(ctx, request, clientVersion, route.get(), keepAlive).attempt();
    }

    /** The request as the backend gets it: hop-by-hop headers out, forwarding headers in. */
    private static void prepare(ChannelHandlerContext ctx, FullHttpRequest request, String host) {
        HopByHop.strip(request.headers());
        request.headers().remove(HttpHeaderNames.EXPECT);
        HttpUtil.setContentLength(request, request.content().readableBytes());
        String client = ctx.channel().remoteAddress() instanceof InetSocketAddress address
                ? address.getAddress().getHostAddress()
                : "unknown";
        String forwardedFor = request.headers().get("x-forwarded-for");
        request.headers()
                .set("x-forwarded-for", forwardedFor == null ? client : forwardedFor + ", " + client)
                .set("x-forwarded-host", host)
                .set("x-forwarded-proto", "http");
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /** One request's way to a backend, with at most one retry. */
    private final class Forward implements BackendHandler.Exchange {
        private final ChannelHandlerContext ctx;
        private final FullHttpRequest request;
        private final HttpVersion clientVersion;
        private final Route route;
        private final boolean keepAlive;
        private final boolean idempotent;
        private final Set<InetSocketAddress> refused = new HashSet<>();
        private int retriesLeft = 1;
        private @Nullable InetSocketAddress current;
        private BackendPool.@Nullable Connection connection;
        private @Nullable ScheduledFuture<?> timeout;
        private boolean done;

        Forward(
                ChannelHandlerContext ctx,
                FullHttpRequest request,
                HttpVersion clientVersion,
                Route route,
                boolean keepAlive) {
            this.ctx = ctx;
            this.request = request;
            this.clientVersion = clientVersion;
            this.route = route;
            this.keepAlive = keepAlive;
            this.idempotent = IDEMPOTENT.contains(request.method());
        }

        void attempt() {
            Optional<InetSocketAddress> endpoint = backends.next(route, refused);
            if (endpoint.isEmpty()) {
                finish(
                        refused.isEmpty() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.BAD_GATEWAY,
                        refused.isEmpty()
                                ? "no ready endpoint for " + route.text()
                                : "no endpoint of " + route.text() + " accepts connections");
                return;
            }
            EventLoop loop = ctx.channel().eventLoop();
            current = endpoint.get();
            pool.acquire(loop, endpoint.get()).addListener((Future<BackendPool.Connection> f) -> connected(f));
        }

        private void connected(Future<BackendPool.Connection> f) {
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                if (cause instanceof ConnectException && idempotent && retriesLeft > 0 && !closed) {
                    retriesLeft--;
                    InetSocketAddress endpoint = current;
                    if (endpoint != null) {
                        refused.add(endpoint);
                    }
                    attempt();
                    return;
                }
                finish(HttpResponseStatus.BAD_GATEWAY, "cannot connect to " + route.text() + ": " + cause.getMessage());
                return;
            }
            BackendPool.Connection c = f.getNow();
            if (closed) {
                pool.release(c);
                request.release();
                return;
            }
            connection = c;
            c.handler().begin(this);
            timeout = ctx.executor()
                    .schedule(this::timedOut, config.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
            c.channel().writeAndFlush(request.retainedDuplicate()).addListener((io.netty.channel.ChannelFuture w) -> {
                if (!w.isSuccess()) {
                    w.channel().close();
                }
            });
        }

        @Override
        public void onResponse(FullHttpResponse response) {
            cancelTimeout();
            BackendPool.Connection c = connection;
            connection = null;
            if (c != null) {
                if (HttpUtil.isKeepAlive(response)) {
                    pool.release(c);
                } else {
                    c.channel().close();
                }
            }
            if (done || closed) {
                response.release();
                request.release();
                return;
            }
            done = true;
            request.release();
            HopByHop.strip(response.headers());
            response.setProtocolVersion(clientVersion);
            if (request.method() != HttpMethod.HEAD) {
                HttpUtil.setContentLength(response, response.content().readableBytes());
            }
            write(ctx, response, keepAlive);
        }

        @Override
        public void onFailure(Throwable cause) {
            cancelTimeout();
            BackendPool.Connection c = connection;
            connection = null;
            if (done || closed) {
                return;
            }
            if (c != null
                    && c.reused()
                    && cause instanceof BackendHandler.BackendClosedException
                    && idempotent
                    && retriesLeft > 0) {
                retriesLeft--;
                attempt();
                return;
            }
            finish(HttpResponseStatus.BAD_GATEWAY, route.text() + " failed: " + cause.getMessage());
        }

        private void timedOut() {
            BackendPool.Connection c = connection;
            connection = null;
            if (done) {
                return;
            }
            finish(HttpResponseStatus.GATEWAY_TIMEOUT, route.text() + " did not answer in " + config.responseTimeout());
            if (c != null) {
                c.channel().close();
            }
        }

        private void cancelTimeout() {
            ScheduledFuture<?> t = timeout;
            timeout = null;
            if (t != null) {
                t.cancel(false);
            }
        }

        private void finish(HttpResponseStatus status, String message) {
            if (done) {
                return;
            }
            done = true;
            request.release();
            answer(ctx, clientVersion, keepAlive, status, message);
        }
    }

    private void answer(
            ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                version, status, Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        write(ctx, response, keepAlive);
    }

    private void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (!keepAlive) {
            closed = true;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(response).addListener((io.netty.channel.ChannelFuture f) -> {
            if (!f.isSuccess()) {
                f.channel().close();
                return;
            }
            next(ctx);
        });
    }
}
