package dev.specula.train.data;

/** Which side of the held-out split a document is on. */
public enum CorpusSplit {

    /** Documents a model may be trained on (tokenizer, target, drafters). */
    TRAIN,

    /** Whole documents never trained on, for evaluation: perplexity, acceptance rates, compression. */
    HELD_OUT
}
