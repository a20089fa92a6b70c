package dev.specula.verifier.session;

import com.google.protobuf.ByteString;
import dev.specula.engine.batch.ForwardBatcher;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.rpc.ServerHealth;
import dev.specula.telemetry.Telemetry;
import dev.specula.verifier.draftlength.ForwardTimings;
import dev.specula.verifier.drafter.DrafterPool;

import java.util.Objects;

/**
 * What every session of one verifier shares.
 *
 * @param verifierId           this verifier's id, for summaries
 * @param modelName            the target model's name, for summaries
 * @param model                the target model
 * @param tokenizer            its tokenizer
 * @param fingerprint          its vocabulary fingerprint, sent to drafters
 * @param tokenDigests         its vocabulary token by token ({@code VocabularyFingerprint.tokenDigests}), sent to
 *                             drafters whose fingerprint differs so that they can compare on the ids both have
 * @param batcher              runs every forward pass of every session
 * @param drafters             channels and circuit breakers of the drafters
 * @param timings              measured forward-pass times, for the draft-length policy
 * @param blockDeadlineMs      how long a session waits for a valid block before it decodes plainly
 * @param drafterOpenTimeoutMs how long a session waits for a drafter's ready
 * @param health               the server's health, told when a forward pass fails
 * @param telemetry            where spans go, and the drafter channels' trace propagation
 * @param metrics              the verifier's metrics
 */
public record SessionResources(String verifierId, String modelName, Transformer model, Tokenizer tokenizer,
                               String fingerprint, ByteString tokenDigests, ForwardBatcher batcher, DrafterPool drafters,
                               ForwardTimings timings, long blockDeadlineMs, long drafterOpenTimeoutMs,
                               ServerHealth health, Telemetry telemetry, VerifierMetrics metrics) {

    public SessionResources {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(tokenDigests, "tokenDigests");
        Objects.requireNonNull(batcher, "batcher");
        Objects.requireNonNull(drafters, "drafters");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(telemetry, "telemetry");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** The target's context length. */
    public int context() {
        return model.config().contextLength();
    }
}
