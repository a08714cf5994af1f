package io.capstan.kubelet.server;

import picocli.CommandLine.Option;

/** The flags of the kubelet's logs-and-exec port, as a picocli mixin for {@code capstan kubelet}. */
public final class KubeletServerOptions {
    @Option(
            names = "--kubelet-address",
            defaultValue = "127.0.0.1",
            description = "Address the kubelet's logs and exec port listens on (default: ${DEFAULT-VALUE}).")
    String address = "127.0.0.1";

    @Option(
            names = "--kubelet-port",
            defaultValue = "" + KubeletServer.DEFAULT_PORT,
            description =
                    "Port of the kubelet's logs and exec service; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = KubeletServer.DEFAULT_PORT;

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }
}
