package dev.specula.rpc.security;

import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who a call on the public API comes from, for per-client limits: the client its bearer token names, else (on
 * the router's in-process link from its HTTP API, which authenticates itself) the client the HTTP API forwards,
 * else the peer's IP address.
 */
public final class ClientIdentity {

    /** The client an authenticated call's token names; set by {@link BearerAuthInterceptor}. */
    public static final Context.Key<String> AUTHENTICATED = Context.key("specula-authenticated-client");

    /** The header in which the router's HTTP API tells its in-process GenerationService who the client is. */
    public static final Metadata.Key<String> FORWARDED =
            Metadata.Key.of("specula-forwarded-client", Metadata.ASCII_STRING_MARSHALLER);

    private ClientIdentity() {
    }

    /**
     * The client of {@code call}.
     *
     * @param trustForwarded whether {@link #FORWARDED} is believed: only on a transport no outside client reaches
     */
    static String of(ServerCall<?, ?> call, Metadata headers, boolean trustForwarded) {
        String authenticated = AUTHENTICATED.get();
        if (authenticated != null) {
            return authenticated;
        }
        if (trustForwarded) {
            String forwarded = headers.get(FORWARDED);
            if (forwarded != null) {
                return forwarded;
            }
        }
        return address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    }

    /** A peer's IP address without its port (each connection has its own port), or the address as text. */
    public static String address(SocketAddress peer) {
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(peer);
    }
}
