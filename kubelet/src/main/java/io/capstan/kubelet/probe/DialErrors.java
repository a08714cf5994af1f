package io.capstan.kubelet.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Go's wording for a failed TCP connect, which Kubernetes' probe messages carry. */
final class DialErrors {
    private DialErrors() {}

    /** E.g. "dial tcp 127.0.0.1:1234: connect: connection refused". */
    static String describe(String host, int port, IOException e) {
        if (e instanceof UnknownHostException) {
            return "dial tcp: lookup " + host + ": no such host";
        }
        String address = "dial tcp " + hostPort(host, port) + ": ";
        if (e instanceof SocketTimeoutException) {
            return address + "i/o timeout";
        }
        if (e instanceof NoRouteToHostException) {
            return address + "connect: no route to host";
        }
        String message = String.valueOf(e.getMessage());
        if (e instanceof ConnectException && message.toLowerCase(Locale.ROOT).contains("refused")) {
            return address + "connect: connection refused";
        }
        return address + message;
    }

    /** host:port, with an IPv6 literal in brackets, as Go's net.JoinHostPort. */
    static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
