package dev.specula.drafter;

import java.io.IOException;
import java.nio.file.Path;

/** Runs a drafter process: {@code DrafterMain <config.yaml>} (see {@link DrafterConfig} for the format). */
public final class DrafterMain {

    private DrafterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: DrafterMain <drafter config .yaml>");
            System.exit(2);
        }
        DrafterServer server;
        try {
            server = DrafterServer.create(DrafterConfig.load(Path.of(args[0]))).start();
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("drafter: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "drafter-shutdown"));
        server.awaitTermination();
    }
}
