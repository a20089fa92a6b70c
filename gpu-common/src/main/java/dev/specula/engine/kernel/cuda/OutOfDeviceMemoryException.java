package dev.specula.engine.kernel.cuda;

/** A model, KV cache or buffer that does not fit in the GPU's free memory; the message says how much was asked. */
public final class OutOfDeviceMemoryException extends RuntimeException {

    OutOfDeviceMemoryException(String message) {
        super(message);
    }
}
