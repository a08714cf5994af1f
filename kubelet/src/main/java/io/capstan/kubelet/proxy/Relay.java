package io.capstan.kubelet.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes both ways between a client's connection and the endpoint connection made for it.
 * Both channels run on one event loop (the endpoint connection is made on the client's), so the
 * state here needs no locks.
 *
 * <ul>
 *   <li><b>Backpressure:</b> a channel stops reading while its peer's outbound buffer is above the
 *       high water mark, and reads again when the peer drains below the low one (Netty's channel
 *       writability), so a slow reader on one side never makes the proxy buffer without bound.
 *   <li><b>Half-close:</b> when one side shuts its output (FIN), the proxy flushes what it holds and
 *       shuts the other side's output in turn, so a client that half-closes after its request
 *       still gets the whole answer. Once both directions have ended, both channels close.
 *   <li><b>Close:</b> when one side closes (or fails), the other is flushed and closed; an idle
 *       timeout on the client's channel closes both.
 * </ul>
 */
final class Relay {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final Channel client;
    private final Channel endpoint;
    private boolean clientInputShut;
    private boolean endpointInputShut;

    Relay(Channel client, Channel endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    /** The handler that reads from {@code from} and writes to the other channel. */
    Side side(Channel from) {
        return new Side(from == client ? endpoint : client);
    }

    /** Starts reading on both channels; until now neither read (autoRead off). */
    void start() {
        client.config().setAutoRead(true);
        endpoint.config().setAutoRead(true);
    }

    void closeBoth() {
        close(client);
        close(endpoint);
    }

    /**
     * Closes {@code channel}, ignoring how the close went: it is closed either way, and Netty logs
     * what little can fail.
     */
    @SuppressWarnings("FutureReturnValueIgnored")
    static void close(Channel channel) {
        channel.close();
    }

    private boolean isInputShut(Channel channel) {
        return channel == client ? clientInputShut : endpointInputShut;
    }

    private void inputShut(Channel from, Channel to) {
        if (from == client) {
            clientInputShut = true;
        } else {
            endpointInputShut = true;
        }
        if (clientInputShut && endpointInputShut) {
            flushAndClose(client);
            flushAndClose(endpoint);
            return;
        }
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && to instanceof DuplexChannel duplex) {
                duplex.shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            } else {
                closeBoth();
            }
        });
    }

    private static void flushAndClose(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            close(channel);
        }
    }

    /** One direction: reads its channel, writes to {@code peer}. */
    final class Side extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        private Side(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!peer.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            peer.write(msg).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // this channel drained: its peer, which feeds it, may read again
            if (ctx.channel().isWritable() && !isInputShut(peer)) {
                peer.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == ChannelInputShutdownEvent.INSTANCE) {
                inputShut(ctx.channel(), peer);
            } else if (event instanceof IdleStateEvent) {
                log.debug("Closing idle connection {} <-> {}", client.remoteAddress(), endpoint.remoteAddress());
                closeBoth();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            flushAndClose(peer);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Relay {} <-> {} failed, closing both", client.remoteAddress(), endpoint.remoteAddress(), cause);
            closeBoth();
        }
    }
}
