package dev.specula.engine.model;

import dev.specula.engine.gguf.GgufFile;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufExportTest {

    @TempDir
    Path dir;

    @Test
    void writeFirstLayers_oneOfTwo_keepsBlockZeroAndSharedTensorsOnly() throws Exception {
        try (ModelFile full = TinyModels.write(dir, GgmlType.F32, 21)) {
            Path out = dir.resolve("cut.gguf");
            GgufExport.writeFirstLayers(full, 1, GgmlType.F32, out);
            try (ModelFile cut = ModelFile.open(out, null)) {
                assertThat(cut.config().layers()).isEqualTo(1);
                assertThat(cut.tensors().keySet()).noneMatch(name -> name.startsWith("blk.1."))
                        .contains("blk.0.attn_q.weight", "token_embd.weight", "output_norm.weight");
                assertThat(cut.tokenizer().vocabSize()).isEqualTo(full.tokenizer().vocabSize());
                assertThat(cut.tensors().get("blk.0.ffn_down.weight").data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                        .isEqualTo(full.tensors().get("blk.0.ffn_down.weight").data()
                                .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                try (InferenceSession session = cut.load(new NaiveBackend()).newSession()) {
                    assertThat(session.forwardLast(new int[] {1, 5, 9})).hasSize(full.config().vocabSize());
                }
            }
        }
    }

    @Test
    void write_modelWithBosTokenizer_storesAddBosTokenSoLlamaCppPrependsBos() throws Exception {
        try (ModelFile model = TinyModels.write(dir, GgmlType.F32, 23)) {
            Path out = dir.resolve("exported.gguf");
            GgufExport.write(model, GgmlType.F32, out);
            try (GgufFile file = GgufFile.open(out)) {
                assertThat(file.metadata().getBoolean("tokenizer.ggml.add_bos_token")).isTrue();
                assertThat(file.metadata().getBoolean("tokenizer.ggml.add_eos_token")).isFalse();
            }
            try (ModelFile reopened = ModelFile.open(out, null)) {
                assertThat(reopened.tokenizer().addsBos()).isTrue();
                assertThat(reopened.tokenizer().encode("hi", true, false)[0]).isEqualTo(reopened.tokenizer().bosId());
            }
        }
    }

    @Test
    void writeFirstLayers_allLayersF32_givesIdenticalLogits() throws Exception {
        try (ModelFile full = TinyModels.write(dir, GgmlType.F32, 22)) {
            Path out = dir.resolve("copy.gguf");
            GgufExport.writeFirstLayers(full, 2, GgmlType.F32, out);
            try (ModelFile copy = ModelFile.open(out, null);
                 InferenceSession a = full.load(new NaiveBackend()).newSession();
                 InferenceSession b = copy.load(new NaiveBackend()).newSession()) {
                assertThat(b.forwardLast(new int[] {1, 5, 9})).containsExactly(a.forwardLast(new int[] {1, 5, 9}));
            }
        }
    }

    @Test
    void writeFirstLayers_moreThanTheModelHas_namesTheParameter() throws Exception {
        try (ModelFile full = TinyModels.write(dir, GgmlType.F32, 23)) {
            assertThatThrownBy(() -> GgufExport.writeFirstLayers(full, 3, GgmlType.F32, dir.resolve("x.gguf")))
                    .hasMessage("layers: 3 (expected: 1..2)");
        }
    }
}
