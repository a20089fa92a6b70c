/**
 * The OpenAI-compatible HTTP API ({@code /v1/models}, {@code /v1/completions}, {@code /v1/chat/completions},
 * {@code /health}) on top of the router's own GenerationService, called in process.
 */
package dev.specula.router.http;
