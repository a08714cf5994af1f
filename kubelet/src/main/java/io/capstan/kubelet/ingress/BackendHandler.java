package io.capstan.kubelet.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The last handler of a backend connection: hands the aggregated response, or the connection's
 * failure, to the exchange waiting on it. Runs on the connection's event loop, which is also the
 * client connection's, so it needs no locks.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    /** One forwarded request waiting for its answer. */
    interface Exchange {
        void onResponse(FullHttpResponse response);

        void onFailure(Throwable cause);
    }

    private @Nullable Exchange exchange;

    void begin(Exchange value) {
        this.exchange = value;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange current = exchange;
        exchange = null;
        if (current == null || !(msg instanceof FullHttpResponse response)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        current.onResponse(response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new BackendClosedException());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && exchange == null) {
            ctx.close();
        }
    }

    private void fail(Throwable cause) {
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            current.onFailure(cause);
        }
    }

    /** The backend closed the connection before it answered. */
    static final class BackendClosedException extends Exception {
        private static final long serialVersionUID = 1L;

        BackendClosedException() {
            super("the backend closed the connection before answering", null, false, false);
        }
    }
}
