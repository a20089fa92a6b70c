package dev.specula.router.chat;

import dev.specula.proto.v1.DescribeModelResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatTemplatesTest {

    private static final List<Map<String, Object>> HELLO = List.of(Map.of("role", "user", "content", "hi"));

    @Test
    void of_modelFileCarriesTemplate_rendersItWithItsSpecialTokens_askedOnce() {
        AtomicInteger asked = new AtomicInteger();
        ChatTemplates templates = ChatTemplates.load(Set.of("m"), Map.of(), model -> {
            asked.incrementAndGet();
            return DescribeModelResponse.newBuilder().setModelName(model)
                    .setChatTemplate("{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}{{ eos_token }}{% endfor %}")
                    .setBosToken("<s>").setEosToken("</s>").build();
        });
        assertThat(templates.of("m").isDefault()).isFalse();
        assertThat(templates.of("m").render(HELLO, true, Map.of())).isEqualTo("<s>[user] hi</s>");
        assertThat(asked).hasValue(1);
    }

    @Test
    void of_modelFileWithoutTemplate_default() {
        ChatTemplates templates = ChatTemplates.load(Set.of("m"), Map.of(),
                model -> DescribeModelResponse.newBuilder().setModelName(model).build());
        assertThat(templates.of("m").isDefault()).isTrue();
    }

    @Test
    void of_noVerifierAnswers_statusThenAskedAgain() {
        AtomicInteger asked = new AtomicInteger();
        ChatTemplates templates = ChatTemplates.load(Set.of("m"), Map.of(), model -> {
            if (asked.incrementAndGet() == 1) {
                throw Status.UNAVAILABLE.withDescription("down").asRuntimeException();
            }
            return DescribeModelResponse.newBuilder().setModelName(model).build();
        });
        assertThatThrownBy(() -> templates.of("m")).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("down");
        assertThat(templates.of("m").isDefault()).isTrue();
        assertThat(asked).hasValue(2);
    }

    @Test
    void of_unservedModel_defaultWithoutAsking() {
        ChatTemplates templates = ChatTemplates.load(Set.of("m"), Map.of(), model -> {
            throw new AssertionError("asked for " + model);
        });
        assertThat(templates.of("other").isDefault()).isTrue();
    }
}
