package dev.specula.rpc.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who a call on the public API comes from, for per-client limits: the client its bearer token names, else (on
 * the router's in-process link from its HTTP API, which authenticates its own clients) the client the HTTP API
 * forwards, else the peer's IP address.
 */
public final class ClientIdentity {

    /**
     * The client an authenticated call's token names; set by {@link BearerAuthInterceptor}, or from
     * {@link #FORWARDED} by {@link #trustForwarded()}.
     */
    public static final Context.Key<String> AUTHENTICATED = Context.key("specula-authenticated-client");

    /** The header in which the router's HTTP API tells its in-process GenerationService who the client is. */
    public static final Metadata.Key<String> FORWARDED =
            Metadata.Key.of("specula-forwarded-client", Metadata.ASCII_STRING_MARSHALLER);

    private ClientIdentity() {
    }

    /**
     * An interceptor that believes {@link #FORWARDED}: the client it names becomes the call's
     * {@link #AUTHENTICATED} client. Only for a transport no outside client reaches (the router's in-process link
     * from its HTTP API); on a public port it would let a client pick the name its limits are counted under.
     */
    public static ServerInterceptor trustForwarded() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                              ServerCallHandler<Q, R> next) {
                String forwarded = headers.get(FORWARDED);
                return forwarded == null ? next.startCall(call, headers)
                        : Contexts.interceptCall(Context.current().withValue(AUTHENTICATED, forwarded), call, headers, next);
            }
        };
    }

    /** The client of {@code call}: its {@link #AUTHENTICATED} client, else the peer's IP address. */
    static String of(ServerCall<?, ?> call) {
        String authenticated = AUTHENTICATED.get();
        return authenticated != null ? authenticated : address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    }

    /** A peer's IP address without its port (each connection has its own port), or the address as text. */
    public static String address(SocketAddress peer) {
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(peer);
    }
}
