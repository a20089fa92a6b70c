package dev.specula.rpc.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.util.Optional;

/**
 * Lets a call through only with a valid {@code authorization: Bearer TOKEN} header, and records the client it
 * names ({@link ClientIdentity#AUTHENTICATED}); otherwise the call ends UNAUTHENTICATED with a message that says
 * what is expected and nothing of what was sent. Installed on the public service only, so health checks and
 * reflection stay open to probes.
 */
public final class BearerAuthInterceptor implements ServerInterceptor {

    /** The header a client sends its token in. */
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** What a refused client is told: the same whether the token was missing, malformed or unknown. */
    public static final String REFUSED = "missing or invalid bearer token (expected: header authorization: Bearer <token>)";

    private final BearerTokens tokens;

    public BearerAuthInterceptor(BearerTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        Optional<String> client = tokens.clientOf(headers.get(AUTHORIZATION));
        if (client.isEmpty()) {
            call.close(Status.UNAUTHENTICATED.withDescription(REFUSED), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(ClientIdentity.AUTHENTICATED, client.get()), call,
                headers, next);
    }
}
