package dev.specula.verifier;

import dev.specula.proto.v1.DescribeModelRequest;
import dev.specula.proto.v1.DescribeModelResponse;
import dev.specula.verifier.testing.TestTargets;
import dev.specula.verifier.testing.VerifierHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** DescribeModel tells the router what it needs to render chat: the model's name, context and special tokens. */
class DescribeModelTest {

    @TempDir
    Path dir;

    @Test
    void describeModel_modelWithoutChatTemplate_namesModelContextAndSpecialTokens() {
        Path model = TestTargets.tiny(dir, 3);
        try (VerifierHarness harness = new VerifierHarness(VerifierConfig.builder(model).modelName("tiny").build())) {
            DescribeModelResponse description = harness.stub().describeModel(DescribeModelRequest.getDefaultInstance());
            assertThat(description.getModelName()).isEqualTo("tiny");
            assertThat(description.getContextLength()).isEqualTo(TestTargets.TINY.contextLength());
            assertThat(description.hasChatTemplate()).isFalse();
            assertThat(description.hasBosToken()).isTrue();
            assertThat(description.hasEosToken()).isTrue();
        }
    }
}
