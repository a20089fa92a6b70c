package dev.specula.cli;

import dev.specula.drafter.DrafterConfig;
import dev.specula.drafter.DrafterServer;
import dev.specula.router.config.RouterConfig;
import dev.specula.router.RouterServer;
import dev.specula.verifier.VerifierConfig;
import dev.specula.verifier.VerifierServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/** The three services of the mesh, each started from its configuration file. */
public enum Role {
    DRAFTER, VERIFIER, ROUTER;

    /** A started service. */
    public interface Running extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    /** The role's name on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line role name. */
    public static Role of(String name) {
        for (Role role : values()) {
            if (role.cliName().equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException("role: '" + name + "' (expected: router, verifier or drafter)");
    }

    /** Loads {@code config} and starts the service on the port it names, on loopback when {@code loopback}. */
    public Running start(Path config, boolean loopback) throws IOException {
        return switch (this) {
            case DRAFTER -> {
                DrafterConfig c = DrafterConfig.load(config);
                DrafterServer server = DrafterServer.onAddress(c, address(c.port(), loopback));
                server.start();
                yield running(server::port, server::close);
            }
            case VERIFIER -> {
                VerifierConfig c = VerifierConfig.load(config);
                VerifierServer server = VerifierServer.onAddress(c, address(c.port(), loopback));
                server.start();
                yield running(server::port, server::close);
            }
            case ROUTER -> {
                RouterConfig c = RouterConfig.load(config);
                RouterServer server = RouterServer.onAddress(c, address(c.port(), loopback));
                server.start();
                yield running(server::port, server::close);
            }
        };
    }

    private static InetSocketAddress address(int port, boolean loopback) {
        return loopback ? new InetSocketAddress("127.0.0.1", port) : new InetSocketAddress(port);
    }

    private static Running running(java.util.function.IntSupplier port, Runnable close) {
        return new Running() {
            @Override
            public int port() {
                return port.getAsInt();
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }
}
