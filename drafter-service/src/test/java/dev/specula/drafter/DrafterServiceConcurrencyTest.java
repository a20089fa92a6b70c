package dev.specula.drafter;

import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.Sampling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.specula.drafter.DrafterHarness.openFor;
import static org.assertj.core.api.Assertions.assertThat;

/** Concurrent sessions share forward passes and still each get exactly the blocks they get alone. */
class DrafterServiceConcurrencyTest {

    private static final int SESSIONS = 8;
    private static final int STEPS = 12;

    @TempDir
    Path dir;

    private static OpenDraft open(int session) {
        int[] prompt = {1, 3 + session, 40 + 3 * session, 7, 100 + session};
        OpenDraft.Builder open = openFor(prompt, 3 + session % 3, session % 2 == 0);
        if (session % 4 == 3) {
            open.setSampling(Sampling.newBuilder().setTemperature(0.8f).setTopK(40).setSeed(session));
        }
        return open.build();
    }

    private static List<DraftBlock> play(DrafterHarness drafter, int session) throws InterruptedException {
        OpenDraft open = open(session);
        ProposeStream s = drafter.open(open);
        s.ready();
        int[] prompt = open.getTokensList().stream().mapToInt(Integer::intValue).toArray();
        ScriptedVerifier verifier = new ScriptedVerifier(s, prompt)
                .run(STEPS, open.getDraftLength(), ScriptedVerifier.alternating(TestModels.CONFIG.vocabSize()));
        s.halfClose();
        s.awaitCompleted();
        return verifier.verifiedWithoutTimings();
    }

    @Test
    void propose_eightConcurrentSessions_eachGetsItsSoloBlocksAndPassesAreShared() throws Exception {
        Path model = TestModels.write(dir, 14);
        try (DrafterHarness drafter = new DrafterHarness(DrafterConfig.builder().backend("naive").maxSessions(SESSIONS)
                .model(DrafterConfig.ModelSpec.of("tiny", model)).build())) {
            List<List<DraftBlock>> solo = new ArrayList<>();
            for (int s = 0; s < SESSIONS; s++) {
                solo.add(play(drafter, s));
            }
            long passesBefore = drafter.service().forwardPasses();
            long requestsBefore = drafter.service().forwardRequests();

            List<Future<List<DraftBlock>>> runs = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(SESSIONS)) {
                for (int s = 0; s < SESSIONS; s++) {
                    int session = s;
                    runs.add(pool.submit(() -> play(drafter, session)));
                }
                for (int s = 0; s < SESSIONS; s++) {
                    assertThat(runs.get(s).get()).as("session %d", s).isEqualTo(solo.get(s));
                }
            }
            long passes = drafter.service().forwardPasses() - passesBefore;
            long requests = drafter.service().forwardRequests() - requestsBefore;
            assertThat(requests).isGreaterThan((long) SESSIONS * STEPS);
            assertThat(passes).as("passes for %d requests", requests).isLessThan(requests);
            DrafterHarness.awaitTrue(() -> drafter.service().openSessions() == 0, "every session ended");
        }
    }
}
