package dev.specula.verifier;

import java.io.IOException;
import java.nio.file.Path;

/** Runs a verifier from a YAML configuration file: {@code VerifierMain verifier.yaml}. */
public final class VerifierMain {

    private VerifierMain() {
    }

    /** Loads the configuration named by the only argument, serves until the process is stopped. */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: VerifierMain <verifier.yaml>");
            System.exit(2);
        }
        VerifierConfig config = VerifierConfig.load(Path.of(args[0]));
        VerifierServer server = VerifierServer.onPort(config).start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(server::close));
        server.awaitTermination();
    }
}
