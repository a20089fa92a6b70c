package dev.specula.router.http;

import dev.specula.rpc.security.BearerAuthInterceptor;
import dev.specula.rpc.security.BearerTokens;
import dev.specula.rpc.security.ClientIdentity;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/**
 * Who an HTTP request comes from, and whether it may come in: with the router's {@code auth.tokensFile}, only
 * requests whose {@code Authorization: Bearer TOKEN} names a token of that file (the same {@link BearerTokens} the
 * gRPC port checks, so a reload reaches both APIs); the client is the token's name, else the peer's IP address,
 * as on gRPC, so that per-client limits count the same client under the same name on both APIs.
 */
final class HttpClients {

    /** The refusal: 401 with OpenAI's code for a bad key, saying nothing of what was sent. */
    static final ApiError UNAUTHENTICATED = new ApiError(401, BearerAuthInterceptor.REFUSED, "invalid_request_error",
            null, "invalid_api_key");

    private final BearerTokens tokens; // null: no authentication

    /** @param tokens the accepted tokens; null lets every request in */
    HttpClients(BearerTokens tokens) {
        this.tokens = tokens;
    }

    /**
     * The client {@code req} comes from.
     *
     * @throws ApiException {@link #UNAUTHENTICATED} when tokens are required and its header names none of them
     */
    String clientOf(ServerRequest req) {
        String address = ClientIdentity.address(req.remotePeer().address());
        if (tokens == null) {
            return address;
        }
        Optional<String> authorization = req.headers().first(io.helidon.http.HeaderNames.AUTHORIZATION);
        return tokens.clientOf(authorization.orElse(null)).orElseThrow(() -> new ApiException(UNAUTHENTICATED));
    }
}
