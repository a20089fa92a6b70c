package dev.specula.rpc;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Answers a request whose bytes do not parse as the method's request message with INVALID_ARGUMENT, for every
 * method of a service. grpc-java parses requests in its transport listener, before any interceptor's listener
 * sees them, and turns a parse failure into UNKNOWN ("Application error processing RPC") with a stack trace in
 * the log. Here every method takes the request's raw bytes instead and parses them in its own listener, which
 * can close the call with the right status and log one line.
 */
final class UnparseableRequests {

    private static final Logger LOG = Logger.getLogger(UnparseableRequests.class.getName());

    /** Passes the transport's stream through unparsed. */
    private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    private UnparseableRequests() {
    }

    /** {@code service} with every method parsing its requests as described above; its schema is kept. */
    static ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<InputStream, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<InputStream, ?> guarded = guard(method);
            descriptor.addMethod(guarded.getMethodDescriptor());
            methods.add(guarded);
        }
        ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(guarded::addMethod);
        return guarded.build();
    }

    private static <Q, R> ServerMethodDefinition<InputStream, R> guard(ServerMethodDefinition<Q, R> definition) {
        MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
        ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
        return ServerMethodDefinition.create(method.toBuilder(RAW, method.getResponseMarshaller()).build(),
                (call, headers) -> new ParsingListener<>(
                        handler.startCall(new TypedCall<>(call, method), headers), call, method));
    }

    /** Parses each message; the first that does not parse closes the call, and later events are dropped. */
    private static final class ParsingListener<Q, R> extends ServerCall.Listener<InputStream> {
        private final ServerCall.Listener<Q> delegate;
        private final ServerCall<InputStream, R> call;
        private final MethodDescriptor<Q, R> method;
        private boolean refused; // only touched from the call's serialized listener callbacks

        ParsingListener(ServerCall.Listener<Q> delegate, ServerCall<InputStream, R> call, MethodDescriptor<Q, R> method) {
            this.delegate = delegate;
            this.call = call;
            this.method = method;
        }

        @Override
        public void onMessage(InputStream message) {
            if (refused) {
                return;
            }
            Q request;
            try {
                request = method.parseRequest(message);
            } catch (RuntimeException e) {
                refused = true;
                Throwable cause = e.getCause() == null ? e : e.getCause();
                String description = "request: could not be parsed as " + requestType() + " ("
                        + RequestRules.quote(String.valueOf(cause.getMessage())) + ")";
                LOG.warning(method.getFullMethodName() + " refused: " + description);
                call.close(Status.INVALID_ARGUMENT.withDescription(description), new Metadata());
                return;
            }
            delegate.onMessage(request);
        }

        private String requestType() {
            return method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> proto
                    && proto.getMessagePrototype() instanceof com.google.protobuf.Message message
                    ? message.getDescriptorForType().getFullName() : "the request message of " + method.getFullMethodName();
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                delegate.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            delegate.onCancel();
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }

        @Override
        public void onReady() {
            if (!refused) {
                delegate.onReady();
            }
        }
    }

    /** The transport's call as the service's handler expects it: typed by the original method. */
    private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<InputStream, R> call;
        private final MethodDescriptor<Q, R> method;

        TypedCall(ServerCall<InputStream, R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            call.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            call.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            call.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }
}
