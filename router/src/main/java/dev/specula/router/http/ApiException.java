package dev.specula.router.http;

/** Ends a request with {@link #error()}. */
final class ApiException extends RuntimeException {

    private final ApiError error;

    ApiException(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    ApiError error() {
        return error;
    }
}
