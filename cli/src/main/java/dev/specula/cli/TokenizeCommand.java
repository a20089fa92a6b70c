package dev.specula.cli;

import dev.specula.engine.gguf.GgufFile;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.engine.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code specula tokenize}: the token ids of a text under a GGUF file's tokenizer, as llama.cpp's
 * {@code llama-tokenize --ids} gives them (BOS and EOS as the file asks, special tokens in the text parsed).
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of TEXT under a GGUF file's tokenizer, space-separated on one line.")
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true,
            description = "GGUF v3 file with a tokenizer (tokenizer.ggml.*); a vocabulary-only file will do.")
    Path model;

    @Option(names = "--no-bos",
            description = "Add no BOS or EOS, even where the file's add_bos_token / add_eos_token asks for them.")
    boolean noBos;

    @Option(names = "--no-parse-special",
            description = "Encode control tokens written in the text (e.g. <|begin_of_text|>) as plain text.")
    boolean noParseSpecial;

    @Parameters(index = "0", paramLabel = "TEXT", description = "The text to tokenize.")
    String text;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(model)) {
            tokenizer = Tokenizers.fromGguf(file.metadata(), file.path());
        }
        int[] ids = tokenizer.encode(text, !noBos, !noParseSpecial);
        PrintWriter out = spec.commandLine().getOut();
        out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
        out.flush();
        return 0;
    }
}
